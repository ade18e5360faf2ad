// check_graph(): the load-time bounds of a canonical graph (docs/arithmetic.md §Graph
// bounds): operand order and dtypes, shapes, weight range, int32 accumulator bounds,
// normalized multipliers. Messages name the node.
#include "vinfer/arith/graph_ops.hpp"
#include "vinfer/model/graph.hpp"

namespace vinfer::model {

arith::Window2d window2d(const QNode& n) {
  arith::Window2d w;
  w.c = n.in_shape[0];
  w.h = n.in_shape[1];
  w.w = n.in_shape[2];
  w.kh = n.win.kh;
  w.kw = n.win.kw;
  w.stride_h = n.win.stride_h;
  w.stride_w = n.win.stride_w;
  w.pad_t = n.win.pad_t;
  w.pad_l = n.win.pad_l;
  return w;
}
namespace {

bool is_i8(const QGraph& g, uint32_t v) {
  return v == 0 || commit::dtype_size(op_dtype(g.nodes[v - 1].op)) == 1;
}

bool dyadic_ok(arith::Dyadic d) {
  return (d.mant == 0 && d.shift == 0) ||
         (d.mant >= (int32_t{1} << 30) && d.shift >= 0 && d.shift <= arith::kDyadicMaxShift);
}

Status check_window(const QNode& n, const std::string& where, bool pool) {
  const Window& w = n.win;
  if (n.in_shape.size() != 3 || n.out_shape.size() != 3)
    return fail(Errc::mismatch, where + ": needs (C, H, W) shapes");
  if (w.kh == 0 || w.kw == 0 || w.stride_h == 0 || w.stride_w == 0 || w.kh > 64 || w.kw > 64 ||
      w.stride_h > 64 || w.stride_w > 64 || w.pad_t > 64 || w.pad_l > 64 || w.pad_b > 64 ||
      w.pad_r > 64)
    return fail(Errc::invalid_argument, where + ": window parameters out of range");
  if (pool && (w.pad_t >= w.kh || w.pad_b >= w.kh || w.pad_l >= w.kw || w.pad_r >= w.kw))
    return fail(Errc::invalid_argument,
                where + ": a pad as large as the kernel leaves empty windows");
  if (n.out_shape[1] != Window::out_extent(n.in_shape[1], w.pad_t, w.pad_b, w.kh, w.stride_h) ||
      n.out_shape[2] != Window::out_extent(n.in_shape[2], w.pad_l, w.pad_r, w.kw, w.stride_w) ||
      n.out_shape[1] == 0 || n.out_shape[2] == 0)
    return fail(Errc::mismatch, where + ": output extent does not follow from the window");
  return ok_status();
}

}  // namespace

Status check_graph(const QGraph& g) {
  if (g.input_shape.empty() || shape_elems(g.input_shape) == 0 ||
      shape_elems(g.input_shape) > (1u << 22))
    return fail(Errc::invalid_argument, "graph: input shape out of range");
  if (g.nodes.empty())
    return fail(Errc::invalid_argument, "graph: no nodes");
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const QNode& n = g.nodes[i];
    const std::string where = "graph: node " + std::to_string(i) + " '" + n.name + "' (" +
                              std::string(op_name(n.op)) + ")";
    const uint32_t self = static_cast<uint32_t>(i + 1);
    if (n.a >= self || (n.op == Op::qadd && n.b >= self))
      return fail(Errc::invalid_argument, where + ": operand is not an earlier value");
    if (n.out_shape.empty() || shape_elems(n.out_shape) == 0 ||
        shape_elems(n.out_shape) > (1u << 22))
      return fail(Errc::invalid_argument, where + ": output shape out of range");
    if (shape_elems(n.in_shape) != shape_elems(g.value_shape(n.a)))
      return fail(Errc::mismatch, where + ": input view " + shape_str(n.in_shape) +
                                      " does not match operand " + shape_str(g.value_shape(n.a)));
    const bool wants_i32 = n.op == Op::requant || n.op == Op::rescale;
    if (is_i8(g, n.a) == wants_i32 || (n.op == Op::qadd && !is_i8(g, n.b)))
      return fail(Errc::mismatch, where + ": operand has the wrong dtype");
    switch (n.op) {
      case Op::gemm:
      case Op::conv: {
        if (n.op == Op::gemm) {
          if (n.out_shape != Shape{n.out_ch} || shape_elems(n.in_shape) != n.k)
            return fail(Errc::mismatch, where + ": shapes do not match (out_ch, k)");
        } else {
          VINFER_CHECK(check_window(n, where, false));
          if (n.out_shape[0] != n.out_ch || n.k != uint64_t{n.in_shape[0]} * n.win.kh * n.win.kw)
            return fail(Errc::mismatch, where + ": shapes do not match (out_ch, C*kh*kw)");
        }
        if (n.w.size() != uint64_t{n.out_ch} * n.k || n.bias.size() != n.out_ch)
          return fail(Errc::mismatch, where + ": weight or bias size");
        const int64_t acc = int64_t{n.k} * arith::kI8Max * arith::kI8Max;
        // A branch-free min first (every forward pass runs this check), then the culprit.
        int8_t lo = 0;
        for (int8_t v : n.w)
          lo = v < lo ? v : lo;
        for (size_t j = 0; lo < -127 && j < n.w.size(); ++j) {
          if (n.w[j] < -127)
            return fail(Errc::invalid_argument,
                        where + ": weight " + std::to_string(j) + " is -128");
        }
        for (uint32_t j = 0; j < n.out_ch; ++j) {
          const int64_t b = n.bias[j];
          if ((b < 0 ? -b : b) + acc > arith::kAccMax)
            return fail(Errc::overflow, where + ": |bias| + k*127^2 of output " +
                                            std::to_string(j) + " exceeds 2^31-1");
        }
        break;
      }
      case Op::requant:
      case Op::rescale:
        if (n.in_shape != n.out_shape || n.mult.size() != n.out_shape[0])
          return fail(Errc::mismatch, where + ": needs one multiplier per channel");
        for (size_t c = 0; c < n.mult.size(); ++c) {
          if (!dyadic_ok(n.mult[c]))
            return fail(Errc::invalid_argument,
                        where + ": multiplier " + std::to_string(c) + " is not normalized");
        }
        break;
      case Op::relu:
        if (n.in_shape != n.out_shape)
          return fail(Errc::mismatch, where + ": shape changes");
        break;
      case Op::maxpool:
      case Op::avgpool:
        VINFER_CHECK(check_window(n, where, true));
        if (n.out_shape[0] != n.in_shape[0])
          return fail(Errc::mismatch, where + ": channel count changes");
        break;
      case Op::qadd:
        if (n.in_shape != n.out_shape ||
            shape_elems(g.value_shape(n.b)) != shape_elems(n.out_shape))
          return fail(Errc::mismatch, where + ": operand shapes differ");
        if (n.ma < 0 || n.mb < 0 || n.shift < 0 || n.shift > 62)
          return fail(Errc::invalid_argument, where + ": multipliers out of range");
        break;
      default:
        return fail(Errc::unsupported, where + ": not a graph operator");
    }
  }
  if (g.output != g.nodes.size() || g.nodes.back().op != Op::rescale)
    return fail(Errc::invalid_argument, "graph: the output must be the last node, a rescale");
  if (shape_elems(g.output_shape) != shape_elems(g.nodes.back().out_shape))
    return fail(Errc::mismatch, "graph: output shape");
  return ok_status();
}

}  // namespace vinfer::model
