// graph_prove(): the prover of graph_proof.hpp, step by step as listed there.
#include <algorithm>
#include <bit>
#include <chrono>

#include "proof/graph_common.hpp"
#include "vinfer/assert.hpp"
#include "vinfer/proof/logup.hpp"
#include "vinfer/proof/matmul.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/sumcheck.hpp"

namespace vinfer::proof {
namespace {

using i128 = __int128;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Every witness column as integers over its domain (index e + 2^ev * b), from the values.
class WitnessFiller {
 public:
  WitnessFiller(const Circuit& c,
                const model::QGraph& g,
                std::span<const std::vector<std::int32_t>> values)
      : c_(c), g_(g), values_(values), cols_(c.cols.size()) {}

  Status fill();
  const std::vector<std::int64_t>& col(std::uint32_t i) const { return cols_[i]; }
  // Any column's integer values over its domain (constants and public ones expanded).
  std::vector<std::int64_t> expand(std::uint32_t i) const;

 private:
  std::vector<std::int64_t>& init(std::uint32_t col) {
    const Domain& d = c_.domains[c_.cols[col].domain];
    cols_[col].assign(std::size_t{1} << d.vars(), 0);
    return cols_[col];
  }
  std::size_t at(const Domain& d, std::size_t b, std::size_t e) const {
    return d.index[e] + (b << d.evars);
  }
  Status value_into(std::uint32_t value, std::uint32_t col);
  Status fill_requant(const model::QNode& n, const NodeCols& nc);

