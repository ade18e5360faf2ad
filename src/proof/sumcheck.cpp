// Sumcheck prover and verifier (protocol and notation: sumcheck.hpp).
#include "vinfer/proof/sumcheck.hpp"

#include <string>

#include "vinfer/assert.hpp"
#include "vinfer/proof/mle.hpp"

namespace vinfer::proof {

unsigned sumcheck_degree(const std::vector<SumcheckTerm>& terms) {
  unsigned d = 0;
  for (const SumcheckTerm& t : terms) {
    d = std::max<unsigned>(d, static_cast<unsigned>(t.factors.size()));
  }
  return d;
}

Ext interpolate_at(const std::vector<Ext>& evals, Ext r) {
  // Lagrange on the nodes 0..d: s(r) = sum_i s_i prod_{j != i} (r - j) / (i - j).
  const std::size_t n = evals.size();
  VINFER_ASSERT(n >= 1);
  Ext acc = Ext::zero();
  for (std::size_t i = 0; i < n; ++i) {
    Ext num = Ext::one();
    Fp den = Fp::one();
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) {
        continue;
      }
      num *= r - Ext(Fp::from_u64(j));
      den *= Fp::from_i64(static_cast<std::int64_t>(i) - static_cast<std::int64_t>(j));
    }
    acc += evals[i] * num * den.inverse();
  }
  return acc;
}

SumcheckProverOut sumcheck_prove(std::vector<std::vector<Ext>> tables,
                                 const std::vector<SumcheckTerm>& terms,
                                 ProverChannel& ch) {
  VINFER_ASSERT(!tables.empty());
  const std::size_t size = tables[0].size();
  for (const auto& t : tables) {
    VINFER_ASSERT(t.size() == size);
  }
  for (const SumcheckTerm& t : terms) {
    for (unsigned f : t.factors) {
      VINFER_ASSERT(f < tables.size());
    }
  }
  const unsigned n = log2_ceil(size);
  VINFER_ASSERT((std::size_t{1} << n) == size);
  const unsigned d = sumcheck_degree(terms);

  SumcheckProverOut out;
  std::vector<Ext> at(tables.size() * (d + 1));  // at[j * (d+1) + z] = f_j(.., z, ..)
  std::vector<Ext> s(d + 1);
  for (unsigned round = 0; round < n; ++round) {
    // Thaler §4.1, round i: s_i(z) for z = 0..d, summed over the unbound variables.
    std::fill(s.begin(), s.end(), Ext::zero());
    const std::size_t half = tables[0].size() / 2;
    for (std::size_t k = 0; k < half; ++k) {
      for (std::size_t j = 0; j < tables.size(); ++j) {
        const Ext lo = tables[j][2 * k];
        const Ext diff = tables[j][2 * k + 1] - lo;
        Ext v = lo;
        for (unsigned z = 0; z <= d; ++z) {
          at[j * (d + 1) + z] = v;
          v += diff;
        }
      }
      for (const SumcheckTerm& t : terms) {
        for (unsigned z = 0; z <= d; ++z) {
          Ext p = t.coef;
          for (unsigned f : t.factors) {
            p *= at[f * (d + 1) + z];
          }
          s[z] += p;
        }
      }
    }
    ch.send_exts("sumcheck.round", s);
    const Ext r = ch.challenge("sumcheck.r");
    out.point.push_back(r);
    for (auto& t : tables) {
      fold_first(t, r);
    }
  }
  out.finals.reserve(tables.size());
  for (const auto& t : tables) {
    out.finals.push_back(t[0]);
  }
  return out;
}

Result<SumcheckClaim> sumcheck_verify(Ext claim, unsigned n, unsigned degree, VerifierChannel& ch) {
  SumcheckClaim out;
  out.point.reserve(n);
  for (unsigned round = 0; round < n; ++round) {
    VINFER_TRY(std::vector<Ext> s, ch.recv_exts("sumcheck.round", degree + 1));
    // Thaler §4.1, round i: s_i(0) + s_i(1) must equal the running claim.
    if (s[0] + s[1] != claim) {
      return fail(Errc::mismatch, "sumcheck round " + std::to_string(round) + " of " +
                                      std::to_string(n) +
                                      ": s(0) + s(1) differs from the claimed sum");
    }
    const Ext r = ch.challenge("sumcheck.r");
    out.point.push_back(r);
    claim = interpolate_at(s, r);
  }
  out.value = claim;
  return out;
}

}  // namespace vinfer::proof
