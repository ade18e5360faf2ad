// Who gets what when a quorum round ends (DESIGN §1 quorum:n, §6 "money never appears or
// vanishes"): the tally (round.hpp) and the job's payment in, rewards, slashes, bounties,
// a refund and a burn out. All integer and exact:
//
//   payment        n × reward_per_node, held in escrow since the job was posted
//   reward         reward_per_node to each node that agreed with the winning output;
//                  every other seat's reward goes back to the client (with no majority,
//                  the whole payment does)
//   slashed        floor(stake × slash_bps / 10000) from each dissenter and non-revealer
//   bounty         pool = floor(Σ slashed × majority_share_bps / 10000), split among the
//                  agreeing nodes by stake: floor(pool × stake_i / winning_stake)
//   burned         Σ slashed − Σ bounty: the share not given to the majority plus the
//                  rounding dust; with no majority there is nobody to reward, and all of
//                  Σ slashed is burned (so causing a failed round never pays anyone)
//
//   conservation   payment + Σ stake = client_refund + Σ (stake − slashed + reward + bounty)
//                  + burned
//
// Burning part of the slash matters: were all of it paid to the majority, a node could
// profit from its own sybil's slashing.
#pragma once

#include <cstdint>
#include <vector>

#include "vinfer/quorum/round.hpp"
#include "vinfer/quorum/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::quorum {

/// The economic rules of quorum rounds on one ledger.
struct PayoutParams {
  Amount reward_per_node = 0;          ///< the job pays n × this
  uint32_t slash_bps = kBps;           ///< share of a slashed node's stake it loses (<= 10000)
  uint32_t majority_share_bps = 5000;  ///< share of the slashed stake to the majority (<= 10000)
};

/// One seat's money.
struct NodePayout {
  NodeId node{};
  Outcome outcome = Outcome::not_committed;
  Amount stake = 0;    ///< bonded stake before settlement (the round's snapshot)
  Amount slashed = 0;  ///< taken from the stake
  Amount reward = 0;   ///< from the job's payment, to the node's balance
  Amount bounty = 0;   ///< from others' slashed stake, to the node's balance

  /// The stake left bonded.
  Amount stake_after() const { return stake - slashed; }
  bool operator==(const NodePayout&) const = default;
};

/// The settlement of one round.
struct Payout {
  Amount payment = 0;             ///< released from escrow
  Amount client_refund = 0;       ///< back to the client: the rewards nobody earned
  Amount slashed_total = 0;       ///< Σ slashed
  Amount bounty_total = 0;        ///< Σ bounty
  Amount burned = 0;              ///< slashed_total − bounty_total
  std::vector<NodePayout> nodes;  ///< in seat order
  bool operator==(const Payout&) const = default;
};

/// Settles `tally` under `params`. Errors: a basis-point share over 10000; a payment
/// n × reward_per_node past 2^64 - 1; a tally whose seat stakes do not add up to its
/// total_stake, or (decided) whose agreeing stakes do not add up to its winning_stake.
Result<Payout> settle_round(const Tally& tally, const PayoutParams& params);

}  // namespace vinfer::quorum
