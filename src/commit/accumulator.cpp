// Merkle Mountain Range of step roots (docs/commitments.md §4).
//
// With n leaves, bit h of n set means one peak of height h. Peaks sit left to right from the
// largest, so the peak of height h covers leaves [o, o + 2^h) where o is n with bits 0..h
// cleared; it is node levels_[h][(n >> h) - 1]. Every node of the size-k accumulator is also
// a node of any larger one, so old roots and openings need no extra state.
#include "vinfer/commit/accumulator.hpp"

#include <algorithm>
#include <bit>

#include "vinfer/assert.hpp"
#include "vinfer/commit/keccak_x8.hpp"
#include "vinfer/commit/merkle.hpp"

namespace vinfer::commit {
namespace {

// Calls f(height, offset) for each peak of `size` leaves, largest first.
template <class F>
void for_each_peak(std::uint64_t size, F&& f) {
  for (int h = 63; h >= 0; --h) {
    const std::uint64_t bit = std::uint64_t{1} << h;
    if (size & bit) {
      f(static_cast<unsigned>(h), size & ~((bit << 1) - 1));
    }
  }
}

void put_u64_be(Keccak256& k, std::uint64_t v) {
  std::uint8_t b[8];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
  }
  k.update(b);
}

}  // namespace

Hash trace_root(std::uint64_t size, std::span<const Hash> peaks) {
  VINFER_ASSERT(peaks.size() == static_cast<std::size_t>(std::popcount(size)));
  Keccak256 k;
  k.update_byte(kTraceDomain);
  put_u64_be(k, size);
  for (const Hash& p : peaks) {
    k.update(p);
  }
  return k.finalize();
}

void TraceAccumulator::append(const Hash& step_root) {
  if (levels_.empty()) {
    levels_.emplace_back();
  }
  levels_[0].push_back(step_root);
  // An even count at height h completes a pair: its parent is a new node at height h + 1.
  for (std::size_t h = 0; levels_[h].size() % 2 == 0; ++h) {
    if (levels_.size() == h + 1) {
      levels_.emplace_back();
    }
    const std::vector<Hash>& level = levels_[h];
    levels_[h + 1].push_back(merkle_node(level[level.size() - 2], level.back()));
  }
}

void TraceAccumulator::append(std::span<const Hash> step_roots) {
  if (step_roots.empty()) {
    return;
  }
  if (levels_.empty()) {
    levels_.emplace_back();
  }
  levels_[0].insert(levels_[0].end(), step_roots.begin(), step_roots.end());
  // Height h had `before` nodes and has levels_[h].size() now: the pairs completed in
  // between are the new parents j in [before / 2, size / 2), children 2j and 2j + 1 side by
  // side in memory (64 bytes, merkle_node's preimage after the domain byte).
  static_assert(sizeof(Hash[2]) == 64, "a node's children are 64 bytes");
  const KeccakX8Fn hash8 = keccak256_x8_best();
  std::uint64_t before = levels_[0].size() - step_roots.size();
  for (std::size_t h = 0; levels_[h].size() / 2 > before / 2; ++h) {
    if (levels_.size() == h + 1) {
      levels_.emplace_back();
    }
    const std::uint64_t first = before / 2, end = levels_[h].size() / 2;
    before = levels_[h + 1].size();
    VINFER_ASSERT(before == first);
    levels_[h + 1].resize(end);
    for (std::uint64_t j0 = first; j0 < end; j0 += 8) {
      const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(8, end - j0));
      const std::uint8_t* msgs[8];
      for (std::size_t k = 0; k < count; ++k) {
        msgs[k] = levels_[h][2 * (j0 + k)].data();
      }
      hash8(kNodeDomain, msgs, count, 64, levels_[h + 1].data() + j0);
    }
  }
}

void TraceAccumulator::clear() {
  for (std::vector<Hash>& level : levels_) {
    level.clear();
  }
}

const Hash& TraceAccumulator::leaf(std::uint64_t index) const {
  VINFER_ASSERT(index < size());
  return levels_[0][index];
}

Hash TraceAccumulator::root() const {
  return root_at(size());
}

Hash TraceAccumulator::root_at(std::uint64_t at_size) const {
  VINFER_ASSERT(at_size <= size());
  Keccak256 k;
  k.update_byte(kTraceDomain);
  put_u64_be(k, at_size);
  for_each_peak(at_size,
                [&](unsigned h, std::uint64_t) { k.update(levels_[h][(at_size >> h) - 1]); });
  return k.finalize();
}

std::vector<Hash> TraceAccumulator::peaks_at(std::uint64_t at_size) const {
  VINFER_ASSERT(at_size <= size());
  std::vector<Hash> peaks;
  peaks.reserve(std::popcount(at_size));
  for_each_peak(
      at_size, [&](unsigned h, std::uint64_t) { peaks.push_back(levels_[h][(at_size >> h) - 1]); });
  return peaks;
}

TraceOpening TraceAccumulator::open(std::uint64_t index, std::uint64_t at_size) const {
  VINFER_ASSERT(index < at_size && at_size <= size());
  TraceOpening o;
  o.index = index;
  o.size = at_size;
  o.peaks = peaks_at(at_size);
  for_each_peak(at_size, [&](unsigned h, std::uint64_t offset) {
    if (index < offset || index - offset >= (std::uint64_t{1} << h)) {
      return;
    }
    // offset is a multiple of 2^h, so the leaf's bits below h are its place in the peak.
    for (unsigned t = 0; t < h; ++t) {
      o.path.push_back(levels_[t][(index >> t) ^ 1]);
    }
  });
  return o;
}

bool verify_trace_opening(const Hash& root, const Hash& leaf, const TraceOpening& opening) {
  const std::uint64_t size = opening.size;
  const std::uint64_t index = opening.index;
  if (index >= size) {
    return false;
  }
  if (opening.peaks.size() != static_cast<std::size_t>(std::popcount(size))) {
    return false;
  }
  bool ok = false;
  std::size_t p = 0;
  for_each_peak(size, [&](unsigned h, std::uint64_t offset) {
    const std::size_t this_peak = p++;
    if (index < offset || index - offset >= (std::uint64_t{1} << h)) {
      return;
    }
    if (opening.path.size() != h) {
      return;
    }
    Hash cur = leaf;
    for (unsigned t = 0; t < h; ++t) {
      const bool is_right = (index >> t) & 1;
      cur = is_right ? merkle_node(opening.path[t], cur) : merkle_node(cur, opening.path[t]);
    }
    ok = cur == opening.peaks[this_peak];
  });
  return ok && trace_root(size, opening.peaks) == root;
}

}  // namespace vinfer::commit
