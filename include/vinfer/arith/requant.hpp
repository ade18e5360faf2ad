// The canonical rounding and saturation rules. THE ONLY place that rounds.
//
// Rounding rule (one rule for every division in vinfer): round half toward +inf,
//   round(a / b) := floor((2a + b) / (2b))   for b > 0,
// and its power-of-two special case rshift_round(x, n) := floor((x + 2^(n-1)) / 2^n).
// Saturation rule: clamp to a closed range; int8 values to [-127, 127] (symmetric, so
// SIMD sign tricks never overflow), activations to [-kActMax, kActMax].
// See docs/arithmetic.md for the formats these are used with.
#pragma once

#include <cstdint>

#include "vinfer/assert.hpp"

namespace vinfer::arith {

using i128 = __int128;

/// Largest magnitude of an int32 activation (Q12 fixed point: real range ±4096).
inline constexpr int64_t kActMax = int64_t{1} << 24;
/// Largest magnitude of an int8 value (weights and quantized activations).
inline constexpr int64_t kI8Max = 127;

/// floor((x + 2^(n-1)) / 2^n) for 0 <= n <= 62; n == 0 returns x.
constexpr int64_t rshift_round(int64_t x, int n) {
  VINFER_ASSERT(n >= 0 && n <= 62);
  if (n == 0)
    return x;
  // x + 2^(n-1) may overflow only for |x| near 2^63, which the formats exclude.
  return (x + (int64_t{1} << (n - 1))) >> n;  // arithmetic shift == floor
}

/// 128-bit twin of rshift_round for 0 <= n <= 125.
constexpr i128 rshift_round(i128 x, int n) {
  VINFER_ASSERT(n >= 0 && n <= 125);
  if (n == 0)
    return x;
  return (x + (i128{1} << (n - 1))) >> n;
}

/// floor(x / d) for d > 0 (C++ '/' truncates toward zero; this floors).
constexpr i128 floor_div(i128 x, i128 d) {
  VINFER_ASSERT(d > 0);
  i128 q = x / d;
  if ((x % d) != 0 && x < 0)
    --q;
  return q;
}

/// round(a / b), half toward +inf, for b > 0: floor((2a + b) / (2b)).
constexpr int64_t div_round(int64_t a, int64_t b) {
  VINFER_ASSERT(b > 0);
  constexpr int64_t kSmall = int64_t{1} << 61;
  if (a > -kSmall && a < kSmall && b < kSmall) {  // same value, 64-bit arithmetic
    const int64_t n = 2 * a + b, d = 2 * b;
    const int64_t q = n / d;
    return (n % d != 0 && n < 0) ? q - 1 : q;
  }
  return static_cast<int64_t>(floor_div(2 * i128{a} + b, 2 * i128{b}));
}

/// Clamp to [lo, hi].
constexpr int64_t saturate(int64_t x, int64_t lo, int64_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}
constexpr int64_t saturate(i128 x, int64_t lo, int64_t hi) {
  return x < lo ? lo : (x > hi ? hi : static_cast<int64_t>(x));
}

/// Saturate to the symmetric int8 range [-127, 127].
constexpr int8_t sat_i8(int64_t x) {
  return static_cast<int8_t>(saturate(x, -kI8Max, kI8Max));
}
/// Saturate to the activation range [-kActMax, kActMax].
constexpr int32_t sat_act(int64_t x) {
  return static_cast<int32_t>(saturate(x, -kActMax, kActMax));
}
constexpr int32_t sat_act(i128 x) {
  return static_cast<int32_t>(saturate(x, -kActMax, kActMax));
}

/// A static multiplier: value = mant * 2^-shift. mant is 0 or in [2^30, 2^31);
/// shift in [0, kDyadicMaxShift]. Stored per weight row in the canonical model.
struct Dyadic {
  int32_t mant = 0;
  int32_t shift = 0;
  bool operator==(const Dyadic&) const = default;
};
inline constexpr int kDyadicMaxShift = 100;

/// round(x * d), with the rounding rule above. |x| < 2^62 keeps the product in 128 bits.
constexpr i128 apply(Dyadic d, int64_t x) {
  return rshift_round(i128{x} * d.mant, d.shift);
}

/// The quantizer's float -> Dyadic conversion (deterministic IEEE double ops only).
/// Returns false if v is negative, not finite, or >= 2^(31-0) (shift would go negative);
/// values below 2^-(kDyadicMaxShift-31) become {0, 0}.
bool dyadic_from_double(double v, Dyadic* out);

/// The value of a Dyadic as a double (for diagnostics and the float quantizer only).
double dyadic_to_double(Dyadic d);

}  // namespace vinfer::arith
