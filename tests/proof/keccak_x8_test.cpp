#include "proof/keccak_x8.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "vinfer/tensor/isa.hpp"

namespace vinfer::proof::detail {
namespace {

// Lengths around every block boundary of the 136-byte rate (the preimage is 1 + len bytes).
const std::size_t kLengths[] = {0,   1,   7,   8,   64,  133, 134,  135, 136,
                                137, 270, 271, 272, 273, 512, 1024, 4096};

TEST(KeccakX8, ReferenceIsKeccakOfTheDomainAndMessage) {
  std::mt19937_64 rng(1);
  for (std::size_t len : kLengths) {
    std::vector<std::uint8_t> m(len + 1);  // never empty: data() is a real pointer at len 0
    m.resize(len);
    for (auto& b : m) {
      b = static_cast<std::uint8_t>(rng());
    }
    std::vector<std::uint8_t> pre = {0x04};
    pre.insert(pre.end(), m.begin(), m.end());
    const std::uint8_t* p = m.data();
    commit::Hash out;
    keccak256_x8_ref(0x04, &p, 1, len, &out);
    EXPECT_EQ(out, commit::keccak256(pre)) << len;
  }
}

TEST(KeccakX8, Avx512EqualsTheReferenceExactly) {
  if (tensor::best_isa() != tensor::Isa::avx512) {
    GTEST_SKIP() << "no AVX-512 on this CPU or build";
  }
  std::mt19937_64 rng(2);
  for (std::size_t len : kLengths) {
    for (std::size_t count = 1; count <= 8; ++count) {
      std::vector<std::vector<std::uint8_t>> msgs(count, std::vector<std::uint8_t>(len + 1));
      std::vector<const std::uint8_t*> ptrs;
      for (auto& m : msgs) {
        m.resize(len);  // keeps the allocation: data() is not null at len 0
        for (auto& b : m) {
          b = static_cast<std::uint8_t>(rng());
        }
        ptrs.push_back(m.data());
      }
      const auto domain = static_cast<std::uint8_t>(rng());
      commit::Hash want[8];
      commit::Hash got[8];
      keccak256_x8_ref(domain, ptrs.data(), count, len, want);
      keccak256_x8__avx512(domain, ptrs.data(), count, len, got);
      for (std::size_t k = 0; k < count; ++k) {
        ASSERT_EQ(got[k], want[k]) << "len " << len << " count " << count << " k " << k;
      }
    }
  }
}

TEST(KeccakX8, ColumnHashersEqualKeccakOfTheGatheredColumn) {
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
