// gemv_s8s8_s32 under every ISA and pool size equals gemv_s8s8_s32_ref, bit for bit.
#include "vinfer/tensor/gemv.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "tensor/kernel_test_util.hpp"

namespace vinfer::tensor {
namespace {

using testing::IsaThreadsTest;
using testing::Misaligned;
using testing::random_s8;

class GemvTest : public IsaThreadsTest {
 protected:
  // Runs the dispatcher on misaligned copies and compares with the reference.
  void expect_matches_ref(const std::vector<std::int8_t>& W,
                          std::size_t rows,
                          std::size_t K,
                          const std::vector<std::int8_t>& x) {
    std::vector<std::int32_t> want(rows);
    gemv_s8s8_s32_ref(W.data(), rows, K, x.data(), want.data());
    const Misaligned w_off(W);
    const Misaligned x_off(x);
    // A sentinel past the end catches a kernel that writes one row too many.
    std::vector<std::int32_t> got(rows + 1, 0x5A5A5A5A);
    gemv_s8s8_s32(w_off.data(), rows, K, x_off.data(), got.data(), pool());
    ASSERT_EQ(got[rows], 0x5A5A5A5A) << "rows=" << rows << " K=" << K;
    got.pop_back();
    ASSERT_EQ(got, want) << "rows=" << rows << " K=" << K;
  }
};

TEST_P(GemvTest, RandomShapesMatchReference) {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<std::size_t> rows_dist(1, 300);
  std::uniform_int_distribution<std::size_t> k_dist(1, 1100);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t rows = rows_dist(rng);
    const std::size_t K = k_dist(rng);
    expect_matches_ref(random_s8(rng, rows * K), rows, K, random_s8(rng, K));
  }
}

TEST_P(GemvTest, EdgeShapesMatchReference) {
  std::mt19937 rng(99);
  for (std::size_t K : testing::edge_ks()) {
    for (std::size_t rows : {1, 2, 3, 4, 5, 7, 8, 9, 64, 67}) {
      expect_matches_ref(random_s8(rng, rows * K), rows, K, random_s8(rng, K));
    }
  }
  // One long row and one tall matrix at a model width.
  expect_matches_ref(random_s8(rng, 4096), 1, 4096, random_s8(rng, 4096));
  expect_matches_ref(random_s8(rng, 300 * 4096), 300, 4096, random_s8(rng, 4096));
}

TEST_P(GemvTest, ExtremeValuesMatchReference) {
  for (std::size_t K : {std::size_t{33}, std::size_t{1100}, std::size_t{4096}}) {
    const std::size_t rows = 9;
    for (int w_val : {-127, 127}) {
      for (int x_val : {-127, 127}) {
        expect_matches_ref(std::vector<std::int8_t>(rows * K, static_cast<std::int8_t>(w_val)),
                           rows, K, std::vector<std::int8_t>(K, static_cast<std::int8_t>(x_val)));
      }
    }
    // Alternating signs put +-127*127 in every maddubs pair.
    std::vector<std::int8_t> alt(rows * K);
    for (std::size_t i = 0; i < alt.size(); ++i) {
      alt[i] = (i % 2 == 0) ? 127 : -127;
    }
    expect_matches_ref(alt, rows, K, std::vector<std::int8_t>(alt.begin(), alt.begin() + K));
  }
}

TEST_P(GemvTest, LargestKReachesTheInt32Bound) {
  const std::size_t K = kMaxDotK;
  const std::size_t rows = 5;
  const std::vector<std::int8_t> W(rows * K, -127);
  const std::vector<std::int8_t> x(K, -127);
  std::vector<std::int32_t> y(rows);
  gemv_s8s8_s32(W.data(), rows, K, x.data(), y.data(), pool());
  for (std::int32_t v : y) {
    EXPECT_EQ(v, static_cast<std::int32_t>(K * 127 * 127));
  }
  std::vector<std::int8_t> x_pos(K, 127);
  gemv_s8s8_s32(W.data(), rows, K, x_pos.data(), y.data(), pool());
  for (std::int32_t v : y) {
    EXPECT_EQ(v, -static_cast<std::int32_t>(K * 127 * 127));
  }
}

TEST_P(GemvTest, ZeroRowsWritesNothing) {
  const std::vector<std::int8_t> x(16, 1);
  std::int32_t y = 42;
  gemv_s8s8_s32(nullptr, 0, 16, x.data(), &y, pool());
  EXPECT_EQ(y, 42);
}

INSTANTIATE_TEST_SUITE_P(AllIsas,
                         GemvTest,
                         ::testing::ValuesIn(testing::isa_thread_grid()),
                         testing::isa_threads_name);

TEST(GemvDeathTest, RejectsMinus128InX) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::vector<std::int8_t> W(4 * 8, 1);
  std::vector<std::int8_t> x(8, 1);
  x[5] = -128;
  std::vector<std::int32_t> y(4);
  EXPECT_DEATH(gemv_s8s8_s32(W.data(), 4, 8, x.data(), y.data()), "is_symmetric_s8");
}

TEST(GemvDeathTest, RejectsKPastTheInt32Bound) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::vector<std::int8_t> x(kMaxDotK + 1, 1);
  std::int32_t y = 0;
  EXPECT_DEATH(gemv_s8s8_s32(x.data(), 1, kMaxDotK + 1, x.data(), &y), "kMaxDotK");
}

TEST(IsSymmetricS8, FindsMinus128Anywhere) {
  std::vector<std::int8_t> v(1000, -127);
  EXPECT_TRUE(is_symmetric_s8(v.data(), v.size()));
  v[999] = -128;
  EXPECT_FALSE(is_symmetric_s8(v.data(), v.size()));
  EXPECT_TRUE(is_symmetric_s8(v.data(), 0));
}

}  // namespace
}  // namespace vinfer::tensor
