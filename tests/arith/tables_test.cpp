#include "vinfer/arith/tables.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace vinfer::arith {
namespace {

// FNV-1a over a table: pins the table contents, so any change to the generator
// (which would change the arithmetic version) fails here first.
uint64_t fnv(const std::vector<int32_t>& t) {
  uint64_t h = 1469598103934665603ULL;
  for (int32_t v : t) {
    for (int b = 0; b < 4; ++b) {
      h ^= (static_cast<uint32_t>(v) >> (8 * b)) & 0xff;
      h *= 1099511628211ULL;
    }
  }
  return h;
}

TEST(DetMath, CloseToLibm) {
  for (double x = -30; x < 30; x += 0.37)
    EXPECT_NEAR(det_exp(x) / std::exp(x), 1.0, 1e-14);
  for (double x = 1e-6; x < 1e7; x *= 1.7)
    EXPECT_NEAR(det_log(x), std::log(x), 1e-13);
  for (double x = -5000; x < 5000; x += 13.1) {
    EXPECT_NEAR(det_sin(x), std::sin(x), 1e-11);
    EXPECT_NEAR(det_cos(x), std::cos(x), 1e-11);
  }
}

TEST(Tables, ValuesAndPinnedContents) {
  EXPECT_EQ(exp_table_hi()[0], 1 << 30);
  EXPECT_EQ(exp_table_lo()[0], 1 << 30);
  EXPECT_EQ(sigmoid_table()[1024], 1 << 15);
  EXPECT_EQ(sigmoid_table().size(), 2049u);
  // Pinned: regenerate only together with a new kArithVersion.
  EXPECT_EQ(fnv(exp_table_hi()), 0x8a996e95bc2c9ed8ULL) << std::hex << fnv(exp_table_hi());
  EXPECT_EQ(fnv(exp_table_lo()), 0x9f00cd2c8534090bULL) << std::hex << fnv(exp_table_lo());
  EXPECT_EQ(fnv(sigmoid_table()), 0x2a4e55a1f69a93f3ULL) << std::hex << fnv(sigmoid_table());
  EXPECT_EQ(fnv(rope_table(32, 64, 10000.0)), 0x767f3b0e43bebb0fULL)
      << std::hex << fnv(rope_table(32, 64, 10000.0));
}

TEST(Tables, ExpnegAccuracyAndMonotone) {
  int64_t prev = expneg_q16(0);
  EXPECT_EQ(prev, 65536);
  for (int64_t d = 1; d < (16 << 12) + 10; ++d) {
    const int64_t e = expneg_q16(d);
    ASSERT_LE(e, prev) << d;
    prev = e;
    EXPECT_NEAR(static_cast<double>(e), std::exp(-d / 4096.0) * 65536.0, 1.0) << d;
  }
  EXPECT_EQ(expneg_q16(16 << 12), 0);
  EXPECT_EQ(expneg_q16(int64_t{1} << 40), 0);
}

TEST(Tables, SigmoidAccuracy) {
  for (int64_t x = -(9 << 12); x < (9 << 12); x += 7) {
    const double ref = 65536.0 / (1.0 + std::exp(-x / 4096.0));
    EXPECT_NEAR(static_cast<double>(sigmoid_q16(x)), ref, 25.0) << x;
  }
}

TEST(Tables, IsqrtIsExactFloor) {
  std::mt19937_64 rng(3);
  for (uint64_t x = 0; x < 100000; ++x) {
    const uint64_t r = isqrt(x);
    ASSERT_LE(r * r, x);
    ASSERT_GT((r + 1) * (r + 1), x);
  }
  for (int i = 0; i < 100000; ++i) {
    const uint64_t x = rng() >> (rng() % 64);
    const unsigned __int128 r = isqrt(x);
    ASSERT_LE(r * r, x);
    ASSERT_GT((r + 1) * (r + 1), x);
  }
  EXPECT_EQ(isqrt(~uint64_t{0}), 0xffffffffULL);
}

TEST(Tables, RopeTableMatchesTrig) {
  const auto t = rope_table(16, 128, 10000.0);
  for (uint32_t p = 0; p < 128; ++p) {
    for (uint32_t i = 0; i < 8; ++i) {
      const double a = p * std::pow(10000.0, -2.0 * i / 16.0);
      EXPECT_NEAR(t[(p * 8 + i) * 2] / 1073741824.0, std::cos(a), 2e-9);
      EXPECT_NEAR(t[(p * 8 + i) * 2 + 1] / 1073741824.0, std::sin(a), 2e-9);
    }
  }
}

}  // namespace
}  // namespace vinfer::arith
