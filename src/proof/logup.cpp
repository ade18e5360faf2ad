// logUp by a GKR over fractions (Papini-Haböck'23 §3); layout of the tree in logup.hpp.
#include "vinfer/proof/logup.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "vinfer/assert.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/sumcheck.hpp"

namespace vinfer::proof {
namespace {

struct Layer {
  std::vector<Ext> p;
  std::vector<Ext> q;
};

// (p~, q~) at `point` over a layer, with p0/p1 = even/odd entries: bit 0 of the index.
void split(const std::vector<Ext>& v, std::vector<Ext>& even, std::vector<Ext>& odd) {
  const std::size_t half = v.size() / 2;
  even.resize(half);
  odd.resize(half);
  for (std::size_t i = 0; i < half; ++i) {
    even[i] = v[2 * i];
    odd[i] = v[2 * i + 1];
  }
}

Ext pad_value(std::span<const Ext> table) {
  return table.empty() ? Ext::zero() : table[0];
}

}  // namespace

unsigned lookup_vars(std::size_t table_size, std::size_t witness_size) {
  return log2_ceil(std::max({table_size, witness_size, std::size_t{1}}));
}

Result<std::vector<Fp>> lookup_multiplicities(std::span<const Ext> table,
                                              std::span<const Ext> witness,
                                              std::size_t padded) {
  VINFER_ASSERT(padded >= table.size() && padded >= witness.size() && !table.empty());
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::size_t> index;
  for (std::size_t i = table.size(); i-- > 0;) {
    index[{table[i].a.value(), table[i].b.value()}] = i;  // the first occurrence wins
  }
  std::vector<std::uint64_t> count(padded, 0);
  for (std::size_t j = 0; j < witness.size(); ++j) {
    auto it = index.find({witness[j].a.value(), witness[j].b.value()});
    if (it == index.end()) {
      return fail(Errc::mismatch,
                  "lookup: witness entry " + std::to_string(j) + " is not in the table");
    }
    ++count[it->second];
  }
  count[0] += padded - witness.size();  // the padding repeats table entry 0
  std::vector<Fp> m(padded);
  for (std::size_t i = 0; i < padded; ++i) {
    m[i] = Fp::from_u64(count[i]);
  }
  return m;
}

FractionClaims fraction_tree_prove(std::vector<Ext> p, std::vector<Ext> q, ProverChannel& ch) {
  VINFER_ASSERT(p.size() == q.size() && p.size() >= 2);
  const unsigned n = log2_ceil(p.size());
  VINFER_ASSERT((std::size_t{1} << n) == p.size());
  // layers[n] are the leaves; layer k holds 2^k fractions.
  std::vector<Layer> layers(n + 1);
  layers[n].p = std::move(p);
  layers[n].q = std::move(q);
  const unsigned vars = n - 1;
  for (unsigned k = vars + 1; k-- > 0;) {
    const Layer& below = layers[k + 1];
    Layer& l = layers[k];
    const std::size_t size = below.p.size() / 2;
    l.p.resize(size);
    l.q.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
      l.p[i] = below.p[2 * i] * below.q[2 * i + 1] + below.p[2 * i + 1] * below.q[2 * i];
      l.q[i] = below.q[2 * i] * below.q[2 * i + 1];
    }
  }
  // The root fraction; the verifier checks p = 0 and q != 0.
  ch.send_ext("logup.root_p", layers[0].p[0]);
  ch.send_ext("logup.root_q", layers[0].q[0]);
  std::vector<Ext> point;  // layer k's claim point (k coordinates)
  Ext claim_p = layers[0].p[0], claim_q = layers[0].q[0];
  for (unsigned k = 0; k <= vars; ++k) {
    const Layer& below = layers[k + 1];
    // Papini-Haböck'23 §3: one sumcheck per layer over eq(point, x) (P0 Q1 + P1 Q0 + l Q0 Q1).
    const Ext lambda = ch.challenge("logup.lambda");
    std::vector<std::vector<Ext>> tables(4);
    split(below.p, tables[0], tables[1]);
    split(below.q, tables[2], tables[3]);
    const std::vector<SumcheckTerm> terms = {
        {Ext::one(), {0, 3}}, {Ext::one(), {1, 2}}, {lambda, {2, 3}}};
    SumcheckProverOut out = sumcheck_prove_eq(point, std::move(tables), terms, ch);
    const Ext p0 = out.finals[0];
    const Ext p1 = out.finals[1];
    const Ext q0 = out.finals[2];
    const Ext q1 = out.finals[3];
    ch.send_ext("logup.p0", p0);
    ch.send_ext("logup.p1", p1);
    ch.send_ext("logup.q0", q0);
    ch.send_ext("logup.q1", q1);
    const Ext mu = ch.challenge("logup.mu");
    claim_p = p0 + mu * (p1 - p0);
    claim_q = q0 + mu * (q1 - q0);
    point.clear();
    point.push_back(mu);
    point.insert(point.end(), out.point.begin(), out.point.end());
  }
  FractionClaims c;
  c.point = std::move(point);
  c.p = claim_p;
  c.q = claim_q;
  return c;
}

