// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {
    AlreadyCommitted,
    AlreadyRevealed,
    AlreadySettled,
    AmountOverflow,
    BadJobBytes,
    BadParams,
    BadReveal,
    CopiedCommitment,
    JobExists,
    NoSuchJob,
    NotCommitted,
    NotSelected,
    QuorumEmpty,
    WrongPhase
} from "../lib/Errors.sol";
import {Registry} from "../jobs/Registry.sol";
import {Staking} from "../staking/Staking.sol";
import {LibQuorum} from "./LibQuorum.sol";

/// quorum:n on chain (DESIGN §1): post a job with n × reward escrowed, seat n staked nodes
/// by quorum::select_quorum, commit, reveal, and settle with quorum::settle_round's
/// integer arithmetic. The same rules as src/quorum/round.cpp and src/ledger/quorum.cpp:
///
///   post     at block t0 = block.number; seed = selection_seed(job_id, blockhash(t0 - 1))
///   commit   blocks (t0, t0 + commitBlocks]
///   reveal   blocks (commitDeadline, commitDeadline + revealBlocks]
///   settle   any block after the reveal deadline, by anyone
///
/// The beacon is the parent block's hash: blockhash(block.number) is zero on the EVM (the
/// current block has no hash yet), and the parent's is the newest one a transaction can
/// read. The proposer of block t0 - 1 could steer it (docs/contracts.md).
contract Quorum is Registry, Staking {
    uint64 public immutable commitBlocks;
    uint64 public immutable revealBlocks;
    uint32 public immutable slashBps;
    uint32 public immutable majorityShareBps;

    uint32 internal constant BPS = 10000;

    enum Outcome {
        agreed,
        dissented,
        notRevealed,
        notCommitted,
        noMajority
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
        bool settled;
        uint64 rewardPerNode;
        uint64 escrow;
        uint64 openedAt;
        uint64 commitDeadline;
        uint64 revealDeadline;
        uint64 totalStake;
        bytes32 seed;
        bytes32 outputHash; // the winner, after settlement (zero: no majority)
    }

    mapping(bytes32 => QuorumJob) internal jobs;
    mapping(bytes32 => Seat[]) internal seats;

    event QuorumJobPosted(bytes32 indexed jobId, address indexed client, uint256 escrow, bytes32 seed);
    event QuorumSeated(bytes32 indexed jobId, address indexed node, uint256 stake, uint256 seat);
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

    // ---- post ----

    /// Posts `job` (model::Job canonical bytes; its id is their keccak256) for a quorum of
    /// `n`, escrowing n × rewardPerNode of the sender's balance, and seats the quorum.
    function postQuorumJob(bytes calldata job, uint32 n, uint64 rewardPerNode) external returns (bytes32 jobId) {
        // "VJOB", version 1, then the model root (model/job.cpp canonical_bytes).
        if (job.length < 37 || bytes4(job[0:4]) != bytes4("VJOB") || job[4] != 0x01) revert BadJobBytes(job.length);
        jobId = keccak256(job);
        if (jobs[jobId].client != address(0)) revert JobExists(jobId);
        requireModel(bytes32(job[5:37]));
        if (n == 0) revert QuorumEmpty();
        uint256 escrow = uint256(n) * rewardPerNode;
        if (escrow > type(uint64).max) revert AmountOverflow(escrow);
        debit(msg.sender, uint64(escrow));
        totalEscrow += escrow;

        // The candidates: every keyed node with stake >= minStake not seated elsewhere
        // (MemoryLedger::candidates).
        LibQuorum.Candidate[] memory c = new LibQuorum.Candidate[](nodes.length);
        uint256 k = 0;
        for (uint256 i = 0; i < nodes.length; ++i) {
            address a = nodes[i];
            uint64 s = accounts[a].stake;
            if (s > 0 && s >= minStake && seatOf[a] == bytes32(0)) c[k++] = LibQuorum.Candidate(a, s);
        }
        assembly ("memory-safe") {
            mstore(c, k)
        }
        bytes32 seed = LibQuorum.selectionSeed(jobId, blockhash(block.number - 1));
        LibQuorum.Candidate[] memory picked = LibQuorum.select(seed, c, n);

        QuorumJob storage q = jobs[jobId];
        q.client = msg.sender;
        q.n = n;
        q.rewardPerNode = rewardPerNode;
        q.escrow = uint64(escrow);
        q.openedAt = uint64(block.number);
        q.commitDeadline = q.openedAt + commitBlocks;
        q.revealDeadline = q.commitDeadline + revealBlocks;
        q.seed = seed;
        emit QuorumJobPosted(jobId, msg.sender, escrow, seed);
        uint64 total = 0;
        Seat[] storage ss = seats[jobId];
        for (uint256 i = 0; i < n; ++i) {
            LibQuorum.Candidate memory p = picked[i];
            total += p.stake; // <= deposited < 2^64
            ss.push(Seat(p.node, p.stake, false, false, bytes32(0), bytes32(0)));
            seatOf[p.node] = jobId;
            emit QuorumSeated(jobId, p.node, p.stake, i);
        }
        q.totalStake = total;
    }

    // ---- commit, reveal ----

    /// The sender's commitment (quorum::output_commitment) for job `jobId`.
    function commit(bytes32 jobId, bytes32 commitment) external {
        QuorumJob storage q = unsettled(jobId);
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
        QuorumJob storage q = unsettled(jobId);
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
        QuorumJob storage q = unsettled(jobId);
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

    function seatOfSender(bytes32 jobId, Seat[] storage ss) internal view returns (Seat storage) {
        for (uint256 i = 0; i < ss.length; ++i) {
            if (ss[i].node == msg.sender) return ss[i];
        }
        revert NotSelected(jobId, msg.sender);
    }
}
