// Static per-channel rescaling (requant, rescale), relu and qadd of graph models
// (graph_ops.hpp, docs/arithmetic.md §Graph operators). Rounding and saturation are the
// rules of requant.hpp; nothing else rounds.
#include "vinfer/arith/graph_ops.hpp"

#include <cstdint>

namespace vinfer::arith {

namespace {

// apply(d, x) for an int32 x: |x * mant| < 2^62, so for shift <= 62 the product and
// rshift_round are exact in 64 bits and give the 128-bit value; larger shifts use apply.
int64_t apply_i32(Dyadic d, int32_t x) {
  if (d.shift <= 62)
    return rshift_round(int64_t{x} * d.mant, d.shift);
  return saturate(apply(d, x), INT64_MIN, INT64_MAX);
}

}  // namespace

int8_t requant_elem(int32_t x, Dyadic d) {
  return sat_i8(apply_i32(d, x));
}

int32_t rescale_elem(int32_t x, Dyadic d) {
  return sat_act(apply_i32(d, x));
}

int8_t relu_elem(int8_t x) {
  return x < 0 ? int8_t{0} : x;
}

int8_t qadd_elem(int8_t a, int8_t b, int32_t ma, int32_t mb, int32_t shift) {
  VINFER_ASSERT(ma >= 0 && mb >= 0 && shift >= 0 && shift <= 62);
  // |a·ma + b·mb| < 2 · 127 · 2^31 < 2^40: exact in int64.
  return sat_i8(rshift_round(int64_t{a} * ma + int64_t{b} * mb, shift));
}

}  // namespace vinfer::arith
