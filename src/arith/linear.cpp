// gemm and conv accumulators of graph models (graph_ops.hpp, docs/arithmetic.md).
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
  const int64_t y0 = int64_t{oy} * g.stride_h - g.pad_t;
  const int64_t x0 = int64_t{ox} * g.stride_w - g.pad_l;
  for (uint32_t c = 0; c < g.c; ++c) {
    for (uint32_t i = 0; i < g.kh; ++i) {
      const int64_t y = y0 + i;
      if (y < 0 || y >= g.h)
        continue;
      for (uint32_t j = 0; j < g.kw; ++j) {
        const int64_t xx = x0 + j;
        if (xx < 0 || xx >= g.w)
          continue;
        const int8_t fv = f[(size_t{c} * g.kh + i) * g.kw + j];
        const int8_t xv =
            x[(size_t{c} * g.h + static_cast<size_t>(y)) * g.w + static_cast<size_t>(xx)];
        s += int64_t{fv} * xv;
      }
    }
  }
  VINFER_ASSERT(s >= -kAccMax && s <= kAccMax);
  return static_cast<int32_t>(s);
}

}  // namespace vinfer::arith
