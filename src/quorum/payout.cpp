// Slashing and payout arithmetic (payout.hpp).
#include "vinfer/quorum/payout.hpp"

#include <string>

namespace vinfer::quorum {

Result<Payout> settle_round(const Tally& tally, const PayoutParams& params) {
  if (params.slash_bps > kBps || params.majority_share_bps > kBps)
    return fail(Errc::invalid_argument,
                "quorum payout: slash_bps = " + std::to_string(params.slash_bps) +
                    ", majority_share_bps = " + std::to_string(params.majority_share_bps) +
                    ": a share is at most 10000 basis points");
  const auto payment = checked_mul(params.reward_per_node, tally.seats.size());
  if (!payment)
    return fail(Errc::overflow, "quorum payout: n × reward_per_node exceeds 2^64 - 1");

  // The tally is a value the caller may have built; check that its sums are its own.
  Amount total = 0, agreeing = 0;
  for (const SeatOutcome& s : tally.seats) {
    const auto t = checked_add(total, s.stake);
    if (!t)
      return fail(Errc::overflow, "quorum payout: the seats' stakes exceed 2^64 - 1");
    total = *t;
    if (s.outcome == Outcome::agreed)
      agreeing += s.stake;  // <= total
  }
  if (total != tally.total_stake)
    return fail(Errc::mismatch, "quorum payout: the seats' stakes add up to " +
                                    std::to_string(total) + ", the tally's total_stake is " +
                                    std::to_string(tally.total_stake));
  if (tally.decided() && agreeing != tally.winning_stake)
    return fail(Errc::mismatch, "quorum payout: the agreeing seats' stakes add up to " +
                                    std::to_string(agreeing) + ", the tally's winning_stake is " +
                                    std::to_string(tally.winning_stake));
  if (!tally.decided() && agreeing != 0)
    return fail(Errc::mismatch, "quorum payout: a seat agreed in a round with no majority");

  Payout p;
  p.payment = *payment;
  p.client_refund = *payment;
  for (const SeatOutcome& s : tally.seats) {
    NodePayout n{s.node, s.outcome, s.stake};
    if (is_slashed(s.outcome))
      n.slashed = bps_of(s.stake, params.slash_bps);
    if (s.outcome == Outcome::agreed) {
      n.reward = params.reward_per_node;
      p.client_refund -= n.reward;  // n seats, at most n rewards: never below zero
    }
    p.slashed_total += n.slashed;  // <= total
    p.nodes.push_back(n);
  }
  if (tally.decided()) {
    // INVARIANT: Σ floor(pool × stake_i / agreeing) <= pool, since Σ stake_i = agreeing.
    const Amount pool = bps_of(p.slashed_total, params.majority_share_bps);
    for (NodePayout& n : p.nodes) {
      if (n.outcome != Outcome::agreed)
        continue;
      n.bounty = mul_div_floor(pool, n.stake, agreeing);
      p.bounty_total += n.bounty;
    }
  }
  p.burned = p.slashed_total - p.bounty_total;
  return p;
}

}  // namespace vinfer::quorum
