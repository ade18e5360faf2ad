// LibMerkle and LibTrace against src/commit: single-leaf proofs, range proofs in the
// contract's compact form (built by compact_range from commit's per-chunk paths) and trace
// roots give the same 32 bytes; wrong siblings give other roots or revert.
#include <gtest/gtest.h>

#include <random>

#include "evm/chain.hpp"
#include "ledger/evm/referee_calldata.hpp"
#include "vinfer/commit/accumulator.hpp"
#include "vinfer/commit/merkle.hpp"

namespace vinfer::ledger::evm {
namespace {

using commit::Hash;

Hash leaf(uint64_t i) {
  uint8_t b[8];
  for (int k = 0; k < 8; ++k)
    b[k] = static_cast<uint8_t>(i >> (56 - 8 * k));
  return commit::keccak256(b);
}

Hash as_hash(const std::vector<uint8_t>& out) {
  Hash h{};
  EXPECT_EQ(out.size(), 32u);
  if (out.size() == 32)
    std::copy(out.begin(), out.end(), h.begin());
  return h;
}

Result<Hash> evm_root_from_proof(uint64_t n, const Hash& lf, const commit::MerkleProof& p) {
  testing::Chain& c = testing::chain();
  VINFER_TRY(auto out,
             c.client.call(c.address("Harness"),
                           abi::calldata("rootFromProof(uint256,bytes32,uint256,bytes32[])",
                                         {abi::uint_(n), abi::bytes32(lf), abi::uint_(p.index),
                                          abi::bytes32_array(p.siblings)})));
  return as_hash(out);
}

// The range [first, first + count) of `tree` as a RangeOpening (chunk bytes unused here).
commit::RangeOpening range_of(const commit::MerkleTree& tree, uint64_t first, uint64_t count) {
  commit::RangeOpening r;
  for (uint64_t i = first; i < first + count; ++i) {
    commit::ElementOpening o;
    o.chunk_index = static_cast<uint32_t>(i);
    o.proof = tree.open(i);
    r.chunks.push_back(std::move(o));
  }
  return r;
}

Result<Hash> evm_range_root(uint64_t n,
                            uint64_t first,
                            std::span<const Hash> leaves,
                            std::span<const Hash> siblings) {
  testing::Chain& c = testing::chain();
  VINFER_TRY(auto out, c.client.call(c.address("Harness"),
                                     abi::calldata("rangeRoot(uint256,uint256,bytes32[],bytes32[])",
                                                   {abi::uint_(n), abi::uint_(first),
                                                    abi::bytes32_array(leaves),
                                                    abi::bytes32_array(siblings)})));
  return as_hash(out);
}

TEST(EvmMerkle, RootFromProofMatchesCommit) {
  std::mt19937_64 rng(21);
  int checked = 0;
  for (uint64_t n : {1, 2, 3, 5, 8, 13, 100, 517}) {
    std::vector<Hash> leaves(n);
    for (uint64_t i = 0; i < n; ++i)
      leaves[i] = leaf(i);
    const commit::MerkleTree tree(leaves);
    for (uint64_t i : {uint64_t{0}, n - 1, rng() % n}) {
      const commit::MerkleProof p = tree.open(i);
      ASSERT_EQ(evm_root_from_proof(n, leaves[i], p).value(), tree.root()) << n << " " << i;
      ++checked;
      if (!p.siblings.empty()) {  // a wrong sibling leads elsewhere
        commit::MerkleProof bad = p;
        bad.siblings[rng() % bad.siblings.size()][0] ^= 1;
        EXPECT_NE(evm_root_from_proof(n, leaves[i], bad).value(), tree.root());
        commit::MerkleProof shorter = p;
        shorter.siblings.pop_back();
        EXPECT_FALSE(evm_root_from_proof(n, leaves[i], shorter).ok());
        EXPECT_EQ(testing::chain().client.rpc().last_error().data.substr(0, 10),
                  testing::error_selector("MerkleSiblingCount(uint256,uint256)"));
      }
    }
  }
  EXPECT_EQ(checked, 24);
  // An index past the leaves reverts, as merkle_root_from_proof refuses it.
  commit::MerkleProof p;
  p.index = 5;
  p.siblings.resize(3);
  EXPECT_FALSE(evm_root_from_proof(5, leaf(0), p).ok());
}

TEST(EvmMerkle, RangeRootOfCompactProofsMatchesCommit) {
  std::mt19937_64 rng(22);
  int checked = 0;
  for (uint64_t n : {1, 2, 3, 7, 16, 33, 65536}) {
    std::vector<Hash> leaves(n);
    for (uint64_t i = 0; i < n; ++i)
      leaves[i] = leaf(i * 7 + n);
    const commit::MerkleTree tree(leaves);
    for (int rep = 0; rep < 4; ++rep) {
      const uint64_t first = rep == 0 ? 0 : rng() % n;
      const uint64_t max_count = std::min<uint64_t>(n - first, 40);
      const uint64_t count = rep == 1 ? max_count : 1 + rng() % max_count;
      auto compact = compact_range(range_of(tree, first, count));
      ASSERT_TRUE(compact.ok());
      const std::span<const Hash> run(leaves.data() + first, count);
      ASSERT_EQ(evm_range_root(n, first, run, compact->siblings).value(), tree.root())
          << "n=" << n << " [" << first << ", " << first + count << ")";
      ++checked;
      if (!compact->siblings.empty()) {
        std::vector<Hash> bad = compact->siblings;
        bad[rng() % bad.size()][31] ^= 0x80;
        EXPECT_NE(evm_range_root(n, first, run, bad).value(), tree.root());
        bad.push_back(Hash{});  // one sibling too many
        EXPECT_FALSE(evm_range_root(n, first, run, bad).ok());
      }
    }
  }
  EXPECT_EQ(checked, 28);
  // A run that leaves the tree reverts.
  std::vector<Hash> two = {leaf(0), leaf(1)};
  EXPECT_FALSE(evm_range_root(2, 1, two, {}).ok());
  EXPECT_EQ(testing::chain().client.rpc().last_error().data.substr(0, 10),
            testing::error_selector("MerkleRangeOutOfTree(uint256,uint256,uint256)"));
}

TEST(EvmMerkle, TraceRootMatchesCommit) {
  commit::TraceAccumulator acc;
  for (uint64_t n = 0; n <= 70; ++n) {
    if (n > 0)
      acc.append(leaf(n));
    if (n % 7 != 0 && n != 64 && n != 63)
      continue;
    const std::vector<Hash> peaks = acc.peaks_at(n);
    const auto out = testing::call(
        "Harness",
        abi::calldata("traceRoot(uint64,bytes32[])", {abi::uint_(n), abi::bytes32_array(peaks)}));
    EXPECT_EQ(as_hash(out), acc.root_at(n)) << n;
  }
}

Status evm_trace_opening(const Hash& root, const Hash& lf, const commit::TraceOpening& o) {
  testing::Chain& c = testing::chain();
  VINFER_TRY(
      auto out,
      c.client.call(c.address("Harness"),
                    abi::calldata("traceOpening(bytes32,bytes32,uint64,uint64,bytes32[],bytes32[])",
                                  {abi::bytes32(root), abi::bytes32(lf), abi::uint_(o.index),
                                   abi::uint_(o.size), abi::bytes32_array(o.path),
                                   abi::bytes32_array(o.peaks)})));
  VINFER_TRY(int64_t ok, abi::decode_int(out));
  if (ok != 1)
    return fail(Errc::mismatch, "traceOpening returned false");
  return ok_status();
}

TEST(EvmMerkle, TraceOpeningsOfEveryLeafAtEverySizeMatchCommit) {
  commit::TraceAccumulator acc;
  for (uint64_t i = 0; i < 40; ++i)
    acc.append(leaf(1000 + i));
  int checked = 0;
  for (uint64_t size = 1; size <= 40; ++size) {
    const Hash root = acc.root_at(size);
    for (uint64_t i = 0; i < size; ++i) {
      const commit::TraceOpening o = acc.open(i, size);
      ASSERT_TRUE(commit::verify_trace_opening(root, acc.leaf(i), o));
      auto st = evm_trace_opening(root, acc.leaf(i), o);
      ASSERT_TRUE(st.ok()) << "leaf " << i << " of " << size << ": " << st.error().to_string();
      ++checked;
      if (i + 1 < size) {  // another leaf's opening does not open this one
        commit::TraceOpening other = acc.open(i + 1, size);
        other.index = i;
        EXPECT_EQ(commit::verify_trace_opening(root, acc.leaf(i), other),
                  evm_trace_opening(root, acc.leaf(i), other).ok())
            << "leaf " << i << " of " << size;
      }
    }
  }
  EXPECT_EQ(checked, 40 * 41 / 2);
  // A path one level short, a wrong peak count, an index past the size: all revert.
  commit::TraceOpening o = acc.open(3, 32);
  const Hash root = acc.root_at(32);
  commit::TraceOpening bad = o;
  bad.path.pop_back();
  EXPECT_FALSE(evm_trace_opening(root, acc.leaf(3), bad).ok());
  EXPECT_EQ(testing::chain().client.rpc().last_error().data.substr(0, 10),
            testing::error_selector("TracePathLength(uint256,uint256)"));
  bad = o;
  bad.peaks.push_back(Hash{});
  EXPECT_FALSE(evm_trace_opening(root, acc.leaf(3), bad).ok());
  EXPECT_EQ(testing::chain().client.rpc().last_error().data.substr(0, 10),
            testing::error_selector("TracePeakCount(uint256,uint256)"));
  bad = o;
  bad.index = 32;
  EXPECT_FALSE(evm_trace_opening(root, acc.leaf(3), bad).ok());
  EXPECT_EQ(testing::chain().client.rpc().last_error().data.substr(0, 10),
            testing::error_selector("TraceIndexOutOfRange(uint256,uint256)"));
}

}  // namespace
}  // namespace vinfer::ledger::evm
