// The integer tables and integer elementary functions (see tables.hpp).
#include "vinfer/arith/tables.hpp"

#include "vinfer/arith/formats.hpp"
#include "vinfer/arith/requant.hpp"
#include "vinfer/assert.hpp"

namespace vinfer::arith {

const std::vector<int32_t>& exp_table_hi() {
  static const std::vector<int32_t> t = [] {
    std::vector<int32_t> v(256);
    for (int i = 0; i < 256; ++i) {
      v[i] =
          static_cast<int32_t>(det_round(det_exp(-static_cast<double>(i) / 16.0) * 1073741824.0));
    }
    return v;
  }();
  return t;
}

const std::vector<int32_t>& exp_table_lo() {
  static const std::vector<int32_t> t = [] {
    std::vector<int32_t> v(256);
    for (int j = 0; j < 256; ++j) {
      v[j] =
          static_cast<int32_t>(det_round(det_exp(-static_cast<double>(j) / 4096.0) * 1073741824.0));
    }
    return v;
  }();
  return t;
}

const std::vector<int32_t>& sigmoid_table() {
  static const std::vector<int32_t> t = [] {
    std::vector<int32_t> v(2049);
    for (int i = 0; i <= 2048; ++i) {
      const double x = -8.0 + static_cast<double>(i) / 128.0;
      v[i] = static_cast<int32_t>(det_round(65536.0 / (1.0 + det_exp(-x))));
    }
    return v;
  }();
  return t;
}

int64_t expneg_q16(int64_t d) {
  VINFER_ASSERT(d >= 0);
  if (d >= (int64_t{16} << kFracAct))
    return 0;
  const int64_t hi = exp_table_hi()[static_cast<size_t>(d >> 8)];
  const int64_t lo = exp_table_lo()[static_cast<size_t>(d & 255)];
  return rshift_round(hi * lo, 2 * 30 - kFracProb);
}

int64_t sigmoid_q16(int64_t x) {
  constexpr int64_t kEdge = int64_t{8} << kFracAct;  // 8.0 in Q12
  if (x < -kEdge)
    return 0;
  if (x >= kEdge)
    return int64_t{1} << kFracProb;
  const int64_t u = x + kEdge;  // [0, 2^16)
  const auto& t = sigmoid_table();
  const int64_t i = u >> 5;
  const int64_t f = u & 31;
  const int64_t a = t[static_cast<size_t>(i)];
  const int64_t b = t[static_cast<size_t>(i + 1)];
  return a + rshift_round((b - a) * f, 5);
}

uint64_t isqrt(uint64_t x) {
  // Digit-by-digit (base 4) square root: exact floor(sqrt(x)) with integers only.
  uint64_t res = 0;
  uint64_t bit = uint64_t{1} << 62;
  while (bit > x)
    bit >>= 2;
  while (bit != 0) {
    if (x >= res + bit) {
      x -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  return res;
}

int64_t rsqrt_q31(uint64_t v) {
  VINFER_ASSERT(v >= 1);
  return static_cast<int64_t>(isqrt((uint64_t{1} << 62) / v));
}

std::vector<int32_t> rope_table(uint32_t head_dim, uint32_t seq_len, double theta) {
  VINFER_ASSERT(head_dim % 2 == 0 && theta > 1.0);
  const uint32_t half = head_dim / 2;
  std::vector<int32_t> t(static_cast<size_t>(seq_len) * half * 2);
  const double log_theta = det_log(theta);
  std::vector<double> inv_freq(half);
  for (uint32_t i = 0; i < half; ++i) {
    inv_freq[i] = det_exp(-(2.0 * i / static_cast<double>(head_dim)) * log_theta);
  }
  const double one = 1073741824.0;  // 2^30
  for (uint32_t p = 0; p < seq_len; ++p) {
    for (uint32_t i = 0; i < half; ++i) {
      const double a = static_cast<double>(p) * inv_freq[i];
      const size_t at = (static_cast<size_t>(p) * half + i) * 2;
      t[at] = static_cast<int32_t>(det_round(det_cos(a) * one));
      t[at + 1] = static_cast<int32_t>(det_round(det_sin(a) * one));
    }
  }
  return t;
}

}  // namespace vinfer::arith
