// Internal to src/arith: the in-bounds elements of one 2-D window, the one definition that
// conv, maxpool and avgpool share (graph_ops.hpp; padding positions are never visited).
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinfer/arith/graph_ops.hpp"

namespace vinfer::arith::detail {

/// Calls f(i, j, value) for the in-bounds elements (i, j) of the kh x kw window at (oy, ox)
/// of channel c of x (C x H x W, row-major), row by row.
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
      f(i, j, plane[static_cast<size_t>(y) * g.w + static_cast<size_t>(xx)]);
    }
  }
}

}  // namespace vinfer::arith::detail
