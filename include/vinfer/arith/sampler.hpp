// The sampler as integer operators (DESIGN §3): greedy argmax at temperature 0;
// otherwise temperature scaling, the softmax pieces of ops.hpp, a top-p threshold a
// referee checks in O(vocab), and one counter-based random draw per (seed, position).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vinfer::arith {

/// SplitMix64's finalizer (Stafford variant 13).
uint64_t mix64(uint64_t z);
/// The random draw for (seed, position): mix64(seed ^ mix64(position + 0x9E3779B97F4A7C15)).
uint64_t rng_draw(uint64_t seed, uint64_t position);

/// Index of the largest value, ties to the lowest index.
uint32_t argmax(const int32_t* x, size_t n);
/// One temperature-scaled logit, Q12: sat_act(round(logit * 2^16 / temperature_q16)).
int32_t temp_scale_elem(int32_t logit_q12, uint32_t temperature_q16);

/// The top-p threshold tau: the largest value v among e such that
/// Σ_{e_i >= v} e_i * 2^16 >= top_p_q16 * sum  (sum = Σ e_i). Kept set = {i : e_i >= tau}.
/// top_p_q16 in [1, 2^16]; 2^16 keeps everything (tau = min e).
int64_t topp_threshold(const int32_t* e, size_t n, int64_t sum, uint32_t top_p_q16);
/// Checks a claimed threshold in O(n) (what a referee does instead of sorting).
bool topp_threshold_valid(const int32_t* e, size_t n, int64_t sum, uint32_t top_p_q16, int64_t tau);
/// The draw: K = Σ_{e_i >= tau} e_i, target = floor(draw * K / 2^64); returns the smallest
/// i with e_i >= tau whose running kept sum (in index order) exceeds target.
uint32_t sample_index(const int32_t* e, size_t n, int64_t tau, uint64_t draw);

}  // namespace vinfer::arith
