// quantize_graph(): float graph -> canonical graph (docs/arithmetic.md §Graph quantizer).
//
// Floats appear only here, in a fixed order (calibration samples in order, elements in
// index order, double for every scale), with -ffp-contract=off: the same graph and the same
// calibration set give the same integers on every build.
#include <cmath>
#include <cstring>

#include "vinfer/arith/graph_ops.hpp"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/model/graph.hpp"

namespace vinfer::model {
namespace {

double round_half_away(double v) {
  return v < 0 ? -std::floor(-v + 0.5) : std::floor(v + 0.5);
}

Error node_fail(const FloatNode& n, Errc c, const std::string& what) {
  return fail(c, "quantize: node '" + n.name + "' (" + n.op_type + "): " + what);
}

// Scale of an int8 tensor whose calibrated max |x| is amax: amax / 127 (1/127 if amax is 0).
double i8_scale(double amax) {
  return amax > 0 ? amax / 127.0 : 1.0 / 127.0;
}

Result<arith::Dyadic> to_dyadic(const FloatNode& n, double v) {
  arith::Dyadic d;
  if (!arith::dyadic_from_double(v, &d))
    return node_fail(n, Errc::overflow,
                     "multiplier " + std::to_string(v) + " does not fit a Dyadic");
  return d;
}

}  // namespace

int8_t quantize_input(double x) {
  const double v = round_half_away(x * static_cast<double>(kGraphInputScale));
  return static_cast<int8_t>(v > 127 ? 127 : (v < -127 ? -127 : v));
}

int8_t quantize_pixel_u8(uint8_t k) {
  return arith::sat_i8(arith::div_round(int64_t{k} * kGraphInputScale, 255));
}

Result<QGraph> quantize_graph(const FloatGraph& g, const std::vector<std::vector<float>>& calib) {
  const uint64_t in_elems = shape_elems(g.input_shape);
  if (calib.empty())
    return fail(Errc::invalid_argument, "quantize: the calibration set is empty");
  const size_t nv = g.nodes.size() + 1;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const FloatNode& n = g.nodes[i];
    if (n.a > i || (n.op == FloatOp::add && n.b > i))
      return node_fail(n, Errc::invalid_argument, "an operand is not an earlier value");
  }
  if (g.output == 0 || g.output >= nv)
    return fail(Errc::invalid_argument, "quantize: the graph output is not a node's value");

  // Calibration: max |x| of every value over the calibration set, in sample order.
  commit::Keccak256 h;
  std::vector<double> amax(nv, 0.0);
  std::vector<std::vector<float>> vals;
  for (size_t s = 0; s < calib.size(); ++s) {
    if (calib[s].size() != in_elems) {
      return fail(Errc::mismatch, "quantize: calibration sample " + std::to_string(s) + " has " +
                                      std::to_string(calib[s].size()) + " values, the input has " +
                                      std::to_string(in_elems));
    }
    for (float x : calib[s]) {
      if (!std::isfinite(x))
        return fail(Errc::invalid_argument,
                    "quantize: calibration sample " + std::to_string(s) + " is not finite");
      uint32_t bits;
      std::memcpy(&bits, &x, 4);
      const uint8_t le[4] = {uint8_t(bits), uint8_t(bits >> 8), uint8_t(bits >> 16),
                             uint8_t(bits >> 24)};
      h.update(le);
    }
    (void)float_forward(g, calib[s].data(), &vals);
    for (size_t v = 0; v < nv; ++v) {
      for (float x : vals[v]) {
        const double a = std::fabs(static_cast<double>(x));
        if (!std::isfinite(a))
          return fail(Errc::invalid_argument, "quantize: value " + std::to_string(v) +
                                                  " is not finite on calibration sample " +
                                                  std::to_string(s));
        if (a > amax[v])
          amax[v] = a;
      }
    }
  }

