#include "vinfer/arith/graph_ops.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace vinfer::arith {
namespace {

TEST(GraphOps, RequantAndRescaleAreTheRoundingRuleOfRequantHpp) {
  // requant_elem takes a 64-bit shortcut for shift <= 62; it must equal the 128-bit rule.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const int32_t x = static_cast<int32_t>(rng());
    Dyadic d{static_cast<int32_t>((int64_t{1} << 30) + static_cast<int64_t>(rng() % (1u << 30))),
             static_cast<int32_t>(rng() % (kDyadicMaxShift + 1))};
    if (i % 97 == 0)
      d = Dyadic{0, 0};
    EXPECT_EQ(requant_elem(x, d), sat_i8(saturate(apply(d, x), INT64_MIN, INT64_MAX)))
        << x << " " << d.mant << " " << d.shift;
    EXPECT_EQ(rescale_elem(x, d), sat_act(apply(d, x))) << x << " " << d.mant << " " << d.shift;
  }
  // Exact halves round toward +inf; results saturate to [-127, 127].
  const Dyadic half{int32_t{1} << 30, 31};  // 0.5
  EXPECT_EQ(requant_elem(3, half), 2);      // 1.5 -> 2
  EXPECT_EQ(requant_elem(-3, half), -1);    // -1.5 -> -1
  EXPECT_EQ(requant_elem(1000, half), 127);
  EXPECT_EQ(requant_elem(-1000, half), -127);
  EXPECT_EQ(requant_elem(INT32_MIN, Dyadic{(int32_t{1} << 31) - 1, 0}), -127);
}

TEST(GraphOps, GemmIsTheExactDotProductPlusBias) {
  std::vector<int8_t> w = {127, -127, 3, 0}, x = {127, 127, -5, 9};
  EXPECT_EQ(gemm_elem(w.data(), x.data(), 4, -7), 127 * 127 - 127 * 127 - 15 - 7);
  EXPECT_EQ(gemm_elem(w.data(), x.data(), 0, 42), 42);
}

TEST(GraphOps, ConvPadsWithZeroAndMatchesANaiveLoop) {
  std::mt19937_64 rng(3);
  Window2d g;
  g.c = 2;
  g.h = 5;
  g.w = 4;
  g.kh = 3;
  g.kw = 2;
  g.stride_h = 2;
  g.stride_w = 1;
  g.pad_t = 1;
  g.pad_l = 1;
  std::vector<int8_t> x(g.c * g.h * g.w), f(g.c * g.kh * g.kw);
  for (auto& v : x)
    v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  for (auto& v : f)
    v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  for (uint32_t oy = 0; oy < 3; ++oy) {
    for (uint32_t ox = 0; ox < 5; ++ox) {
      int64_t s = 11;
      for (uint32_t c = 0; c < g.c; ++c) {
        for (uint32_t i = 0; i < g.kh; ++i) {
          for (uint32_t j = 0; j < g.kw; ++j) {
            const int yy = static_cast<int>(oy * 2 + i) - 1, xx = static_cast<int>(ox + j) - 1;
            if (yy < 0 || yy >= 5 || xx < 0 || xx >= 4)
              continue;
            s += int64_t{f[(c * 3 + i) * 2 + j]} * x[(c * 5 + yy) * 4 + xx];
          }
        }
      }
      EXPECT_EQ(conv_elem(x.data(), g, f.data(), 11, oy, ox), s) << oy << "," << ox;
    }
  }
}

TEST(GraphOps, PoolingNeverSeesThePadding) {
  Window2d g;
  g.c = 1;
  g.h = 2;
  g.w = 2;
  g.kh = 2;
  g.kw = 2;
  g.stride_h = 2;
  g.stride_w = 2;
  g.pad_t = 1;
  g.pad_l = 1;
  const int8_t neg[4] = {-5, -9, -3, -100};
  // Window (0, 0) covers only x[0][0] = -5: the zero padding must not win the max.
  EXPECT_EQ(maxpool_elem(neg, g, 0, 0, 0), -5);
  EXPECT_EQ(maxpool_elem(neg, g, 0, 1, 1), -100);
  EXPECT_EQ(maxpool_elem(neg, g, 0, 0, 1), -9);
  // avgpool: the in-bounds count, or kh*kw with count_include_pad; round half to +inf.
  const int8_t v[4] = {3, 0, -3, 0};
  EXPECT_EQ(avgpool_elem(v, g, 0, 0, 0, false), 3);
  EXPECT_EQ(avgpool_elem(v, g, 0, 0, 0, true), 1);  // 3/4 -> 1
  g.pad_t = g.pad_l = 0;
  g.stride_h = g.stride_w = 1;
  g.kh = 2;
  g.kw = 1;
  EXPECT_EQ(avgpool_elem(v, g, 0, 0, 0, false), 0);  // (3 - 3) / 2
  const int8_t w[4] = {3, -6, 0, -1};
  EXPECT_EQ(avgpool_elem(w, g, 0, 0, 0, false), 2);   // 3/2 = 1.5 -> 2
  EXPECT_EQ(avgpool_elem(w, g, 0, 0, 1, false), -3);  // -7/2 = -3.5 -> -3
}

TEST(GraphOps, ReluAndQadd) {
  EXPECT_EQ(relu_elem(-127), 0);
  EXPECT_EQ(relu_elem(0), 0);
  EXPECT_EQ(relu_elem(77), 77);
  // (a*ma + b*mb) / 2^shift, rounded, saturated.
  EXPECT_EQ(qadd_elem(10, 20, 1 << 20, 1 << 19, 20), 20);
  EXPECT_EQ(qadd_elem(1, 0, 1 << 20, 0, 21), 1);   // 0.5 -> 1
  EXPECT_EQ(qadd_elem(-1, 0, 1 << 20, 0, 21), 0);  // -0.5 -> 0
  EXPECT_EQ(qadd_elem(127, 127, 1 << 30, 1 << 30, 30), 127);
  EXPECT_EQ(qadd_elem(-127, -127, 1 << 30, 1 << 30, 30), -127);
}

}  // namespace
}  // namespace vinfer::arith
