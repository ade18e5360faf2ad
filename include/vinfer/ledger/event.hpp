// The ledger's event log: one entry per thing that happened, in order, so roles, the
// demo and a node's API can follow a ledger without polling every record. The list of
// kinds is kept once (VINFER_LEDGER_EVENTS) and expanded into the enum and the names.
// A kind's number is its place in the list and is stored in a ledger database: new kinds
// go at the end.
//
// A quorum job logs quorum_job_posted, one quorum_seated per selected node (when the
// post's block closes; or a refund if too few candidates are left), a
// quorum_commit and a quorum_reveal per node that made one, and on settlement
// quorum_settled followed by the money it moved: stake_slashed per node that lost stake,
// node_paid per node paid, refund to the client for the rewards nobody earned, burn.
//
// A sampled job logs sampled_job_posted, sampled_drawn (when the post's block closes),
// sampled_delivered, sampled_commit, an
// audit_commit per auditor that drew itself, sampled_reveal and audit_reveal (each spent
// secret followed by auditor_retired), then sampled_settled and the money it moved; an
// escalated job continues with sampled_defended (the worker's claim: the optimistic
// events from result_posted on follow).
#pragma once

#include <cstdint>
#include <string>

#include "vinfer/ledger/address.hpp"

namespace vinfer::ledger {

// X(name, what `who` and `amount` are)
#define VINFER_LEDGER_EVENTS(X)                                                     \
  X(deposit, "the credited account, the amount")                                    \
  X(withdraw, "the debited account, the amount")                                    \
  X(stake, "the staker, the amount bonded")                                         \
  X(unbond, "the staker, the amount moved to unbonding")                            \
  X(withdraw_unbonded, "the staker, the amount released")                           \
  X(model_registered, "the owner; job_id holds the model root")                     \
  X(job_posted, "the client, the payment escrowed")                                 \
  X(job_cancelled, "the client, the payment refunded")                              \
  X(result_posted, "the worker, its bond")                                          \
  X(challenged, "the challenger, its bond")                                         \
  X(move, "the mover; detail: the move and the phase after it")                     \
  X(move_rejected, "the mover; detail: why (the one failed call that is recorded)") \
  X(game_resolved, "the winner; detail: the referee's or the clock's reason")       \
  X(game_closed, "the challenger refunded, its bond")                               \
  X(bond_slashed, "the loser, its bond")                                            \
  X(reward, "the winner, its share of the loser's bond")                            \
  X(burn, "nobody, the amount burned")                                              \
  X(bond_returned, "the owner, the amount")                                         \
  X(refund, "the client, the escrow refunded")                                      \
  X(payment, "the worker, the escrow paid")                                         \
  X(claim_rejected, "the worker whose claim a challenger won against")              \
  X(finalized, "the worker")                                                        \
  X(key_registered, "the node; detail: its X25519 public key")                      \
  X(quorum_job_posted, "the client, the escrow; detail: n, deadlines, seed")        \
  X(quorum_seated, "a seated node, its stake as the round holds it")                \
  X(quorum_commit, "the node; detail: its commitment")                              \
  X(quorum_reveal, "the node; detail: the output hash it revealed")                 \
  X(quorum_settled, "the client, the payment; detail: verdict, output")             \
  X(node_paid, "the node, reward + bounty; detail: both, outcome")                  \
  X(stake_slashed, "the node, the stake taken; detail: its outcome")                \
  X(auditor_registered, "the auditor; detail: its audit commitment")               \
  X(auditor_retired, "the auditor; detail: why (retired, or its secret was spent)") \
  X(sampled_job_posted, "the client, the escrow; detail: worker, auditors, p")     \
  X(sampled_delivered, "the worker; detail: envelopes, deadlines")                 \
  X(sampled_refused, "the worker that declined the job")                           \
  X(sampled_commit, "the worker; detail: its commitment")                          \
  X(audit_commit, "the auditor; detail: its commitment")                           \
  X(sampled_reveal, "the worker; detail: the output hash it revealed")             \
  X(audit_reveal, "the auditor; detail: the output hash it revealed")              \
  X(sampled_settled, "the worker; detail: the verdict")                            \
  X(sampled_defended, "the worker, its bond; detail: its claim's trace root")      \
  X(sampled_drawn, "the worker drawn, its stake; detail: the seed")

/// What an event records.
enum class EventKind : uint8_t {
#define VINFER_LEDGER_EVENT_ENUM(name, doc) name,
  VINFER_LEDGER_EVENTS(VINFER_LEDGER_EVENT_ENUM)
#undef VINFER_LEDGER_EVENT_ENUM
};

namespace detail {
inline constexpr const char* kEventKindNames[] = {
#define VINFER_LEDGER_EVENT_NAME(name, doc) #name,
    VINFER_LEDGER_EVENTS(VINFER_LEDGER_EVENT_NAME)
#undef VINFER_LEDGER_EVENT_NAME
};
}  // namespace detail

/// Number of event kinds.
inline constexpr uint8_t kEventKindCount =
    sizeof(detail::kEventKindNames) / sizeof(detail::kEventKindNames[0]);

/// "deposit", "game_resolved", ...
const char* event_kind_name(EventKind k);

/// One entry of the log. Fields that do not apply are zero.
struct Event {
  uint64_t seq = 0;    ///< 0, 1, 2, ... over the ledger's life
  uint64_t block = 0;  ///< the block the transaction ran at
  EventKind kind = EventKind::deposit;
  Hash job_id{};      ///< the job (or, for model_registered, the model root)
  uint64_t game = 0;  ///< the game id, 0 if none
  Address who{};
  Amount amount = 0;
  std::string detail;
  bool operator==(const Event&) const = default;
};

}  // namespace vinfer::ledger
