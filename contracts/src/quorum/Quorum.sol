// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {
    AlreadyCommitted,
    AlreadyRevealed,
    AlreadySeated,
    AlreadySettled,
    AmountOverflow,
    BadJobBytes,
    BadParams,
    BadReveal,
    CopiedCommitment,
    JobExists,
    NoSuchJob,
    NotCommitted,
    NotEnoughCandidates,
    NotSeated,
    NotSelected,
    QuorumEmpty,
    WrongPhase
} from "../lib/Errors.sol";
import {Registry} from "../jobs/Registry.sol";
import {Staking} from "../staking/Staking.sol";
import {LibQuorum} from "./LibQuorum.sol";

/// quorum:n on chain (DESIGN §1): post a job with n × reward escrowed, seat n staked nodes
/// by quorum::select_quorum in a later block, commit, reveal, and settle with
/// quorum::settle_round's integer arithmetic. The same rules as src/quorum/round.cpp and
/// src/ledger/quorum.cpp:
///
///   post     at block t0 = block.number; nobody is seated yet
///   seat     blocks (t0, seatDeadline], seatDeadline = min(commitDeadline, t0 + 256), by
///            anyone: seed = selection_seed(job_id, blockhash(t0)), drawn over the
///            candidates free at that moment; too few left: the escrow goes back
///   commit   blocks (t0, t0 + commitBlocks]
///   reveal   blocks (commitDeadline, commitDeadline + revealBlocks]
///   settle   any block after the reveal deadline, by anyone
///   cancel   any block after seatDeadline of a job nobody seated, by anyone: the escrow
///            goes back (cancelUnseated)
///
/// The beacon is the post block's hash, as MemoryLedger's: the client cannot know it when
/// it sends the job. The EVM gives it from block t0 + 1 on and for 256 blocks only, hence
/// the second transaction and the cap on seatDeadline. The producer of block t0 can still
/// steer it (docs/contracts.md).
contract Quorum is Registry, Staking {
    uint64 public immutable commitBlocks;
    uint64 public immutable revealBlocks;
    uint32 public immutable slashBps;
    uint32 public immutable majorityShareBps;

    uint32 internal constant BPS = 10000;
    /// blockhash(b) is non-zero only for b in [block.number - 256, block.number).
    uint64 internal constant BLOCKHASH_WINDOW = 256;

    enum Outcome {
        agreed,
        dissented,
        notRevealed,
        notCommitted,
        noMajority
    }

    /// Why a job was refunded without a round.
    enum Unseated {
        tooFewCandidates, // seatQuorumJob found fewer than n free candidates
        notSeatedInTime // nobody called seatQuorumJob by the seating deadline
    }

    struct Seat {
        address node;
        uint64 stake; // the round's snapshot; bonded until settlement (seatOf)
        bool committed;
        bool revealed;
        bytes32 commitment;
        bytes32 outputHash;
    }

    struct QuorumJob {
        address client;
        uint32 n;
        bool settled; // a round paid out, or the escrow refunded without one
        uint64 rewardPerNode;
        uint64 escrow;
        uint64 openedAt; // the post's block; every phase counts from it
        uint64 commitDeadline;
        uint64 revealDeadline;
        uint64 totalStake;
        uint64 drawnAt; // the block of the seatQuorumJob call; zero: not called yet
        bytes32 seed; // zero until drawn
        bytes32 outputHash; // the winner, after settlement (zero: no majority)
    }

    mapping(bytes32 => QuorumJob) internal jobs;
    mapping(bytes32 => Seat[]) internal seats;

    event QuorumJobPosted(
        bytes32 indexed jobId, address indexed client, uint256 n, uint256 escrow, uint256 seatDeadline
    );
    event QuorumSeated(bytes32 indexed jobId, address indexed node, uint256 stake, uint256 seat, bytes32 seed);
    event QuorumJobRefunded(
        bytes32 indexed jobId, address indexed client, uint256 refund, Unseated reason, uint256 candidates
    );
    event QuorumCommitted(bytes32 indexed jobId, address indexed node, bytes32 commitment);
    event QuorumRevealed(bytes32 indexed jobId, address indexed node, bytes32 outputHash);
    event QuorumSettled(
        bytes32 indexed jobId, bool majority, bytes32 outputHash, uint256 winningStake, uint256 refund, uint256 burned
    );
    event NodeSettled(
        bytes32 indexed jobId, address indexed node, Outcome outcome, uint256 slashed, uint256 reward, uint256 bounty
    );

    constructor(
        uint64 minStake_,
        uint64 unbondingBlocks_,
        uint64 commitBlocks_,
        uint64 revealBlocks_,
        uint32 slashBps_,
        uint32 majorityShareBps_
    ) Staking(minStake_, unbondingBlocks_) {
        // INVARIANT: as ledger::validate(Params): phases of a block or more, shares <= 100 %.
        if (commitBlocks_ == 0 || revealBlocks_ == 0) revert BadParams("a phase of zero blocks");
        if (slashBps_ > BPS || majorityShareBps_ > BPS) revert BadParams("a share over 10000 bps");
        commitBlocks = commitBlocks_;
        revealBlocks = revealBlocks_;
        slashBps = slashBps_;
        majorityShareBps = majorityShareBps_;
    }

    // ---- post, seat ----

    /// Posts `job` (model::Job canonical bytes; its id is their keccak256) for a quorum of
    /// `n`, escrowing n × rewardPerNode of the sender's balance. Nobody is seated: that is
    /// seatQuorumJob, in a later block.
    function postQuorumJob(bytes calldata job, uint32 n, uint64 rewardPerNode) external returns (bytes32 jobId) {
        // "VJOB", version 1, then the model root (model/job.cpp canonical_bytes).
        if (job.length < 37 || bytes4(job[0:4]) != bytes4("VJOB") || job[4] != 0x01) revert BadJobBytes(job.length);
        jobId = keccak256(job);
        if (jobs[jobId].client != address(0)) revert JobExists(jobId);
        requireModel(bytes32(job[5:37]));
        if (n == 0) revert QuorumEmpty();
        // INVARIANT: n free candidates now, so the draw can only fall short if stake leaves,
        // or another job is seated, before seatQuorumJob runs; then the job is refunded.
        uint256 free = freeCandidates().length;
        if (free < n) revert NotEnoughCandidates(n, free);
        uint256 escrow = uint256(n) * rewardPerNode;
        if (escrow > type(uint64).max) revert AmountOverflow(escrow);
        debit(msg.sender, uint64(escrow));
        totalEscrow += escrow;

        QuorumJob storage q = jobs[jobId];
        q.client = msg.sender;
        q.n = n;
        q.rewardPerNode = rewardPerNode;
        q.escrow = uint64(escrow);
        q.openedAt = uint64(block.number);
        q.commitDeadline = q.openedAt + commitBlocks;
        q.revealDeadline = q.commitDeadline + revealBlocks;
        emit QuorumJobPosted(jobId, msg.sender, n, escrow, seatDeadline(q));
    }

    /// Draws job `jobId`'s quorum from the hash of its post's block; anyone may call it, once,
    /// in a block of (openedAt, seatDeadline]. If fewer than n candidates are free by then,
    /// the whole escrow goes back to the client and the job is settled without a round.
    function seatQuorumJob(bytes32 jobId) external {
        QuorumJob storage q = unsettled(jobId);
        if (q.drawnAt != 0) revert AlreadySeated(jobId, q.drawnAt);
        uint64 last = seatDeadline(q);
        // INVARIANT: openedAt < block.number <= openedAt + 256, so blockhash(openedAt) is the
        // post block's hash, never the zero the EVM gives outside that window.
        if (block.number <= q.openedAt || block.number > last) revert WrongPhase(block.number, q.openedAt, last);
        bytes32 seed = LibQuorum.selectionSeed(jobId, blockhash(q.openedAt));
        q.drawnAt = uint64(block.number);
        q.seed = seed;

        LibQuorum.Candidate[] memory c = freeCandidates();
        uint32 n = q.n;
        if (c.length < n) {
            refundUnseated(jobId, q, Unseated.tooFewCandidates, c.length);
            return;
        }
        LibQuorum.Candidate[] memory picked = LibQuorum.select(seed, c, n);
        uint64 total = 0;
        Seat[] storage ss = seats[jobId];
        for (uint256 i = 0; i < n; ++i) {
            LibQuorum.Candidate memory p = picked[i];
            total += p.stake; // <= deposited < 2^64
            ss.push(Seat(p.node, p.stake, false, false, bytes32(0), bytes32(0)));
            seatOf[p.node] = jobId;
            emit QuorumSeated(jobId, p.node, p.stake, i, seed);
        }
        q.totalStake = total;
    }

    /// Refunds the client of a job nobody seated by its seating deadline; anyone may call it
    /// in any later block.
    function cancelUnseated(bytes32 jobId) external {
        QuorumJob storage q = unsettled(jobId);
        if (q.drawnAt != 0) revert AlreadySeated(jobId, q.drawnAt);
        uint64 last = seatDeadline(q);
        if (block.number <= last) revert WrongPhase(block.number, last, type(uint256).max);
        refundUnseated(jobId, q, Unseated.notSeatedInTime, 0);
    }

    // ---- commit, reveal ----

    /// The sender's commitment (quorum::output_commitment) for job `jobId`.
    function commit(bytes32 jobId, bytes32 commitment) external {
        QuorumJob storage q = seated(jobId);
        Seat[] storage ss = seats[jobId];
        Seat storage s = seatOfSender(jobId, ss);
        // INVARIANT: commits land in (openedAt, commitDeadline].
        if (block.number <= q.openedAt || block.number > q.commitDeadline) {
            revert WrongPhase(block.number, q.openedAt, q.commitDeadline);
        }
        if (s.committed) revert AlreadyCommitted(msg.sender);
        for (uint256 i = 0; i < ss.length; ++i) {
            if (ss[i].committed && ss[i].commitment == commitment) revert CopiedCommitment(ss[i].node);
        }
        s.committed = true;
        s.commitment = commitment;
        emit QuorumCommitted(jobId, msg.sender, commitment);
    }

    /// Opens the sender's commitment with (outputHash, salt).
    function reveal(bytes32 jobId, bytes32 outputHash, bytes32 salt) external {
        QuorumJob storage q = seated(jobId);
        Seat storage s = seatOfSender(jobId, seats[jobId]);
        // INVARIANT: no output is public while a commit can still land.
        if (block.number <= q.commitDeadline || block.number > q.revealDeadline) {
            revert WrongPhase(block.number, q.commitDeadline, q.revealDeadline);
        }
        if (!s.committed) revert NotCommitted(msg.sender);
        if (s.revealed) revert AlreadyRevealed(msg.sender);
        if (LibQuorum.outputCommitment(jobId, outputHash, salt, msg.sender) != s.commitment) {
            revert BadReveal(msg.sender);
        }
        s.revealed = true;
        s.outputHash = outputHash;
        emit QuorumRevealed(jobId, msg.sender, outputHash);
    }

    // ---- settle ----

    /// Tallies the round (quorum::Round::tally) and pays it out (quorum::settle_round).
    function settle(bytes32 jobId) external {
        QuorumJob storage q = seated(jobId);
        if (block.number <= q.revealDeadline) revert WrongPhase(block.number, q.revealDeadline, type(uint256).max);
        Seat[] storage ss = seats[jobId];
        uint256 n = ss.length;
        Seat[] memory m = new Seat[](n);
        for (uint256 i = 0; i < n; ++i) {
            m[i] = ss[i];
        }
        // Tally: the stake behind each revealed output; the first output with the largest
        // strictly wins the scan, as in round.cpp.
        uint64 winning = 0;
        bytes32 output;
        for (uint256 i = 0; i < n; ++i) {
            if (!m[i].revealed) continue;
            uint64 behind = 0;
            for (uint256 j = 0; j < n; ++j) {
                if (m[j].revealed && m[j].outputHash == m[i].outputHash) behind += m[j].stake;
            }
            if (behind > winning) {
                winning = behind;
                output = m[i].outputHash;
            }
        }
        uint64 total = q.totalStake;
        bool majority = winning > total - winning; // strict majority of the whole quorum
        if (!majority) output = bytes32(0);

        // Payout (payout.cpp): rewards to the agreeing, slashes of dissenters and
        // non-revealers, a bounty pool split by stake, the rest burned.
        Outcome[] memory outcome = new Outcome[](n);
        uint64[] memory slashed = new uint64[](n);
        uint64 refund = q.escrow;
        uint64 slashedTotal = 0;
        uint64 agreeing = 0;
        for (uint256 i = 0; i < n; ++i) {
            Outcome o;
            if (!m[i].committed) o = Outcome.notCommitted;
            else if (!m[i].revealed) o = Outcome.notRevealed;
            else if (!majority) o = Outcome.noMajority;
            else o = m[i].outputHash == output ? Outcome.agreed : Outcome.dissented;
            outcome[i] = o;
            if (o == Outcome.dissented || o == Outcome.notRevealed || o == Outcome.notCommitted) {
                slashed[i] = uint64(uint256(m[i].stake) * slashBps / BPS);
                slashedTotal += slashed[i];
            }
            if (o == Outcome.agreed) {
                refund -= q.rewardPerNode;
                agreeing += m[i].stake;
            }
        }
        uint64 pool = majority ? uint64(uint256(slashedTotal) * majorityShareBps / BPS) : 0;
        uint64 bountyTotal = 0;
        for (uint256 i = 0; i < n; ++i) {
            address node = m[i].node;
            uint64 reward = 0;
            uint64 bounty = 0;
            if (outcome[i] == Outcome.agreed) {
                reward = q.rewardPerNode;
                // INVARIANT: Σ floor(pool × stake_i / agreeing) <= pool.
                bounty = uint64(uint256(pool) * m[i].stake / agreeing);
                bountyTotal += bounty;
            }
            if (slashed[i] != 0) {
                // INVARIANT: a seated node could not unbond, so its stake covers the snapshot.
                accounts[node].stake -= slashed[i];
                totalStake -= slashed[i];
            }
            if (reward + bounty != 0) credit(node, reward + bounty);
            delete seatOf[node];
            emit NodeSettled(jobId, node, outcome[i], slashed[i], reward, bounty);
        }
        uint64 burn = slashedTotal - bountyTotal;
        // Bounties came out of the slashed stake, rewards and the refund out of the escrow.
        if (refund != 0) credit(q.client, refund);
        totalEscrow -= q.escrow;
        burned += burn;
        q.escrow = 0;
        q.settled = true;
        q.outputHash = output;
        emit QuorumSettled(jobId, majority, output, winning, refund, burn);
    }

    // ---- views ----

    function quorumJob(bytes32 jobId) external view returns (QuorumJob memory) {
        return jobs[jobId];
    }

    /// The last block in which seatQuorumJob can seat job `jobId` (zero: no such job).
    function seatingDeadline(bytes32 jobId) external view returns (uint256) {
        QuorumJob storage q = jobs[jobId];
        return q.client == address(0) ? 0 : seatDeadline(q);
    }

    function seatCount(bytes32 jobId) external view returns (uint256) {
        return seats[jobId].length;
    }

    function seat(bytes32 jobId, uint256 i) external view returns (Seat memory) {
        return seats[jobId][i];
    }

    // ---- internal ----

    function unsettled(bytes32 jobId) internal view returns (QuorumJob storage q) {
        q = jobs[jobId];
        if (q.client == address(0)) revert NoSuchJob(jobId);
        if (q.settled) revert AlreadySettled(jobId);
    }

    /// An unsettled job whose quorum is seated.
    function seated(bytes32 jobId) internal view returns (QuorumJob storage q) {
        q = unsettled(jobId);
        // INVARIANT: a drawn, unsettled job has its n seats (a short draw settles the job).
        if (q.drawnAt == 0) revert NotSeated(jobId, q.openedAt);
    }

    /// min(commitDeadline, openedAt + 256): after the commit deadline a seated node could not
    /// commit, and past 256 blocks the EVM no longer gives the post block's hash.
    function seatDeadline(QuorumJob storage q) internal view returns (uint64) {
        uint64 hashable = q.openedAt + BLOCKHASH_WINDOW;
        return q.commitDeadline < hashable ? q.commitDeadline : hashable;
    }

    /// The candidates (MemoryLedger::candidates): every keyed node with stake >= minStake
    /// that sits in no unsettled round, in registration order.
    function freeCandidates() internal view returns (LibQuorum.Candidate[] memory c) {
        c = new LibQuorum.Candidate[](nodes.length);
        uint256 k = 0;
        for (uint256 i = 0; i < nodes.length; ++i) {
            address a = nodes[i];
            uint64 s = accounts[a].stake;
            if (s > 0 && s >= minStake && seatOf[a] == bytes32(0)) c[k++] = LibQuorum.Candidate(a, s);
        }
        assembly ("memory-safe") {
            mstore(c, k)
        }
    }

    /// The whole escrow back to the client; the job is settled with no round and no tally.
    function refundUnseated(bytes32 jobId, QuorumJob storage q, Unseated reason, uint256 candidates) internal {
        uint64 escrow = q.escrow;
        if (escrow != 0) credit(q.client, escrow);
        totalEscrow -= escrow;
        q.escrow = 0;
        q.settled = true;
        emit QuorumJobRefunded(jobId, q.client, escrow, reason, candidates);
    }

    function seatOfSender(bytes32 jobId, Seat[] storage ss) internal view returns (Seat storage) {
        for (uint256 i = 0; i < ss.length; ++i) {
            if (ss[i].node == msg.sender) return ss[i];
        }
        revert NotSelected(jobId, msg.sender);
    }
}
