// The proof statement of a graph model (an ONNX MLP or CNN): which vectors the prover
// commits to, which identities hold on every row, which values lie in the range table, and
// which vectors are products of a weight matrix. Built from the registered canonical graph
// (shapes, multipliers, and per-channel accumulator bounds 127 sum|W| + |b|; never from a
// proof), so the prover and the verifier build the same circuit; the argument itself is in
// graph_proof.hpp and the rules per operator in docs/proofs.md §Graph circuit.
//
// Layout. A domain is one tensor shape over the batch, every dimension padded to a power
// of two on its own: element (c, y, x) of sample b of a {C, H, W} tensor sits at index
// x + W'(y + H'(c + C' b)), W' = 2^ceil(log2 W) and so on, so a point is (x coordinates, y
// coordinates, c coordinates, batch coordinates) and a window's stride-2 neighbours differ
// in one coordinate. Every column lives in one domain. Padding holds zero in every honest
// witness column and in every constant (a constant is a per-element vector times
// "b < batch"), so every identity holds on padding as well; what a prover puts there
// never reaches a real element (gemm and conv weights are zero on padded inputs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinfer/model/graph.hpp"
#include "vinfer/proof/claims.hpp"
#include "vinfer/proof/field.hpp"
#include "vinfer/proof/matmul.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

/// The range table every lookup goes into is [0, 2^range_bits), range_bits one of these:
/// wide limbs for large batches, a small table when the table would dominate (build_circuit).
inline constexpr unsigned kRangeBitsSmall = 8;
inline constexpr unsigned kRangeBitsLarge = 16;

struct Domain {
  std::vector<std::uint32_t> dims;  ///< per-sample shape, slowest first
  std::uint32_t elems = 0, batch = 0;
  unsigned evars = 0, bvars = 0;
  std::vector<std::uint32_t> index;  ///< dense (row-major) element -> padded per-sample index
  unsigned vars() const { return evars + bvars; }
};

enum class ColKind : std::uint8_t {
  witness,   ///< committed by the prover
  constant,  ///< per_elem[e] on rows b < batch, zero elsewhere (both sides compute it)
  input,     ///< the graph input (public)
  output,    ///< the graph output (public)
  product,   ///< a gemm accumulator: never committed; its one claim (from its domain's
             ///< zero-check) is proven by the gemm's matmul sumcheck instead
  linear,    ///< sum of `lin` (its limbs): never committed; identities and lookups that
             ///< name it are written over its limbs when the circuit is built
  view,      ///< one element of every 2x2 maxpool window of `src` (a witness column): never
             ///< committed; view~(r) = src~(view_point(r)), the window offset fixing one
             ///< coordinate of x and one of y
};

/// How the prover computes a witness column that is not a node's value.
enum class Derive : std::uint8_t {
  none,    ///< filled by its node (graph_prove.cpp)
  limb,    ///< 16-bit limb `index` of column `src` (src >= 0 on every row)
  scaled,  ///< per_elem-of-constant `index` times column `src`
};

struct Column {
  std::string name;
  std::uint32_t domain = 0;
  ColKind kind = ColKind::witness;
  std::vector<std::int64_t> per_elem;  ///< constant: one value per element (elems entries)
  std::uint32_t slot = 0;              ///< witness: slot in Circuit::witness_layout
  Derive derive = Derive::none;
  std::uint32_t src = 0, index = 0;
  std::vector<std::pair<std::uint32_t, std::int64_t>> lin;  ///< linear: sum coef * col
  std::uint8_t view_dy = 0, view_dx = 0;                    ///< view: the window offset
};

/// coef * product of columns (all in the constraint's domain).
struct Term {
  std::int64_t coef = 1;
  std::vector<std::uint32_t> cols;
};

/// sum of terms == 0 on every row of `domain`.
struct Constraint {
  std::string what;
  std::uint32_t domain = 0;
  std::vector<Term> terms;
};

/// sum coef * col lies in [0, 2^range_bits) on every row of `domain`.
struct Lookup {
  std::string what;
  std::uint32_t domain = 0;
  std::vector<std::pair<std::uint32_t, std::int64_t>> lin;
};

/// out = X W^T + bias (bias on rows b < batch): a gemm node.
struct GemmStep {
  std::string node;
  MatmulShape shape;        ///< batch, rows = out_ch, cols = k
  std::uint32_t x_col = 0;  ///< the input column (input or witness), shape.cols elems
  std::uint32_t out_col = 0;
  std::uint32_t w_slot = 0, b_slot = 0;  ///< slots of Circuit::weight_layout
  std::uint32_t node_index = 0;
};

/// The columns a node's values fill (graph_prove.cpp): gemm and conv {acc}; requant and
/// rescale {x, y, rem, pos, neg, mant, half, pow2} (the last three its constants); relu
/// {x, out, neg}; maxpool {x, out}. A requant whose only reader is the next node, a relu,
/// is fused with it: y = clamp(q, 0, 127) is the relu's value and the relu has no entry.
struct NodeCols {
  std::uint32_t node = 0;
  std::vector<std::uint32_t> cols;
  std::uint32_t value = 0;      ///< requant: the value whose data fills y (a fused relu's)
  std::int64_t lo = 0, hi = 0;  ///< requant / rescale: the clamp range of y
};

