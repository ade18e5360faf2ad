// Integer sampler operators (see sampler.hpp).
#include "vinfer/arith/sampler.hpp"

#include <algorithm>
#include <vector>

#include "vinfer/arith/formats.hpp"
#include "vinfer/arith/requant.hpp"
#include "vinfer/assert.hpp"

namespace vinfer::arith {

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rng_draw(uint64_t seed, uint64_t position) {
  return mix64(seed ^ mix64(position + 0x9E3779B97F4A7C15ULL));
}

uint32_t argmax(const int32_t* x, size_t n) {
  VINFER_ASSERT(n > 0);
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) {
    if (x[i] > x[best])
      best = i;
  }
  return static_cast<uint32_t>(best);
}

int32_t temp_scale_elem(int32_t logit, uint32_t temperature_q16) {
  VINFER_ASSERT(temperature_q16 >= 1);
  return sat_act(div_round(int64_t{logit} << kFracParam, temperature_q16));
}

int64_t topp_threshold(const int32_t* e, size_t n, int64_t sum, uint32_t top_p_q16) {
  VINFER_ASSERT(n > 0 && top_p_q16 >= 1 && top_p_q16 <= (1u << kFracParam));
  std::vector<int32_t> sorted(e, e + n);
  std::sort(sorted.begin(), sorted.end(), [](int32_t a, int32_t b) { return a > b; });
  const i128 need = i128{top_p_q16} * sum;
  i128 acc = 0;
  size_t i = 0;
  while (i < n) {
    // Take the whole group of equal values: the kept set is {e >= v}.
    const int32_t v = sorted[i];
    while (i < n && sorted[i] == v)
      acc += sorted[i++];
    if ((acc << kFracParam) >= need)
      return v;
  }
  return sorted[n - 1];
}

bool topp_threshold_valid(const int32_t* e,
                          size_t n,
                          int64_t sum,
                          uint32_t top_p_q16,
                          int64_t tau) {
  // tau must be one of the values; {e >= tau} must reach the mass, {e > tau} must not.
  i128 ge = 0, gt = 0;
  bool present = false;
  for (size_t i = 0; i < n; ++i) {
    if (e[i] >= tau)
      ge += e[i];
    if (e[i] > tau)
      gt += e[i];
    if (e[i] == tau)
      present = true;
  }
  const i128 need = i128{top_p_q16} * sum;
  return present && (ge << kFracParam) >= need && (gt << kFracParam) < need;
}

uint32_t sample_index(const int32_t* e, size_t n, int64_t tau, uint64_t draw) {
  int64_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    if (e[i] >= tau)
      kept += e[i];
  }
  VINFER_ASSERT(kept > 0);
  using u128 = unsigned __int128;
  const int64_t target = static_cast<int64_t>((u128{draw} * static_cast<uint64_t>(kept)) >> 64);
  int64_t run = 0;
  size_t last = 0;
  for (size_t i = 0; i < n; ++i) {
    if (e[i] < tau)
      continue;
    run += e[i];
    last = i;
    if (run > target)
      return static_cast<uint32_t>(i);
  }
  return static_cast<uint32_t>(last);  // unreachable: run reaches kept > target
}

}  // namespace vinfer::arith
