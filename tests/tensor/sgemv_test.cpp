// sgemv_f32 (non-canonical) under every ISA and pool size stays close to the exact sum.
#include "vinfer/tensor/sgemv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tensor/kernel_test_util.hpp"

namespace vinfer::tensor {
namespace {

using testing::IsaThreadsTest;

class SgemvTest : public IsaThreadsTest {
 protected:
  // Each y[r] must be within 1e-5 * sum|w*x| of the double-precision sum: far
  // above float rounding for these K, far below one dropped or doubled term.
  void expect_close(std::size_t rows, std::size_t K, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> W(rows * K);
    std::vector<float> x(K);
    for (float& v : W) {
      v = dist(rng);
    }
    for (float& v : x) {
      v = dist(rng);
    }
    std::vector<float> ref(rows);
    std::vector<float> got(rows + 1, 12345.0f);
    sgemv_f32_ref(W.data(), rows, K, x.data(), ref.data());
    sgemv_f32(W.data(), rows, K, x.data(), got.data(), pool());
    ASSERT_EQ(got[rows], 12345.0f);
    for (std::size_t r = 0; r < rows; ++r) {
      double exact = 0.0;
      double magnitude = 0.0;
      for (std::size_t k = 0; k < K; ++k) {
        const double p = static_cast<double>(W[r * K + k]) * x[k];
        exact += p;
        magnitude += std::fabs(p);
      }
      const double tol = 1e-5 * magnitude + 1e-6;
      ASSERT_NEAR(got[r], exact, tol) << "rows=" << rows << " K=" << K << " r=" << r;
      ASSERT_NEAR(ref[r], exact, tol) << "rows=" << rows << " K=" << K << " r=" << r;
    }
  }
};

TEST_P(SgemvTest, RandomShapesCloseToExact) {
  std::mt19937 rng(2024);
  std::uniform_int_distribution<std::size_t> rows_dist(1, 300);
  std::uniform_int_distribution<std::size_t> k_dist(1, 1100);
  for (int trial = 0; trial < 25; ++trial) {
    expect_close(rows_dist(rng), k_dist(rng), rng);
  }
}

TEST_P(SgemvTest, EdgeShapesCloseToExact) {
  std::mt19937 rng(8);
  for (std::size_t K : testing::edge_ks()) {
    for (std::size_t rows : {1, 3, 4, 5, 70}) {
      expect_close(rows, K, rng);
    }
  }
}

TEST_P(SgemvTest, PoolDoesNotChangeBits) {
  // Rows are never split, so only the ISA, not the thread count, moves bits.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const std::size_t rows = 257;
  const std::size_t K = 1031;
  std::vector<float> W(rows * K);
  std::vector<float> x(K);
  for (float& v : W) {
    v = dist(rng);
  }
  for (float& v : x) {
    v = dist(rng);
  }
  std::vector<float> alone(rows);
  std::vector<float> pooled(rows);
  sgemv_f32(W.data(), rows, K, x.data(), alone.data());
  sgemv_f32(W.data(), rows, K, x.data(), pooled.data(), pool());
  EXPECT_EQ(alone, pooled);
}

INSTANTIATE_TEST_SUITE_P(AllIsas,
                         SgemvTest,
                         ::testing::ValuesIn(testing::isa_thread_grid()),
                         testing::isa_threads_name);

}  // namespace
}  // namespace vinfer::tensor
