// gemm and conv accumulators of graph models (graph_ops.hpp, docs/arithmetic.md).
#include "arith/window.hpp"
#include "vinfer/arith/graph_ops.hpp"

namespace vinfer::arith {

int32_t gemm_elem(const int8_t* w, const int8_t* x, size_t k, int32_t bias) {
  int64_t s = bias;
  for (size_t i = 0; i < k; ++i)
    s += int64_t{w[i]} * x[i];
  VINFER_ASSERT(s >= -kAccMax && s <= kAccMax);
  return static_cast<int32_t>(s);
}

int32_t conv_elem(const int8_t* x,
                  const Window2d& g,
                  const int8_t* f,
                  int32_t bias,
                  uint32_t oy,
                  uint32_t ox) {
  int64_t s = bias;
  for (uint32_t c = 0; c < g.c; ++c) {
    const int8_t* fc = f + size_t{c} * g.kh * g.kw;
    detail::for_window(x, g, c, oy, ox, [&](uint32_t i, uint32_t j, int8_t v) {
      s += int64_t{fc[size_t{i} * g.kw + j]} * v;
    });
  }
  VINFER_ASSERT(s >= -kAccMax && s <= kAccMax);
  return static_cast<int32_t>(s);
}

}  // namespace vinfer::arith
