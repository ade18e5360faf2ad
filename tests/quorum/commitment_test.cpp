// Output commitments: the documented 120-byte preimage, and why a copied or replayed
// commitment is worthless (it opens only for its own node and its own job).
#include "vinfer/quorum/commitment.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "quorum/fixtures.hpp"

namespace vinfer::quorum {
namespace {

using testing::hash_of;
using testing::node;

TEST(QuorumCommitment, HashesTheDocumentedPreimage) {
  const Hash job = hash_of("job"), out = hash_of("output"), salt = hash_of("salt");
  std::vector<uint8_t> pre = {'V', 'Q', 'C', '1'};
  for (const Hash* h : {&job, &out, &salt})
    pre.insert(pre.end(), h->begin(), h->end());
  const NodeId id = node(3);
  pre.insert(pre.end(), id.begin(), id.end());
  ASSERT_EQ(pre.size(), 120u);
  EXPECT_EQ(output_commitment(job, out, salt, node(3)), commit::keccak256(pre));
}

TEST(QuorumCommitment, ARevealOpensItsOwnCommitment) {
  const Hash job = hash_of("job"), out = hash_of("output"), salt = hash_of("salt");
  const Hash c = output_commitment(job, out, salt, node(1));
  EXPECT_TRUE(check_reveal(c, job, out, salt, node(1)));
  EXPECT_FALSE(check_reveal(c, job, hash_of("another output"), salt, node(1)));
  EXPECT_FALSE(check_reveal(c, job, out, hash_of("another salt"), node(1)));
}

TEST(QuorumCommitment, ACopiedCommitmentDoesNotOpenForTheCopier) {
  const Hash job = hash_of("job"), out = hash_of("output"), salt = hash_of("salt");
  const Hash theirs = output_commitment(job, out, salt, node(1));
  // Even knowing the output and the salt (after the reveal), the copier cannot open it.
  EXPECT_FALSE(check_reveal(theirs, job, out, salt, node(2)));
}

TEST(QuorumCommitment, AReplayedCommitmentFromAnotherJobDoesNotOpen) {
  const Hash out = hash_of("output"), salt = hash_of("salt");
  const Hash old = output_commitment(hash_of("job-1"), out, salt, node(1));
  EXPECT_FALSE(check_reveal(old, hash_of("job-2"), out, salt, node(1)));
}

TEST(QuorumCommitment, TheSaltHidesEqualOutputs) {
  const Hash job = hash_of("job"), out = hash_of("output");
  EXPECT_NE(output_commitment(job, out, hash_of("salt-a"), node(1)),
            output_commitment(job, out, hash_of("salt-b"), node(1)));
}

}  // namespace
}  // namespace vinfer::quorum
