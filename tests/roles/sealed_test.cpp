// Sealed jobs: only the recipient opens them, in their context, unaltered.
#include <gtest/gtest.h>

#include "vinfer/roles/sealed.hpp"

namespace vinfer::roles {
namespace {

std::array<uint8_t, 32> seed(uint8_t b) {
  std::array<uint8_t, 32> s{};
  s.fill(b);
  return s;
}

TEST(Sealed, TheRecipientOpensItNobodyElse) {
  const auto alice = x25519_keypair_from_seed(seed(1));
  const auto bob = x25519_keypair_from_seed(seed(2));
  const std::vector<uint8_t> job = {'V', 'J', 'O', 'B', 1, 2, 3, 4, 5};
  const std::vector<uint8_t> ctx = {9, 9};
  const auto box = seal(job, alice.pk, ctx);
  auto open = unseal(box, alice, ctx);
  ASSERT_TRUE(open.ok()) << open.error().to_string();
  EXPECT_EQ(*open, job);
  EXPECT_FALSE(unseal(box, bob, ctx).ok());
  EXPECT_FALSE(unseal(box, alice, {}).ok());  // another context
  // Two seals of the same job differ (fresh ephemeral key and nonce): nothing links them.
  EXPECT_NE(seal(job, alice.pk, ctx), box);
}

TEST(Sealed, EveryAlteredByteAndTruncationIsRejected) {
  const auto alice = x25519_keypair_from_seed(seed(3));
  const std::vector<uint8_t> job(40, 7);
  const auto box = seal(job, alice.pk);
  for (size_t i = 0; i < box.size(); ++i) {
    auto bad = box;
    bad[i] ^= 0x01;
    EXPECT_FALSE(unseal(bad, alice).ok()) << i;
  }
  for (size_t cut = 0; cut < box.size(); ++cut)
    EXPECT_FALSE(unseal({box.data(), cut}, alice).ok()) << cut;
}

TEST(Sealed, SeededKeysAreDeterministicRandomKeysAreNot) {
  EXPECT_EQ(x25519_keypair_from_seed(seed(5)).pk, x25519_keypair_from_seed(seed(5)).pk);
  EXPECT_NE(x25519_keypair_from_seed(seed(5)).pk, x25519_keypair_from_seed(seed(6)).pk);
  EXPECT_NE(x25519_keypair().pk, x25519_keypair().pk);
}

}  // namespace
}  // namespace vinfer::roles
