// gemm_s8s8_s32 under every ISA and pool size equals gemm_s8s8_s32_ref, bit for bit.
#include "vinfer/tensor/gemm.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "tensor/kernel_test_util.hpp"
#include "vinfer/tensor/gemv.hpp"

namespace vinfer::tensor {
namespace {

using testing::IsaThreadsTest;
using testing::Misaligned;
using testing::random_s8;

class GemmTest : public IsaThreadsTest {
 protected:
  void expect_matches_ref(const std::vector<std::int8_t>& W,
                          std::size_t rows,
                          std::size_t K,
                          const std::vector<std::int8_t>& X,
                          std::size_t n) {
    std::vector<std::int32_t> want(n * rows);
    gemm_s8s8_s32_ref(W.data(), rows, K, X.data(), n, want.data(), rows);
    const Misaligned w_off(W);
    const Misaligned x_off(X);
    std::vector<std::int32_t> got(n * rows + 1, 0x5A5A5A5A);
    gemm_s8s8_s32(w_off.data(), rows, K, x_off.data(), n, got.data(), pool());
    ASSERT_EQ(got.back(), 0x5A5A5A5A) << "rows=" << rows << " K=" << K << " n=" << n;
    got.pop_back();
    ASSERT_EQ(got, want) << "rows=" << rows << " K=" << K << " n=" << n;
  }
};

TEST_P(GemmTest, RandomShapesMatchReference) {
  std::mt19937 rng(777);
  std::uniform_int_distribution<std::size_t> rows_dist(1, 300);
  std::uniform_int_distribution<std::size_t> k_dist(1, 1100);
  std::uniform_int_distribution<std::size_t> n_dist(1, 9);
  for (int trial = 0; trial < 25; ++trial) {
    const std::size_t rows = rows_dist(rng);
    const std::size_t K = k_dist(rng);
    const std::size_t n = n_dist(rng);
    expect_matches_ref(random_s8(rng, rows * K), rows, K, random_s8(rng, n * K), n);
  }
}

TEST_P(GemmTest, EdgeShapesMatchReference) {
  std::mt19937 rng(5);
  for (std::size_t K : testing::edge_ks()) {
    for (std::size_t rows : {1, 3, 4, 5, 66}) {
      for (std::size_t n : {1, 2, 5}) {
        expect_matches_ref(random_s8(rng, rows * K), rows, K, random_s8(rng, n * K), n);
      }
    }
  }
}

TEST_P(GemmTest, ExtremeValuesMatchReference) {
  const std::size_t rows = 13;
  const std::size_t n = 3;
  for (std::size_t K : {std::size_t{65}, std::size_t{4096}}) {
    for (int w_val : {-127, 127}) {
      for (int x_val : {-127, 127}) {
        expect_matches_ref(std::vector<std::int8_t>(rows * K, static_cast<std::int8_t>(w_val)),
                           rows, K,
                           std::vector<std::int8_t>(n * K, static_cast<std::int8_t>(x_val)), n);
      }
    }
  }
}

TEST_P(GemmTest, EachOutputRowIsAGemv) {
  std::mt19937 rng(31);
  const std::size_t rows = 37;
  const std::size_t K = 515;
  const std::size_t n = 4;
  const auto W = random_s8(rng, rows * K);
  const auto X = random_s8(rng, n * K);
  std::vector<std::int32_t> Y(n * rows);
  gemm_s8s8_s32(W.data(), rows, K, X.data(), n, Y.data(), pool());
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::int32_t> y(rows);
    gemv_s8s8_s32(W.data(), rows, K, X.data() + i * K, y.data(), pool());
    EXPECT_EQ(std::vector<std::int32_t>(Y.begin() + i * rows, Y.begin() + (i + 1) * rows), y);
  }
}

TEST_P(GemmTest, ZeroVectorsOrRowsWriteNothing) {
  const std::vector<std::int8_t> buf(64, 1);
  std::int32_t y = 42;
  gemm_s8s8_s32(buf.data(), 4, 16, buf.data(), 0, &y, pool());
  gemm_s8s8_s32(buf.data(), 0, 16, buf.data(), 4, &y, pool());
  EXPECT_EQ(y, 42);
}

INSTANTIATE_TEST_SUITE_P(AllIsas,
                         GemmTest,
                         ::testing::ValuesIn(testing::isa_thread_grid()),
                         testing::isa_threads_name);

TEST(GemmDeathTest, RejectsMinus128InX) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::vector<std::int8_t> W(4 * 8, 1);
  std::vector<std::int8_t> X(2 * 8, 1);
  X[13] = -128;
  std::vector<std::int32_t> Y(2 * 4);
  EXPECT_DEATH(gemm_s8s8_s32(W.data(), 4, 8, X.data(), 2, Y.data()), "is_symmetric_s8");
}

}  // namespace
}  // namespace vinfer::tensor
