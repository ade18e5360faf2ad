// A result claim's admission check (DESIGN §4-5): a claim whose step count is not the
// schedule's, or whose output_hash is not the last leaf of its trace, is rejected
// outright; no game is needed for that.
#pragma once

#include <span>

#include "vinfer/dispute/types.hpp"
#include "vinfer/model/schedule.hpp"
#include "vinfer/result.hpp"

namespace vinfer::dispute {

/// The accumulator root after appending `leaf` to the accumulator of `size` leaves whose
/// peaks (largest first) are `peaks`; an error if popcount(size) != peaks.size().
Result<Hash> trace_root_after_append(uint64_t size, std::span<const Hash> peaks, const Hash& leaf);

/// Checks a claim against the job's schedule: claim.steps == sched.size(), and
/// `last_peaks` (the peaks after steps - 1 appends) with output_hash appended give
/// claim.trace_root. The error names which check failed.
Status check_claim(const Claim& claim,
                   const model::Schedule& sched,
                   std::span<const Hash> last_peaks);

}  // namespace vinfer::dispute
