// Binary Merkle trees over 32-byte leaf hashes, as every vinfer commitment uses them.
//
// The leaf list is padded up to a power of two with all-zero hashes; an internal node is
// keccak256(0x01 || left || right). A tree of 0 leaves has the root of one zero leaf (the
// zero hash); a tree of 1 leaf has that leaf as its root. Exact layouts: docs/commitments.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/result.hpp"

namespace vinfer::commit {

/// Domain byte that starts the preimage of every internal Merkle node.
inline constexpr std::uint8_t kNodeDomain = 0x01;

/// keccak256(0x01 || left || right).
Hash merkle_node(const Hash& left, const Hash& right);

/// Root of a perfect tree of 2^height zero leaves (height 0: the zero hash); height <= 64.
const Hash& zero_subtree_root(unsigned height);

/// Tree height for `leaf_count` leaves = siblings in a proof: ceil(log2(max(leaf_count, 1))).
unsigned merkle_depth(std::uint64_t leaf_count);

/// Root of the tree over `leaves` (padded to a power of two with zero hashes).
Hash merkle_root(std::span<const Hash> leaves);

/// Computes a Merkle root from leaves pushed one at a time, keeping only O(log n) hashes and
/// no heap memory; gives exactly `merkle_root` of the same leaves.
class MerkleRootBuilder {
 public:
  /// Appends the next leaf.
  void push(const Hash& leaf);
  /// Leaves pushed so far.
  std::uint64_t size() const { return count_; }
  /// Root over the leaves pushed so far; the builder is unchanged and can take more leaves.
  Hash root() const;

 private:
  // Complete, aligned subtrees still waiting for a right neighbour; heights strictly decrease
  // from the bottom of the stack (index 0) to the top.
  Hash stack_[64];
  std::uint8_t heights_[64];
  unsigned top_ = 0;
  std::uint64_t count_ = 0;
};

/// A path from one leaf to the root: `siblings[t]` is the sibling at height t (bottom-up).
struct MerkleProof {
  std::uint64_t index = 0;     ///< position of the leaf, 0-based
  std::vector<Hash> siblings;  ///< merkle_depth(leaf_count) hashes, leaf level first
};

/// All levels of a Merkle tree, built once so that many openings are cheap. Padding nodes
/// are not stored: a missing node at height t is zero_subtree_root(t).
class MerkleTree {
 public:
  /// Builds every level over `leaves`.
  explicit MerkleTree(std::span<const Hash> leaves);

  /// Number of (unpadded) leaves.
  std::uint64_t leaf_count() const { return leaf_count_; }
  /// Height of the tree (merkle_depth(leaf_count())).
  unsigned depth() const { return depth_; }
  /// The root.
  const Hash& root() const;
  /// Node at `height` (0 = leaves) and `index` within that level, padding included;
  /// index < 2^(depth - height). Lets a bisection walk down the tree.
  const Hash& node(unsigned height, std::uint64_t index) const;
  /// Proof for leaf `index` < leaf_count().
  MerkleProof open(std::uint64_t index) const;

 private:
  std::uint64_t leaf_count_;
  unsigned depth_;
  std::vector<std::vector<Hash>> levels_;  // levels_[0]: leaves; levels_[depth_]: root
};

/// Proof for leaf `index` < leaves.size(); builds the whole tree (use MerkleTree for many).
MerkleProof merkle_open(std::span<const Hash> leaves, std::uint64_t index);

/// The root that `leaf` and `proof` imply for a tree of `leaf_count` leaves, or an error if
/// the index is out of range or the sibling count is not merkle_depth(leaf_count).
Result<Hash> merkle_root_from_proof(std::uint64_t leaf_count,
                                    const Hash& leaf,
                                    const MerkleProof& proof);

/// True iff `proof` shows that `leaf` sits at `proof.index` in the tree of `leaf_count`
/// leaves with root `root`.
bool merkle_verify(const Hash& root,
                   std::uint64_t leaf_count,
                   const Hash& leaf,
                   const MerkleProof& proof);

}  // namespace vinfer::commit
