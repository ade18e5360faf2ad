// Lookup argument: every witness value lies in a table (logUp: Haböck, "Multivariate
// lookups based on logarithmic derivatives", 2022), proved without committing to any
// helper column by a GKR over the sum of fractions (Papini and Haböck, "Improving
// logarithmic derivative lookups using GKR", 2023).
//
// For a challenge alpha drawn after the table t, the multiplicities m and the witness w
// are fixed (committed):
//     sum_i m_i / (alpha - t_i)  -  sum_j 1 / (alpha - w_j)  =  0
// holds for all alpha iff w is a multiset of table entries with counts m (Haböck'22
// Lemma 5), and for a random alpha fails with probability <= (|t| + |w|) / |Ext| otherwise.
//
// Leaves: t, m padded (with value 0, count 0) and w padded (with t_0, its count added to
// m_0 by the caller's multiplicities: lookup_multiplicities does it) to one length 2^m;
// leaf 2i is the fraction m_i / (alpha - t_i), leaf 2i+1 is -1 / (alpha - w_i).
// Layer k+1 -> k adds neighbours: p' = p0 q1 + p1 q0, q' = q0 q1 (index bit 0 pairs
// them). The root must be 0 / q with q != 0. Each layer's claim on (p~, q~) at a point
// is reduced to the next one by a sumcheck of degree 3 (eq * (P0 Q1 + P1 Q0 + lambda Q0 Q1)),
// then a random mu folds the pair: point' = (mu, r).
// At the leaves the verifier is left with claims on t~, m~ and w~ at one point of m
// coordinates; the caller checks them (t~ directly for a structured table, m~ and w~
// against commitments or an earlier step).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/proof/field.hpp"
#include "vinfer/proof/transcript.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

/// What the leaves leave to check, all at `point` (m coordinates).
struct LookupClaims {
  std::vector<Ext> point;
  Ext table_eval;  ///< t~(point) over the padded table
  Ext mult_eval;   ///< m~(point) over the padded multiplicities
  Ext wit_eval;    ///< w~(point) over the padded witness
};

/// The fraction tree alone: leaves p[i] / q[i] (2^n of them, n >= 1) summed pairwise up to
/// one root fraction, which must be 0 / q with q != 0; each layer's claim reduced to the one
/// below by a sumcheck. What is left: p~(point) and q~(point) over the leaves (n coords).
struct FractionClaims {
  std::vector<Ext> point;
  Ext p, q;
};
FractionClaims fraction_tree_prove(std::vector<Ext> p, std::vector<Ext> q, ProverChannel& ch);
/// Fails naming the layer that does not check, or the root that is not zero.
Result<FractionClaims> fraction_tree_verify(unsigned n, VerifierChannel& ch);

/// Multiplicities of each table entry among the witness values, padded to `padded`
/// entries (>= the table size) and with the witness padding counted on entry 0.
/// Fails naming the first witness value that is not in the table.
Result<std::vector<Fp>> lookup_multiplicities(std::span<const Ext> table,
                                              std::span<const Ext> witness,
                                              std::size_t padded);

/// log2 of the common padded length of table and witness (at least 1 entry each).
unsigned lookup_vars(std::size_t table_size, std::size_t witness_size);

/// Proves the lookup for `alpha` (drawn by the caller after committing to t, m, w).
/// mult comes from lookup_multiplicities with the padded length 2^lookup_vars(...).
LookupClaims logup_prove(std::span<const Ext> table,
                         std::span<const Fp> mult,
                         std::span<const Ext> witness,
                         Ext alpha,
                         ProverChannel& ch);

/// Checks the fraction tree for 2^(vars+1) leaves; returns the leaf claims.
Result<LookupClaims> logup_verify(unsigned vars, Ext alpha, VerifierChannel& ch);

}  // namespace vinfer::proof
