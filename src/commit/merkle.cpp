// Merkle roots, trees, proofs and their verification (layout: docs/commitments.md §2).
#include "vinfer/commit/merkle.hpp"

#include <array>
#include <bit>
#include <string>

namespace vinfer::commit {

Hash merkle_node(const Hash& left, const Hash& right) {
  Keccak256 h;
  h.update_byte(kNodeDomain);
  h.update(left);
  h.update(right);
  return h.finalize();
}

const Hash& zero_subtree_root(unsigned height) {
  static const std::array<Hash, 65> kTable = [] {
    std::array<Hash, 65> t{};
    for (unsigned i = 1; i < t.size(); ++i) {
      t[i] = merkle_node(t[i - 1], t[i - 1]);
    }
    return t;
  }();
  VINFER_ASSERT(height < kTable.size());
  return kTable[height];
}

unsigned merkle_depth(std::uint64_t leaf_count) {
  return leaf_count <= 1 ? 0 : static_cast<unsigned>(std::bit_width(leaf_count - 1));
}

void MerkleRootBuilder::push(const Hash& leaf) {
  VINFER_ASSERT(count_ < UINT64_MAX);
  Hash cur = leaf;
  unsigned height = 0;
  // Merge with every finished left neighbour of the same height (the carry of count_ + 1).
  while (top_ > 0 && heights_[top_ - 1] == height) {
    cur = merkle_node(stack_[top_ - 1], cur);
    --top_;
    ++height;
  }
  stack_[top_] = cur;
  heights_[top_] = static_cast<std::uint8_t>(height);
  ++top_;
  ++count_;
}

Hash MerkleRootBuilder::root() const {
  if (count_ == 0) {
    return kZeroHash;
  }
  const unsigned depth = merkle_depth(count_);
  unsigned i = top_ - 1;
  Hash cur = stack_[i];
  unsigned height = heights_[i];
  // Close the right edge: a subtree with no right neighbour on the stack pairs with padding.
  while (height < depth) {
    if (i > 0 && heights_[i - 1] == height) {
      --i;
      cur = merkle_node(stack_[i], cur);
    } else {
      cur = merkle_node(cur, zero_subtree_root(height));
    }
    ++height;
  }
  return cur;
}

Hash merkle_root(std::span<const Hash> leaves) {
  MerkleRootBuilder b;
  for (const Hash& leaf : leaves) {
    b.push(leaf);
  }
  return b.root();
}

MerkleTree::MerkleTree(std::span<const Hash> leaves)
    : leaf_count_(leaves.size()), depth_(merkle_depth(leaves.size())) {
  levels_.reserve(depth_ + 1);
  levels_.emplace_back(leaves.begin(), leaves.end());
  if (leaf_count_ == 0) {
    levels_[0].push_back(kZeroHash);
  }
  for (unsigned t = 0; t < depth_; ++t) {
    const std::vector<Hash>& below = levels_[t];
    std::vector<Hash> up((below.size() + 1) / 2);
    for (std::size_t j = 0; j < up.size(); ++j) {
      const Hash& right = 2 * j + 1 < below.size() ? below[2 * j + 1] : zero_subtree_root(t);
      up[j] = merkle_node(below[2 * j], right);
    }
    levels_.push_back(std::move(up));
  }
}

const Hash& MerkleTree::root() const {
  return levels_[depth_][0];
}

const Hash& MerkleTree::node(unsigned height, std::uint64_t index) const {
  VINFER_ASSERT(height <= depth_);
  VINFER_ASSERT(index < (std::uint64_t{1} << (depth_ - height)));
  const std::vector<Hash>& level = levels_[height];
  return index < level.size() ? level[index] : zero_subtree_root(height);
}

MerkleProof MerkleTree::open(std::uint64_t index) const {
  VINFER_ASSERT(index < leaf_count_);
  MerkleProof p;
  p.index = index;
  p.siblings.reserve(depth_);
  for (unsigned t = 0; t < depth_; ++t) {
    p.siblings.push_back(node(t, (index >> t) ^ 1));
  }
  return p;
}

MerkleProof merkle_open(std::span<const Hash> leaves, std::uint64_t index) {
  return MerkleTree(leaves).open(index);
}

Result<Hash> merkle_root_from_proof(std::uint64_t leaf_count,
                                    const Hash& leaf,
                                    const MerkleProof& proof) {
  if (proof.index >= leaf_count) {
    return fail(Errc::invalid_argument, "merkle proof: leaf index " + std::to_string(proof.index) +
                                            " out of range (" + std::to_string(leaf_count) +
                                            " leaves)");
  }
  const unsigned depth = merkle_depth(leaf_count);
  if (proof.siblings.size() != depth) {
    return fail(Errc::parse, "merkle proof: " + std::to_string(proof.siblings.size()) +
                                 " siblings, a tree of " + std::to_string(leaf_count) +
                                 " leaves needs " + std::to_string(depth));
  }
  Hash cur = leaf;
  for (unsigned t = 0; t < depth; ++t) {
    const bool is_right = (proof.index >> t) & 1;
    cur = is_right ? merkle_node(proof.siblings[t], cur) : merkle_node(cur, proof.siblings[t]);
  }
  return cur;
}

bool merkle_verify(const Hash& root,
                   std::uint64_t leaf_count,
                   const Hash& leaf,
                   const MerkleProof& proof) {
  Result<Hash> r = merkle_root_from_proof(leaf_count, leaf, proof);
  return r.ok() && r.value() == root;
}

}  // namespace vinfer::commit
