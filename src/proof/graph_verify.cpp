// graph_verify(): the verifier of graph_proof.hpp. It reads proof bytes only; every size,
// degree and point count comes from the circuit and the statement.
#include <string>

#include "proof/graph_common.hpp"
#include "vinfer/arith/requant.hpp"
#include "vinfer/proof/logup.hpp"
#include "vinfer/proof/matmul.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/sumcheck.hpp"

namespace vinfer::proof {
namespace {

Error step_fail(const std::string& step, const Error& e) {
  return fail(e.code, step + ": " + e.message);
}

Status check_statement(const Circuit& c, const GraphStatement& st) {
  if (st.batch != c.batch || st.batch == 0)
    return fail(Errc::mismatch, "statement: batch " + std::to_string(st.batch) +
                                    ", the circuit's is " + std::to_string(c.batch));
  const Domain& di = c.domains[c.cols[c.input_col].domain];
  const Domain& dout = c.domains[c.cols[c.output_col].domain];
  if (st.input.size() != std::size_t{di.elems} * di.batch)
    return fail(Errc::mismatch, "statement: the input holds " + std::to_string(st.input.size()) +
                                    " values, the model takes " +
                                    std::to_string(std::size_t{di.elems} * di.batch));
  if (st.output.size() != std::size_t{dout.elems} * dout.batch)
    return fail(Errc::mismatch, "statement: the output holds " + std::to_string(st.output.size()) +
                                    " values, the model gives " +
                                    std::to_string(std::size_t{dout.elems} * dout.batch));
  for (std::int8_t v : st.input) {
    if (v < -arith::kI8Max)
      return fail(Errc::invalid_argument,
                  "statement: an input value is -128, outside the int8 range [-127, 127]");
  }
  for (std::size_t i = 0; i < st.output.size(); ++i) {
    if (st.output[i] < -arith::kActMax || st.output[i] > arith::kActMax)
      return fail(Errc::invalid_argument,
                  "statement: output " + std::to_string(i) + " is outside [-2^24, 2^24]");
  }
  return ok_status();
}

}  // namespace

Status graph_verify(const Circuit& c,
                    const GraphStatement& st,
                    std::span<const std::uint8_t> proof) {
  VINFER_CHECK(check_statement(c, st));
  VerifierChannel ch(detail::kGraphDomain, proof);
  detail::absorb_statement(ch.transcript(), st);
  VINFER_TRY(commit::Hash wroot, ch.recv_hash("graph.witness_root"));
  std::vector<SlotClaim> wclaims, weight_claims;
  // Receives one claimed column value and records it as a claim on the witness.
  auto recv_claim = [&](std::vector<SlotClaim>& list, std::uint32_t slot, std::vector<Ext> point,
                        const char* label) -> Result<Ext> {
    VINFER_TRY(Ext v, ch.recv_ext(label));
    list.push_back({slot, std::move(point), v});
    return v;
  };
  // The same for a claimable column (a view's claim moves to its source).
  auto recv_col = [&](std::uint32_t col, std::span<const Ext> point,
                      const char* label) -> Result<Ext> {
    VINFER_TRY(Ext v, ch.recv_ext(label));
    wclaims.push_back(detail::claim_on(c, col, point, v));
    return v;
  };

  // Step 3: the lookups.
  {
    const Ext alpha = ch.challenge("graph.alpha");
    const SlotLayout& fl = c.fraction_layout;
    auto fc = fraction_tree_verify(fl.total_vars, ch);
    if (!fc.ok())
      return step_fail("lookups", fc.error());
    const std::vector<Ext>& r = fc->point;
    // The table t(i) = i over its slot's low coordinates.
    Ext t = Ext::zero();
    for (unsigned i = 0; i < c.range_bits; ++i)
      t += r[i] * Fp::from_u64(std::uint64_t{1} << i);
    std::vector<std::vector<Ext>> col_vals(c.cols.size());
    for (std::uint32_t d = 0; d < c.domains.size(); ++d) {
      const std::span<const Ext> sub(r.data(), c.domains[d].vars());
      for (std::uint32_t col : detail::lookup_witness_cols(c, d)) {
        VINFER_TRY(Ext v, recv_col(col, sub, "graph.lookup_col"));
        col_vals[col] = {v};
      }
    }
    const std::span<const Ext> subt(r.data(), c.range_bits);
    VINFER_TRY(Ext m,
               recv_claim(wclaims, c.mult_slot, {subt.begin(), subt.end()}, "graph.lookup_mult"));
    // p~(r) = sel_0 m~ - sum_j sel_j;  q~(r) = sum_slots sel (alpha - value~) + (1 - sum_slots
    // sel).
    const Ext sel0 = slot_selector(fl, 0, r);
    Ext p = sel0 * m;
    Ext q = sel0 * (alpha - t);
    Ext covered = sel0;
    for (std::uint32_t j = 0; j < c.lookups.size(); ++j) {
      const Lookup& l = c.lookups[j];
      const std::span<const Ext> sub(r.data(), c.domains[l.domain].vars());
      Ext e = Ext::zero();
      for (const auto& [col, coef] : l.lin) {
        const Ext v = detail::claimable(c.cols[col]) ? col_vals[col][0]
                                                     : detail::public_eval(c, st, col, sub);
        e += v * Fp::from_i64(coef);
      }
      const Ext sel = slot_selector(fl, j + 1, r);
      p -= sel;
      q += sel * (alpha - e);
      covered += sel;
    }
    q += Ext::one() - covered;
    if (p != fc->p)
      return fail(Errc::mismatch, "lookups: the multiplicities do not match the committed column");
    if (q != fc->q)
      return fail(Errc::mismatch,
                  "lookups: the looked-up values do not match the committed columns");
  }

  // Step 4: the zero-checks.
  std::vector<std::pair<std::vector<Ext>, Ext>> acc_claim(c.cols.size());
  {
    const Ext beta = ch.challenge("graph.beta");
    for (std::uint32_t d : detail::constrained_domains(c)) {
      const std::vector<Ext> tau =
          ch.transcript().challenge_point("graph.tau", c.domains[d].vars());
      const detail::ZeroCheck z = detail::zerocheck_of(c, d, beta);
      auto sc = sumcheck_verify(Ext::zero(), c.domains[d].vars(), sumcheck_degree(z.terms), ch);
      if (!sc.ok())
        return step_fail("identities of domain " + std::to_string(d), sc.error());
      std::vector<Ext> vals(z.cols.size() + 1);
      vals[0] = eq_eval(tau, sc->point);
      for (std::size_t i = 0; i < z.cols.size(); ++i) {
        const std::uint32_t col = z.cols[i];
        if (detail::claimable(c.cols[col])) {
          VINFER_TRY(vals[i + 1], recv_col(col, sc->point, "graph.zerocheck_col"));
        } else if (c.cols[col].kind == ColKind::product) {
          VINFER_TRY(vals[i + 1], ch.recv_ext("graph.gemm_acc"));
          acc_claim[col] = {sc->point, vals[i + 1]};
        } else {
          vals[i + 1] = detail::public_eval(c, st, col, sc->point);
        }
      }
      if (detail::eval_terms(z.terms, vals) != sc->value) {
        return fail(Errc::mismatch,
                    "identities of domain " + std::to_string(d) +
                        ": the columns' values do not satisfy the combined identity");
      }
    }
  }

  // Step 5: the gemms.
  for (const GemmStep& s : c.gemms) {
    const Domain& d = c.domains[c.cols[s.out_col].domain];
    const auto& [p, acc] = acc_claim[s.out_col];
    if (p.size() != d.vars())
      return fail(Errc::mismatch,
                  "gemm '" + s.node + "': no claim on its accumulator");  // circuit bug
    const std::vector<Ext> ry(p.begin(), p.begin() + d.evars);
    const std::vector<Ext> rb(p.begin() + d.evars, p.end());
    VINFER_TRY(Ext bias, recv_claim(weight_claims, s.b_slot, ry, "graph.gemm_bias"));
    std::vector<Fp> valid(std::size_t{1} << d.bvars, Fp::zero());
    for (std::size_t b = 0; b < d.batch; ++b)
      valid[b] = Fp::one();
    const Ext product = acc - bias * mle_eval(valid, rb);
    auto mc = matmul_verify(s.shape, ry, rb, product, ch);
    if (!mc.ok())
      return step_fail("gemm '" + s.node + "'", mc.error());
    std::vector<Ext> px = mc->point_k;
    px.insert(px.end(), rb.begin(), rb.end());
    if (c.cols[s.x_col].kind == ColKind::witness) {
      wclaims.push_back({c.cols[s.x_col].slot, px, mc->x_eval});
    } else if (detail::public_eval(c, st, s.x_col, px) != mc->x_eval) {
      return fail(Errc::mismatch,
                  "gemm '" + s.node + "': the claimed input evaluation is not the input's");
    }
    std::vector<Ext> pw = mc->point_k;
    pw.insert(pw.end(), ry.begin(), ry.end());
    weight_claims.push_back({s.w_slot, pw, mc->w_eval});
  }

  for (const ConvStep& s : c.convs) {
    const Domain& od = c.domains[c.cols[s.out_col].domain];
    const Domain& xd = c.domains[c.cols[s.x_col].domain];
    const auto& [p, acc] = acc_claim[s.out_col];
    if (p.size() != od.vars())
      return fail(Errc::mismatch,
                  "conv '" + s.node + "': no claim on its accumulator");  // circuit bug
    std::vector<Ext> ry, rb;
    conv_split(c, s, p, ry, rb);
    VINFER_TRY(Ext bias, recv_claim(weight_claims, s.b_slot, ry, "graph.conv_bias"));
    // Bias on real rows: x < OW, y < OH, b < batch.
    const unsigned lx = log2_ceil(s.ow), ly = log2_ceil(s.oh);
    auto valid = [](std::size_t n, std::span<const Ext> r) {
      std::vector<Fp> v(std::size_t{1} << r.size(), Fp::zero());
      for (std::size_t i = 0; i < n; ++i)
        v[i] = Fp::one();
      return mle_eval(v, r);
    };
    const std::span<const Ext> rbs(rb);
    const Ext real = valid(s.ow, rbs.first(lx)) * valid(s.oh, rbs.subspan(lx, ly)) *
                     valid(c.batch, rbs.subspan(lx + ly));
    auto mc = matmul_verify(s.shape, ry, rb, acc - bias * real, ch);
    if (!mc.ok())
      return step_fail("conv '" + s.node + "'", mc.error());
    std::vector<Ext> pw = mc->point_k;
    pw.insert(pw.end(), ry.begin(), ry.end());
    weight_claims.push_back({s.w_slot, pw, mc->w_eval});
    auto sc = sumcheck_verify(mc->x_eval, xd.vars(), 2, ch);
    if (!sc.ok())
      return step_fail("conv '" + s.node + "' wiring", sc.error());
    VINFER_TRY(Ext xv, ch.recv_ext("graph.conv_x"));
    if (xv * conv_wiring_eval(c, s, mc->point_k, rb, sc->point) != sc->value)
      return fail(
          Errc::mismatch,
          "conv '" + s.node + "' wiring: the input evaluation does not give the sumcheck's value");
    if (c.cols[s.x_col].kind == ColKind::witness) {
      wclaims.push_back({c.cols[s.x_col].slot, sc->point, xv});
    } else if (detail::public_eval(c, st, s.x_col, sc->point) != xv) {
      return fail(Errc::mismatch,
                  "conv '" + s.node + "': the claimed input evaluation is not the input's");
    }
  }

  // Step 6: both commitments.
  auto wpc = batch_claims_verify(c.witness_layout, wclaims, ch);
  if (!wpc.ok())
    return step_fail("witness claims", wpc.error());
  const std::vector<std::vector<Ext>> wpts = {wpc->point};
  const std::vector<Ext> wvals = {wpc->value};
  auto wo = pcs_verify(wroot, c.witness_layout.total_vars, wpts, wvals, ch);
  if (!wo.ok())
    return step_fail("witness opening", wo.error());
  auto mpc = batch_claims_verify(c.weight_layout, weight_claims, ch);
  if (!mpc.ok())
    return step_fail("weight claims", mpc.error());
  const std::vector<std::vector<Ext>> mpts = {mpc->point};
  const std::vector<Ext> mvals = {mpc->value};
  auto mo = pcs_verify(st.weights_root, c.weight_layout.total_vars, mpts, mvals, ch);
  if (!mo.ok())
    return step_fail("weight opening", mo.error());
  return ch.finish();
}

}  // namespace vinfer::proof
