// Golden vectors from tests/vectors/commit/gen_commit_vectors.py, an independent Python
// implementation of docs/commitments.md (the Solidity tests read the same files).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/commit/tensor_root.hpp"

namespace vinfer::commit {
namespace {

// Non-comment lines of a vector file, split at spaces.
std::vector<std::vector<std::string>> read_vectors(const std::string& name) {
  const std::string path = std::string(VINFER_SOURCE_DIR) + "/tests/vectors/commit/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream fields(line);
    rows.emplace_back();
    for (std::string f; fields >> f;) {
      rows.back().push_back(f);
    }
  }
  EXPECT_FALSE(rows.empty()) << path;
  return rows;
}

// byte i = (i*167 + seed*13 + (i>>8)) % 256, as the generator writes it.
std::vector<std::uint8_t> pattern(std::size_t n, std::size_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = static_cast<std::uint8_t>(i * 167 + seed * 13 + (i >> 8));
  }
  return v;
}

Hash leaf_hash(std::uint64_t i) {
  std::uint8_t b[8];
  for (int k = 0; k < 8; ++k) {
    b[k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
  }
  return keccak256(b);
}

TEST(Vectors, Keccak) {
  for (const auto& row : read_vectors("keccak.txt")) {
    ASSERT_EQ(row.size(), 2u);
    EXPECT_EQ(to_hex(keccak256(pattern(std::stoul(row[0]), 1))), row[1]) << row[0];
  }
}

TEST(Vectors, MerkleRoot) {
  for (const auto& row : read_vectors("merkle.txt")) {
    ASSERT_EQ(row.size(), 2u);
    std::vector<Hash> leaves;
    for (std::uint64_t i = 0; i < std::stoul(row[0]); ++i) {
      leaves.push_back(leaf_hash(i));
    }
    EXPECT_EQ(to_hex(merkle_root(leaves)), row[1]) << row[0];
  }
}

TEST(Vectors, TensorRoot) {
  for (const auto& row : read_vectors("tensor.txt")) {
    ASSERT_EQ(row.size(), 5u);
    const DType t = dtype_from_byte(static_cast<std::uint8_t>(std::stoul(row[0]))).value();
    const auto rows = static_cast<std::uint32_t>(std::stoul(row[1]));
    const auto cols = static_cast<std::uint32_t>(std::stoul(row[2]));
    const std::vector<std::uint8_t> bytes =
        pattern(std::size_t{rows} * cols * dtype_size(t), std::stoul(row[3]));
    EXPECT_EQ(to_hex(tensor_root(t, rows, cols, bytes)), row[4]) << row[1] << "x" << row[2];
  }
}

TEST(Vectors, TraceRoot) {
  TraceAccumulator acc;
  for (std::uint64_t i = 0; i < 70; ++i) {
    acc.append(leaf_hash(i));
  }
  for (const auto& row : read_vectors("trace.txt")) {
    ASSERT_EQ(row.size(), 2u);
    EXPECT_EQ(to_hex(acc.root_at(std::stoul(row[0]))), row[1]) << row[0];
  }
}

}  // namespace
}  // namespace vinfer::commit
