// Shared parts of the graph prover and verifier (graph_common.hpp).
#include "proof/graph_common.hpp"

#include <algorithm>

#include "vinfer/assert.hpp"
#include "vinfer/proof/mle.hpp"

namespace vinfer::proof::detail {

void absorb_statement(Transcript& t, const GraphStatement& st) {
  ByteWriter w;
  w.bytes(st.model_root);
  w.bytes(st.weights_root);
  w.u32(st.batch);
  w.u64(st.input.size());
  for (std::int8_t v : st.input)
    w.bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(&v), 1));
  w.u64(st.output.size());
  for (std::int32_t v : st.output)
    w.u32(static_cast<std::uint32_t>(v));
  t.absorb("graph.statement", w.data());
}

ZeroCheck zerocheck_of(const Circuit& c, std::uint32_t domain, Ext beta) {
  ZeroCheck z;
  std::vector<int> where(c.cols.size(), -1);
  Ext weight = Ext::one();
  for (const Constraint& k : c.constraints) {
    if (k.domain != domain)
      continue;
    for (const Term& t : k.terms) {
      SumcheckTerm st;
      st.coef = weight * Fp::from_i64(t.coef);
      st.factors.push_back(0);
      for (std::uint32_t col : t.cols) {
        VINFER_ASSERT(c.cols[col].domain == domain);
        if (where[col] < 0) {
          where[col] = static_cast<int>(z.cols.size());
          z.cols.push_back(col);
        }
        st.factors.push_back(static_cast<unsigned>(where[col]) + 1);
      }
      z.terms.push_back(std::move(st));
    }
    weight *= beta;
  }
  return z;
}

Ext eval_terms(const std::vector<SumcheckTerm>& terms, const std::vector<Ext>& vals) {
  Ext sum = Ext::zero();
  for (const SumcheckTerm& t : terms) {
    Ext p = t.coef;
    for (unsigned f : t.factors)
      p *= vals[f];
    sum += p;
  }
  return sum;
}

std::vector<std::uint32_t> lookup_witness_cols(const Circuit& c, std::uint32_t domain) {
  std::vector<std::uint32_t> out;
  for (const Lookup& l : c.lookups) {
    if (l.domain != domain)
      continue;
    for (const auto& [col, coef] : l.lin) {
      if (claimable(c.cols[col]))
        out.push_back(col);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

SlotClaim claim_on(const Circuit& c, std::uint32_t col, std::span<const Ext> point, Ext value) {
  const Column& cc = c.cols[col];
  if (cc.kind == ColKind::view) {
    const std::vector<Ext> p = view_point(c, col, point);
    return {c.cols[cc.src].slot, p, value};
  }
  VINFER_ASSERT(cc.kind == ColKind::witness);
  return {cc.slot, {point.begin(), point.end()}, value};
}

std::vector<std::uint32_t> constrained_domains(const Circuit& c) {
  std::vector<std::uint32_t> out;
  for (const Constraint& k : c.constraints)
    out.push_back(k.domain);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Ext public_eval(const Circuit& c,
                const GraphStatement& st,
                std::uint32_t col,
                std::span<const Ext> point) {
  const Column& cc = c.cols[col];
  switch (cc.kind) {
    case ColKind::constant:
      return constant_eval(c, col, point);
    case ColKind::input: {
      std::vector<std::int32_t> wide(st.input.begin(), st.input.end());
      return domain_eval(c.domains[cc.domain], wide, point);
    }
    case ColKind::output:
      return domain_eval(c.domains[cc.domain], st.output, point);
    case ColKind::witness:
    case ColKind::product:
    case ColKind::linear:
    case ColKind::view:
      break;
  }
  VINFER_ASSERT(false && "public_eval of a witness column");
  return Ext::zero();
}

}  // namespace vinfer::proof::detail
