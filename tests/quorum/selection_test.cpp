// Stake-weighted selection: deterministic, distinct, the documented draw, and frequencies
// that follow stake (loose bounds over a fixed set of seeds, so they cannot flake).
#include "vinfer/quorum/selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "quorum/fixtures.hpp"

namespace vinfer::quorum {
namespace {

using testing::hash_of;
using testing::node;

std::vector<Candidate> candidates(const std::vector<Amount>& stakes) {
  std::vector<Candidate> c;
  for (size_t i = 0; i < stakes.size(); ++i)
    c.push_back({node(static_cast<int>(i)), stakes[i]});
  return c;
}

Hash seed(int i) {
  return hash_of("seed-" + std::to_string(i));
}

TEST(QuorumSelection, SameSeedSameQuorumWhateverTheCandidateOrder) {
  std::vector<Candidate> c = candidates({5, 1, 9, 3, 7, 2, 8});
  auto a = select_quorum(seed(0), c, 4);
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  std::reverse(c.begin(), c.end());
  auto b = select_quorum(seed(0), c, 4);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  std::rotate(c.begin(), c.begin() + 3, c.end());
  EXPECT_EQ(*a, *select_quorum(seed(0), c, 4));
}

TEST(QuorumSelection, PicksDistinctNodesWithTheirStakes) {
  const std::vector<Candidate> c = candidates({5, 1, 9, 3, 7, 2, 8});
  for (int s = 0; s < 200; ++s) {
    for (uint32_t n = 1; n <= c.size(); ++n) {
      auto q = select_quorum(seed(s), c, n);
      ASSERT_TRUE(q.ok());
      ASSERT_EQ(q->size(), n);
      std::set<NodeId> ids;
      for (const Candidate& m : *q) {
        ids.insert(m.id);
        EXPECT_NE(std::find(c.begin(), c.end(), m), c.end()) << "stake changed or node unknown";
      }
      EXPECT_EQ(ids.size(), n);
    }
  }
}

TEST(QuorumSelection, DifferentSeedsGiveDifferentQuorums) {
  const std::vector<Candidate> c = candidates({1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  std::set<std::vector<NodeId>> seen;
  for (int s = 0; s < 50; ++s) {
    std::vector<NodeId> ids;
    const std::vector<Candidate> q = *select_quorum(seed(s), c, 3);
    for (const Candidate& m : q)
      ids.push_back(m.id);
    seen.insert(ids);
  }
  EXPECT_GT(seen.size(), 40u);  // 720 ordered quorums; 50 seeds nearly never collide
}

TEST(QuorumSelection, ZeroStakeIsNeverSelected) {
  const std::vector<Candidate> c = candidates({0, 4, 0, 4, 4});
  for (int s = 0; s < 100; ++s) {
    const std::vector<Candidate> q = *select_quorum(seed(s), c, 3);
    for (const Candidate& m : q)
      EXPECT_GT(m.stake, 0u);
  }
}

TEST(QuorumSelection, RejectsMoreSeatsThanEligibleNodes) {
  const auto r = select_quorum(seed(0), candidates({3, 0, 3}), 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("n = 3 but only 2 of 3 candidates"), std::string::npos)
      << r.error().message;
}

TEST(QuorumSelection, RejectsZeroSeatsDuplicatesAndOverflow) {
  EXPECT_FALSE(select_quorum(seed(0), candidates({1, 2}), 0).ok());
  std::vector<Candidate> dup = candidates({1, 2});
  dup.push_back({dup[0].id, 0});  // twice, once with no stake: still a caller error
  const auto d = select_quorum(seed(0), dup, 1);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("listed twice"), std::string::npos);
  const auto o = select_quorum(seed(0), candidates({UINT64_MAX, 1}), 1);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, Errc::overflow);
}

TEST(QuorumSelection, DrawHashesTheDocumentedPreimage) {
  // keccak256("VQS1" || seed || be64(i)), built byte by byte as a contract would.
  const Hash s = seed(7);
  std::vector<uint8_t> pre = {'V', 'Q', 'S', '1'};
  pre.insert(pre.end(), s.begin(), s.end());
  for (uint8_t b : {0, 0, 0, 0, 0, 0, 0x01, 0x02})
    pre.push_back(b);
  EXPECT_EQ(selection_draw(s, 0x0102), commit::keccak256(pre));
}

TEST(QuorumSelection, HashModIsTheUint256Remainder) {
  Hash h{};
  h[31] = 0x2a;
  h[30] = 0x01;  // 0x012a = 298
  EXPECT_EQ(hash_mod(h, 7), 298u % 7);
  Hash ones;
  ones.fill(0xff);
  EXPECT_EQ(hash_mod(ones, 3), 0u);                           // 2^256 ≡ 1 (mod 3)
  EXPECT_EQ(hash_mod(ones, uint64_t{1} << 32), 0xffffffffu);  // the low 32 bits
  EXPECT_EQ(hash_mod(ones, UINT64_MAX), 0u);                  // 2^64 ≡ 1 (mod 2^64 - 1)
}

// One seat: each node is drawn with probability stake / total. 4000 seeds; the bound of
// 0.03 is over 4 standard deviations for every share here.
TEST(QuorumSelection, SingleSeatFrequenciesFollowStake) {
  const std::vector<Amount> stakes = {1, 2, 3, 4};
  const std::vector<Candidate> c = candidates(stakes);
  std::vector<int> hits(c.size());
  const int seeds = 4000;
  for (int s = 0; s < seeds; ++s) {
    const Candidate m = select_quorum(seed(s), c, 1)->front();
    for (size_t i = 0; i < c.size(); ++i)
      hits[i] += c[i].id == m.id;
  }
  for (size_t i = 0; i < c.size(); ++i)
    EXPECT_NEAR(hits[i] / double(seeds), stakes[i] / 10.0, 0.03) << "node " << i;
}

// Several seats: inclusion is not proportional to stake (successive sampling), but it
// grows with stake, and the first seat alone still follows stake.
TEST(QuorumSelection, SeveralSeatsFavourLargerStakes) {
  const std::vector<Amount> stakes = {100, 200, 300, 400, 500, 600};
  const std::vector<Candidate> c = candidates(stakes);
  std::vector<int> in(c.size()), first(c.size());
  const int seeds = 4000;
  for (int s = 0; s < seeds; ++s) {
    const auto q = *select_quorum(seed(s), c, 3);
    for (size_t i = 0; i < c.size(); ++i) {
      in[i] += std::any_of(q.begin(), q.end(), [&](const Candidate& m) { return m.id == c[i].id; });
      first[i] += q[0].id == c[i].id;
    }
  }
  for (size_t i = 0; i + 1 < c.size(); ++i)
    EXPECT_LT(in[i] + 100, in[i + 1]) << "node " << i << " vs " << i + 1;
  for (size_t i = 0; i < c.size(); ++i)
    EXPECT_NEAR(first[i] / double(seeds), stakes[i] / 2100.0, 0.03) << "node " << i;
}

// Seating from a snapshot: a node that is no longer eligible is passed over and the others
// keep the order the seed fixed (the full draw order, that node left out), so leaving
// after the seed is known cannot bring anyone else in.
TEST(QuorumSelection, PassingOverIneligibleNodesKeepsTheSeedsOrder) {
  const std::vector<Candidate> c = candidates({5, 1, 9, 3, 7, 2, 8});
  for (int s = 0; s < 50; ++s) {
    const std::vector<Candidate> order = *select_quorum(seed(s), c, 7);  // every node
    EXPECT_EQ(*select_quorum(seed(s), c, 3, [](const Candidate&) { return true; }),
              *select_quorum(seed(s), c, 3));
    for (size_t gone = 0; gone < c.size(); ++gone) {
      std::vector<Candidate> want;
      for (const Candidate& m : order)
        if (m.id != c[gone].id && want.size() < 3)
          want.push_back(m);
      const auto got = select_quorum(seed(s), c, 3,
                                     [&](const Candidate& m) { return m.id != c[gone].id; });
      ASSERT_TRUE(got.ok()) << got.error().to_string();
      EXPECT_EQ(*got, want) << "seed " << s << ", node " << gone << " ineligible";
    }
  }
}

TEST(QuorumSelection, TooFewStillEligibleIsAnErrorWithTheCounts) {
  const std::vector<Candidate> c = candidates({5, 1, 9, 3});
  const auto r = select_quorum(seed(0), c, 3, [&](const Candidate& m) {
    return m.id != c[0].id && m.id != c[2].id;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("only 2 of the 4 drawable candidates are still eligible"),
            std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace vinfer::quorum
