// The tolerance rule of quorum mode for the fp32 engine (DESIGN §3): fp32 results are not
// bit-exact across thread counts and SIMD widths, so nodes cannot compare output hashes.
// They compare a TOPLOC-style signature instead: at every generated position, the k
// largest final logits (index and value) under teacher forcing on the claimed tokens.
// A verifier re-scores the claimed tokens with its own engine and accepts when, at every
// position, the top-k index sets overlap in at least `min_overlap` indices and the
// values of the shared indices differ by at most `max_abs_diff` (logit units) each and
// `max_mean_diff` on average. An honest node on another ISA differs in the last bits; a
// substituted model differs everywhere. Rates measured by `vinfer bench tolerance`
// (scripts/fp32_tolerance.sh).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vinfer/engine/fp32_engine.hpp"
#include "vinfer/result.hpp"

namespace vinfer::engine {

/// Thresholds of the rule.
struct Fp32Tolerance {
  uint32_t top_k = 8;
  uint32_t min_overlap = 6;     ///< of top_k indices, at every position
  float max_abs_diff = 0.05f;   ///< per shared index
  float max_mean_diff = 0.01f;  ///< mean over the shared indices of a position
};

/// The signature of one generation: positions x top_k (index, value), largest first.
struct Fp32Signature {
  uint32_t top_k = 0;
  uint32_t positions = 0;
  std::vector<uint32_t> index;  ///< positions * top_k
  std::vector<float> value;     ///< positions * top_k
};

/// Scores prompt + output teacher-forced with `eng` and keeps the top_k logits at each
/// position that predicts an output token (output.size() positions).
Result<Fp32Signature> fp32_signature(Fp32Engine& eng,
                                     std::span<const uint32_t> prompt,
                                     std::span<const uint32_t> output,
                                     uint32_t top_k);

/// What the comparison saw.
struct Fp32Verdict {
  bool match = false;
  uint32_t min_overlap = 0;  ///< smallest index-set overlap over the positions
  float max_abs_diff = 0;    ///< largest |difference| over shared indices
  float max_mean_diff = 0;   ///< largest per-position mean |difference|
  std::string reason;        ///< why not, naming the position (empty on a match)
};

/// Compares a claimed signature with one the verifier computed on the same tokens.
Fp32Verdict compare_signatures(const Fp32Signature& claimed,
                               const Fp32Signature& mine,
                               const Fp32Tolerance& tol);

}  // namespace vinfer::engine
