// Slot packing and claim batching (claims.hpp).
#include "vinfer/proof/claims.hpp"

#include <algorithm>
#include <numeric>

#include "vinfer/assert.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/sumcheck.hpp"

namespace vinfer::proof {

SlotLayout make_layout(std::span<const unsigned> vars) {
  SlotLayout l;
  l.vars.assign(vars.begin(), vars.end());
  l.offset.assign(vars.size(), 0);
  std::vector<std::size_t> order(vars.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return vars[a] > vars[b]; });
  std::uint64_t at = 0;
  for (std::size_t j : order) {
    VINFER_ASSERT(vars[j] < 40);
    // Descending sizes keep `at` a multiple of every later (smaller) size.
    l.offset[j] = at;
    at += std::uint64_t{1} << vars[j];
  }
  l.total_vars = log2_ceil(at == 0 ? 1 : at);
  return l;
}

std::vector<Ext> slot_point(const SlotLayout& l, std::uint32_t slot, std::span<const Ext> r) {
  VINFER_ASSERT(slot < l.vars.size() && r.size() == l.vars[slot]);
  std::vector<Ext> p(r.begin(), r.end());
  const std::uint64_t pos = l.offset[slot] >> l.vars[slot];
  for (unsigned i = l.vars[slot]; i < l.total_vars; ++i) {
    p.push_back(((pos >> (i - l.vars[slot])) & 1) != 0 ? Ext::one() : Ext::zero());
  }
  return p;
}

Ext slot_selector(const SlotLayout& l, std::uint32_t slot, std::span<const Ext> full_point) {
  VINFER_ASSERT(slot < l.vars.size() && full_point.size() == l.total_vars);
  const std::uint64_t pos = l.offset[slot] >> l.vars[slot];
  Ext s = Ext::one();
  for (unsigned i = l.vars[slot]; i < l.total_vars; ++i) {
    const bool bit = ((pos >> (i - l.vars[slot])) & 1) != 0;
    s *= bit ? full_point[i] : Ext::one() - full_point[i];
  }
  return s;
}

std::vector<Fp> pack_slots(const SlotLayout& l, const std::vector<std::vector<Fp>>& slots) {
  VINFER_ASSERT(slots.size() == l.vars.size());
  std::vector<Fp> f(std::size_t{1} << l.total_vars, Fp::zero());
  for (std::size_t j = 0; j < slots.size(); ++j) {
    VINFER_ASSERT(slots[j].size() <= (std::size_t{1} << l.vars[j]));
    std::copy(slots[j].begin(), slots[j].end(),
              f.begin() + static_cast<std::ptrdiff_t>(l.offset[j]));
  }
  return f;
}

namespace {

// rho^j weights, drawn after every claim value is in the transcript.
std::vector<Ext> claim_weights(Transcript& t, std::size_t m) {
  const Ext rho = t.challenge_ext("claims.rho");
  std::vector<Ext> w(m);
  Ext acc = Ext::one();
  for (std::size_t j = 0; j < m; ++j) {
    w[j] = acc;
    acc *= rho;
  }
  return w;
}

}  // namespace

PackedClaim batch_claims_prove(const SlotLayout& l,
                               std::span<const Fp> packed,
                               std::span<const SlotClaim> claims,
                               ProverChannel& ch) {
  VINFER_ASSERT(packed.size() == (std::size_t{1} << l.total_vars));
  const std::vector<Ext> w = claim_weights(ch.transcript(), claims.size());
  // G(x) = sum_j w_j eq(P_j, x); eq(P_j, .) vanishes outside slot j's range, so each term
  // costs the slot's size, not F's.
  std::vector<Ext> g(packed.size(), Ext::zero());
  for (std::size_t j = 0; j < claims.size(); ++j) {
    const std::vector<Ext> e = eq_table(claims[j].point);
    const std::uint64_t off = l.offset[claims[j].slot];
    for (std::size_t i = 0; i < e.size(); ++i) {
      g[off + i] += w[j] * e[i];
    }
  }
  std::vector<std::vector<Ext>> tables(2);
  tables[0].assign(packed.begin(), packed.end());
  tables[1] = std::move(g);
  const std::vector<SumcheckTerm> terms = {{Ext::one(), {0, 1}}};
  SumcheckProverOut out = sumcheck_prove(std::move(tables), terms, ch);
  ch.send_ext("claims.packed_eval", out.finals[0]);
  return {std::move(out.point), out.finals[0]};
}

Result<PackedClaim> batch_claims_verify(const SlotLayout& l,
                                        std::span<const SlotClaim> claims,
                                        VerifierChannel& ch) {
  const std::vector<Ext> w = claim_weights(ch.transcript(), claims.size());
  Ext total = Ext::zero();
  for (std::size_t j = 0; j < claims.size(); ++j) {
    total += w[j] * claims[j].value;
  }
  VINFER_TRY(SumcheckClaim sc, sumcheck_verify(total, l.total_vars, 2, ch));
  VINFER_TRY(Ext f_eval, ch.recv_ext("claims.packed_eval"));
  Ext g_eval = Ext::zero();
  for (std::size_t j = 0; j < claims.size(); ++j) {
    const std::vector<Ext> p = slot_point(l, claims[j].slot, claims[j].point);
    g_eval += w[j] * eq_eval(p, sc.point);
  }
  if (f_eval * g_eval != sc.value) {
    return fail(Errc::mismatch,
                "claims: the packed evaluation does not match the batched claims' sumcheck");
  }
  return PackedClaim{std::move(sc.point), f_eval};
}

}  // namespace vinfer::proof
