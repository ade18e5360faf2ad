// Stake-weighted selection (selection.hpp).
#include "vinfer/quorum/selection.hpp"

#include <algorithm>
#include <string>

namespace vinfer::quorum {
namespace {

bool by_id(const Candidate& a, const Candidate& b) {
  return a.id < b.id;
}

}  // namespace

Hash selection_draw(const Hash& seed, uint64_t i) {
  commit::Keccak256 k;
  for (char c : kSelectionTag)
    k.update_byte(static_cast<uint8_t>(c));
  k.update(seed);
  for (int b = 7; b >= 0; --b)
    k.update_byte(static_cast<uint8_t>(i >> (8 * b)));
  return k.finalize();
}

uint64_t hash_mod(const Hash& h, uint64_t m) {
  VINFER_ASSERT(m > 0);
  // Horner's rule over the big-endian bytes; r < m < 2^64, so r * 256 + b fits in 128 bits.
  unsigned __int128 r = 0;
  for (uint8_t b : h)
    r = (r << 8 | b) % m;
  return static_cast<uint64_t>(r);
}

Result<std::vector<Candidate>> select_quorum(const Hash& seed,
                                             std::span<const Candidate> candidates,
                                             uint32_t n) {
  return select_quorum(seed, candidates, n, [](const Candidate&) { return true; });
}

Result<std::vector<Candidate>> select_quorum(const Hash& seed,
                                             std::span<const Candidate> candidates,
                                             uint32_t n,
                                             const std::function<bool(const Candidate&)>& eligible) {
  if (n == 0)
    return fail(Errc::invalid_argument, "quorum selection: n = 0 (a quorum needs a node)");
  std::vector<Candidate> sorted(candidates.begin(), candidates.end());
  std::sort(sorted.begin(), sorted.end(), by_id);
  for (size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i].id == sorted[i - 1].id)
      return fail(Errc::invalid_argument,
                  "quorum selection: node " + short_hex(sorted[i].id) + " is listed twice");
  std::vector<Candidate> pool;  // the eligible nodes, in id order
  pool.reserve(sorted.size());
  for (const Candidate& c : sorted)
    if (c.stake > 0)
      pool.push_back(c);
  if (pool.size() < n)
    return fail(Errc::invalid_argument, "quorum selection: n = " + std::to_string(n) +
                                            " but only " + std::to_string(pool.size()) + " of " +
                                            std::to_string(candidates.size()) +
                                            " candidates have a non-zero stake");
  Amount total = 0;
  for (const Candidate& c : pool) {
    const auto t = checked_add(total, c.stake);
    if (!t)
      return fail(Errc::overflow, "quorum selection: the candidates' total stake exceeds 2^64 - 1");
    total = *t;
  }

  std::vector<Candidate> picked;
  picked.reserve(n);
  const size_t drawable = pool.size();
  for (uint64_t i = 0; picked.size() < n; ++i) {
    if (pool.empty())
      return fail(Errc::invalid_argument,
                  "quorum selection: n = " + std::to_string(n) + " but only " +
                      std::to_string(picked.size()) + " of the " + std::to_string(drawable) +
                      " drawable candidates are still eligible");
    uint64_t x = hash_mod(selection_draw(seed, i), total);
    // INVARIANT: x < total = the sum of pool's stakes, so the walk stops inside the pool.
    size_t j = 0;
    while (x >= pool[j].stake) {
      x -= pool[j].stake;
      ++j;
    }
    if (eligible(pool[j]))
      picked.push_back(pool[j]);
    total -= pool[j].stake;
    pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(j));
  }
  return picked;
}

}  // namespace vinfer::quorum
