// Admission of result claims (claim.hpp).
#include "vinfer/dispute/claim.hpp"

#include <bit>
#include <string>
#include <vector>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/commit/merkle.hpp"

namespace vinfer::dispute {

Result<Hash> trace_root_after_append(uint64_t size, std::span<const Hash> peaks, const Hash& leaf) {
  if (static_cast<size_t>(std::popcount(size)) != peaks.size())
    return fail(Errc::mismatch, "accumulator of " + std::to_string(size) + " leaves has " +
                                    std::to_string(std::popcount(size)) + " peaks, not " +
                                    std::to_string(peaks.size()));
  // The new leaf merges with one peak per trailing one bit of size (docs/commitments.md §4).
  std::vector<Hash> out(peaks.begin(), peaks.end());
  Hash c = leaf;
  for (uint64_t s = size; s & 1; s >>= 1) {
    c = commit::merkle_node(out.back(), c);
    out.pop_back();
  }
  out.push_back(c);
  return commit::trace_root(size + 1, out);
}

Status check_claim(const Claim& claim,
                   const model::Schedule& sched,
                   std::span<const Hash> last_peaks) {
  if (claim.steps != sched.size())
    return fail(Errc::mismatch, "claim: " + std::to_string(claim.steps) +
                                    " steps, but the job's schedule has " +
                                    std::to_string(sched.size()));
  auto root = trace_root_after_append(claim.steps - 1, last_peaks, claim.output_hash);
  if (!root)
    return fail(root.error().code, "claim: last peaks: " + root.error().message);
  if (*root != claim.trace_root)
    return fail(Errc::mismatch, "claim: output_hash is not the last leaf of the trace root (step " +
                                    std::to_string(claim.steps - 1) + ")");
  return ok_status();
}

}  // namespace vinfer::dispute
