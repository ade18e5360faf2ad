// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Every custom error of the vinfer contracts (STYLE.md "Contracts"). Each names what failed,
// with the values a node needs to say so in its own error message.

/// A Merkle proof has the wrong number of siblings for its tree.
error MerkleSiblingCount(uint256 given, uint256 needed);
/// A leaf range [first, first + count) is empty or does not lie inside a tree of `leafCount` leaves.
error MerkleRangeOutOfTree(uint256 first, uint256 count, uint256 leafCount);

/// A dtype byte is not i8 (1), i32 (2) or i64 (3).
error TensorBadDtype(uint8 dtype);
/// A tensor shape has more than 2^32 chunks.
error TensorTooManyChunks(uint256 chunks);
/// An element range [begin, end) is empty or past the tensor's `elements`.
error TensorRangeOutOfBounds(uint256 begin, uint256 end, uint256 elements);
/// A range opening carries `given` chunk bytes; the range needs `needed`.
error TensorChunkBytes(uint256 given, uint256 needed);
/// The chunks and siblings of an opening do not lead to the committed tensor root.
error TensorRootMismatch(bytes32 expected, bytes32 computed);

/// A trace opening's leaf index is not below the accumulator size.
error TraceIndexOutOfRange(uint256 index, uint256 size);
/// A trace opening has `given` peaks; an accumulator of its size has `needed`.
error TracePeakCount(uint256 given, uint256 needed);
/// A trace opening's path length is not the height of the leaf's peak.
error TracePathLength(uint256 given, uint256 needed);
/// The peaks of a trace opening do not hash to the agreed accumulator root.
error TraceRootMismatch(bytes32 expected, bytes32 computed);
/// A step root's path does not lead to its peak.
error TracePeakMismatch(uint256 index);

/// The weight tensor roots do not open against the model's weights root.
error WeightsRootMismatch(bytes32 expected, bytes32 computed);

/// A dot product is wider than the packed accumulation is exact for (65536).
error DotTooWide(uint256 n);
/// An operand value lies outside the domain of the operator (as the C++ referee rejects it).
error OperandOutOfDomain(string what, int256 value);

// ---- registry (src/ledger/registry.cpp) ----

/// A model root is registered already (at `atBlock`).
error ModelExists(bytes32 root, uint256 atBlock);
/// The four leaves [keccak(arch), arith, tokenizer, weights] give `computed`, not the root.
error ModelRootMismatch(bytes32 root, bytes32 computed);
/// No model is registered under `root`.
error ModelNotRegistered(bytes32 root);

// ---- staking (src/ledger/memory_ledger.cpp) ----

/// An amount of zero where a positive one is needed.
error ZeroAmount();
/// More than the ledger's 64-bit amounts hold (a deposit, a total, an escrow).
error AmountOverflow(uint256 amount);
/// `account`'s balance (or stake) `available` is less than `needed`.
error InsufficientFunds(address account, uint256 available, uint256 needed);
/// A stake left bonded would be `stake`, non-zero and below `minStake`.
error BelowMinStake(uint256 stake, uint256 minStake);
/// `node` sits in the quorum of unsettled job `jobId`; its stake is the job's collateral.
error StakeSeated(address node, bytes32 jobId);
/// Nothing unbonding; or nothing matured yet (the next release is at `nextRelease`).
error NothingUnbonding(address account);
error NothingMatured(uint256 nextRelease, uint256 nowBlock);
/// The all-zero X25519 key.
error ZeroKey();
/// Sending `amount` wei to `to` failed.
error TransferFailed(address to, uint256 amount);

// ---- quorum (src/quorum/round.cpp, src/ledger/quorum.cpp) ----

/// A constructor parameter outside its range (a phase of zero blocks, a share over 10000 bps).
error BadParams(string what);
/// Job bytes that are not a version-1 job (model::Job canonical bytes: "VJOB", 1, root, ...).
error BadJobBytes(uint256 length);
/// A job with this id exists already.
error JobExists(bytes32 jobId);
/// No quorum job has this id.
error NoSuchJob(bytes32 jobId);
/// n = 0.
error QuorumEmpty();
/// `n` seats but only `candidates` eligible nodes (stake >= min, a key, not seated).
error NotEnoughCandidates(uint256 n, uint256 candidates);
/// A node is listed twice among selection candidates.
error DuplicateCandidate(address node);
/// `node` is not in this job's quorum.
error NotSelected(bytes32 jobId, address node);
/// A seating, commit, reveal, settle or cancel at `nowBlock` outside its window (first, last]
/// (last = max for settle and cancelUnseated).
error WrongPhase(uint256 nowBlock, uint256 first, uint256 last);
/// The job's quorum was drawn already, at block `atBlock` (seatQuorumJob runs once).
error AlreadySeated(bytes32 jobId, uint256 atBlock);
/// Nobody is seated in the job yet: its quorum is drawn by seatQuorumJob after block `postBlock`.
error NotSeated(bytes32 jobId, uint256 postBlock);
/// `node` committed (or revealed) already.
error AlreadyCommitted(address node);
error AlreadyRevealed(address node);
/// The commitment equals the one `owner` posted: a copy.
error CopiedCommitment(address owner);
/// `node` reveals without having committed.
error NotCommitted(address node);
/// (outputHash, salt) does not open `node`'s commitment for this job.
error BadReveal(address node);
/// The round is settled already.
error AlreadySettled(bytes32 jobId);
