// Internal to src/proof: the parts of the graph proof (graph_proof.hpp) that the prover and
// the verifier must compute identically.
#pragma once

#include <cstdint>
#include <vector>

#include "vinfer/proof/circuit.hpp"
#include "vinfer/proof/graph_proof.hpp"
#include "vinfer/proof/sumcheck.hpp"
#include "vinfer/proof/transcript.hpp"

namespace vinfer::proof::detail {

inline constexpr const char* kGraphDomain = "vinfer-graph-proof-v1";

/// Absorbs the statement (step 1).
void absorb_statement(Transcript& t, const GraphStatement& st);

/// The zero-check of one domain: tables[0] = eq(tau, .), tables[1 + i] = column cols[i].
struct ZeroCheck {
  std::vector<std::uint32_t> cols;
  std::vector<SumcheckTerm> terms;
};
ZeroCheck zerocheck_of(const Circuit& c, std::uint32_t domain, Ext beta);

/// sum over terms of coef * product of vals[factor] (vals indexed like tables).
Ext eval_terms(const std::vector<SumcheckTerm>& terms, const std::vector<Ext>& vals);

/// True for the columns whose values the prover sends and the PCS later opens: witness
/// columns, and views (whose claims move to their source column).
inline bool claimable(const Column& c) {
  return c.kind == ColKind::witness || c.kind == ColKind::view;
}

/// The claim on the witness commitment that a claimable column's value at `point` makes.
SlotClaim claim_on(const Circuit& c, std::uint32_t col, std::span<const Ext> point, Ext value);

/// The claimable columns of a domain that its lookups read, ascending (sent at the lookup point).
std::vector<std::uint32_t> lookup_witness_cols(const Circuit& c, std::uint32_t domain);

/// Domains that hold at least one constraint (each gets a zero-check), ascending.
std::vector<std::uint32_t> constrained_domains(const Circuit& c);

/// The public columns' values at a point (constant, input, output).
Ext public_eval(const Circuit& c,
                const GraphStatement& st,
                std::uint32_t col,
                std::span<const Ext> point);

}  // namespace vinfer::proof::detail
