// The commit-reveal beacon: reveals open only their own commitment, the beacon does not
// depend on the order reveals arrive in, and the seed binds the job.
#include "vinfer/quorum/beacon.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "quorum/fixtures.hpp"
#include "vinfer/quorum/selection.hpp"

namespace vinfer::quorum {
namespace {

using testing::hash_of;
using testing::node;

std::vector<BeaconReveal> reveals(int n) {
  std::vector<BeaconReveal> r;
  for (int i = 0; i < n; ++i)
    r.push_back({node(i), hash_of("secret-" + std::to_string(i))});
  return r;
}

TEST(QuorumBeacon, ARevealOpensOnlyItsOwnCommitment) {
  const Hash secret = hash_of("secret");
  const Hash c = beacon_commitment(node(1), secret);
  EXPECT_TRUE(check_beacon_reveal(c, node(1), secret));
  EXPECT_FALSE(check_beacon_reveal(c, node(1), hash_of("other secret")));
  EXPECT_FALSE(check_beacon_reveal(c, node(2), secret)) << "a copied commitment opened";
  std::vector<uint8_t> pre = {'V', 'Q', 'B', '1'};
  const NodeId id = node(1);
  pre.insert(pre.end(), id.begin(), id.end());
  pre.insert(pre.end(), secret.begin(), secret.end());
  EXPECT_EQ(c, commit::keccak256(pre));
}

TEST(QuorumBeacon, CombinesSecretsInNodeIdOrderWhateverTheArrivalOrder) {
  std::vector<BeaconReveal> r = reveals(5);
  const Hash b = *combine_beacon(r);
  std::reverse(r.begin(), r.end());
  EXPECT_EQ(*combine_beacon(r), b);
  std::sort(r.begin(), r.end(),
            [](const BeaconReveal& x, const BeaconReveal& y) { return x.node < y.node; });
  std::vector<uint8_t> pre;
  for (const BeaconReveal& x : r)
    pre.insert(pre.end(), x.secret.begin(), x.secret.end());
  EXPECT_EQ(b, commit::keccak256(pre));
}

TEST(QuorumBeacon, AnyOneSecretChangesTheBeacon) {
  const std::vector<BeaconReveal> r = reveals(4);
  const Hash b = *combine_beacon(r);
  for (size_t i = 0; i < r.size(); ++i) {
    std::vector<BeaconReveal> changed = r;
    changed[i].secret[0] ^= 1;
    EXPECT_NE(*combine_beacon(changed), b) << "reveal " << i;
    std::vector<BeaconReveal> withheld = r;
    withheld.erase(withheld.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_NE(*combine_beacon(withheld), b) << "withheld " << i;
  }
}

TEST(QuorumBeacon, RejectsNoRevealsAndADoubleReveal) {
  EXPECT_FALSE(combine_beacon({}).ok());
  std::vector<BeaconReveal> r = reveals(3);
  r.push_back({r[1].node, hash_of("second secret")});
  const auto b = combine_beacon(r);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("revealed twice"), std::string::npos);
}

TEST(QuorumBeacon, SeedBindsTheJobAndTheBeacon) {
  const Hash beacon = *combine_beacon(reveals(3));
  const Hash s = selection_seed(hash_of("job-1"), beacon);
  EXPECT_NE(s, selection_seed(hash_of("job-2"), beacon));
  EXPECT_NE(s, selection_seed(hash_of("job-1"), hash_of("another beacon")));
  const Hash job = hash_of("job-1");
  std::vector<uint8_t> pre(job.begin(), job.end());
  pre.insert(pre.end(), beacon.begin(), beacon.end());
  EXPECT_EQ(s, commit::keccak256(pre));
  // Two jobs on one beacon draw their quorums independently.
  std::vector<Candidate> c;
  for (int i = 0; i < 12; ++i)
    c.push_back({node(i), 10});
  EXPECT_NE(*select_quorum(s, c, 3),
            *select_quorum(selection_seed(hash_of("job-2"), beacon), c, 3));
}

}  // namespace
}  // namespace vinfer::quorum
