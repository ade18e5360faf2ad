// The sumcheck protocol (Lund-Fortnow-Karloff-Nisan; Thaler, "Proofs, Arguments and
// Zero-Knowledge" §4.1) for sums of products of multilinear tables:
//
//     claim = sum over x in {0,1}^n of g(x),   g(x) = sum_t coef_t * prod_{j in factors_t} f_j(x)
//
// Round i (variable i, bit i of the index, mle.hpp) the prover sends the univariate
// s_i(z) = sum over the remaining variables of g(r_0..r_{i-1}, z, ...) as its values at
// z = 0, 1, ..., d (d = the largest factor count); the verifier checks
// s_i(0) + s_i(1) = the running claim, draws r_i, and the claim becomes s_i(r_i).
// After n rounds the verifier holds (r, s_{n-1}(r_{n-1})) and must check that value
// against g(r) itself: from the prover's claimed table evaluations, which a later
// step (another sumcheck, a lookup, the polynomial commitment) has to vouch for.
// Soundness error: n * d / |Ext| (Schwartz-Zippel per round).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "vinfer/proof/field.hpp"
#include "vinfer/proof/transcript.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

/// One product term of g.
struct SumcheckTerm {
  Ext coef;
  std::vector<unsigned> factors;  ///< indices into the instance's tables (repeats allowed)
};

/// What the prover learns: the point and every table's value there.
struct SumcheckProverOut {
  std::vector<Ext> point;   ///< r_0 .. r_{n-1}
  std::vector<Ext> finals;  ///< f_j~(point) for every table j
};

/// What the verifier is left to check: g(point) == value.
struct SumcheckClaim {
  std::vector<Ext> point;
  Ext value;
};

/// The largest factor count over `terms` (the degree of every round polynomial).
unsigned sumcheck_degree(const std::vector<SumcheckTerm>& terms);

/// Runs the prover: all tables have 2^n entries (n >= 0) and are consumed (folded in place).
/// Sends n round polynomials of degree sumcheck_degree(terms) on `ch`.
SumcheckProverOut sumcheck_prove(std::vector<std::vector<Ext>> tables,
                                 const std::vector<SumcheckTerm>& terms,
                                 ProverChannel& ch);

/// The same protocol for g(x) = eq(w, x) * sum_t coef_t prod_{j in factors_t} f_j(x): the
/// round polynomials (and so the proof bytes) are those sumcheck_prove sends with eq(w, .)
/// as one more factor of every term, but eq(w, .) is never tabulated or folded: round i
/// computes I(z) = sum over the unbound x' of eq(w_{>i}, x') * inner(z, x') at
/// deg(inner) + 1 points and sends s_i(z) = eq(w_<i, r_<i) * eq(w_i, z) * I(z) (Gruen,
/// "Some improvements for the PIOP for ZeroCheck", 2024, §3). Round degree: max factors + 1.
/// finals holds f_j~(point) for the given tables only.
SumcheckProverOut sumcheck_prove_eq(std::span<const Ext> w,
                                    std::vector<std::vector<Ext>> tables,
                                    const std::vector<SumcheckTerm>& terms,
                                    ProverChannel& ch);

/// Runs the verifier for `claim` over n variables and round degree `degree` (both from
/// the statement, never from the proof). Fails naming the round whose polynomial does
/// not sum to the running claim, or where the proof ends early.
Result<SumcheckClaim> sumcheck_verify(Ext claim, unsigned n, unsigned degree, VerifierChannel& ch);

/// s(r) for the polynomial of degree evals.size() - 1 with s(z) = evals[z], z = 0..d.
Ext interpolate_at(const std::vector<Ext>& evals, Ext r);

}  // namespace vinfer::proof
