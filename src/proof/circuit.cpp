// build_circuit(): the per-operator rules of docs/proofs.md §Graph circuit.
#include "vinfer/proof/circuit.hpp"

#include <algorithm>
#include <bit>
#include <map>

#include "vinfer/arith/graph_ops.hpp"
#include "vinfer/assert.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/prover_status.hpp"

namespace vinfer::proof {
namespace {

using model::Op;
using model::QGraph;
using model::QNode;
using i128 = __int128;

constexpr std::int64_t kI8 = arith::kI8Max;
constexpr std::int64_t kAct = arith::kActMax;

unsigned bitlen(i128 v) {
  unsigned n = 0;
  while (v > 0) {
    ++n;
    v >>= 1;
  }
  return n;
}

class Builder {
 public:
  Builder(const QGraph& g, std::uint32_t batch, unsigned range_bits) : g_(g), rb_(range_bits) {
    c_.batch = batch;
    c_.range_bits = range_bits;
  }

  Result<Circuit> build();

 private:
  std::uint32_t domain(const model::Shape& shape) {
    Domain d;
    d.dims.assign(shape.begin(), shape.end());
    if (d.dims.empty())
      d.dims.push_back(1);
    d.elems = static_cast<std::uint32_t>(model::shape_elems(shape));
    d.batch = c_.batch;
    for (std::uint32_t n : d.dims)
      d.evars += log2_ceil(n);
    d.bvars = log2_ceil(c_.batch);
    // Row-major dense index -> padded index, fastest dimension first.
    d.index.resize(d.elems);
    for (std::uint32_t e = 0; e < d.elems; ++e) {
      std::uint32_t rest = e, padded = 0;
      unsigned shift = 0;
      for (std::size_t k = d.dims.size(); k-- > 0;) {
        padded |= (rest % d.dims[k]) << shift;
        rest /= d.dims[k];
        shift += log2_ceil(d.dims[k]);
      }
      d.index[e] = padded;
    }
    c_.domains.push_back(d);
    // Every domain gets its mask constant first, so identities can carry constant terms.
    constant(static_cast<std::uint32_t>(c_.domains.size() - 1), "mask",
             std::vector<std::int64_t>(d.elems, 1));
    masks_.push_back(static_cast<std::uint32_t>(c_.cols.size() - 1));
    return static_cast<std::uint32_t>(c_.domains.size() - 1);
  }
  std::uint32_t add_col(Column col) {
    c_.cols.push_back(std::move(col));
    return static_cast<std::uint32_t>(c_.cols.size() - 1);
  }
  std::uint32_t witness(std::uint32_t d,
                        std::string name,
                        Derive derive = Derive::none,
                        std::uint32_t src = 0,
                        std::uint32_t index = 0) {
    Column col;
    col.name = std::move(name);
    col.domain = d;
    col.kind = ColKind::witness;
    col.derive = derive;
    col.src = src;
    col.index = index;
    return add_col(std::move(col));
  }
  std::uint32_t constant(std::uint32_t d, std::string name, std::vector<std::int64_t> v) {
    Column col;
    col.name = std::move(name);
    col.domain = d;
    col.kind = ColKind::constant;
    col.per_elem = std::move(v);
    return add_col(std::move(col));
  }
  std::uint32_t mask(std::uint32_t d) const { return masks_[d]; }
  // Identities and lookups are stored over committed and public columns only: a linear
  // column is replaced by its limbs (a product distributes over them).
  void constrain(std::uint32_t d, std::string what, std::vector<Term> terms) {
    std::vector<Term> flat;
    for (const Term& t : terms)
      expand(t, 0, flat);
    c_.constraints.push_back({std::move(what), d, std::move(flat)});
  }
  void expand(Term t, std::size_t from, std::vector<Term>& out) const {
    for (std::size_t i = from; i < t.cols.size(); ++i) {
      const Column& col = c_.cols[t.cols[i]];
      if (col.kind != ColKind::linear)
        continue;
      for (const auto& [limb, coef] : col.lin) {
        Term u = t;
        u.coef = t.coef * coef;
        u.cols[i] = limb;
        expand(std::move(u), i, out);
      }
      return;
    }
    out.push_back(std::move(t));
  }
  void lookup(std::uint32_t d,
              std::string what,
              std::vector<std::pair<std::uint32_t, std::int64_t>> lin) {
    std::vector<std::pair<std::uint32_t, std::int64_t>> flat;
    for (const auto& [col, coef] : lin) {
      if (c_.cols[col].kind == ColKind::linear) {
        for (const auto& [limb, lc] : c_.cols[col].lin)
          flat.push_back({limb, coef * lc});
      } else {
        flat.push_back({col, coef});
      }
    }
    c_.lookups.push_back({std::move(what), d, std::move(flat)});
  }

