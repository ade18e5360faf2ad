// maxpool and avgpool of graph models over one channel (graph_ops.hpp,
// docs/arithmetic.md §Graph operators).
#include "vinfer/arith/graph_ops.hpp"

namespace vinfer::arith {
namespace {

// Visits the in-bounds elements of the window at (oy, ox) of channel c, row-major.
template <class F>
void for_window(const int8_t* x, const Window2d& g, uint32_t c, uint32_t oy, uint32_t ox, F&& f) {
  const int64_t y0 = int64_t{oy} * g.stride_h - g.pad_t;
  const int64_t x0 = int64_t{ox} * g.stride_w - g.pad_l;
  const int8_t* plane = x + size_t{c} * g.h * g.w;
  for (uint32_t i = 0; i < g.kh; ++i) {
    const int64_t y = y0 + i;
    if (y < 0 || y >= g.h)
      continue;
    for (uint32_t j = 0; j < g.kw; ++j) {
      const int64_t xx = x0 + j;
      if (xx < 0 || xx >= g.w)
        continue;
      f(plane[static_cast<size_t>(y) * g.w + static_cast<size_t>(xx)]);
    }
  }
}

}  // namespace

int8_t maxpool_elem(const int8_t* x, const Window2d& g, uint32_t c, uint32_t oy, uint32_t ox) {
  int8_t m = static_cast<int8_t>(-kI8Max);
  for_window(x, g, c, oy, ox, [&](int8_t v) {
    if (v > m)
      m = v;
  });
  return m;
}

int8_t avgpool_elem(const int8_t* x,
                    const Window2d& g,
                    uint32_t c,
                    uint32_t oy,
                    uint32_t ox,
                    bool count_include_pad) {
  int64_t s = 0, n = 0;
  for_window(x, g, c, oy, ox, [&](int8_t v) {
    s += v;
    ++n;
  });
  if (count_include_pad)
    n = int64_t{g.kh} * g.kw;
  VINFER_ASSERT(n >= 1);
  return sat_i8(div_round(s, n));
}

}  // namespace vinfer::arith
