// Payouts: exact amounts in each case, and conservation over random rounds:
// payment + Σ stake = client refund + Σ (stake after + reward + bounty) + burned.
#include "vinfer/quorum/payout.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "quorum/fixtures.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::quorum {
namespace {

using testing::hash_of;
using testing::node;

const Hash kJob = hash_of("job");
const Hash kRight = hash_of("right");
const Hash kWrong = hash_of("wrong");

enum class Act { right, wrong, other, silent, absent };

// A round with one seat per stake, each acting as told, tallied after its deadline.
Tally round_of(const std::vector<Amount>& stakes, const std::vector<Act>& acts) {
  std::vector<Candidate> c;
  for (size_t i = 0; i < stakes.size(); ++i)
    c.push_back({node(static_cast<int>(i)), stakes[i]});
  Round r = *Round::open(kJob, c, RoundParams{2, 2}, 0);
  for (size_t i = 0; i < acts.size(); ++i) {
    if (acts[i] == Act::absent)
      continue;
    const Hash out = acts[i] == Act::right   ? kRight
                     : acts[i] == Act::wrong ? kWrong
                                             : hash_of("other-" + std::to_string(i));
    const Hash salt = hash_of("salt-" + std::to_string(i));
    EXPECT_TRUE(r.commit(c[i].id, output_commitment(kJob, out, salt, c[i].id), 1).ok());
    if (acts[i] != Act::silent) {
      EXPECT_TRUE(r.reveal(c[i].id, out, salt, 3).ok());
    }
  }
  return *r.tally(5);
}

using u128 = unsigned __int128;

// Σ in == Σ out, in 128 bits so that the check itself cannot overflow.
void expect_conserved(const Tally& t, const Payout& p) {
  u128 in = p.payment, out = u128{p.client_refund} + p.burned;
  u128 bounties = 0, slashed = 0;
  ASSERT_EQ(p.nodes.size(), t.seats.size());
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    const NodePayout& n = p.nodes[i];
    EXPECT_EQ(n.stake, t.seats[i].stake);
    EXPECT_LE(n.slashed, n.stake);
    in += n.stake;
    out += u128{n.stake_after()} + n.reward + n.bounty;
    bounties += n.bounty;
    slashed += n.slashed;
  }
  EXPECT_TRUE(in == out) << "money appeared or vanished";
  EXPECT_TRUE(bounties == p.bounty_total);
  EXPECT_TRUE(slashed == p.slashed_total);
  EXPECT_EQ(p.burned, p.slashed_total - p.bounty_total);
}

TEST(QuorumPayout, HonestRoundPaysEveryNodeAndSlashesNobody) {
  const Tally t = round_of({100, 200, 300}, {Act::right, Act::right, Act::right});
  const Payout p = *settle_round(t, PayoutParams{7, 5000, 5000});
  EXPECT_EQ(p.payment, 21u);
  EXPECT_EQ(p.client_refund, 0u);
  EXPECT_EQ(p.slashed_total, 0u);
  EXPECT_EQ(p.burned, 0u);
  for (const NodePayout& n : p.nodes) {
    EXPECT_EQ(n.reward, 7u);
    EXPECT_EQ(n.stake_after(), n.stake);
  }
  expect_conserved(t, p);
}

TEST(QuorumPayout, DissentersAndNonRevealersPayTheMajorityAndTheBurn) {
  // 600 agrees; 150 dissents, 50 stays silent, 200 never commits: 400 slashed at 50 %.
  const Tally t = round_of({200, 400, 150, 50, 200},
                           {Act::right, Act::right, Act::wrong, Act::silent, Act::absent});
  const Payout p = *settle_round(t, PayoutParams{10, 5000, 6000});
  EXPECT_EQ(p.payment, 50u);
  EXPECT_EQ(p.client_refund, 30u);  // three seats earned nothing
  EXPECT_EQ(p.nodes[2].slashed, 75u);
  EXPECT_EQ(p.nodes[3].slashed, 25u);
  EXPECT_EQ(p.nodes[4].slashed, 100u);
  EXPECT_EQ(p.slashed_total, 200u);
  // Pool: 60 % of 200 = 120, split 200 : 400.
  EXPECT_EQ(p.nodes[0].bounty, 40u);
  EXPECT_EQ(p.nodes[1].bounty, 80u);
  EXPECT_EQ(p.burned, 80u);
  EXPECT_EQ(p.nodes[0].reward, 10u);
  EXPECT_EQ(p.nodes[2].reward, 0u);
  expect_conserved(t, p);
}