  // col lies in [0, 2^bits[e]) on element e (bits[e] <= 62): limbs of the table's width when
  // wider than the table, and a scaled copy of the top limb when the bound is not a multiple
  // of that width.
  void range(std::uint32_t col, const std::vector<unsigned>& bits, const std::string& what);
  // 0 <= col < 2^bits[e] for bits[e] <= rb: col in the table, and col * 2^(rb - bits) too.
  void range16(std::uint32_t col, const std::vector<unsigned>& bits, const std::string& what);

  Status gemm(const QNode& n, std::uint32_t index);
  Status requant(const QNode& n, std::uint32_t index, bool is_output, bool fused_relu);
  Status relu(const QNode& n, std::uint32_t index);
  Status conv(const QNode& n, std::uint32_t index);
  Status maxpool(const QNode& n, std::uint32_t index);
  Result<std::uint32_t> image_input(const QNode& n);

  const QGraph& g_;
  const unsigned rb_;
  Circuit c_;
  std::vector<std::uint32_t> masks_;
  std::vector<std::uint32_t> value_col_;  // value id -> column
  std::vector<unsigned> weight_vars_;
  // Per accumulator column: per output channel, the largest |acc| the weights allow.
  std::map<std::uint32_t, std::vector<std::int64_t>> acc_bound_;
  void bound_accumulator(std::uint32_t col, const QNode& n);
};

void Builder::range16(std::uint32_t col,
                      const std::vector<unsigned>& bits,
                      const std::string& what) {
  const std::uint32_t d = c_.cols[col].domain;
  lookup(d, what, {{col, 1}});
  const bool all16 = std::all_of(bits.begin(), bits.end(), [this](unsigned b) { return b >= rb_; });
  if (all16)
    return;
  const bool uniform =
      std::all_of(bits.begin(), bits.end(), [&](unsigned b) { return b == bits[0]; });
  if (uniform) {
    lookup(d, what + "*2^" + std::to_string(rb_ - bits[0]),
           {{col, std::int64_t{1} << (rb_ - bits[0])}});
    return;
  }
  // Per-element scale: a committed copy s = k * col with k[e] = 2^(16 - bits[e]).
  std::vector<std::int64_t> k(bits.size());
  for (std::size_t e = 0; e < bits.size(); ++e)
    k[e] = std::int64_t{1} << (rb_ - std::min(bits[e], rb_));
  const std::uint32_t kc = constant(d, c_.cols[col].name + ".scale", std::move(k));
  const std::uint32_t s = witness(d, c_.cols[col].name + ".scaled", Derive::scaled, col, kc);
  constrain(d, what + " scaled copy", {{1, {s}}, {-1, {kc, col}}});
  lookup(d, what + " scaled", {{s, 1}});
}

void Builder::range(std::uint32_t col, const std::vector<unsigned>& bits, const std::string& what) {
  const unsigned widest = *std::max_element(bits.begin(), bits.end());
  if (widest <= rb_) {
    range16(col, bits, what);
    return;
  }
  const std::uint32_t d = c_.cols[col].domain;
  const unsigned limbs = (widest + rb_ - 1) / rb_;
  // The column becomes the sum of its limbs (never committed itself); it must not have been
  // used in an identity or lookup yet.
  std::vector<std::pair<std::uint32_t, std::int64_t>> sum;
  for (unsigned j = 0; j < limbs; ++j) {
    const std::uint32_t l =
        witness(d, c_.cols[col].name + ".limb" + std::to_string(j), Derive::limb, col, j);
    sum.push_back({l, std::int64_t{1} << (rb_ * j)});
    std::vector<unsigned> lb(bits.size());
    for (std::size_t e = 0; e < bits.size(); ++e) {
      const int left = static_cast<int>(bits[e]) - static_cast<int>(rb_ * j);
      lb[e] = static_cast<unsigned>(std::clamp(left, 0, static_cast<int>(rb_)));
    }
    range16(l, lb, what + " limb " + std::to_string(j));
  }
  c_.cols[col].kind = ColKind::linear;
  c_.cols[col].lin = std::move(sum);
}

// |acc_c| <= 127 * sum_k |W[c][k]| + |bias_c|: every input element is int8 in [-127, 127]
// (the graph input by the statement check, every other input by its own range lookups), and
// the weights are the registered ones (the verifier builds the circuit from the registered
// model file, whose root it checks). Tighter than kAccMax, so the clamp excess needs fewer
// limbs.
void Builder::bound_accumulator(std::uint32_t col, const QNode& n) {
  std::vector<std::int64_t> b(n.out_ch, 0);
  for (std::uint32_t r = 0; r < n.out_ch; ++r) {
    std::int64_t sum = 0;
    for (std::uint32_t k = 0; k < n.k; ++k)
      sum += std::abs(static_cast<std::int64_t>(n.w[std::size_t{r} * n.k + k]));
    b[r] = std::min<std::int64_t>(arith::kAccMax,
                                  kI8 * sum + std::abs(static_cast<std::int64_t>(n.bias[r])));
  }
  acc_bound_[col] = std::move(b);
}

Status Builder::gemm(const QNode& n, std::uint32_t index) {
  const std::uint32_t x = value_col_[n.a];
  // Copies, not references: domain() below may move c_.domains.
  const std::uint32_t xelems = c_.domains[c_.cols[x].domain].elems;
  const unsigned xevars = c_.domains[c_.cols[x].domain].evars;
  if (xelems != n.k) {
    return fail(Errc::mismatch, "prove: node '" + n.name + "' (gemm) reads " +
                                    std::to_string(xelems) + " values per sample, its k is " +
                                    std::to_string(n.k));
  }
  const std::uint32_t d = domain(n.out_shape);
  Column acc;
  acc.name = n.name + ".acc";
  acc.domain = d;
  acc.kind = ColKind::product;
  const std::uint32_t out = add_col(std::move(acc));
  GemmStep s;
  s.node = n.name;
  s.node_index = index;
  s.shape = {c_.batch, n.out_ch, std::size_t{1} << xevars};  // cols: x's padded layout
  s.x_col = x;
  s.out_col = out;
  s.w_slot = static_cast<std::uint32_t>(weight_vars_.size());
  weight_vars_.push_back(log2_ceil(n.out_ch) + xevars);
  s.b_slot = static_cast<std::uint32_t>(weight_vars_.size());
  weight_vars_.push_back(log2_ceil(n.out_ch));
  c_.gemms.push_back(s);
  bound_accumulator(out, n);
  c_.nodes.push_back({index, {out}});
  value_col_.push_back(out);
  return ok_status();
}

// y = sat(rshift_round(x * mant_c, s_c)) with sat to [-L, L] (L = 127, or 2^24 for the
// graph output): with q = y + pos - neg,
//   x * mant_c + half_c - 2^s_c * q - rem = 0,  rem in [0, 2^s_c)      (q is the rounding)
//   (L - y) * pos = 0,  (L + y) * neg = 0,  pos, neg in [0, 2^B_c)     (y is q clamped)
//   L - y, L + y in the range table  (int8 outputs; the graph output is checked by the verifier)
// Soundness needs every integer in the first identity to stay below p in magnitude, so that
// equality mod p is equality of integers: checked here from the accumulator bound.
Status Builder::requant(const QNode& n, std::uint32_t index, bool is_output, bool fused_relu) {
  const std::uint32_t x = value_col_[n.a];
  const std::uint32_t d = c_.cols[x].domain;
  const std::uint32_t elems = c_.domains[d].elems;  // a copy: the builder may grow c_.domains
  const std::uint32_t channels = static_cast<std::uint32_t>(n.mult.size());
  if (channels == 0 || elems % channels != 0) {
    return fail(Errc::mismatch, "prove: node '" + n.name + "' has " + std::to_string(channels) +
                                    " multipliers for " + std::to_string(elems) + " elements");
  }
  const std::int64_t lim = is_output ? kAct : kI8;
  const std::int64_t hi = lim, lo = fused_relu ? 0 : -lim;  // y = clamp(q, lo, hi)
  std::vector<std::int64_t> mant(elems), half(elems), pow2(elems);
  std::vector<unsigned> rem_bits(elems), q_bits(elems);
  std::vector<std::int64_t> xmax(elems);
  const std::uint32_t per = elems / channels;
  for (std::uint32_t e = 0; e < elems; ++e) {
    const arith::Dyadic m = n.mult[e / per];
    if (m.mant < 0 || m.shift < 0 || m.shift > 60) {
      return fail(Errc::unsupported, "prove: node '" + n.name + "': multiplier shift " +
                                         std::to_string(m.shift) +
                                         " is outside what the proof handles (0..60)");
    }
    mant[e] = m.mant;
    half[e] = m.shift == 0 ? 0 : std::int64_t{1} << (m.shift - 1);
    pow2[e] = std::int64_t{1} << m.shift;
    rem_bits[e] = static_cast<unsigned>(m.shift);
    xmax[e] = acc_bound_.count(x) != 0 ? acc_bound_[x][e / per] : arith::kAccMax;
    const i128 top = i128{xmax[e]} * m.mant + half[e];
    const i128 qmax = (top >> m.shift) + 1;
    q_bits[e] = bitlen(qmax + lim);
    // |x*mant + half| + |2^s * (y + pos - neg) + rem| < p.
    const i128 rhs = (i128{pow2[e]} << 0) * (lim + (i128{1} << q_bits[e])) + pow2[e];
    if (top + rhs >= static_cast<i128>(Fp::kModulus)) {
      return fail(Errc::unsupported, "prove: node '" + n.name + "': multiplier " +
                                         std::to_string(m.mant) + "*2^-" + std::to_string(m.shift) +
                                         " leaves the rounding identity too wide for the field");
    }
  }
  // One bound for every channel's excess when the widest still fits the field: its top limb
  // then needs no per-element scaled copy.
  const unsigned qmax_bits = *std::max_element(q_bits.begin(), q_bits.end());
  bool uniform = true;
  for (std::uint32_t e = 0; e < elems; ++e) {
    const i128 top = i128{xmax[e]} * mant[e] + half[e];
    uniform = uniform && top + i128{pow2[e]} * (lim + (i128{1} << qmax_bits)) + pow2[e] <
                             static_cast<i128>(Fp::kModulus);
  }
  if (uniform)
    std::fill(q_bits.begin(), q_bits.end(), qmax_bits);
  // One shift S for every channel when the field allows: floor((x m + 2^(s-1)) / 2^s) equals
  // floor((x m 2^(S-s) + 2^(S-1)) / 2^S) (numerator and denominator scaled alike), so the
  // remainder's bound 2^S is the same everywhere and its top limb needs no scaled copy.
  const std::int64_t smax = *std::max_element(rem_bits.begin(), rem_bits.end());
  bool one_shift = smax > 0;
  for (std::uint32_t e = 0; e < elems && one_shift; ++e) {
    const i128 m2 = i128{mant[e]} << (smax - rem_bits[e]);
    const i128 top = i128{xmax[e]} * m2 + (i128{1} << (smax - 1));
    one_shift = m2 < (i128{1} << 62) &&
                top + (i128{1} << smax) * (lim + (i128{1} << q_bits[e])) + (i128{1} << smax) <
                    static_cast<i128>(Fp::kModulus);
  }
  if (one_shift) {
    for (std::uint32_t e = 0; e < elems; ++e) {
      mant[e] <<= (smax - rem_bits[e]);
      half[e] = std::int64_t{1} << (smax - 1);
      pow2[e] = std::int64_t{1} << smax;
      rem_bits[e] = static_cast<unsigned>(smax);
    }
  }
  const std::uint32_t cm = constant(d, n.name + ".mant", mant);
  const std::uint32_t ch = constant(d, n.name + ".half", half);
  const std::uint32_t cp = constant(d, n.name + ".pow2", pow2);
  std::uint32_t y;
  if (is_output) {
    Column col;
    col.name = "output";
    col.domain = d;
    col.kind = ColKind::output;
    y = add_col(std::move(col));
    c_.output_col = y;
  } else {
    y = witness(d, n.name + ".out");
  }
  const std::uint32_t rem = witness(d, n.name + ".rem");
  const std::uint32_t pos = witness(d, n.name + ".pos");
  const std::uint32_t neg = witness(d, n.name + ".neg");
  const std::uint32_t mk = mask(d);
  range(rem, rem_bits, n.name + " remainder");
  range(pos, q_bits, n.name + " excess above");
  range(neg, q_bits, n.name + " excess below");
  constrain(d, n.name + ": rounding",
            {{1, {cm, x}}, {1, {ch}}, {-1, {cp, y}}, {-1, {cp, pos}}, {1, {cp, neg}}, {-1, {rem}}});
  constrain(d, n.name + ": clamp above", {{hi, {mk, pos}}, {-1, {y, pos}}});
  std::vector<Term> below = {{1, {y, neg}}};
  if (lo != 0)
    below.push_back({-lo, {mk, neg}});
  constrain(d, n.name + ": clamp below", std::move(below));
  if (!is_output) {
    lookup(d, n.name + " out <= " + std::to_string(hi), {{mk, hi}, {y, -1}});
    std::vector<std::pair<std::uint32_t, std::int64_t>> ge = {{y, 1}};
    if (lo != 0)
      ge.push_back({mk, -lo});
    lookup(d, n.name + " out >= " + std::to_string(lo), std::move(ge));
  }
  NodeCols nc{index, {x, y, rem, pos, neg, cm, ch, cp}};
  nc.value = index + (fused_relu ? 2 : 1);
  nc.lo = lo;
  nc.hi = hi;
  c_.nodes.push_back(std::move(nc));
  value_col_.push_back(y);
  return ok_status();
}

// o = max(0, x) for x in [-127, 127]: o - x - neg = 0, o * neg = 0, o and neg in the table.
Status Builder::relu(const QNode& n, std::uint32_t index) {
  const std::uint32_t x = value_col_[n.a];
  const std::uint32_t d = c_.cols[x].domain;
  const std::uint32_t o = witness(d, n.name + ".out");
  const std::uint32_t ng = witness(d, n.name + ".neg");
  constrain(d, n.name + ": out = x + neg", {{1, {o}}, {-1, {x}}, {-1, {ng}}});
  constrain(d, n.name + ": out * neg = 0", {{1, {o, ng}}});
  lookup(d, n.name + " out >= 0", {{o, 1}});
  lookup(d, n.name + " neg >= 0", {{ng, 1}});
  c_.nodes.push_back({index, {x, o, ng}});
  value_col_.push_back(o);
  return ok_status();
}

// The input column of a conv or maxpool, which must be laid out as the node's {C, H, W}.
Result<std::uint32_t> Builder::image_input(const QNode& n) {
  const std::uint32_t x = value_col_[n.a];
  const Domain& xd = c_.domains[c_.cols[x].domain];
  if (n.in_shape.size() != 3 ||
      xd.dims != std::vector<std::uint32_t>(n.in_shape.begin(), n.in_shape.end())) {
    return fail(Errc::unsupported, "prove: node '" + n.name + "' reads its input as " +
                                       model::shape_str(n.in_shape) +
                                       ", the proof lays it out as a tensor of another shape");
  }
  return x;
}

Status Builder::conv(const QNode& n, std::uint32_t index) {
  VINFER_TRY(const std::uint32_t x, image_input(n));
  // Bottom and right padding only shorten the output; the wiring skips every tap outside
  // the input, which covers top and left padding too.
  if (n.out_shape.size() != 3 || n.win.stride_h == 0 || n.win.stride_w == 0)
    return fail(Errc::unsupported,
                "prove: conv '" + n.name + "' does not produce a {C, H, W} tensor");
  ConvStep s;
  s.node = n.name;
  s.node_index = index;
  s.x_col = x;
  s.g = model::window2d(n);
  s.oc = n.out_shape[0];
  s.oh = n.out_shape[1];
  s.ow = n.out_shape[2];
  if (n.k != s.g.c * s.g.kh * s.g.kw || n.out_ch != s.oc)
    return fail(Errc::mismatch,
                "prove: conv '" + n.name + "': filter shape does not match its input");
  const std::uint32_t d = domain(n.out_shape);
  Column acc;
  acc.name = n.name + ".acc";
  acc.domain = d;
  acc.kind = ColKind::product;
  s.out_col = add_col(std::move(acc));
  s.shape = {std::size_t{1} << (log2_ceil(s.ow) + log2_ceil(s.oh) + c_.domains[d].bvars), s.oc,
             n.k};
  s.w_slot = static_cast<std::uint32_t>(weight_vars_.size());
  weight_vars_.push_back(log2_ceil(s.oc) + log2_ceil(n.k));
  s.b_slot = static_cast<std::uint32_t>(weight_vars_.size());
  weight_vars_.push_back(log2_ceil(s.oc));
  c_.convs.push_back(s);
  bound_accumulator(s.out_col, n);
  c_.nodes.push_back({index, {s.out_col}});
  value_col_.push_back(s.out_col);
  return ok_status();
}

// 2x2, stride 2: y is the largest of its window V_00..V_11 (views of x, circuit.hpp):
//   y - V_ab in the range table for every ab,  prod_ab (y - V_ab) = 0.
// The views need x's padded extent to be exactly twice y's in H and W.
Status Builder::maxpool(const QNode& n, std::uint32_t index) {
  VINFER_TRY(const std::uint32_t x, image_input(n));
  if (c_.cols[x].kind != ColKind::witness)
    return fail(Errc::unsupported, "prove: maxpool '" + n.name +
                                       "' must read a committed tensor (a relu or requant output)");
  const model::Window& w = n.win;
  if (w.kh != 2 || w.kw != 2 || w.stride_h != 2 || w.stride_w != 2 ||
      w.pad_t + w.pad_l + w.pad_b + w.pad_r != 0) {
    return fail(Errc::unsupported,
                "prove: maxpool '" + n.name +
                    "': only 2x2 windows with stride 2 and no padding are proven");
  }
  if (n.out_shape.size() != 3 || log2_ceil(n.in_shape[1]) != log2_ceil(n.out_shape[1]) + 1 ||
      log2_ceil(n.in_shape[2]) != log2_ceil(n.out_shape[2]) + 1) {
    return fail(Errc::unsupported,
                "prove: maxpool '" + n.name + "': " + model::shape_str(n.in_shape) + " -> " +
                    model::shape_str(n.out_shape) + " does not halve the padded extent");
  }
  const std::uint32_t d = domain(n.out_shape);
  const std::uint32_t y = witness(d, n.name + ".out");
  std::uint32_t v[4];
  for (std::uint8_t k = 0; k < 4; ++k) {
    Column col;
    col.name = n.name + ".window" + std::to_string(k);
    col.domain = d;
    col.kind = ColKind::view;
    col.src = x;
    col.view_dy = static_cast<std::uint8_t>(k >> 1);
    col.view_dx = static_cast<std::uint8_t>(k & 1);
    v[k] = add_col(std::move(col));
  }
  // prod_k (y - V_k), expanded: choose y or -V_k from each factor.
  std::vector<Term> terms;
  for (unsigned pick = 0; pick < 16; ++pick) {
    Term t;
    t.coef = 1;
    for (unsigned k = 0; k < 4; ++k) {
      if ((pick >> k) & 1) {
        t.cols.push_back(y);
      } else {
        t.cols.push_back(v[k]);
        t.coef = -t.coef;
      }
    }
    terms.push_back(std::move(t));
  }
  constrain(d, n.name + ": the max is one of the window", std::move(terms));
  for (unsigned k = 0; k < 4; ++k)
    lookup(d, n.name + " max >= window " + std::to_string(k), {{y, 1}, {v[k], -1}});
  c_.nodes.push_back({index, {x, y}});
  value_col_.push_back(y);
  return ok_status();
}

Result<Circuit> Builder::build() {
  if (c_.batch == 0)
    return fail(Errc::invalid_argument, "prove: the batch is empty");
  const std::uint32_t din = domain(g_.input_shape);
  Column in;
  in.name = "input";
  in.domain = din;
  in.kind = ColKind::input;
  c_.input_col = add_col(std::move(in));
  value_col_.push_back(c_.input_col);
  bool have_output = false;
  // A requant read only by the next node, a relu, is fused with it (circuit.hpp, NodeCols).
  std::vector<std::uint32_t> readers(g_.nodes.size() + 1, 0);
  for (const QNode& n : g_.nodes) {
    ++readers[n.a];
    if (n.op == Op::qadd)
      ++readers[n.b];
  }
  if (g_.output < readers.size())
    ++readers[g_.output];
  auto fusable_relu = [&](std::uint32_t i) {
    return i + 1 < g_.nodes.size() && g_.nodes[i + 1].op == Op::relu &&
           g_.nodes[i + 1].a == i + 1 && readers[i + 1] == 1;
  };
  std::vector<bool> fused(g_.nodes.size() + 1, false);
  for (std::uint32_t i = 0; i < g_.nodes.size(); ++i) {
    const QNode& n = g_.nodes[i];
    if (prover_status(n.op) != ProverStatus::proven) {
      return fail(Errc::unsupported,
                  "prove: node '" + n.name + "' (" + std::string(model::op_name(n.op)) +
                      ") has no prover yet (" + std::string(prover_status_note(n.op)) + ")");
    }
    const bool is_output = i + 1 == g_.output;
    if (is_output && n.op != Op::rescale) {
      return fail(Errc::unsupported, "prove: the graph output comes from '" + n.name + "' (" +
                                         std::string(model::op_name(n.op)) +
                                         "), the proof needs a rescale there");
    }
    if (!is_output && n.op == Op::rescale)
      return fail(Errc::unsupported,
                  "prove: rescale node '" + n.name + "' is not the graph output");
    Status st = ok_status();
    switch (n.op) {
      case Op::gemm:
        st = gemm(n, i);
        break;
      case Op::requant:
        fused[i + 1] = fusable_relu(i);
        st = requant(n, i, false, fused[i + 1]);
        break;
      case Op::rescale:
        st = requant(n, i, true, false);
        have_output = true;
        break;
      case Op::relu:
        if (fused[i]) {
          value_col_.push_back(value_col_.back());  // the requant before it proved the clamp
        } else {
          st = relu(n, i);
        }
        break;
      case Op::conv:
        st = conv(n, i);
        break;
      case Op::maxpool:
        st = maxpool(n, i);
        break;
      default:
        return fail(Errc::unsupported, "prove: node '" + n.name + "' (" +
                                           std::string(model::op_name(n.op)) +
                                           ") has no circuit rule");
    }
    VINFER_CHECK(st);
  }
  if (!have_output)
    return fail(Errc::unsupported, "prove: the graph has no rescale output node");
  // An accumulator is checked only through the identity of the requant or rescale that
  // reads it; one read by anything else would be unbound.
  std::vector<std::pair<std::string, std::uint32_t>> accs;
  for (const GemmStep& s : c_.gemms)
    accs.push_back({s.node, s.out_col});
  for (const ConvStep& s : c_.convs)
    accs.push_back({s.node, s.out_col});
  for (const auto& s : accs) {
    std::size_t readers = 0;
    for (const QNode& n : g_.nodes)
      readers += (value_col_[n.a] == s.second) ? 1 : 0;
    bool by_rounding = false;
    for (const Constraint& k : c_.constraints)
      for (const Term& t : k.terms)
        for (std::uint32_t col : t.cols)
          by_rounding = by_rounding || col == s.second;
    if (readers != 1 || !by_rounding)
      return fail(Errc::unsupported,
                  "prove: '" + s.first + "' must feed exactly one requant or rescale node");
  }
  // Layouts: witness columns, then the multiplicities of the range table.
  std::vector<unsigned> wv;
  for (Column& col : c_.cols) {
    if (col.kind == ColKind::witness) {
      col.slot = static_cast<std::uint32_t>(wv.size());
      wv.push_back(c_.domains[col.domain].vars());
    }
  }
  c_.mult_slot = static_cast<std::uint32_t>(wv.size());
  wv.push_back(rb_);
  c_.witness_layout = make_layout(wv);
  std::vector<unsigned> lv = {rb_};
  for (const Lookup& l : c_.lookups)
    lv.push_back(c_.domains[l.domain].vars());
  c_.fraction_layout = make_layout(lv);
  c_.weight_layout = make_layout(weight_vars_);
  return std::move(c_);
}

}  // namespace

Result<Circuit> build_circuit(const model::QGraph& g, std::uint32_t batch, unsigned range_bits) {
  if (range_bits == kRangeBitsSmall || range_bits == kRangeBitsLarge)
    return Builder(g, batch, range_bits).build();
  if (range_bits != 0)
    return fail(Errc::invalid_argument,
                "prove: range table of " + std::to_string(range_bits) + " bits (8 or 16)");
  VINFER_TRY(Circuit large, Builder(g, batch, kRangeBitsLarge).build());
  VINFER_TRY(Circuit small, Builder(g, batch, kRangeBitsSmall).build());
  auto tree = [](const Circuit& c) { return c.fraction_layout.total_vars; };
  return tree(small) < tree(large) ? std::move(small) : std::move(large);
}

std::vector<Fp> pack_weights(const Circuit& c, const model::QGraph& g) {
  std::vector<std::vector<Fp>> slots(c.weight_layout.vars.size());
  for (const GemmStep& s : c.gemms) {
    const model::QNode& n = g.nodes[s.node_index];
    // Column k of W sits where element k of the input sits in its domain's layout.
    const Domain& xd = c.domains[c.cols[s.x_col].domain];
    const std::size_t kp = std::size_t{1} << xd.evars;
    std::vector<Fp> w((std::size_t{1} << log2_ceil(n.out_ch)) * kp, Fp::zero());
    for (std::size_t r = 0; r < n.out_ch; ++r)
      for (std::size_t k = 0; k < n.k; ++k)
        w[r * kp + xd.index[k]] = Fp::from_i64(n.w[r * n.k + k]);
    slots[s.w_slot] = std::move(w);
    std::vector<Fp> b(n.bias.size());
    for (std::size_t r = 0; r < n.bias.size(); ++r)
      b[r] = Fp::from_i64(n.bias[r]);
    slots[s.b_slot] = std::move(b);
  }
  for (const ConvStep& s : c.convs) {
    const model::QNode& n = g.nodes[s.node_index];
    const std::size_t kp = std::size_t{1} << log2_ceil(n.k);
    std::vector<Fp> w((std::size_t{1} << log2_ceil(n.out_ch)) * kp, Fp::zero());
    for (std::size_t r = 0; r < n.out_ch; ++r)
      for (std::size_t k = 0; k < n.k; ++k)
        w[r * kp + k] = Fp::from_i64(n.w[r * n.k + k]);
    slots[s.w_slot] = std::move(w);
    std::vector<Fp> b(n.bias.size());
    for (std::size_t r = 0; r < n.bias.size(); ++r)
      b[r] = Fp::from_i64(n.bias[r]);
    slots[s.b_slot] = std::move(b);
  }
  return pack_slots(c.weight_layout, slots);
}

namespace {
// Coordinates of a {C, H, W} domain: x first, then y, then c, then the batch.
struct ImageVars {
  unsigned x, y, c;
};
ImageVars image_vars(const Domain& d) {
  return {log2_ceil(d.dims[2]), log2_ceil(d.dims[1]), log2_ceil(d.dims[0])};
}
}  // namespace

std::vector<Ext> view_point(const Circuit& c, std::uint32_t view_col, std::span<const Ext> r) {
  const Column& v = c.cols[view_col];
  const ImageVars o = image_vars(c.domains[v.domain]);
  std::vector<Ext> p;
  p.push_back(v.view_dx != 0 ? Ext::one() : Ext::zero());
  p.insert(p.end(), r.begin(), r.begin() + o.x);
  p.push_back(v.view_dy != 0 ? Ext::one() : Ext::zero());
  p.insert(p.end(), r.begin() + o.x, r.end());
  return p;
}

void conv_split(const Circuit& c,
                const ConvStep& s,
                std::span<const Ext> z,
                std::vector<Ext>& ry,
                std::vector<Ext>& rb) {
  const ImageVars o = image_vars(c.domains[c.cols[s.out_col].domain]);
  ry.assign(z.begin() + o.x + o.y, z.begin() + o.x + o.y + o.c);
  rb.assign(z.begin(), z.begin() + o.x + o.y);
  rb.insert(rb.end(), z.begin() + o.x + o.y + o.c, z.end());
}

namespace {
// eq(rj, j) eq(r_oy, oy) eq(r_ox, ox) for a conv's output side of the wiring.
struct OutputEq {
  std::vector<Ext> ej, eox, eoy;
  OutputEq(std::span<const Ext> rj, std::span<const Ext> rb, const ImageVars& o)
      : ej(eq_table(rj)), eox(eq_table(rb.first(o.x))), eoy(eq_table(rb.subspan(o.x, o.y))) {}
  Ext at(std::uint32_t j, std::uint32_t oy, std::uint32_t ox) const {
    return ej[j] * eoy[oy] * eox[ox];
  }
};

}  // namespace

std::vector<Ext> conv_wiring_table(const Circuit& c,
                                   const ConvStep& s,
                                   std::span<const Ext> rj,
                                   std::span<const Ext> rb) {
  const Domain& xd = c.domains[c.cols[s.x_col].domain];
  const ImageVars o = image_vars(c.domains[c.cols[s.out_col].domain]), in = image_vars(xd);
  const OutputEq q(rj, rb, o);
  std::vector<Ext> m(std::size_t{1} << xd.evars, Ext::zero());
  for_each_tap(s, [&](std::uint32_t j, std::uint32_t oy, std::uint32_t ox, std::uint32_t ch,
                      std::uint32_t iy, std::uint32_t ix) {
    m[ix + (std::size_t{iy} << in.x) + (std::size_t{ch} << (in.x + in.y))] += q.at(j, oy, ox);
  });
  return m;
}

Ext conv_wiring_eval(const Circuit& c,
                     const ConvStep& s,
                     std::span<const Ext> rj,
                     std::span<const Ext> rb,
                     std::span<const Ext> z) {
  const Domain& xd = c.domains[c.cols[s.x_col].domain];
  const ImageVars o = image_vars(c.domains[c.cols[s.out_col].domain]), in = image_vars(xd);
  const OutputEq q(rj, rb, o);
  const std::vector<Ext> eix = eq_table(z.first(in.x));
  const std::vector<Ext> eiy = eq_table(z.subspan(in.x, in.y));
  const std::vector<Ext> ec = eq_table(z.subspan(in.x + in.y, in.c));
  Ext sum = Ext::zero();
  for_each_tap(s, [&](std::uint32_t j, std::uint32_t oy, std::uint32_t ox, std::uint32_t ch,
                      std::uint32_t iy,
                      std::uint32_t ix) { sum += q.at(j, oy, ox) * eix[ix] * eiy[iy] * ec[ch]; });
  return sum * eq_eval(rb.subspan(o.x + o.y), z.subspan(xd.evars));
}

Ext constant_eval(const Circuit& c, std::uint32_t col, std::span<const Ext> point) {
  const Column& cc = c.cols[col];
  const Domain& d = c.domains[cc.domain];
  VINFER_ASSERT(cc.kind == ColKind::constant && point.size() == d.vars());
  std::vector<Fp> pe(std::size_t{1} << d.evars, Fp::zero());
  for (std::size_t e = 0; e < cc.per_elem.size(); ++e)
    pe[d.index[e]] = Fp::from_i64(cc.per_elem[e]);
  std::vector<Fp> valid(std::size_t{1} << d.bvars, Fp::zero());
  for (std::size_t b = 0; b < d.batch; ++b)
    valid[b] = Fp::one();
  return mle_eval(pe, point.first(d.evars)) * mle_eval(valid, point.subspan(d.evars));
}

Ext domain_eval(const Domain& d, std::span<const std::int32_t> data, std::span<const Ext> point) {
  VINFER_ASSERT(data.size() == std::size_t{d.elems} * d.batch && point.size() == d.vars());
  // eq over the batch coordinates combines the samples, then the element coordinates.
  const std::vector<Ext> eb = eq_table(point.subspan(d.evars));
  std::vector<Ext> acc(std::size_t{1} << d.evars, Ext::zero());
  for (std::size_t b = 0; b < d.batch; ++b) {
    const std::int32_t* row = data.data() + b * d.elems;
    for (std::size_t e = 0; e < d.elems; ++e)
      acc[d.index[e]] += eb[b] * Fp::from_i64(row[e]);
  }
  return mle_eval(acc, point.first(d.evars));
}

}  // namespace vinfer::proof
