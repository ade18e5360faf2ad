// A small synthetic MLP and its reference forward pass (the arith element refs), shared by
// the graph proof tests and the graph verifier's fuzz target.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "vinfer/arith/graph_ops.hpp"
#include "vinfer/model/graph.hpp"

namespace vinfer::proof::test_graphs {

using model::Op;
using model::QGraph;
using model::QNode;

inline QNode gemm_node(std::mt19937_64& rng,
                       std::uint32_t a,
                       std::uint32_t k,
                       std::uint32_t out,
                       std::string name) {
  QNode n;
  n.op = Op::gemm;
  n.name = std::move(name);
  n.a = a;
  n.in_shape = {k};
  n.out_shape = {out};
  n.k = k;
  n.out_ch = out;
  n.w.resize(std::size_t{k} * out);
  for (auto& w : n.w)
    w = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  n.bias.resize(out);
  for (auto& b : n.bias)
    b = static_cast<std::int32_t>(rng() % 20001) - 10000;
  return n;
}

inline QNode scale_node(std::mt19937_64& rng,
                        Op op,
                        std::uint32_t a,
                        std::uint32_t ch,
                        std::string name) {
  QNode n;
  n.op = op;
  n.name = std::move(name);
  n.a = a;
  n.in_shape = n.out_shape = {ch};
  n.out_ch = ch;
  for (std::uint32_t c = 0; c < ch; ++c) {
    // Multipliers around 2^-9 (int8 outputs) or 2^-3 (Q12 outputs), per channel shifts vary.
    arith::Dyadic d;
    d.mant = static_cast<std::int32_t>((std::uint32_t{1} << 30) + rng() % (std::uint32_t{1} << 30));
    d.shift = (op == Op::rescale ? 33 : 39) + static_cast<std::int32_t>(rng() % 3);
    n.mult.push_back(d);
  }
  return n;
}

inline QNode relu_node(std::uint32_t a, std::uint32_t ch, std::string name) {
  QNode n;
  n.op = Op::relu;
  n.name = std::move(name);
  n.a = a;
  n.in_shape = n.out_shape = {ch};
  return n;
}

// 20 -> 12 -> 5: gemm, requant, relu, gemm, rescale (value ids 1..5).
inline QGraph small_mlp(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  QGraph g;
  g.name = "small-mlp";
  g.input_shape = {20};
  g.nodes.push_back(gemm_node(rng, 0, 20, 12, "fc1"));
  g.nodes.push_back(scale_node(rng, Op::requant, 1, 12, "fc1.requant"));
  g.nodes.push_back(relu_node(2, 12, "relu1"));
  g.nodes.push_back(gemm_node(rng, 3, 12, 5, "fc2"));
  g.nodes.push_back(scale_node(rng, Op::rescale, 4, 5, "fc2.rescale"));
  g.output = 5;
  g.output_shape = {5};
  return g;
}

// Every value of the graph for a batch, from the element references.
inline std::vector<std::vector<std::int32_t>> forward(const QGraph& g,
                                                      const std::vector<std::int8_t>& in,
                                                      std::uint32_t batch) {
  std::vector<std::vector<std::int32_t>> v(g.nodes.size() + 1);
  v[0].assign(in.begin(), in.end());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const QNode& n = g.nodes[i];
    const std::vector<std::int32_t>& x = v[n.a];
    std::vector<std::int32_t>& y = v[i + 1];
    const std::size_t xe = x.size() / batch;
    if (n.op == Op::gemm) {
      for (std::uint32_t b = 0; b < batch; ++b) {
        std::vector<std::int8_t> row(x.begin() + b * xe, x.begin() + (b + 1) * xe);
        for (std::uint32_t r = 0; r < n.out_ch; ++r)
          y.push_back(arith::gemm_elem(n.w.data() + r * n.k, row.data(), n.k, n.bias[r]));
      }
    } else {
      for (std::size_t j = 0; j < x.size(); ++j) {
        const arith::Dyadic d =
            n.mult.empty() ? arith::Dyadic{} : n.mult[(j % xe) / (xe / n.mult.size())];
        if (n.op == Op::requant)
          y.push_back(arith::requant_elem(x[j], d));
        else if (n.op == Op::rescale)
          y.push_back(arith::rescale_elem(x[j], d));
        else
          y.push_back(arith::relu_elem(static_cast<std::int8_t>(x[j])));
      }
    }
  }
  return v;
}

}  // namespace vinfer::proof::test_graphs
