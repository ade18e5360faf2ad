// Merkle trees: roots against a tiny recursive definition, openings, rejected proofs.
#include "vinfer/commit/merkle.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vinfer::commit {
namespace {

Hash leaf_hash(std::uint64_t i) {
  std::uint8_t b[8];
  for (int k = 0; k < 8; ++k) {
    b[k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
  }
  return keccak256(b);
}

std::vector<Hash> make_leaves(std::uint64_t n) {
  std::vector<Hash> v;
  for (std::uint64_t i = 0; i < n; ++i) {
    v.push_back(leaf_hash(i));
  }
  return v;
}

// The definition, written independently: pad to a power of two, split in halves, recurse.
Hash node_ref(const Hash& l, const Hash& r) {
  std::vector<std::uint8_t> pre = {0x01};
  pre.insert(pre.end(), l.begin(), l.end());
  pre.insert(pre.end(), r.begin(), r.end());
  return keccak256(pre);
}
Hash root_ref(std::vector<Hash> leaves) {
  if (leaves.empty()) {
    return Hash{};
  }
  std::size_t w = 1;
  while (w < leaves.size()) {
    w *= 2;
  }
  leaves.resize(w, Hash{});
  if (w == 1) {
    return leaves[0];
  }
  const std::vector<Hash> l(leaves.begin(), leaves.begin() + w / 2);
  const std::vector<Hash> r(leaves.begin() + w / 2, leaves.end());
  return node_ref(root_ref(l), root_ref(r));
}

TEST(Merkle, RootsMatchRecursiveDefinition) {
  for (std::uint64_t n : {0, 1, 2, 3, 5, 8, 9, 13, 16, 31, 33}) {
    const std::vector<Hash> leaves = make_leaves(n);
    const Hash want = root_ref(leaves);
    EXPECT_EQ(merkle_root(leaves), want) << n;
    EXPECT_EQ(MerkleTree(leaves).root(), want) << n;
  }
  EXPECT_EQ(merkle_root({}), Hash{});
  EXPECT_EQ(merkle_root(make_leaves(1)), leaf_hash(0));
}

TEST(Merkle, BuilderRootAfterEveryPush) {
  MerkleRootBuilder b;
  std::vector<Hash> leaves;
  EXPECT_EQ(b.root(), Hash{});
  for (std::uint64_t i = 0; i < 40; ++i) {
    b.push(leaf_hash(i));
    leaves.push_back(leaf_hash(i));
    ASSERT_EQ(b.root(), root_ref(leaves)) << i + 1;
    EXPECT_EQ(b.size(), i + 1);
  }
}

TEST(Merkle, ZeroSubtreesAndDepth) {
  EXPECT_EQ(zero_subtree_root(0), Hash{});
  EXPECT_EQ(zero_subtree_root(3), root_ref(std::vector<Hash>(8)));
  EXPECT_EQ(merkle_depth(0), 0u);
  EXPECT_EQ(merkle_depth(1), 0u);
  EXPECT_EQ(merkle_depth(2), 1u);
  EXPECT_EQ(merkle_depth(5), 3u);
  EXPECT_EQ(merkle_depth(8), 3u);
  EXPECT_EQ(merkle_depth(UINT64_MAX), 64u);
}

TEST(Merkle, EveryOpeningVerifies) {
  for (std::uint64_t n : {1, 2, 3, 5, 8, 11, 32}) {
    const std::vector<Hash> leaves = make_leaves(n);
    const MerkleTree tree(leaves);
    for (std::uint64_t i = 0; i < n; ++i) {
      const MerkleProof p = tree.open(i);
      EXPECT_EQ(p.siblings.size(), merkle_depth(n));
      EXPECT_TRUE(merkle_verify(tree.root(), n, leaves[i], p)) << n << " " << i;
      const MerkleProof q = merkle_open(leaves, i);
      EXPECT_EQ(q.siblings, p.siblings);
      EXPECT_EQ(q.index, i);
    }
  }
}

TEST(Merkle, NodeWalksDownToLeavesAndPadding) {
  const std::vector<Hash> leaves = make_leaves(5);
  const MerkleTree tree(leaves);
  ASSERT_EQ(tree.depth(), 3u);
  EXPECT_EQ(tree.node(3, 0), tree.root());
  EXPECT_EQ(tree.node(0, 4), leaves[4]);
  EXPECT_EQ(tree.node(0, 7), Hash{});
  EXPECT_EQ(tree.node(1, 3), zero_subtree_root(1));
  EXPECT_EQ(tree.node(2, 0), merkle_node(tree.node(1, 0), tree.node(1, 1)));
}

TEST(Merkle, TamperedProofsAreRejected) {
  const std::uint64_t n = 11;
  const std::vector<Hash> leaves = make_leaves(n);
  const MerkleTree tree(leaves);
  const Hash root = tree.root();
  for (std::uint64_t i = 0; i < n; ++i) {
    const MerkleProof good = tree.open(i);
    for (std::size_t s = 0; s < good.siblings.size(); ++s) {  // flipped sibling bit
      MerkleProof p = good;
      p.siblings[s][s % 32] ^= 0x40;
      EXPECT_FALSE(merkle_verify(root, n, leaves[i], p)) << i << " sibling " << s;
    }
    MerkleProof wrong_index = good;
    wrong_index.index = (i + 1) % n;
    EXPECT_FALSE(merkle_verify(root, n, leaves[i], wrong_index)) << i;
    EXPECT_FALSE(merkle_verify(root, n, leaves[(i + 1) % n], good)) << i;  // wrong leaf
    MerkleProof truncated = good;
    truncated.siblings.pop_back();
    EXPECT_FALSE(merkle_verify(root, n, leaves[i], truncated)) << i;
    MerkleProof extended = good;
    extended.siblings.push_back(Hash{});
    EXPECT_FALSE(merkle_verify(root, n, leaves[i], extended)) << i;
    EXPECT_FALSE(merkle_verify(root, 3, leaves[i], good)) << i;  // count of a shallower tree
    Hash other_root = root;
    other_root[0] ^= 1;
    EXPECT_FALSE(merkle_verify(other_root, n, leaves[i], good)) << i;
  }
  MerkleProof out_of_range = tree.open(n - 1);
  out_of_range.index = n;
  EXPECT_FALSE(merkle_verify(root, n, leaves[n - 1], out_of_range));
  const Result<Hash> r = merkle_root_from_proof(n, leaves[0], out_of_range);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  MerkleProof none;
  EXPECT_FALSE(merkle_verify(Hash{}, 0, Hash{}, none));  // nothing is in an empty tree
}

TEST(Merkle, PaddedIndexIsRejectedEvenWithAValidPath) {
  // Leaf 5 of a 5-leaf tree is padding: its zero hash has a valid path, but index >= count.
  const std::vector<Hash> leaves = make_leaves(5);
  std::vector<Hash> padded = leaves;
  padded.resize(8, Hash{});
  MerkleProof p = MerkleTree(padded).open(5);
  EXPECT_TRUE(merkle_verify(merkle_root(leaves), 8, Hash{}, p));
  EXPECT_FALSE(merkle_verify(merkle_root(leaves), 5, Hash{}, p));
}

}  // namespace
}  // namespace vinfer::commit