TEST(QuorumPayout, RoundingDustIsBurned) {
  // Slashed 100 % of 5; pool 100 % = 5, split 4 : 4 : 4 -> 1 each, 2 burned.
  const Tally t = round_of({4, 4, 4, 5}, {Act::right, Act::right, Act::right, Act::wrong});
  ASSERT_TRUE(t.decided());
  const Payout p = *settle_round(t, PayoutParams{1, 10000, 10000});
  EXPECT_EQ(p.bounty_total, 3u);
  EXPECT_EQ(p.burned, 2u);
  expect_conserved(t, p);
}

TEST(QuorumPayout, NoMajorityRefundsTheClientAndBurnsEverySlash) {
  const Tally t = round_of({30, 30, 30, 10}, {Act::right, Act::wrong, Act::other, Act::silent});
  ASSERT_EQ(t.verdict, Verdict::no_majority);
  const Payout p = *settle_round(t, PayoutParams{5, 10000, 5000});
  EXPECT_EQ(p.client_refund, p.payment);
  EXPECT_EQ(p.bounty_total, 0u);
  EXPECT_EQ(p.burned, 10u);
  for (int i : {0, 1, 2})
    EXPECT_EQ(p.nodes[i].stake_after(), 30u) << "a revealer lost stake";
  expect_conserved(t, p);
}

TEST(QuorumPayout, MoneyIsConservedInEveryRound) {
  testing::Dice dice(11);
  for (int trial = 0; trial < 2000; ++trial) {
    const size_t n = 1 + dice.below(8);
    std::vector<Amount> stakes;
    std::vector<Act> acts;
    for (size_t i = 0; i < n; ++i) {
      // Mostly small stakes, sometimes huge ones (near 2^64 / 8) to reach the 128-bit paths.
      stakes.push_back(dice.below(4) == 0 ? (UINT64_MAX / 8) - dice.below(1000)
                                          : 1 + dice.below(100000));
      acts.push_back(static_cast<Act>(dice.below(5)));
    }
    const Tally t = round_of(stakes, acts);
    const PayoutParams params{dice.below(1000000), static_cast<uint32_t>(dice.below(kBps + 1)),
                              static_cast<uint32_t>(dice.below(kBps + 1))};
    const auto p = settle_round(t, params);
    ASSERT_TRUE(p.ok()) << p.error().to_string();
    expect_conserved(t, *p);
    for (const NodePayout& np : p->nodes) {
      if (!is_slashed(np.outcome)) {
        EXPECT_EQ(np.slashed, 0u) << outcome_name(np.outcome) << " lost stake";
      }
      EXPECT_EQ(np.reward, np.outcome == Outcome::agreed ? params.reward_per_node : 0);
      if (np.outcome != Outcome::agreed) {
        EXPECT_EQ(np.bounty, 0u);
      }
    }
  }
}

TEST(QuorumPayout, RejectsBadSharesAnOverflowingPaymentAndAForgedTally) {
  const Tally t = round_of({10, 10}, {Act::right, Act::right});
  EXPECT_FALSE(settle_round(t, PayoutParams{1, kBps + 1, 0}).ok());
  EXPECT_FALSE(settle_round(t, PayoutParams{1, 0, kBps + 1}).ok());
  const auto big = settle_round(t, PayoutParams{UINT64_MAX / 2 + 1, 0, 0});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, Errc::overflow);
  Tally forged = t;
  forged.total_stake = 5;
  EXPECT_EQ(settle_round(forged, PayoutParams{1, 0, 0}).error().code, Errc::mismatch);
  forged = t;
  forged.winning_stake = 11;
  EXPECT_EQ(settle_round(forged, PayoutParams{1, 0, 0}).error().code, Errc::mismatch);
}

}  // namespace
}  // namespace vinfer::quorum