LookupClaims logup_prove(std::span<const Ext> table,
                         std::span<const Fp> mult,
                         std::span<const Ext> witness,
                         Ext alpha,
                         ProverChannel& ch) {
  const unsigned vars = lookup_vars(table.size(), witness.size());
  const std::size_t n = std::size_t{1} << vars;
  VINFER_ASSERT(mult.size() == n);
  // Leaves (logup.hpp): 2i table side, 2i+1 witness side.
  Layer leaves;
  leaves.p.resize(2 * n);
  leaves.q.resize(2 * n);
  const Ext wpad = pad_value(table);
  for (std::size_t i = 0; i < n; ++i) {
    leaves.p[2 * i] = Ext(mult[i]);
    leaves.q[2 * i] = alpha - (i < table.size() ? table[i] : Ext::zero());
    leaves.p[2 * i + 1] = -Ext::one();
    leaves.q[2 * i + 1] = alpha - (i < witness.size() ? witness[i] : wpad);
  }
  const FractionClaims fc = fraction_tree_prove(std::move(leaves.p), std::move(leaves.q), ch);
  const std::vector<Ext>& point = fc.point;
  // point = (side bit, leaf index bits...): the claims on t, m, w are at point[1..].
  LookupClaims c;
  c.point.assign(point.begin() + 1, point.end());
  std::vector<Ext> t(n, Ext::zero());
  std::vector<Ext> w(n, wpad);
  std::vector<Ext> m(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i < table.size()) {
      t[i] = table[i];
    }
    if (i < witness.size()) {
      w[i] = witness[i];
    }
    m[i] = Ext(mult[i]);
  }
  c.table_eval = mle_eval(t, c.point);
  c.mult_eval = mle_eval(m, c.point);
  c.wit_eval = mle_eval(w, c.point);
  ch.send_ext("logup.t_eval", c.table_eval);
  ch.send_ext("logup.m_eval", c.mult_eval);
  ch.send_ext("logup.w_eval", c.wit_eval);
  return c;
}

Result<FractionClaims> fraction_tree_verify(unsigned n, VerifierChannel& ch) {
  if (n == 0)
    return fail(Errc::invalid_argument, "lookup: a fraction tree needs at least two leaves");
  const unsigned vars = n - 1;
  VINFER_TRY(Ext root_p, ch.recv_ext("logup.root_p"));
  VINFER_TRY(Ext root_q, ch.recv_ext("logup.root_q"));
  // Haböck'22 Lemma 5: the multiset relation holds iff the fraction sum is zero.
  if (root_p != Ext::zero()) {
    return fail(Errc::mismatch,
                "lookup: the fractions do not sum to zero (a value is not "
                "in the table or a count is wrong)");
  }
  if (root_q == Ext::zero()) {
    return fail(Errc::mismatch, "lookup: the root denominator is zero");
  }
  std::vector<Ext> point;
  Ext claim_p = root_p;
  Ext claim_q = root_q;
  for (unsigned k = 0; k <= vars; ++k) {
    const Ext lambda = ch.challenge("logup.lambda");
    auto sc = sumcheck_verify(claim_p + lambda * claim_q, k, 3, ch);
    if (!sc.ok()) {
      return fail(sc.error().code, "lookup layer " + std::to_string(k) + ": " + sc.error().message);
    }
    VINFER_TRY(Ext p0, ch.recv_ext("logup.p0"));
    VINFER_TRY(Ext p1, ch.recv_ext("logup.p1"));
    VINFER_TRY(Ext q0, ch.recv_ext("logup.q0"));
    VINFER_TRY(Ext q1, ch.recv_ext("logup.q1"));
    const Ext eq = eq_eval(point, sc->point);
    if (eq * (p0 * q1 + p1 * q0 + lambda * q0 * q1) != sc->value) {
      return fail(Errc::mismatch, "lookup layer " + std::to_string(k) +
                                      ": the claimed pair does not give the sumcheck's value");
    }
    const Ext mu = ch.challenge("logup.mu");
    claim_p = p0 + mu * (p1 - p0);
    claim_q = q0 + mu * (q1 - q0);
    point.clear();
    point.push_back(mu);
    point.insert(point.end(), sc->point.begin(), sc->point.end());
  }
  FractionClaims c;
  c.point = std::move(point);
  c.p = claim_p;
  c.q = claim_q;
  return c;
}

Result<LookupClaims> logup_verify(unsigned vars, Ext alpha, VerifierChannel& ch) {
  VINFER_TRY(FractionClaims fc, fraction_tree_verify(vars + 1, ch));
  const std::vector<Ext>& point = fc.point;
  const Ext claim_p = fc.p;
  const Ext claim_q = fc.q;
  VINFER_TRY(Ext t_eval, ch.recv_ext("logup.t_eval"));
  VINFER_TRY(Ext m_eval, ch.recv_ext("logup.m_eval"));
  VINFER_TRY(Ext w_eval, ch.recv_ext("logup.w_eval"));
  // Leaf layer: p~ = (1 - s) m~ - s, q~ = alpha - (1 - s) t~ - s w~, s = point[0].
  const Ext s = point[0];
  const Ext one = Ext::one();
  if (claim_p != (one - s) * m_eval - s) {
    return fail(Errc::mismatch, "lookup leaves: the multiplicity evaluation does not match");
  }
  if (claim_q != alpha - (one - s) * t_eval - s * w_eval) {
    return fail(Errc::mismatch, "lookup leaves: the table and witness evaluations do not match");
  }
  LookupClaims c;
  c.point.assign(point.begin() + 1, point.end());
  c.table_eval = t_eval;
  c.mult_eval = m_eval;
  c.wit_eval = w_eval;
  return c;
}

}  // namespace vinfer::proof
