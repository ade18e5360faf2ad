// Canonical bytes and model root of a graph (docs/model-format.md §Graph models).
//
// serialize_graph: "vinfer-graph-1" (14 bytes), then little-endian u32 fields: name, input
// shape, node count, per node (op, name, a, b, in_shape, out_shape, out_ch, k, window
// kh kw sh sw pt pl pb pr cip, ma, mb, shift, w bytes, bias, mult as (mant, shift) pairs),
// output, output shape, the 32-byte calibration hash. Strings and arrays are u32 length
// prefixed. The arch leaf hashes the same encoding without w, bias and mult; those go
// into the weights root as tensors.
#include "vinfer/arith/formats.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/model/graph.hpp"

namespace vinfer::model {
namespace {

struct Writer {
  std::vector<uint8_t> b;
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i)
      b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    b.insert(b.end(), s.begin(), s.end());
  }
  void shape(const Shape& s) {
    u32(static_cast<uint32_t>(s.size()));
    for (uint32_t d : s)
      u32(d);
  }
};

std::vector<uint8_t> encode(const QGraph& g, bool weights) {
  Writer w;
  const std::string magic = "vinfer-graph-1";
  w.b.insert(w.b.end(), magic.begin(), magic.end());
  w.str(g.name);
  w.shape(g.input_shape);
  w.u32(static_cast<uint32_t>(g.nodes.size()));
  for (const QNode& n : g.nodes) {
    w.u32(static_cast<uint32_t>(n.op));
    w.str(n.name);
    w.u32(n.a);
    w.u32(n.b);
    w.shape(n.in_shape);
    w.shape(n.out_shape);
    w.u32(n.out_ch);
    w.u32(n.k);
    const Window& x = n.win;
    for (uint32_t v : {x.kh, x.kw, x.stride_h, x.stride_w, x.pad_t, x.pad_l, x.pad_b, x.pad_r})
      w.u32(v);
    w.u32(x.count_include_pad ? 1 : 0);
    w.i32(n.ma);
    w.i32(n.mb);
    w.i32(n.shift);
    if (weights) {
      w.u32(static_cast<uint32_t>(n.w.size()));
      for (int8_t v : n.w)
        w.b.push_back(static_cast<uint8_t>(v));
      w.u32(static_cast<uint32_t>(n.bias.size()));
      for (int32_t v : n.bias)
        w.i32(v);
      w.u32(static_cast<uint32_t>(n.mult.size()));
      for (const auto& d : n.mult) {
        w.i32(d.mant);
        w.i32(d.shift);
      }
    }
  }
  w.u32(g.output);
  w.shape(g.output_shape);
  w.b.insert(w.b.end(), g.calibration.begin(), g.calibration.end());
  return w.b;
}

}  // namespace

std::vector<uint8_t> serialize_graph(const QGraph& g) {
  return encode(g, true);
}

GraphCommitment commit_graph(const QGraph& g) {
  GraphCommitment c;
  c.arch_leaf = commit::keccak256(encode(g, false));
  const std::string av(arith::kArithVersion);
  c.arith_leaf = commit::keccak256(av);
  for (const QNode& n : g.nodes) {
    if (!n.w.empty()) {
      c.tensor_names.push_back(n.name + ".w");
      c.tensor_roots.push_back(
          commit::tensor_root(commit::DType::i8, n.out_ch, n.k,
                              {reinterpret_cast<const uint8_t*>(n.w.data()), n.w.size()}));
      c.tensor_names.push_back(n.name + ".bias");
      c.tensor_roots.push_back(commit::tensor_root(
          commit::DType::i32, 1, static_cast<uint32_t>(n.bias.size()),
          {reinterpret_cast<const uint8_t*>(n.bias.data()), n.bias.size() * 4}));
    }
    if (!n.mult.empty()) {
      std::vector<int32_t> m;
      for (const auto& d : n.mult) {
        m.push_back(d.mant);
        m.push_back(d.shift);
      }
      c.tensor_names.push_back(n.name + ".mult");
      c.tensor_roots.push_back(
          commit::tensor_root(commit::DType::i32, static_cast<uint32_t>(n.mult.size()), 2,
                              {reinterpret_cast<const uint8_t*>(m.data()), m.size() * 4}));
    }
  }
  c.weights_root = commit::merkle_root(c.tensor_roots);
  const commit::Hash leaves[3] = {c.arch_leaf, c.arith_leaf, c.weights_root};
  c.root = commit::merkle_root(leaves);
  return c;
}

}  // namespace vinfer::model
