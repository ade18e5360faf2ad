#include "vinfer/arith/ops.hpp"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "vinfer/arith/sampler.hpp"
#include "vinfer/arith/tables.hpp"

namespace vinfer::arith {
namespace {

std::vector<int32_t> random_acts(std::mt19937_64& rng, size_t n, double scale) {
  std::normal_distribution<double> d(0.0, scale * 4096.0);
  std::vector<int32_t> v(n);
  for (auto& x : v)
    x = sat_act(static_cast<int64_t>(d(rng)));
  return v;
}

TEST(Ops, RmsNormMatchesRealValue) {
  std::mt19937_64 rng(4);
  for (double scale : {0.01, 0.3, 1.0, 20.0}) {
    const auto h = random_acts(rng, 256, scale);
    std::vector<int32_t> g(256);
    for (auto& x : g)
      x = static_cast<int32_t>((rng() % 131072) + 1000);  // Q16 gains ~[0,2]
    const int64_t ss = sumsq(h.data(), h.size());
    const int64_t r = rms_scale(ss, 256, 168);
    double ms = 0;
    for (auto x : h)
      ms += (x / 4096.0) * (x / 4096.0);
    const double inv_rms = 1.0 / std::sqrt(ms / 256 + 168.0 / 16777216.0);
    for (size_t i = 0; i < h.size(); ++i) {
      const double ref = (h[i] / 4096.0) * (g[i] / 65536.0) * inv_rms;
      EXPECT_NEAR(rmsnorm_elem(h[i], g[i], r) / 4096.0, ref, 2e-3 + std::abs(ref) * 2e-3);
    }
  }
}

TEST(Ops, QuantizeUsesTheFullRange) {
  const std::vector<int32_t> x = {-4096, 2048, 4096, 0, 1};
  const int64_t m = absmax(x.data(), x.size());
  EXPECT_EQ(m, 4096);
  EXPECT_EQ(quantize_elem(-4096, m), -127);
  EXPECT_EQ(quantize_elem(4096, m), 127);
  EXPECT_EQ(quantize_elem(2048, m), 64);    // 63.5 -> 64
  EXPECT_EQ(quantize_elem(-2048, m), -63);  // -63.5 -> -63 (half toward +inf)
  EXPECT_EQ(quantize_elem(123, 0), 0);
}

TEST(Ops, MatmulRequantRealValue) {
  // acc * m * d with d = 0.001: 1000 * 4096 * 0.001 = 4096 (1.0 in Q12).
  Dyadic d;
  ASSERT_TRUE(dyadic_from_double(0.001, &d));
  EXPECT_NEAR(matmul_requant(1000, 4096, d), 4096, 1);
  EXPECT_EQ(matmul_requant(2000000000, 1 << 24, d), kActMax);  // saturates
  EXPECT_EQ(
      dot_s8(std::vector<int8_t>{1, -2, 127}.data(), std::vector<int8_t>{3, 4, -127}.data(), 3),
      3 - 8 - 16129);
}

TEST(Ops, RopeRotatesByTableAngle) {
  const auto t = rope_table(4, 8, 10000.0);
  int32_t y0, y1;
  rope_pair(4096, 0, t[(5 * 2 + 0) * 2], t[(5 * 2 + 0) * 2 + 1], &y0, &y1);  // pos 5, pair 0
  EXPECT_NEAR(y0, 4096 * std::cos(5.0), 1);
  EXPECT_NEAR(y1, 4096 * std::sin(5.0), 1);
}

TEST(Ops, SoftmaxPiecesApproximateRealSoftmax) {
  std::mt19937_64 rng(5);
  const auto s = random_acts(rng, 100, 3.0);
  const int64_t mx = rowmax(s.data(), s.size());
  std::vector<int32_t> e(s.size()), p(s.size());
  for (size_t i = 0; i < s.size(); ++i)
    e[i] = exp_elem(s[i], mx);
  const int64_t sum = rowsum(e.data(), e.size());
  double z = 0;
  for (auto x : s)
    z += std::exp(x / 4096.0 - mx / 4096.0);
  int64_t total = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    p[i] = softmax_elem(e[i], sum);
    total += p[i];
    EXPECT_NEAR(p[i] / 65536.0, std::exp(s[i] / 4096.0 - mx / 4096.0) / z, 1e-4);
  }
  EXPECT_NEAR(static_cast<double>(total), 65536.0, 60.0);
}

TEST(Ops, ScoreAndAv) {
  std::vector<int32_t> q = {4096, 4096, 0, 0}, k = {4096, 0, 4096, 0};
  // dot = 1.0, scaled by 1/sqrt(4) = 0.5.
  EXPECT_EQ(score_elem(q.data(), k.data(), 4, score_scale(4)), 2048);
  std::vector<int32_t> pr = {32768, 32768};
  std::vector<int32_t> v = {4096, 7, 8192, 9};  // column 0 with stride 2: 1.0, 2.0
  EXPECT_EQ(av_elem(pr.data(), v.data(), 2, 2), 6144);
}

TEST(Ops, SiluMulMatchesReal) {
  for (int32_t g = -40000; g < 40000; g += 997) {
    for (int32_t u : {-8192, 4096, 12345}) {
      const double gr = g / 4096.0;
      const double ref = gr / (1 + std::exp(-gr)) * (u / 4096.0);
      // Below -8 the sigmoid is cut to 0: an error of at most |silu(-8)| * |u| = 0.0027 |u|.
      const double tail = gr < -8 ? 0.0027 * std::abs(u / 4096.0) : 0.0;
      EXPECT_NEAR(silu_mul_elem(g, u) / 4096.0, ref, 2e-3 + std::abs(ref) * 2e-3 + tail)
          << g << " " << u;
    }
  }
  EXPECT_EQ(add_elem(static_cast<int32_t>(kActMax), 5), kActMax);
}

TEST(Sampler, ArgmaxTiesToLowestIndex) {
  std::vector<int32_t> x = {1, 5, 3, 5};
  EXPECT_EQ(argmax(x.data(), x.size()), 1u);
}

TEST(Sampler, TopPThresholdIsValidAndMinimal) {
  std::mt19937_64 rng(6);
  for (int it = 0; it < 2000; ++it) {
    const size_t n = 1 + rng() % 60;
    std::vector<int32_t> e(n);
    for (auto& x : e)
      x = static_cast<int32_t>(rng() % 5 == 0 ? 65536 : rng() % 70000);
    e[rng() % n] = 65536;  // the max always has exp(0) = 1.0
    const int64_t sum = rowsum(e.data(), n);
    const uint32_t p = 1 + static_cast<uint32_t>(rng() % 65536);
    const int64_t tau = topp_threshold(e.data(), n, sum, p);
    ASSERT_TRUE(topp_threshold_valid(e.data(), n, sum, p, tau));
    EXPECT_FALSE(topp_threshold_valid(e.data(), n, sum, p, tau + 1));
    const uint32_t t = sample_index(e.data(), n, tau, rng());
    ASSERT_LT(t, n);
    EXPECT_GE(e[t], tau);
  }
  std::vector<int32_t> e = {100, 200, 300};
  EXPECT_EQ(topp_threshold(e.data(), 3, 600, 65536), 100);  // p = 1 keeps all
  EXPECT_EQ(topp_threshold(e.data(), 3, 600, 1), 300);      // tiny p keeps the top
}

TEST(Sampler, DrawIsCounterBasedAndSampleFollowsWeights) {
  EXPECT_EQ(rng_draw(42, 7), rng_draw(42, 7));
  EXPECT_NE(rng_draw(42, 7), rng_draw(42, 8));
  EXPECT_NE(rng_draw(42, 7), rng_draw(43, 7));
  std::vector<int32_t> e = {1000, 3000, 0, 4000};
  std::vector<int> count(4);
  for (uint64_t pos = 0; pos < 80000; ++pos)
    ++count[sample_index(e.data(), 4, 0, rng_draw(1, pos))];
  EXPECT_EQ(count[2], 0);
  EXPECT_NEAR(count[0] / 80000.0, 0.125, 0.01);
  EXPECT_NEAR(count[1] / 80000.0, 0.375, 0.01);
  EXPECT_NEAR(count[3] / 80000.0, 0.5, 0.01);
  EXPECT_EQ(temp_scale_elem(4096, 32768), 8192);  // T = 0.5 doubles the logit
}

}  // namespace
}  // namespace vinfer::arith
