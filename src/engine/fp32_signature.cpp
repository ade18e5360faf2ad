// The fp32 tolerance rule (fp32_signature.hpp).
#include "vinfer/engine/fp32_signature.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vinfer::engine {

Result<Fp32Signature> fp32_signature(Fp32Engine& eng,
                                     std::span<const uint32_t> prompt,
                                     std::span<const uint32_t> output,
                                     uint32_t top_k) {
  if (prompt.empty() || output.empty() || top_k == 0)
    return fail(Errc::invalid_argument, "fp32 signature: empty prompt or output, or top_k 0");
  std::vector<uint32_t> all(prompt.begin(), prompt.end());
  all.insert(all.end(), output.begin(), output.end() - 1);  // the last token predicts nothing
  Fp32Signature sig;
  sig.top_k = top_k;
  const uint32_t first = static_cast<uint32_t>(prompt.size()) - 1;
  std::vector<uint32_t> order;
  VINFER_CHECK(eng.evaluate(all, [&](uint32_t pos, std::span<const float> logits) {
    if (pos < first)
      return;
    const uint32_t k = std::min<uint32_t>(top_k, static_cast<uint32_t>(logits.size()));
    order.resize(logits.size());
    std::iota(order.begin(), order.end(), 0u);
    // Largest first; ties by index, so the order is a function of the values.
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](uint32_t a, uint32_t b) {
      return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    });
    for (uint32_t i = 0; i < top_k; ++i) {
      sig.index.push_back(i < k ? order[i] : 0);
      sig.value.push_back(i < k ? logits[order[i]] : 0.0f);
    }
    ++sig.positions;
  }));
  return sig;
}

Fp32Verdict compare_signatures(const Fp32Signature& claimed,
                               const Fp32Signature& mine,
                               const Fp32Tolerance& tol) {
  Fp32Verdict v;
  v.min_overlap = tol.top_k;
  if (claimed.top_k != tol.top_k || mine.top_k != tol.top_k ||
      claimed.positions != mine.positions || claimed.index.size() != mine.index.size() ||
      claimed.value.size() != claimed.index.size() || mine.value.size() != mine.index.size() ||
      claimed.index.size() != size_t{claimed.positions} * tol.top_k) {
    v.min_overlap = 0;
    v.reason = "the signatures have different shapes";
    return v;
  }
  for (uint32_t p = 0; p < claimed.positions; ++p) {
    const size_t at = size_t{p} * tol.top_k;
    for (uint32_t i = 0; i < tol.top_k && v.reason.empty(); ++i) {
      for (uint32_t j = 0; j < i; ++j) {
        if (claimed.index[at + i] == claimed.index[at + j]) {
          v.reason = "position " + std::to_string(p) + ": index " +
                     std::to_string(claimed.index[at + i]) + " claimed twice";
          break;
        }
      }
    }
    uint32_t overlap = 0;
    double sum = 0;
    for (uint32_t i = 0; i < tol.top_k; ++i) {
      for (uint32_t j = 0; j < tol.top_k; ++j) {
        if (claimed.index[at + i] != mine.index[at + j])
          continue;
        ++overlap;
        const float d = std::fabs(claimed.value[at + i] - mine.value[at + j]);
        v.max_abs_diff = std::isnan(d) ? INFINITY : std::max(v.max_abs_diff, d);
        sum += std::isnan(d) ? INFINITY : d;
        break;
      }
    }
    v.min_overlap = std::min(v.min_overlap, overlap);
    const float mean = overlap ? static_cast<float>(sum / overlap) : INFINITY;
    v.max_mean_diff = std::max(v.max_mean_diff, mean);
    if (v.reason.empty()) {
      if (overlap < tol.min_overlap)
        v.reason = "position " + std::to_string(p) + ": " + std::to_string(overlap) +
                   " of the top " + std::to_string(tol.top_k) + " logits shared (need " +
                   std::to_string(tol.min_overlap) + ")";
      else if (v.max_abs_diff > tol.max_abs_diff)
        v.reason = "position " + std::to_string(p) + ": a shared logit differs by " +
                   std::to_string(v.max_abs_diff);
      else if (mean > tol.max_mean_diff)
        v.reason = "position " + std::to_string(p) + ": shared logits differ by " +
                   std::to_string(mean) + " on average";
    }
  }
  v.match = v.reason.empty();
  return v;
}

}  // namespace vinfer::engine
