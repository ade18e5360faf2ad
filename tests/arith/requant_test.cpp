#include "vinfer/arith/requant.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "vinfer/arith/formats.hpp"

namespace vinfer::arith {
namespace {

TEST(Requant, RshiftRoundIsHalfTowardPlusInfinity) {
  EXPECT_EQ(rshift_round(int64_t{5}, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(rshift_round(int64_t{-5}, 1), -2);  // -2.5 -> -2
  EXPECT_EQ(rshift_round(int64_t{-6}, 1), -3);  // -3
  EXPECT_EQ(rshift_round(int64_t{7}, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(rshift_round(int64_t{-7}, 2), -2);  // -1.75 -> -2
  EXPECT_EQ(rshift_round(int64_t{6}, 2), 2);    // 1.5 -> 2
  EXPECT_EQ(rshift_round(int64_t{-6}, 2), -1);  // -1.5 -> -1
  EXPECT_EQ(rshift_round(int64_t{123}, 0), 123);
}

TEST(Requant, DivRoundMatchesShiftOnPowersOfTwoAndFloorDefinition) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; ++i) {
    const int64_t a = static_cast<int64_t>(rng() % 2000001) - 1000000;
    const int n = static_cast<int>(rng() % 20);
    EXPECT_EQ(div_round(a, int64_t{1} << n), rshift_round(a, n)) << a << " " << n;
    const int64_t b = static_cast<int64_t>(rng() % 1000) + 1;
    // floor(a/b + 1/2) == floor((2a + b) / 2b), checked against long double.
    const long double exact = std::floor(static_cast<long double>(a) / b + 0.5L);
    EXPECT_EQ(div_round(a, b), static_cast<int64_t>(exact)) << a << "/" << b;
  }
  EXPECT_EQ(div_round(-3, 2), -1);  // -1.5 -> -1
  EXPECT_EQ(div_round(3, 2), 2);    // 1.5 -> 2
}

TEST(Requant, SaturationRules) {
  EXPECT_EQ(sat_i8(200), 127);
  EXPECT_EQ(sat_i8(-200), -127);  // symmetric: -128 never appears
  EXPECT_EQ(sat_i8(-127), -127);
  EXPECT_EQ(sat_act(kActMax + 5), kActMax);
  EXPECT_EQ(sat_act(-kActMax - 5), -kActMax);
  EXPECT_EQ(sat_act(i128{1} << 100), kActMax);
}

TEST(Requant, DyadicFromDoubleIsNormalizedAndClose) {
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> u(-40.0, 20.0);
  for (int i = 0; i < 10000; ++i) {
    const double v = std::exp2(u(rng));
    Dyadic d;
    ASSERT_TRUE(dyadic_from_double(v, &d));
    ASSERT_GE(d.mant, 1 << 30);
    ASSERT_GE(d.shift, 0);
    EXPECT_NEAR(dyadic_to_double(d) / v, 1.0, 1e-9);
  }
  Dyadic d;
  EXPECT_FALSE(dyadic_from_double(-1.0, &d));
  EXPECT_FALSE(dyadic_from_double(NAN, &d));
  EXPECT_FALSE(dyadic_from_double(std::exp2(40.0), &d));  // would need a negative shift
  ASSERT_TRUE(dyadic_from_double(0.0, &d));
  EXPECT_EQ(d, (Dyadic{0, 0}));
  ASSERT_TRUE(dyadic_from_double(1e-40, &d));  // below the smallest shift: zero
  EXPECT_EQ(d.mant, 0);
}

TEST(Requant, ApplyRoundsOnce) {
  const Dyadic half{1 << 30, 31};  // 0.5
  EXPECT_EQ(apply(half, 3), 2);    // 1.5 -> 2
  EXPECT_EQ(apply(half, -3), -1);  // -1.5 -> -1
  EXPECT_EQ(apply(half, 4), 2);
}

TEST(Formats, ParseDecimalQ16) {
  EXPECT_EQ(parse_decimal_q16("1").value(), 65536u);
  EXPECT_EQ(parse_decimal_q16("0.5").value(), 32768u);
  EXPECT_EQ(parse_decimal_q16("0.8").value(), 52429u);  // 52428.8 -> 52429
  EXPECT_EQ(parse_decimal_q16(".25").value(), 16384u);
  EXPECT_EQ(parse_decimal_q16("0").value(), 0u);
  EXPECT_EQ(parse_decimal_q16("2.").value(), 131072u);
  EXPECT_FALSE(parse_decimal_q16("").ok());
  EXPECT_FALSE(parse_decimal_q16("-1").ok());
  EXPECT_FALSE(parse_decimal_q16("1e3").ok());
  EXPECT_FALSE(parse_decimal_q16("0.1234567891").ok());
  EXPECT_FALSE(parse_decimal_q16(".").ok());
  EXPECT_FALSE(parse_decimal_q16("99999999").ok());
  EXPECT_EQ(q16_to_string(52429), "0.800003");
  EXPECT_EQ(q16_to_string(65536), "1");
}

}  // namespace
}  // namespace vinfer::arith