  const Circuit& c_;
  const model::QGraph& g_;
  std::span<const std::vector<std::int32_t>> values_;
  std::vector<std::vector<std::int64_t>> cols_;
};

Status WitnessFiller::value_into(std::uint32_t value, std::uint32_t col) {
  const Domain& d = c_.domains[c_.cols[col].domain];
  const std::vector<std::int32_t>& v = values_[value];
  if (v.size() != std::size_t{d.elems} * d.batch) {
    return fail(Errc::mismatch, "prove: value " + std::to_string(value) + " holds " +
                                    std::to_string(v.size()) + " entries, its shape needs " +
                                    std::to_string(std::size_t{d.elems} * d.batch));
  }
  std::vector<std::int64_t>& out = init(col);
  for (std::size_t b = 0; b < d.batch; ++b)
    for (std::size_t e = 0; e < d.elems; ++e)
      out[at(d, b, e)] = v[b * d.elems + e];
  return ok_status();
}

Status WitnessFiller::fill_requant(const model::QNode& n, const NodeCols& nc) {
  const std::uint32_t x = nc.cols[0], y = nc.cols[1], rem = nc.cols[2], pos = nc.cols[3],
                      neg = nc.cols[4];
  // The circuit's constants (circuit.cpp may have rescaled every channel to one shift).
  const std::vector<std::int64_t>& mant = c_.cols[nc.cols[5]].per_elem;
  const std::vector<std::int64_t>& half = c_.cols[nc.cols[6]].per_elem;
  const std::vector<std::int64_t>& pow2 = c_.cols[nc.cols[7]].per_elem;
  const Domain& d = c_.domains[c_.cols[x].domain];
  const std::vector<std::int64_t> xs = expand(x);
  const std::vector<std::int64_t> ys = expand(y);
  std::vector<std::int64_t>& r = init(rem);
  std::vector<std::int64_t>& p = init(pos);
  std::vector<std::int64_t>& ng = init(neg);
  for (std::size_t b = 0; b < d.batch; ++b) {
    for (std::size_t e = 0; e < d.elems; ++e) {
      const std::size_t i = at(d, b, e);
      const int shift = std::countr_zero(static_cast<std::uint64_t>(pow2[e]));
      const i128 num = i128{xs[i]} * mant[e] + half[e];
      const i128 q = num >> shift;  // arithmetic shift == floor
      const std::int64_t yv = ys[i];
      if (static_cast<i128>(arith::saturate(q, nc.lo, nc.hi)) != yv) {
        return fail(Errc::mismatch, "prove: node '" + n.name + "': the given value at sample " +
                                        std::to_string(b) + ", element " + std::to_string(e) +
                                        " is not the canonical result");
      }
      r[i] = static_cast<std::int64_t>(num - (q << shift));
      p[i] = q > yv ? static_cast<std::int64_t>(q - yv) : 0;
      ng[i] = q < yv ? static_cast<std::int64_t>(yv - q) : 0;
    }
  }
  return ok_status();
}

std::vector<std::int64_t> WitnessFiller::expand(std::uint32_t i) const {
  const Column& col = c_.cols[i];
  const Domain& d = c_.domains[col.domain];
  if (col.kind == ColKind::witness || col.kind == ColKind::product || col.kind == ColKind::linear)
    return cols_[i];
  std::vector<std::int64_t> out(std::size_t{1} << d.vars(), 0);
  if (col.kind == ColKind::view) {
    // out[ox + OW'(rest)] = src[(2 ox + dx) + 2 OW'((2 oy + dy) + 2 OH'(c + C' b))]: the
    // source's x and y each have one more (low) coordinate (circuit.hpp, view_point).
    const std::vector<std::int64_t>& src = cols_[col.src];
    const unsigned lx = log2_ceil(d.dims[2]), ly = log2_ceil(d.dims[1]);
    for (std::size_t idx = 0; idx < out.size(); ++idx) {
      const std::size_t ox = idx & ((std::size_t{1} << lx) - 1);
      const std::size_t oy = (idx >> lx) & ((std::size_t{1} << ly) - 1);
      const std::size_t rest = idx >> (lx + ly);
      const std::size_t sx = 2 * ox + col.view_dx, sy = 2 * oy + col.view_dy;
      out[idx] = src[sx + (sy << (lx + 1)) + (rest << (lx + ly + 2))];
    }
    return out;
  }
  for (std::size_t b = 0; b < d.batch; ++b) {
    for (std::size_t e = 0; e < d.elems; ++e) {
      std::int64_t v = 0;
      if (col.kind == ColKind::constant)
        v = col.per_elem[e];
      else if (col.kind == ColKind::input)
        v = values_[0][b * d.elems + e];
      else
        v = values_[g_.output][b * d.elems + e];
      out[at(d, b, e)] = v;
    }
  }
  return out;
}

Status WitnessFiller::fill() {
  if (values_.size() != g_.nodes.size() + 1) {
    return fail(Errc::mismatch, "prove: " + std::to_string(values_.size()) +
                                    " values given, the graph has " +
                                    std::to_string(g_.nodes.size() + 1));
  }
  for (const NodeCols& nc : c_.nodes) {
    const model::QNode& n = g_.nodes[nc.node];
    switch (n.op) {
      case model::Op::gemm:
      case model::Op::conv:
        VINFER_CHECK(value_into(nc.node + 1, nc.cols[0]));
        break;
      case model::Op::maxpool: {
        VINFER_CHECK(value_into(nc.node + 1, nc.cols[1]));
        // A padded output position may still have real inputs in its window (an odd input
        // extent): there the identities need y = the window's max too.
        const std::uint32_t y = nc.cols[1];
        std::vector<std::vector<std::int64_t>> views;
        for (std::uint32_t k = 0; k < c_.cols.size(); ++k)
          if (c_.cols[k].kind == ColKind::view && c_.cols[k].domain == c_.cols[y].domain)
            views.push_back(expand(k));
        const Domain& d = c_.domains[c_.cols[y].domain];
        std::vector<bool> real(cols_[y].size(), false);
        for (std::size_t b = 0; b < d.batch; ++b)
          for (std::size_t e = 0; e < d.elems; ++e)
            real[at(d, b, e)] = true;
        for (std::size_t i = 0; i < real.size(); ++i) {
          if (real[i])
            continue;
          std::int64_t m = views[0][i];
          for (const auto& v : views)
            m = std::max(m, v[i]);
          cols_[y][i] = m;
        }
        break;
      }
      case model::Op::requant:
        VINFER_CHECK(value_into(nc.value, nc.cols[1]));
        VINFER_CHECK(fill_requant(n, nc));
        break;
      case model::Op::rescale:
        VINFER_CHECK(fill_requant(n, nc));
        break;
      case model::Op::relu: {
        VINFER_CHECK(value_into(nc.node + 1, nc.cols[1]));
        const std::vector<std::int64_t> xs = expand(nc.cols[0]);
        std::vector<std::int64_t>& ng = init(nc.cols[2]);
        const std::vector<std::int64_t>& o = cols_[nc.cols[1]];
        for (std::size_t i = 0; i < ng.size(); ++i) {
          if (o[i] != std::max<std::int64_t>(0, xs[i])) {
            return fail(Errc::mismatch, "prove: node '" + n.name + "': the given value at row " +
                                            std::to_string(i) + " is not the canonical result");
          }
          ng[i] = o[i] - xs[i];
        }
        break;
      }
      default:
        VINFER_ASSERT(false && "build_circuit admits no other op");
    }
  }
  // Derived columns come after their sources in column order.
  for (std::uint32_t i = 0; i < c_.cols.size(); ++i) {
    const Column& col = c_.cols[i];
    if (col.kind != ColKind::witness || col.derive == Derive::none)
      continue;
    const std::vector<std::int64_t> src = expand(col.src);
    std::vector<std::int64_t>& out = init(i);
    if (col.derive == Derive::limb) {
      for (std::size_t j = 0; j < out.size(); ++j) {
        VINFER_ASSERT(src[j] >= 0);
        out[j] = (src[j] >> (c_.range_bits * col.index)) & ((std::int64_t{1} << c_.range_bits) - 1);
      }
    } else {
      const std::vector<std::int64_t> k = expand(col.index);
      for (std::size_t j = 0; j < out.size(); ++j)
        out[j] = k[j] * src[j];
    }
  }
  return ok_status();
}

std::vector<Ext> to_ext(const std::vector<std::int64_t>& v) {
  std::vector<Ext> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    out[i] = Ext(Fp::from_i64(v[i]));
  return out;
}

std::vector<Fp> to_fp(const std::vector<std::int64_t>& v) {
  std::vector<Fp> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    out[i] = Fp::from_i64(v[i]);
  return out;
}

}  // namespace

WeightCommitment commit_weights(const Circuit& c, const model::QGraph& g) {
  WeightCommitment w;
  w.packed = pack_weights(c, g);
  w.pcs = pcs_commit(w.packed);
  return w;
}

Result<std::vector<std::uint8_t>> graph_prove(const Circuit& c,
                                              const model::QGraph& g,
                                              const WeightCommitment& w,
                                              const GraphStatement& st,
                                              std::span<const std::vector<std::int32_t>> values,
                                              ProveStats* stats) {
  ProveStats local;
  ProveStats& S = stats != nullptr ? *stats : local;
  auto t0 = Clock::now();
  if (st.batch != c.batch)
    return fail(Errc::mismatch, "prove: the statement's batch differs from the circuit's");
  WitnessFiller wf(c, g, values);
  VINFER_CHECK(wf.fill());

  // Lookup vectors and the range multiplicities.
  std::vector<std::vector<Fp>> lookup_slots;
  std::vector<std::uint64_t> count(std::size_t{1} << c.range_bits, 0);
  for (const Lookup& l : c.lookups) {
    const Domain& d = c.domains[l.domain];
    std::vector<std::int64_t> v(std::size_t{1} << d.vars(), 0);
    for (const auto& [col, coef] : l.lin) {
      const std::vector<std::int64_t> x = wf.expand(col);
      for (std::size_t i = 0; i < v.size(); ++i)
        v[i] += coef * x[i];
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] < 0 || v[i] >= (std::int64_t{1} << c.range_bits)) {
        return fail(Errc::mismatch, "prove: lookup '" + l.what + "' has " + std::to_string(v[i]) +
                                        " at row " + std::to_string(i) +
                                        ", outside the range table");
      }
      ++count[static_cast<std::size_t>(v[i])];
    }
    lookup_slots.push_back(to_fp(v));
  }
  std::vector<Fp> mult16(count.size());
  for (std::size_t i = 0; i < count.size(); ++i)
    mult16[i] = Fp::from_u64(count[i]);
  std::size_t used = 0;
  for (const auto& sl : lookup_slots)
    used += sl.size();

  // Step 2: the witness commitment.
  std::vector<std::vector<Fp>> wslots(c.witness_layout.vars.size());
  for (std::uint32_t i = 0; i < c.cols.size(); ++i) {
    if (c.cols[i].kind == ColKind::witness)
      wslots[c.cols[i].slot] = to_fp(wf.col(i));
  }
  wslots[c.mult_slot] = mult16;
  const std::vector<Fp> wpacked = pack_slots(c.witness_layout, wslots);
  S.witness_entries = wpacked.size();
  S.lookup_entries = used;
  S.witness_s = since(t0);
  t0 = Clock::now();
  const PcsProverData wpcs = pcs_commit(wpacked);
  S.commit_s = since(t0);

  ProverChannel ch(detail::kGraphDomain);
  detail::absorb_statement(ch.transcript(), st);
  ch.send_hash("graph.witness_root", wpcs.root);
  std::vector<SlotClaim> wclaims, weight_claims;
  auto claim = [&](std::vector<SlotClaim>& list, std::uint32_t slot, std::vector<Ext> point, Ext v,
                   const char* label) {
    ch.send_ext(label, v);
    list.push_back({slot, std::move(point), v});
  };
  // A claimable column's value at a point (a view's from its source), sent and recorded.
  auto claim_col = [&](std::uint32_t col, std::span<const Ext> point, const char* label) {
    SlotClaim sc = detail::claim_on(c, col, point, Ext::zero());
    sc.value = mle_eval(wslots[sc.slot], sc.point);
    ch.send_ext(label, sc.value);
    wclaims.push_back(std::move(sc));
  };

  // Step 3: every lookup at once.
  t0 = Clock::now();
  {
    const Ext alpha = ch.challenge("graph.alpha");
    // Leaves (circuit.hpp, fraction_layout): the table's m_i / (alpha - i), each lookup's
    // -1 / (alpha - value), and 0 / 1 elsewhere.
    const SlotLayout& fl = c.fraction_layout;
    std::vector<Ext> p(std::size_t{1} << fl.total_vars, Ext::zero());
    std::vector<Ext> q(p.size(), Ext::one());
    for (std::size_t i = 0; i < mult16.size(); ++i) {
      p[fl.offset[0] + i] = Ext(mult16[i]);
      q[fl.offset[0] + i] = alpha - Ext(Fp::from_u64(i));
    }
    for (std::size_t j = 0; j < lookup_slots.size(); ++j) {
      const std::uint64_t off = fl.offset[j + 1];
      for (std::size_t i = 0; i < lookup_slots[j].size(); ++i) {
        p[off + i] = -Ext::one();
        q[off + i] = alpha - Ext(lookup_slots[j][i]);
      }
    }
    const FractionClaims lc = fraction_tree_prove(std::move(p), std::move(q), ch);
    for (std::uint32_t d = 0; d < c.domains.size(); ++d) {
      const std::span<const Ext> sub(lc.point.data(), c.domains[d].vars());
      for (std::uint32_t col : detail::lookup_witness_cols(c, d))
        claim_col(col, sub, "graph.lookup_col");
    }
    const std::span<const Ext> subt(lc.point.data(), c.range_bits);
    claim(wclaims, c.mult_slot, {subt.begin(), subt.end()}, mle_eval(mult16, subt),
          "graph.lookup_mult");
  }
  S.lookup_s = since(t0);

  // Step 4: the zero-checks.
  t0 = Clock::now();
  std::vector<std::vector<Ext>> acc_point(c.cols.size());
  {
    const Ext beta = ch.challenge("graph.beta");
    for (std::uint32_t d : detail::constrained_domains(c)) {
      const std::vector<Ext> tau =
          ch.transcript().challenge_point("graph.tau", c.domains[d].vars());
      const detail::ZeroCheck z = detail::zerocheck_of(c, d, beta);
      // zerocheck_of puts eq(tau, .) as factor 0 of every term; the eq prover keeps it implicit.
      std::vector<std::vector<Ext>> tables;
      for (std::uint32_t col : z.cols)
        tables.push_back(to_ext(wf.expand(col)));
      std::vector<SumcheckTerm> inner = z.terms;
      for (SumcheckTerm& t : inner) {
        t.factors.erase(t.factors.begin());
        for (unsigned& f : t.factors)
          f -= 1;
      }
      SumcheckProverOut out = sumcheck_prove_eq(tau, std::move(tables), inner, ch);
      out.finals.insert(out.finals.begin(), Ext::zero());  // keep finals[i + 1] = column i
      for (std::size_t i = 0; i < z.cols.size(); ++i) {
        const Column& col = c.cols[z.cols[i]];
        if (detail::claimable(col)) {
          ch.send_ext("graph.zerocheck_col", out.finals[i + 1]);
          wclaims.push_back(detail::claim_on(c, z.cols[i], out.point, out.finals[i + 1]));
        } else if (col.kind == ColKind::product) {
          ch.send_ext("graph.gemm_acc", out.finals[i + 1]);
          acc_point[z.cols[i]] = out.point;
        }
      }
    }
  }
  S.zerocheck_s = since(t0);

  // Step 5: the gemms.
  t0 = Clock::now();
  for (const GemmStep& s : c.gemms) {
    const model::QNode& n = g.nodes[s.node_index];
    const Domain& d = c.domains[c.cols[s.out_col].domain];
    // The accumulator's claim is the one its requant's zero-check left.
    const std::vector<Ext>& p = acc_point[s.out_col];
    VINFER_ASSERT(p.size() == d.vars());
    const std::vector<Ext> ry(p.begin(), p.begin() + d.evars);
    const std::vector<Ext> rb(p.begin() + d.evars, p.end());
    std::vector<Fp> bias(n.bias.size());
    for (std::size_t r = 0; r < bias.size(); ++r)
      bias[r] = Fp::from_i64(n.bias[r]);
    bias.resize(std::size_t{1} << d.evars, Fp::zero());
    claim(weight_claims, s.b_slot, ry, mle_eval(bias, ry), "graph.gemm_bias");
    // X and W in the input domain's padded layout (circuit.hpp, pack_weights).
    // X is the committed column itself, padding included (a maxpool may hold its window's
    // max on padded elements); W is zero there, so the product does not see it.
    const Domain& xd = c.domains[c.cols[s.x_col].domain];
    const std::vector<std::int64_t> xv = wf.expand(s.x_col);
    std::vector<std::int8_t> x(s.shape.batch * s.shape.cols, 0), wt(s.shape.rows * s.shape.cols, 0);
    for (std::size_t b = 0; b < s.shape.batch; ++b)
      for (std::size_t i = 0; i < s.shape.cols; ++i)
        x[b * s.shape.cols + i] = static_cast<std::int8_t>(xv[i + (b << xd.evars)]);
    for (std::size_t r = 0; r < s.shape.rows; ++r)
      for (std::size_t k = 0; k < n.k; ++k)
        wt[r * s.shape.cols + xd.index[k]] = n.w[r * n.k + k];
    const MatmulClaims mc = matmul_prove(s.shape, x, wt, ry, rb, ch);
    std::vector<Ext> px = mc.point_k;
    px.insert(px.end(), rb.begin(), rb.end());
    if (c.cols[s.x_col].kind == ColKind::witness)
      wclaims.push_back({c.cols[s.x_col].slot, px, mc.x_eval});
    std::vector<Ext> pw = mc.point_k;
    pw.insert(pw.end(), ry.begin(), ry.end());
    weight_claims.push_back({s.w_slot, pw, mc.w_eval});
  }
  for (const ConvStep& s : c.convs) {
    const model::QNode& n = g.nodes[s.node_index];
    const Domain& od = c.domains[c.cols[s.out_col].domain];
    const Domain& xd = c.domains[c.cols[s.x_col].domain];
    const std::vector<Ext>& p = acc_point[s.out_col];
    VINFER_ASSERT(p.size() == od.vars());
    std::vector<Ext> ry, rb;
    conv_split(c, s, p, ry, rb);
    std::vector<Fp> bias(n.bias.size());
    for (std::size_t r = 0; r < bias.size(); ++r)
      bias[r] = Fp::from_i64(n.bias[r]);
    bias.resize(std::size_t{1} << ry.size(), Fp::zero());
    claim(weight_claims, s.b_slot, ry, mle_eval(bias, ry), "graph.conv_bias");
    // im2col rows (ox, oy, b) in the output's padded layout; padded rows stay zero.
    const std::vector<std::int32_t>& xv = values[n.a];
    const unsigned lx = log2_ceil(s.ow), ly = log2_ceil(s.oh);
    std::vector<std::int8_t> xcol(s.shape.batch * s.shape.cols, 0);
    for (std::size_t b = 0; b < c.batch; ++b) {
      const std::int32_t* img = xv.data() + b * std::size_t{s.g.c} * s.g.h * s.g.w;
      for_each_tap(s, [&](std::uint32_t j, std::uint32_t oy, std::uint32_t ox, std::uint32_t ch_,
                          std::uint32_t iy, std::uint32_t ix) {
        const std::size_t row = ox + (std::size_t{oy} << lx) + (b << (lx + ly));
        xcol[row * s.shape.cols + j] =
            static_cast<std::int8_t>(img[(ch_ * s.g.h + iy) * s.g.w + ix]);
      });
    }
    const MatmulClaims mc = matmul_prove(s.shape, xcol, n.w, ry, rb, ch);
    std::vector<Ext> pw = mc.point_k;
    pw.insert(pw.end(), ry.begin(), ry.end());
    weight_claims.push_back({s.w_slot, pw, mc.w_eval});
    // Wiring: Xcol~(rk, rb) = sum_x X(x) M(x) over the input domain.
    const std::vector<Ext> m0 = conv_wiring_table(c, s, mc.point_k, rb);
    const std::vector<Ext> eb = eq_table(std::span<const Ext>(rb).subspan(lx + ly));
    std::vector<std::vector<Ext>> tables(2);
    tables[0] = to_ext(wf.expand(s.x_col));
    tables[1].resize(tables[0].size());
    for (std::size_t b = 0; b < eb.size(); ++b)
      for (std::size_t e = 0; e < m0.size(); ++e)
        tables[1][e + (b << xd.evars)] = eb[b] * m0[e];
    SumcheckProverOut out = sumcheck_prove(std::move(tables), {{Ext::one(), {0, 1}}}, ch);
    ch.send_ext("graph.conv_x", out.finals[0]);
    if (c.cols[s.x_col].kind == ColKind::witness)
      wclaims.push_back({c.cols[s.x_col].slot, out.point, out.finals[0]});
  }
  S.matmul_s = since(t0);

  // Step 6: open both commitments.
  t0 = Clock::now();
  const PackedClaim wpc = batch_claims_prove(c.witness_layout, wpacked, wclaims, ch);
  pcs_open(wpcs, std::vector<std::vector<Ext>>{wpc.point}, ch);
  const PackedClaim mpc = batch_claims_prove(c.weight_layout, w.packed, weight_claims, ch);
  pcs_open(w.pcs, std::vector<std::vector<Ext>>{mpc.point}, ch);
  S.open_s = since(t0);
  return ch.finish();
}

}  // namespace vinfer::proof
