// Many vectors in one commitment, and many evaluation claims reduced to one.
//
// Packing: vectors of 2^k_j entries ("slots") are laid out in one vector F of 2^n entries,
// largest first, each at an offset that is a multiple of its own size. The multilinear
// extension of slot j at a point r (k_j coordinates) is then F~ at the full point
// (r, bits of offset_j / 2^k_j), the slot's position read as the last n - k_j coordinates
// (mle.hpp: variable i is index bit i). Unused entries of F are zero.
//
// Batching: claims F~(P_j) = v_j for j = 1..m become one, by a random rho and one sumcheck
// over n variables of F(x) * G(x), G(x) = sum_j rho^j eq(P_j, x):
//     sum_j rho^j v_j = sum_x F(x) G(x).
// At its end the verifier holds a point z and the prover's F~(z); G~(z) it computes itself
// (each term is an eq of two points). Soundness: a false claim survives with probability
// <= m / |Ext| (rho) + 2n / |Ext| (the sumcheck). The caller opens F~(z) with the PCS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/proof/field.hpp"
#include "vinfer/proof/transcript.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

/// Where every slot lies in the packed vector.
struct SlotLayout {
  std::vector<unsigned> vars;  ///< slot j holds 2^vars[j] entries
  std::vector<std::uint64_t> offset;
  unsigned total_vars = 0;  ///< F holds 2^total_vars entries
};

/// Aligned layout for slots of 2^vars[j] entries (deterministic: size descending, then
/// index order).
SlotLayout make_layout(std::span<const unsigned> vars);

/// The full point of F for slot j's point r (r.size() == vars[j]).
std::vector<Ext> slot_point(const SlotLayout& l, std::uint32_t slot, std::span<const Ext> r);

/// eq(slot j's position bits, the last total_vars - vars[j] coordinates of a full point):
/// F~(p) = sum_j slot_selector(l, j, p) * slot_j~(first vars[j] coordinates of p).
Ext slot_selector(const SlotLayout& l, std::uint32_t slot, std::span<const Ext> full_point);

/// F from the slots' values (each at most 2^vars[j] entries; shorter ones are zero-padded).
std::vector<Fp> pack_slots(const SlotLayout& l, const std::vector<std::vector<Fp>>& slots);

/// One claim: slot~(point) = value.
struct SlotClaim {
  std::uint32_t slot = 0;
  std::vector<Ext> point;
  Ext value;
};

/// What the batch leaves: F~(point) = value, to be opened against the commitment.
struct PackedClaim {
  std::vector<Ext> point;
  Ext value;
};

/// The prover's side: draws rho, runs the sumcheck, sends F~(z). The claims' values must
/// already be in the transcript.
PackedClaim batch_claims_prove(const SlotLayout& l,
                               std::span<const Fp> packed,
                               std::span<const SlotClaim> claims,
                               ProverChannel& ch);

/// The verifier's side; fails naming the sumcheck round or the final check that fails.
Result<PackedClaim> batch_claims_verify(const SlotLayout& l,
                                        std::span<const SlotClaim> claims,
                                        VerifierChannel& ch);

}  // namespace vinfer::proof
