#include "vinfer/proof/field.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace vinfer::proof {
namespace {

constexpr std::uint64_t P = Fp::kModulus;

// Reference: x mod p through a 128-bit remainder.
std::uint64_t ref_mod(unsigned __int128 x) {
  return static_cast<std::uint64_t>(x % P);
}

TEST(Field, ReduceMatchesRemainderIncludingEdges) {
  const std::uint64_t edges[] = {0,
                                 1,
                                 2,
                                 P - 2,
                                 P - 1,
                                 P,
                                 P + 1,
                                 Fp::kEpsilon,
                                 Fp::kEpsilon + 1,
                                 ~std::uint64_t{0},
                                 std::uint64_t{1} << 63,
                                 (std::uint64_t{1} << 32) - 2};
  for (std::uint64_t a : edges) {
    for (std::uint64_t b : edges) {
      const unsigned __int128 x = static_cast<unsigned __int128>(a) * b;
      EXPECT_EQ(Fp::reduce128(x).value(), ref_mod(x)) << a << " * " << b;
      const unsigned __int128 y = (static_cast<unsigned __int128>(a) << 64) | b;
      EXPECT_EQ(Fp::reduce128(y).value(), ref_mod(y)) << a << " : " << b;
    }
  }
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; ++i) {
    const unsigned __int128 x = (static_cast<unsigned __int128>(rng()) << 64) | rng();
    ASSERT_EQ(Fp::reduce128(x).value(), ref_mod(x));
  }
}

TEST(Field, AddSubMulAgreeWithIntegerArithmetic) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t a = rng() % P;
    const std::uint64_t b = i % 7 == 0 ? P - 1 - (rng() % 3) : rng() % P;
    const Fp fa = Fp::from_u64(a);
    const Fp fb = Fp::from_u64(b);
    ASSERT_EQ((fa + fb).value(), ref_mod(static_cast<unsigned __int128>(a) + b));
    ASSERT_EQ((fa - fb).value(), ref_mod(static_cast<unsigned __int128>(a) + P - b));
    ASSERT_EQ((fa * fb).value(), ref_mod(static_cast<unsigned __int128>(a) * b));
  }
}

TEST(Field, SignedEmbeddingRoundTrips) {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{-127},
                         std::int64_t{1} << 40, -(std::int64_t{1} << 62),
                         -(std::int64_t{1} << 63) + (std::int64_t{1} << 32)}) {
    EXPECT_EQ(Fp::from_i64(v).to_i64(), v);
  }
  EXPECT_EQ(Fp::from_i64(-1).value(), P - 1);
  EXPECT_EQ((Fp::from_i64(-5) * Fp::from_i64(7)).to_i64(), -35);
}

TEST(Field, InverseAndFermat) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200; ++i) {
    const Fp a = Fp::from_u64(rng() % (P - 1) + 1);
    EXPECT_EQ(a * a.inverse(), Fp::one());
    EXPECT_EQ(a.pow(P - 1), Fp::one());
  }
  EXPECT_EQ(Fp::zero().inverse(), Fp::zero());
}

TEST(Field, TwoAdicRootsExist) {
  // p - 1 = 2^32 (2^32 - 1): 7 generates F_p^*, so 7^((p-1)/2^32) has order exactly 2^32.
  const Fp w = Fp::from_u64(7).pow((P - 1) >> 32);
  EXPECT_EQ(w.pow(std::uint64_t{1} << 32), Fp::one());
  EXPECT_NE(w.pow(std::uint64_t{1} << 31), Fp::one());
}

TEST(Field, SevenIsANonResidueSoTheExtensionIsAField) {
  // Euler's criterion: 7^((p-1)/2) = -1.
  EXPECT_EQ(Fp::from_u64(Fp2::kNonResidue).pow((P - 1) / 2), -Fp::one());
}

TEST(Field, ExtensionArithmetic) {
  std::mt19937_64 rng(4);
  auto rnd = [&] { return Fp2(Fp::from_u64(rng()), Fp::from_u64(rng())); };
  const Fp2 X(Fp::zero(), Fp::one());
  EXPECT_EQ(X * X, Fp2(Fp::from_u64(7)));
  for (int i = 0; i < 1000; ++i) {
    const Fp2 a = rnd();
    const Fp2 b = rnd();
    const Fp2 c = rnd();
    // Schoolbook product against Karatsuba.
    const Fp2 school(a.a * b.a + Fp::from_u64(7) * a.b * b.b, a.a * b.b + a.b * b.a);
    ASSERT_EQ(a * b, school);
    ASSERT_EQ(a * (b + c), a * b + a * c);
    ASSERT_EQ((a * b) * c, a * (b * c));
    ASSERT_EQ(a * b.a, a * Fp2(b.a));
    if (!(a == Fp2::zero())) {
      ASSERT_EQ(a * a.inverse(), Fp2::one());
    }
  }
  // |F_p2^*| = p^2 - 1 = (p - 1)(p + 1): a^((p-1)(p+1)) = 1. Computed as two powers.
  const Fp2 a = rnd();
  EXPECT_EQ(a.pow(P - 1).pow(P + 1), Fp2::one());
}

}  // namespace
}  // namespace vinfer::proof