  // Consumers of every float value (the output counts as one).
  std::vector<int> uses(nv, 0);
  std::vector<int> only_user(nv, -1);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const FloatNode& n = g.nodes[i];
    ++uses[n.a];
    only_user[n.a] = static_cast<int>(i);
    if (n.op == FloatOp::add) {
      ++uses[n.b];
      only_user[n.b] = static_cast<int>(i);
    }
  }
  ++uses[g.output];
  {
    const FloatNode& last = g.nodes[g.output - 1];
    if (last.op != FloatOp::gemm && last.op != FloatOp::conv) {
      return node_fail(last, Errc::unsupported,
                       "the graph output must come from a Gemm, MatMul or Conv");
    }
    if (uses[g.output] != 1)
      return node_fail(last, Errc::unsupported, "the graph output is also used inside the graph");
  }

  QGraph q;
  q.name = g.name;
  q.input_shape = g.input_shape;
  q.output_shape = g.output_shape;
  q.calibration = h.finalize();
  std::vector<uint32_t> vmap(nv, 0);   // float value -> canonical value
  std::vector<double> scale(nv, 0.0);  // real value of one int8 unit of each float value
  scale[0] = 1.0 / static_cast<double>(kGraphInputScale);
  auto emit = [&](QNode n) {
    q.nodes.push_back(std::move(n));
    return static_cast<uint32_t>(q.nodes.size());
  };

  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const FloatNode& f = g.nodes[i];
    const uint32_t v = static_cast<uint32_t>(i + 1);
    QNode n;
    n.name = f.name;
    n.a = vmap[f.a];
    n.in_shape = f.in_shape;
    n.out_shape = f.out_shape;
    n.win = f.win;
    switch (f.op) {
      case FloatOp::gemm:
      case FloatOp::conv: {
        n.op = f.op == FloatOp::gemm ? Op::gemm : Op::conv;
        n.out_ch = f.out_ch;
        n.k = f.k;
        n.w.assign(f.w.size(), 0);
        n.bias.assign(f.out_ch, 0);
        const double sa = scale[f.a];
        std::vector<double> sw(f.out_ch);
        const int64_t acc_w = int64_t{f.k} * arith::kI8Max * arith::kI8Max;
        if (acc_w > arith::kAccMax)
          return node_fail(f, Errc::overflow,
                           "dot length " + std::to_string(f.k) + " can overflow int32");
        for (uint32_t j = 0; j < f.out_ch; ++j) {
          const float* row = f.w.data() + size_t{j} * f.k;
          double m = 0;
          for (uint32_t k = 0; k < f.k; ++k) {
            const double a = std::fabs(static_cast<double>(row[k]));
            if (!std::isfinite(a))
              return node_fail(f, Errc::invalid_argument,
                               "weight row " + std::to_string(j) + " is not finite");
            if (a > m)
              m = a;
          }
          sw[j] = m > 0 ? m / 127.0 : 1.0 / 127.0;
          for (uint32_t k = 0; k < f.k; ++k) {
            double w = round_half_away(static_cast<double>(row[k]) / sw[j]);
            w = w > 127 ? 127 : (w < -127 ? -127 : w);
            n.w[size_t{j} * f.k + k] = static_cast<int8_t>(w);
          }
          const double b = round_half_away(static_cast<double>(f.bias[j]) / (sa * sw[j]));
          if (!(std::fabs(b) + static_cast<double>(acc_w) <= static_cast<double>(arith::kAccMax))) {
            return node_fail(f, Errc::overflow,
                             "bias of output " + std::to_string(j) + " (" + std::to_string(b) +
                                 " accumulator units) can overflow int32");
          }
          n.bias[j] = static_cast<int32_t>(b);
        }
        const uint32_t acc = emit(std::move(n));
        // The rescale of the accumulators: to Q12 for the graph output, else to int8 at the
        // scale of the consumer's view. A lone Relu consumer commutes with requant exactly
        // (both monotone, both fix 0), so its calibrated range sets the scale.
        QNode r;
        r.name = f.name + ".requant";
        r.a = acc;
        r.in_shape = f.out_shape;
        r.out_shape = f.out_shape;
        double so;
        if (v == g.output) {
          r.op = Op::rescale;
          so = std::ldexp(1.0, -kGraphOutputFrac);
        } else {
          r.op = Op::requant;
          const int u = only_user[v];
          const bool relu_next =
              uses[v] == 1 && g.nodes[static_cast<size_t>(u)].op == FloatOp::relu;
          so = i8_scale(relu_next ? amax[static_cast<size_t>(u) + 1] : amax[v]);
        }
        const uint32_t channels = f.out_shape[0];
        r.mult.resize(channels);
        for (uint32_t c = 0; c < channels; ++c) {
          const double real = sa * sw[c] / so;
          VINFER_TRY(r.mult[c], to_dyadic(f, real));
        }
        vmap[v] = emit(std::move(r));
        scale[v] = so;
        break;
      }
      case FloatOp::relu:
      case FloatOp::maxpool:
      case FloatOp::avgpool:
        n.op = f.op == FloatOp::relu ? Op::relu
                                     : (f.op == FloatOp::maxpool ? Op::maxpool : Op::avgpool);
        scale[v] = scale[f.a];
        vmap[v] = emit(std::move(n));
        break;
      case FloatOp::add: {
        n.op = Op::qadd;
        n.b = vmap[f.b];
        const double so = i8_scale(amax[v]);
        const double ra = scale[f.a] / so, rb = scale[f.b] / so;
        arith::Dyadic d;
        if (!arith::dyadic_from_double(ra > rb ? ra : rb, &d) || d.mant == 0 || d.shift > 62)
          return node_fail(f, Errc::overflow, "operand scales too far from the output scale");
        n.shift = d.shift;
        n.ma = static_cast<int32_t>(std::floor(std::ldexp(ra, d.shift) + 0.5));
        n.mb = static_cast<int32_t>(std::floor(std::ldexp(rb, d.shift) + 0.5));
        scale[v] = so;
        vmap[v] = emit(std::move(n));
        break;
      }
    }
  }
  q.output = vmap[g.output];
  VINFER_CHECK(check_graph(q));
  return q;
}

}  // namespace vinfer::model
