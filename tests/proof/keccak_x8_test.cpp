// The prover's column hasher; the eight-way hash of messages is tested in
// tests/commit/keccak_x8_test.cpp.
#include "proof/keccak_x8.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "vinfer/tensor/isa.hpp"

namespace vinfer::proof::detail {
namespace {

TEST(KeccakColumnsX8, EqualKeccakOfTheGatheredColumn) {
  std::mt19937_64 rng(3);
  // 8 rows + 1 bytes: one block up to 16 rows, two from 17, ...; 128 is the 2^20 layout.
  for (std::size_t rows : {1u, 2u, 15u, 16u, 17u, 33u, 34u, 128u}) {
    const std::size_t stride = 24;
    std::vector<Fp> m(rows * stride);
    for (Fp& x : m) {
      x = rng() % 4 == 0 ? Fp::from_u64(Fp::kModulus - 1) : Fp::from_u64(rng());
    }
    const Fp* base = m.data() + 5;  // columns 5 .. 12
    commit::Hash want[8];
    for (std::size_t k = 0; k < 8; ++k) {
      std::vector<std::uint8_t> pre = {0x04};
      for (std::size_t i = 0; i < rows; ++i) {
        for (int b = 0; b < 8; ++b) {
          pre.push_back(static_cast<std::uint8_t>(base[i * stride + k].value() >> (8 * b)));
        }
      }
      want[k] = commit::keccak256(pre);
    }
    commit::Hash got[8];
    keccak256_columns_x8_ref(0x04, base, stride, rows, got);
    for (std::size_t k = 0; k < 8; ++k) {
      EXPECT_EQ(got[k], want[k]) << "ref rows " << rows << " k " << k;
    }
    if (tensor::best_isa() == tensor::Isa::avx512) {
      keccak256_columns_x8__avx512(0x04, base, stride, rows, got);
      for (std::size_t k = 0; k < 8; ++k) {
        EXPECT_EQ(got[k], want[k]) << "avx512 rows " << rows << " k " << k;
      }
    }
  }
}

}  // namespace
}  // namespace vinfer::proof::detail
