// The trace accumulator: an append-only Merkle Mountain Range over step roots.
//
// After n appends the leaves form one perfect binary tree per set bit of n, largest (leftmost)
// first; their roots are the peaks. Internal nodes are merkle_node (0x01 || left || right);
// leaves are the step roots themselves. The accumulator root binds the count:
// keccak256(0x03 || n (u64 BE) || peak_0 || ... || peak_m), peaks largest first; the empty
// accumulator's root is keccak256(0x03 || 0 (u64 BE)). Layouts: docs/commitments.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/commit/keccak.hpp"

namespace vinfer::commit {

/// Domain byte of an accumulator root preimage.
inline constexpr std::uint8_t kTraceDomain = 0x03;

/// keccak256(0x03 || size (u64 BE) || peaks...); `peaks` must be the peaks of `size` leaves,
/// largest first (std::popcount(size) of them).
Hash trace_root(std::uint64_t size, std::span<const Hash> peaks);

/// Proof that a leaf is in the accumulator as it was after `size` appends.
struct TraceOpening {
  std::uint64_t index = 0;  ///< position of the leaf (0-based append order)
  std::uint64_t size = 0;   ///< accumulator size the proof is against; index < size
  std::vector<Hash> path;   ///< siblings from the leaf up to its peak, bottom-up
  std::vector<Hash> peaks;  ///< every peak of `size` leaves, largest first
};

/// An append-only Merkle Mountain Range that keeps every node, so it can give its root and
/// openings as they were at any earlier size. O(log n) hashes per append (amortised O(1)).
class TraceAccumulator {
 public:
  /// Appends the next step root.
  void append(const Hash& step_root);
  /// Appends step roots in order: the same nodes as one append each, the new nodes of each
  /// height hashed eight at a time (keccak256_x8_best).
  void append(std::span<const Hash> step_roots);
  /// Forgets every leaf (size 0) and keeps the memory, for the next trace.
  void clear();
  /// Number of appends so far.
  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  /// Leaf `index` < size().
  const Hash& leaf(std::uint64_t index) const;
  /// The current root (root_at(size())).
  Hash root() const;
  /// The root as it was after `at_size` <= size() appends.
  Hash root_at(std::uint64_t at_size) const;
  /// The peaks after `at_size` <= size() appends, largest first.
  std::vector<Hash> peaks_at(std::uint64_t at_size) const;
  /// Proof that leaf `index` is in the accumulator after `at_size` appends;
  /// index < at_size <= size().
  TraceOpening open(std::uint64_t index, std::uint64_t at_size) const;

 private:
  // levels_[h][j]: root of the perfect subtree over leaves [j * 2^h, (j + 1) * 2^h).
  std::vector<std::vector<Hash>> levels_;
};

/// True iff `opening` shows that `leaf` is leaf `opening.index` of the accumulator whose root
/// after `opening.size` appends is `root`.
bool verify_trace_opening(const Hash& root, const Hash& leaf, const TraceOpening& opening);

}  // namespace vinfer::commit
