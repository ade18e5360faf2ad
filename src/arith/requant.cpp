// Float -> Dyadic conversion used once, by the quantizer. Only exact IEEE operations
// (frexp, ldexp, comparisons) and one rounding of a double in [2^30, 2^31], so every
// build on every x86-64 / aarch64 machine produces the same integers.
#include "vinfer/arith/requant.hpp"

#include <cmath>

namespace vinfer::arith {

bool dyadic_from_double(double v, Dyadic* out) {
  if (!(v >= 0.0) || !std::isfinite(v))
    return false;
  if (v == 0.0) {
    *out = Dyadic{0, 0};
    return true;
  }
  int e = 0;
  const double m = std::frexp(v, &e);  // v = m * 2^e, m in [0.5, 1)
  // mant = round(m * 2^31), shift = 31 - e, so mant * 2^-shift ~= v.
  double scaled = std::ldexp(m, 31);  // exact, in [2^30, 2^31)
  double rounded = std::floor(scaled + 0.5);
  int shift = 31 - e;
  if (rounded >= 2147483648.0) {  // rounding carried to 2^31
    rounded = std::ldexp(rounded, -1);
    shift -= 1;
  }
  if (shift < 0)
    return false;
  if (shift > kDyadicMaxShift) {
    *out = Dyadic{0, 0};
    return true;
  }
  *out = Dyadic{static_cast<int32_t>(rounded), shift};
  return true;
}

double dyadic_to_double(Dyadic d) {
  return std::ldexp(static_cast<double>(d.mant), -d.shift);
}

}  // namespace vinfer::arith
