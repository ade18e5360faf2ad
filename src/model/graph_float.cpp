// Float reference forward of a graph (the fp32 side of `vinfer eval` and the quantizer's
// calibration): plain loops, float accumulators in index order, no threads, so it gives the
// same floats on every build (-ffp-contract=off).
#include <algorithm>

#include "vinfer/model/graph.hpp"

namespace vinfer::model {

uint64_t shape_elems(const Shape& s) {
  uint64_t n = 1;
  for (uint32_t d : s)
    n *= d;
  return n;
}

std::string shape_str(const Shape& s) {
  if (s.empty())
    return "scalar";
  std::string out = std::to_string(s[0]);
  for (size_t i = 1; i < s.size(); ++i) {
    out += 'x';
    out += std::to_string(s[i]);
  }
  return out;
}

uint32_t Window::out_extent(uint32_t in, uint32_t pad0, uint32_t pad1, uint32_t k, uint32_t s) {
  const int64_t span = int64_t{in} + pad0 + pad1 - k;
  if (span < 0 || s == 0)
    return 0;
  return static_cast<uint32_t>(span / s + 1);
}

const char* float_op_name(FloatOp op) {
  switch (op) {
    case FloatOp::gemm:
      return "gemm";
    case FloatOp::conv:
      return "conv";
    case FloatOp::relu:
      return "relu";
    case FloatOp::maxpool:
      return "maxpool";
    case FloatOp::avgpool:
      return "avgpool";
    case FloatOp::add:
      return "add";
  }
  return "?";
}

uint64_t graph_param_count(const FloatGraph& g) {
  uint64_t n = 0;
  for (const auto& f : g.nodes)
    n += f.w.size() + ((f.op == FloatOp::gemm || f.op == FloatOp::conv) ? f.bias.size() : 0);
  return n;
}

namespace {

// Visits the in-bounds input positions of one window: f(y, x).
template <class F>
void window_visit(const Window& w, uint32_t h, uint32_t wd, uint32_t oy, uint32_t ox, F&& f) {
  const int64_t y0 = int64_t{oy} * w.stride_h - w.pad_t;
  const int64_t x0 = int64_t{ox} * w.stride_w - w.pad_l;
  for (uint32_t i = 0; i < w.kh; ++i) {
    const int64_t y = y0 + i;
    if (y < 0 || y >= h)
      continue;
    for (uint32_t j = 0; j < w.kw; ++j) {
      const int64_t x = x0 + j;
      if (x < 0 || x >= wd)
        continue;
      f(static_cast<size_t>(y), static_cast<size_t>(x), i, j);
    }
  }
}

std::vector<float> run_node(const FloatNode& n,
                            const std::vector<float>& a,
                            const std::vector<float>* b) {
  std::vector<float> y(shape_elems(n.out_shape));
  switch (n.op) {
    case FloatOp::gemm:
      for (uint32_t j = 0; j < n.out_ch; ++j) {
        const float* w = n.w.data() + size_t{j} * n.k;
        float s = 0;
        for (uint32_t k = 0; k < n.k; ++k)
          s += w[k] * a[k];
        y[j] = s + n.bias[j];
      }
      break;
    case FloatOp::conv: {
      const uint32_t C = n.in_shape[0], H = n.in_shape[1], W = n.in_shape[2];
      const uint32_t OH = n.out_shape[1], OW = n.out_shape[2];
      for (uint32_t o = 0; o < n.out_ch; ++o) {
        for (uint32_t oy = 0; oy < OH; ++oy) {
          for (uint32_t ox = 0; ox < OW; ++ox) {
            float s = 0;
            for (uint32_t c = 0; c < C; ++c) {
              const float* f = n.w.data() + (size_t{o} * C + c) * n.win.kh * n.win.kw;
              const float* x = a.data() + size_t{c} * H * W;
              window_visit(n.win, H, W, oy, ox, [&](size_t yy, size_t xx, uint32_t i, uint32_t j) {
                s += f[i * n.win.kw + j] * x[yy * W + xx];
              });
            }
            y[(size_t{o} * OH + oy) * OW + ox] = s + n.bias[o];
          }
        }
      }
      break;
    }
    case FloatOp::maxpool:
    case FloatOp::avgpool: {
      const uint32_t C = n.in_shape[0], H = n.in_shape[1], W = n.in_shape[2];
      const uint32_t OH = n.out_shape[1], OW = n.out_shape[2];
      for (uint32_t c = 0; c < C; ++c) {
        const float* x = a.data() + size_t{c} * H * W;
        for (uint32_t oy = 0; oy < OH; ++oy) {
          for (uint32_t ox = 0; ox < OW; ++ox) {
            float m = -3.4e38f, s = 0;
            uint32_t cnt = 0;
            window_visit(n.win, H, W, oy, ox, [&](size_t yy, size_t xx, uint32_t, uint32_t) {
              const float v = x[yy * W + xx];
              m = std::max(m, v);
              s += v;
              ++cnt;
            });
            if (n.win.count_include_pad)
              cnt = n.win.kh * n.win.kw;
            y[(size_t{c} * OH + oy) * OW + ox] =
                n.op == FloatOp::maxpool ? m : s / static_cast<float>(cnt);
          }
        }
      }
      break;
    }
    case FloatOp::relu:
      for (size_t i = 0; i < y.size(); ++i)
        y[i] = a[i] > 0 ? a[i] : 0.0f;
      break;
    case FloatOp::add:
      for (size_t i = 0; i < y.size(); ++i)
        y[i] = a[i] + (*b)[i];
      break;
  }
  return y;
}

}  // namespace

std::vector<float> float_forward(const FloatGraph& g,
                                 const float* x,
                                 std::vector<std::vector<float>>* values) {
  std::vector<std::vector<float>> local;
  auto& v = values ? *values : local;
  v.assign(g.nodes.size() + 1, {});
  v[0].assign(x, x + shape_elems(g.input_shape));
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const FloatNode& n = g.nodes[i];
    v[i + 1] = run_node(n, v[n.a], n.op == FloatOp::add ? &v[n.b] : nullptr);
  }
  return v[g.output];
}

}  // namespace vinfer::model
