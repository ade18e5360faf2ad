// maxpool and avgpool of graph models over one channel (graph_ops.hpp,
// docs/arithmetic.md §Graph operators).
#include "arith/window.hpp"
#include "vinfer/arith/graph_ops.hpp"

namespace vinfer::arith {

int8_t maxpool_elem(const int8_t* x, const Window2d& g, uint32_t c, uint32_t oy, uint32_t ox) {
  int8_t m = static_cast<int8_t>(-kI8Max);
  detail::for_window(x, g, c, oy, ox, [&](uint32_t, uint32_t, int8_t v) {
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
  detail::for_window(x, g, c, oy, ox, [&](uint32_t, uint32_t, int8_t v) {
    s += v;
    ++n;
  });
  if (count_include_pad)
    n = int64_t{g.kh} * g.kw;
  VINFER_ASSERT(n >= 1);
  return sat_i8(div_round(s, n));
}

}  // namespace vinfer::arith
