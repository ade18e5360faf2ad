// Deterministic double-precision exp/log/sin/cos for building the integer tables.
// Only IEEE-754 +, -, *, / and floor/ldexp/frexp (all exactly specified), evaluated in
// a fixed order with -ffp-contract=off, so the tables are identical on every build.
// They are not fast and need not be: each table is built once.
#include <cmath>

#include "vinfer/arith/tables.hpp"
#include "vinfer/assert.hpp"

namespace vinfer::arith {
namespace {
constexpr double kLn2 = 0.69314718055994530942;
constexpr double kPi = 3.14159265358979323846;
}  // namespace

int64_t det_round(double x) {
  return static_cast<int64_t>(std::floor(x + 0.5));
}

double det_exp(double x) {
  // x = k*ln2 + r, |r| <= ln2/2; exp(r) by its Taylor series; exp(x) = 2^k exp(r).
  VINFER_ASSERT(x > -700.0 && x < 700.0);
  const double k = std::floor(x / kLn2 + 0.5);
  const double r = x - k * kLn2;
  double term = 1.0;
  double sum = 1.0;
  for (int n = 1; n < 30; ++n) {
    term = term * r / static_cast<double>(n);
    sum = sum + term;
  }
  return std::ldexp(sum, static_cast<int>(k));
}

double det_log(double x) {
  // x = m * 2^e with m in [1/sqrt2, sqrt2); ln m = 2 atanh(t), t = (m-1)/(m+1).
  VINFER_ASSERT(x > 0.0 && std::isfinite(x));
  int e = 0;
  double m = std::frexp(x, &e);  // [0.5, 1)
  if (m < 0.70710678118654752440) {
    m = m * 2.0;
    e -= 1;
  }
  const double t = (m - 1.0) / (m + 1.0);
  const double t2 = t * t;
  double power = t;
  double sum = 0.0;
  for (int n = 1; n < 80; n += 2) {
    sum = sum + power / static_cast<double>(n);
    power = power * t2;
  }
  return 2.0 * sum + static_cast<double>(e) * kLn2;
}

namespace {
// Reduces x to [-pi, pi].
double reduce_angle(double x) {
  const double two_pi = 2.0 * kPi;
  const double k = std::floor(x / two_pi + 0.5);
  return x - k * two_pi;
}
}  // namespace

double det_sin(double x) {
  const double r = reduce_angle(x);
  double term = r;
  double sum = r;
  const double r2 = r * r;
  for (int n = 1; n < 30; ++n) {
    term = -term * r2 / static_cast<double>((2 * n) * (2 * n + 1));
    sum = sum + term;
  }
  return sum;
}

double det_cos(double x) {
  const double r = reduce_angle(x);
  double term = 1.0;
  double sum = 1.0;
  const double r2 = r * r;
  for (int n = 1; n < 30; ++n) {
    term = -term * r2 / static_cast<double>((2 * n - 1) * (2 * n));
    sum = sum + term;
  }
  return sum;
}

}  // namespace vinfer::arith
