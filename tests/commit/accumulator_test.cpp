// Trace accumulator: roots from scratch, old roots, openings against every earlier size,
// batched appends, clear.
#include "vinfer/commit/accumulator.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "vinfer/commit/merkle.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::commit {
namespace {

Hash step_root(std::uint64_t i) {
  std::uint8_t b[8];
  for (int k = 0; k < 8; ++k) {
    b[k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
  }
  return keccak256(b);
}

// From scratch: split the leaves into perfect trees by the bits of n, largest first.
Hash root_from_scratch(const std::vector<Hash>& leaves) {
  const std::uint64_t n = leaves.size();
  std::vector<std::uint8_t> pre = {0x03};
  for (int k = 7; k >= 0; --k) {
    pre.push_back(static_cast<std::uint8_t>(n >> (8 * k)));
  }
  std::uint64_t off = 0;
  for (int h = 63; h >= 0; --h) {
    if (!((n >> h) & 1)) {
      continue;
    }
    const std::uint64_t w = std::uint64_t{1} << h;
    const Hash peak = merkle_root(
        std::span(leaves).subspan(static_cast<std::size_t>(off), static_cast<std::size_t>(w)));
    pre.insert(pre.end(), peak.begin(), peak.end());
    off += w;
  }
  return keccak256(pre);
}

TEST(Accumulator, RootMatchesFromScratchAndRootAt) {
  TraceAccumulator acc;
  std::vector<Hash> leaves;
  std::vector<Hash> seen = {acc.root()};
  EXPECT_EQ(acc.root(), root_from_scratch({}));
  for (std::uint64_t n = 1; n <= 70; ++n) {
    acc.append(step_root(n - 1));
    leaves.push_back(step_root(n - 1));
    ASSERT_EQ(acc.size(), n);
    ASSERT_EQ(acc.root(), root_from_scratch(leaves)) << n;
    seen.push_back(acc.root());
  }
  for (std::uint64_t k = 0; k <= 70; ++k) {
    EXPECT_EQ(acc.root_at(k), seen[k]) << k;
    EXPECT_EQ(trace_root(k, acc.peaks_at(k)), seen[k]) << k;
  }
  EXPECT_EQ(acc.leaf(69), step_root(69));
}

TEST(Accumulator, EveryLeafOpensAgainstEveryEarlierSize) {
  TraceAccumulator acc;
  for (std::uint64_t i = 0; i < 70; ++i) {
    acc.append(step_root(i));
  }
  for (std::uint64_t size = 1; size <= 70; ++size) {
    const Hash root = acc.root_at(size);
    for (std::uint64_t i = 0; i < size; ++i) {
      const TraceOpening o = acc.open(i, size);
      ASSERT_TRUE(verify_trace_opening(root, step_root(i), o)) << i << " at " << size;
      if (size < acc.size()) {  // an opening binds its size: it fails against the newest root
        ASSERT_FALSE(verify_trace_opening(acc.root(), step_root(i), o)) << i << " at " << size;
      }
    }
  }
}

TEST(Accumulator, BatchedAppendsEqualSingleAppends) {
  // Batches of every size around the eight-way hash's groups, at every alignment.
  for (const bool scalar : {false, true}) {
    tensor::set_isa_for_testing(scalar ? tensor::Isa::scalar : tensor::best_isa());
    TraceAccumulator one, many;
    std::uint64_t next = 0;
    for (std::size_t batch : {1u, 2u, 3u, 0u, 7u, 8u, 9u, 16u, 17u, 31u, 64u, 100u, 5u}) {
      std::vector<Hash> roots;
      for (std::size_t k = 0; k < batch; ++k) {
        roots.push_back(step_root(next++));
        one.append(roots.back());
      }
      many.append(roots);
      ASSERT_EQ(many.size(), one.size());
      ASSERT_EQ(many.root(), one.root()) << "after " << one.size();
    }
    for (std::uint64_t at = 1; at <= one.size(); ++at) {
      ASSERT_EQ(many.root_at(at), one.root_at(at)) << at;
    }
    // Cleared, the accumulator is an empty one that keeps its memory.
    const Hash full = many.root();
    many.clear();
    ASSERT_EQ(many.size(), 0u);
    ASSERT_EQ(many.root(), TraceAccumulator().root());
    std::vector<Hash> all;
    for (std::uint64_t i = 0; i < one.size(); ++i) {
      all.push_back(one.leaf(i));
    }
    many.append(std::span(all).first(5));
    ASSERT_EQ(many.root(), one.root_at(5));
    many.append(std::span(all).subspan(5));
    ASSERT_EQ(many.root(), full);
  }
  tensor::set_isa_for_testing(tensor::best_isa());
}

TEST(Accumulator, TamperedOpeningsFail) {
  TraceAccumulator acc;
  for (std::uint64_t i = 0; i < 45; ++i) {
    acc.append(step_root(i));
  }
  const std::uint64_t size = 43;  // peaks of heights 5, 3, 1, 0
  const Hash root = acc.root_at(size);
  for (std::uint64_t i = 0; i < size; ++i) {
    const Hash leaf = step_root(i);
    const TraceOpening good = acc.open(i, size);
    ASSERT_TRUE(verify_trace_opening(root, leaf, good));
    EXPECT_FALSE(verify_trace_opening(root, step_root(i + 1), good)) << i;  // wrong leaf
    for (std::size_t s = 0; s < good.path.size(); ++s) {
      TraceOpening o = good;
      o.path[s][31] ^= 1;
      EXPECT_FALSE(verify_trace_opening(root, leaf, o)) << i << " path " << s;
    }
    for (std::size_t p = 0; p < good.peaks.size(); ++p) {
      TraceOpening o = good;
      o.peaks[p][0] ^= 1;
      EXPECT_FALSE(verify_trace_opening(root, leaf, o)) << i << " peak " << p;
    }
    TraceOpening moved = good;
    moved.index = (i + 1) % size;
    EXPECT_FALSE(verify_trace_opening(root, leaf, moved)) << i;
    TraceOpening grown = good;  // same proof claimed against a different size
    grown.size = size + 1;
    EXPECT_FALSE(verify_trace_opening(root, leaf, grown)) << i;
    if (!good.path.empty()) {
      TraceOpening truncated = good;
      truncated.path.pop_back();
      EXPECT_FALSE(verify_trace_opening(root, leaf, truncated)) << i;
    }
    TraceOpening extended = good;
    extended.path.push_back(Hash{});
    EXPECT_FALSE(verify_trace_opening(root, leaf, extended)) << i;
    TraceOpening fewer_peaks = good;
    fewer_peaks.peaks.pop_back();
    EXPECT_FALSE(verify_trace_opening(root, leaf, fewer_peaks)) << i;
  }
  TraceOpening past = acc.open(size - 1, size);
  past.index = size;
  EXPECT_FALSE(verify_trace_opening(root, step_root(size), past));
  EXPECT_FALSE(verify_trace_opening(acc.root_at(0), Hash{}, TraceOpening{}));
}

}  // namespace
}  // namespace vinfer::commit
