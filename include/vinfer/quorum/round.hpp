// One quorum round for one job (DESIGN §1, quorum:n) as a pure state machine: no I/O, no
// clock of its own (every call takes the block number), no money (payout.hpp turns a
// tally into amounts; the ledger moves them).
//
//   open     at block t0 with the selected nodes and their stakes (selection.hpp); the
//            stakes are a snapshot: the ledger must keep them bonded until the round ends
//   commit   blocks (t0, t0 + commit_blocks]: each selected node posts one commitment
//            (commitment.hpp); no second commit, no commitment equal to another node's
//   reveal   blocks (commit_deadline, commit_deadline + reveal_blocks]: each committed
//            node opens its commitment with (output_hash, salt). A reveal during the commit
//            phase is rejected: it would publish the output while others can still
//            commit, so a node could commit that output without running the model
//   tally    any block after the reveal deadline: stake-weighted majority over the
//            revealed output hashes
//
// The majority is strict and of the stake of *every selected node* (revealed or not): an
// output wins if the stake behind it exceeds half of the quorum's total stake. Then its
// revealers are paid, every node that revealed another output is a dissenter, and every
// node that did not reveal (or did not commit) is a non-revealer; both kinds are
// slashed. With no majority the round fails: nobody is paid, the client is refunded,
// every node that revealed keeps its stake, and the non-revealers are still slashed.
//
// The mode's stated weakness: a colluding majority of stake wins, whatever the right
// output is (tests/quorum/round_test.cpp ColludingMajorityWinsTheModesStatedWeakness).
// quorum:n holds only if a majority of the selected stake is honest, or if cheating costs
// more than it pays.
//
// A call that fails a check is rejected with an error naming the problem and changes
// nothing; a node may try again before the deadline (e.g. reveal with the right salt).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/quorum/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::quorum {

/// Round rules every round on one ledger shares; both phases last at least one block.
struct RoundParams {
  uint64_t commit_blocks = 8;  ///< blocks after opening during which commits are accepted
  uint64_t reveal_blocks = 8;  ///< blocks after the commit deadline during which reveals are
};

enum class RoundPhase : uint8_t { commit, reveal, tally };
const char* round_phase_name(RoundPhase p);

/// What became of one selected node.
enum class Outcome : uint8_t {
  agreed,         ///< revealed the winning output: paid
  dissented,      ///< revealed another output while one won: slashed
  not_revealed,   ///< committed but did not reveal in time: slashed
  not_committed,  ///< never committed: slashed
  no_majority,    ///< revealed, but no output won: not paid, not slashed
};
const char* outcome_name(Outcome o);

/// True for the outcomes that lose stake.
constexpr bool is_slashed(Outcome o) {
  return o == Outcome::dissented || o == Outcome::not_revealed || o == Outcome::not_committed;
}

enum class Verdict : uint8_t { majority, no_majority };
const char* verdict_name(Verdict v);

/// One seat's result.
struct SeatOutcome {
  NodeId node{};
  Amount stake = 0;
  Outcome outcome = Outcome::not_committed;
  Hash output_hash{};  ///< what it revealed (zero if it did not)
  bool operator==(const SeatOutcome&) const = default;
};

/// The result of a round.
struct Tally {
  Verdict verdict = Verdict::no_majority;
  Hash output_hash{};                 ///< the winning output (zero with no majority)
  Amount winning_stake = 0;           ///< stake behind the largest revealed output (the winner's)
  Amount total_stake = 0;             ///< stake of every selected node
  std::vector<SeatOutcome> seats;     ///< in seat (selection) order
  std::vector<NodeId> dissenters;     ///< revealed another output than the winner
  std::vector<NodeId> non_revealers;  ///< did not reveal, committed or not

  bool decided() const { return verdict == Verdict::majority; }
  bool operator==(const Tally&) const = default;
};

/// One selected node's place in the round.
struct Seat {
  NodeId node{};
  Amount stake = 0;
  bool committed = false;
  Hash commitment{};
  bool revealed = false;
  Hash output_hash{};
  bool operator==(const Seat&) const = default;
};

/// Everything a round is; the contracts store the same fields.
struct Round {
  Hash job_id{};
  uint64_t opened_at = 0;
  uint64_t commit_deadline = 0;  ///< last block a commit is accepted
  uint64_t reveal_deadline = 0;  ///< last block a reveal is accepted; tally after it
  Amount total_stake = 0;
  std::vector<Seat> seats;  ///< in selection order

  /// Opens the round of `job_id` at block `now` for `selected` (select_quorum's result).
  /// Errors: no node, a node twice, a zero stake, a total stake past 2^64 - 1, a phase of
  /// zero blocks, or deadlines past 2^64 - 1.
  static Result<Round> open(const Hash& job_id,
                            std::span<const Candidate> selected,
                            const RoundParams& params,
                            uint64_t now);

  /// The phase at block `now` (commit also before opening; callers get an error then).
  RoundPhase phase(uint64_t now) const;

  /// `node` posts `commitment` at block `now`. Rejected: `node` is not selected, `now` is
  /// outside the commit phase, `node` has committed already, or `commitment` equals
  /// another node's (a copy; it binds its committer's id, so the copier could never open
  /// it, and the node it was copied from keeps its own).
  Status commit(const NodeId& node, const Hash& commitment, uint64_t now);

  /// `node` opens its commitment at block `now`. Rejected: `node` is not selected, `now`
  /// is outside the reveal phase (before it too), `node` did not commit or has revealed
  /// already, or (output_hash, salt) does not open its commitment for this job and node.
  Status reveal(const NodeId& node, const Hash& output_hash, const Hash& salt, uint64_t now);

  /// The result, at any block after the reveal deadline (an error before).
  Result<Tally> tally(uint64_t now) const;

  bool operator==(const Round&) const = default;
};

}  // namespace vinfer::quorum
