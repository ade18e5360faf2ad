// Reference integer operators (see ops.hpp and docs/arithmetic.md).
#include "vinfer/arith/ops.hpp"

#include "vinfer/arith/formats.hpp"
#include "vinfer/arith/tables.hpp"

namespace vinfer::arith {

int64_t sumsq(const int32_t* h, size_t n) {
  int64_t s = 0;
  for (size_t i = 0; i < n; ++i)
    s += int64_t{h[i]} * h[i];
  return s;
}

int64_t rms_scale(int64_t ss, uint32_t n, int64_t eps_q24) {
  VINFER_ASSERT(ss >= 0 && n > 0 && eps_q24 >= 1);
  const uint64_t v = static_cast<uint64_t>(ss / n) + static_cast<uint64_t>(eps_q24);
  return rsqrt_q31(v);
}

int32_t rmsnorm_elem(int32_t h, int32_t g, int64_t r) {
  return sat_act(rshift_round(i128{h} * g * r, 35));
}

int64_t absmax(const int32_t* x, size_t n) {
  int64_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t a = x[i] < 0 ? -int64_t{x[i]} : int64_t{x[i]};
    if (a > m)
      m = a;
  }
  return m;
}

int8_t quantize_elem(int32_t x, int64_t m) {
  if (m == 0)
    return 0;
  return sat_i8(div_round(int64_t{x} * kI8Max, m));
}

int32_t matmul_requant(int32_t acc, int64_t m, Dyadic d) {
  return sat_act(apply(d, int64_t{acc} * m));
}

int32_t dot_s8(const int8_t* w, const int8_t* x, size_t n) {
  int32_t s = 0;
  for (size_t k = 0; k < n; ++k)
    s += int32_t{w[k]} * int32_t{x[k]};
  return s;
}

int32_t embed_elem(int8_t e, Dyadic d) {
  return sat_act(apply(d, e));
}

void rope_pair(int32_t x0, int32_t x1, int32_t c, int32_t s, int32_t* y0, int32_t* y1) {
  *y0 = sat_act(rshift_round(int64_t{x0} * c - int64_t{x1} * s, kFracTrig));
  *y1 = sat_act(rshift_round(int64_t{x0} * s + int64_t{x1} * c, kFracTrig));
}

int64_t score_scale(uint32_t head_dim) {
  VINFER_ASSERT(head_dim > 0);
  return static_cast<int64_t>(isqrt((uint64_t{1} << 60) / head_dim));
}

int32_t score_elem(const int32_t* q, const int32_t* k, size_t hd, int64_t c) {
  int64_t dot = 0;
  for (size_t i = 0; i < hd; ++i)
    dot += int64_t{q[i]} * k[i];
  return sat_act(rshift_round(i128{dot} * c, 2 * kFracAct + 30 - kFracAct));
}

int64_t rowmax(const int32_t* x, size_t n) {
  VINFER_ASSERT(n > 0);
  int64_t m = x[0];
  for (size_t i = 1; i < n; ++i) {
    if (x[i] > m)
      m = x[i];
  }
  return m;
}

int32_t exp_elem(int32_t x, int64_t max) {
  VINFER_ASSERT(max >= x);
  return static_cast<int32_t>(expneg_q16(max - x));
}

int64_t rowsum(const int32_t* e, size_t n) {
  int64_t s = 0;
  for (size_t i = 0; i < n; ++i)
    s += e[i];
  return s;
}

int32_t softmax_elem(int32_t e, int64_t sum) {
  VINFER_ASSERT(sum >= 1);
  return static_cast<int32_t>(div_round(int64_t{e} << kFracProb, sum));
}

int32_t av_elem(const int32_t* p, const int32_t* v, size_t v_stride, size_t n) {
  int64_t s = 0;
  for (size_t t = 0; t < n; ++t)
    s += int64_t{p[t]} * v[t * v_stride];
  return sat_act(rshift_round(s, kFracProb));
}

int32_t silu_mul_elem(int32_t gate, int32_t up) {
  const int64_t s = rshift_round(int64_t{gate} * sigmoid_q16(gate), kFracProb);
  return sat_act(rshift_round(s * up, kFracAct));
}

int32_t add_elem(int32_t a, int32_t b) {
  return sat_act(int64_t{a} + b);
}

}  // namespace vinfer::arith
