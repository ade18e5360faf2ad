// Static per-channel rescaling (requant, rescale), relu and qadd of graph models
// (graph_ops.hpp, docs/arithmetic.md §Graph operators). Rounding and saturation are the
// rules of requant.hpp; nothing else rounds.
#include "vinfer/arith/graph_ops.hpp"

namespace vinfer::arith {

int8_t requant_elem(int32_t x, Dyadic d) {
  return static_cast<int8_t>(saturate(apply(d, x), -kI8Max, kI8Max));
}

int32_t rescale_elem(int32_t x, Dyadic d) {
  return sat_act(apply(d, x));
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