/// out = conv(X, W) + bias: acc[b][oc][oy][ox] = bias[oc] + sum_j W[oc][j] Xcol[b][oy][ox][j],
/// j = (c, ki, kj), Xcol the im2col of X. A matmul over rows (ox, oy, b) of the padded output
/// layout, then a wiring sumcheck sum_x X(x) M(x) that turns the claim on Xcol into one on X
/// (M~ the verifier evaluates in O(C kh kw OH OW)).
struct ConvStep {
  std::string node;
  std::uint32_t node_index = 0;
  std::uint32_t x_col = 0, out_col = 0;
  std::uint32_t w_slot = 0, b_slot = 0;
  arith::Window2d g;  ///< input extent, kernel, strides, top/left padding
  std::uint32_t oc = 0, oh = 0, ow = 0;
  MatmulShape shape;  ///< batch = padded rows (ox, oy, b), rows = oc, cols = c kh kw
};

struct Circuit {
  std::uint32_t batch = 0;
  unsigned range_bits = kRangeBitsLarge;
  std::vector<NodeCols> nodes;
  std::vector<Domain> domains;
  std::vector<Column> cols;
  std::vector<Constraint> constraints;
  std::vector<Lookup> lookups;
  std::vector<GemmStep> gemms;
  std::vector<ConvStep> convs;
  SlotLayout witness_layout;  ///< every witness column, then the multiplicities
  std::uint32_t mult_slot = 0;
  /// The logUp fractions: slot 0 the range table (m_i / (alpha - i)), slot 1 + j lookup j
  /// (-1 / (alpha - value)); entries outside every slot are 0 / 1.
  SlotLayout fraction_layout;
  SlotLayout weight_layout;  ///< per gemm: W (rows x cols, padded) and bias
  std::uint32_t input_col = 0, output_col = 0;
  std::uint32_t mask_base = 0;  ///< constants "1" per domain: mask_base + domain
};

/// Builds the circuit of `g` at `batch`, or fails naming the first node whose operator the
/// prover does not handle (model::Op and proof/prover_status.hpp) or whose constants break
/// a soundness bound. range_bits 0 picks the table (8 or 16 bits) whose fraction tree
/// (table plus lookups) is smaller, 16 on a tie: a function of (g, batch) only, so both
/// sides pick the same.
Result<Circuit> build_circuit(const model::QGraph& g, std::uint32_t batch, unsigned range_bits = 0);

/// Calls f(j, oy, ox, c, iy, ix) for every in-bounds tap of the conv (padding taps are skipped):
/// filter column j = (c kh + ki) kw + kj reads input (c, iy, ix) for output (oy, ox).
template <class F>
inline void for_each_tap(const ConvStep& s, F&& f) {
  for (std::uint32_t ch = 0; ch < s.g.c; ++ch)
    for (std::uint32_t ki = 0; ki < s.g.kh; ++ki)
      for (std::uint32_t kj = 0; kj < s.g.kw; ++kj) {
        const std::uint32_t j = (ch * s.g.kh + ki) * s.g.kw + kj;
        for (std::uint32_t oy = 0; oy < s.oh; ++oy) {
          const std::int64_t iy = std::int64_t{oy} * s.g.stride_h + ki - s.g.pad_t;
          if (iy < 0 || iy >= s.g.h)
            continue;
          for (std::uint32_t ox = 0; ox < s.ow; ++ox) {
            const std::int64_t ix = std::int64_t{ox} * s.g.stride_w + kj - s.g.pad_l;
            if (ix < 0 || ix >= s.g.w)
              continue;
            f(j, oy, ox, ch, static_cast<std::uint32_t>(iy), static_cast<std::uint32_t>(ix));
          }
        }
      }
}

/// The point on a view's source column for the point r of the view's domain.
std::vector<Ext> view_point(const Circuit& c, std::uint32_t view_col, std::span<const Ext> r);

/// The conv's point pieces: (ry = oc coordinates, rb = (ox, oy, batch) coordinates) of a
/// point of its output domain.
void conv_split(const Circuit& c,
                const ConvStep& s,
                std::span<const Ext> z,
                std::vector<Ext>& ry,
                std::vector<Ext>& rb);

/// M0[ix + W'(iy + H' c)] = sum over (j, oy, ox) reading that input of
/// eq(rj, j) eq(r_ox, ox) eq(r_oy, oy): the wiring of one conv over its input's padded
/// per-sample layout (the prover's table).
std::vector<Ext> conv_wiring_table(const Circuit& c,
                                   const ConvStep& s,
                                   std::span<const Ext> rj,
                                   std::span<const Ext> rb);
/// M~(z) over the input domain (element and batch coordinates): the verifier's evaluation.
Ext conv_wiring_eval(const Circuit& c,
                     const ConvStep& s,
                     std::span<const Ext> rj,
                     std::span<const Ext> rb,
                     std::span<const Ext> z);

/// The weight vector the model's polynomial commitment is over (weight_layout's slots).
std::vector<Fp> pack_weights(const Circuit& c, const model::QGraph& g);

/// f~(point) of a constant column: per_elem~(element coords) * valid~(batch coords).
Ext constant_eval(const Circuit& c, std::uint32_t col, std::span<const Ext> point);

/// MLE over a domain of row-major [b][e] data (batch x elems entries, zero-padded).
Ext domain_eval(const Domain& d, std::span<const std::int32_t> data, std::span<const Ext> point);

}  // namespace vinfer::proof
