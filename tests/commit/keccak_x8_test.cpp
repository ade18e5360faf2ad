// The eight-way Keccak-256 of messages: the reference is Keccak256 of domain || message,
// and the AVX-512 version equals it on every length around the rate's block boundaries.
#include "vinfer/commit/keccak_x8.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "vinfer/tensor/isa.hpp"

namespace vinfer::commit {
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
    Hash out;
    keccak256_x8_ref(0x04, &p, 1, len, &out);
    EXPECT_EQ(out, keccak256(pre)) << len;
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
      Hash want[8];
      Hash got[8];
      keccak256_x8_ref(domain, ptrs.data(), count, len, want);
      keccak256_x8__avx512(domain, ptrs.data(), count, len, got);
      for (std::size_t k = 0; k < count; ++k) {
        ASSERT_EQ(got[k], want[k]) << "len " << len << " count " << count << " k " << k;
      }
    }
  }
}

TEST(KeccakX8, PermutationOfEightStatesEqualsEightSponges) {
  if (tensor::best_isa() != tensor::Isa::avx512) {
    GTEST_SKIP() << "no AVX-512 on this CPU or build";
  }
  // keccak256(domain || 134 bytes) is one block: absorb it by hand, permute, compare.
  std::mt19937_64 rng(4);
  KeccakX8State s{};
  std::vector<std::vector<std::uint8_t>> msgs(8, std::vector<std::uint8_t>(134));
  for (std::size_t k = 0; k < 8; ++k) {
    std::uint8_t block[Keccak256::kRateBytes] = {0x07};
    for (std::size_t i = 0; i < 134; ++i) {
      msgs[k][i] = block[1 + i] = static_cast<std::uint8_t>(rng());
    }
    block[135] = 0x01 | 0x80;
    for (std::size_t w = 0; w < Keccak256::kRateBytes / 8; ++w) {
      std::uint64_t v = 0;
      for (int b = 0; b < 8; ++b) {
        v |= std::uint64_t{block[8 * w + b]} << (8 * b);
      }
      s.lane[w][k] = v;
    }
  }
  keccak_f1600_x8__avx512(s);
  for (std::size_t k = 0; k < 8; ++k) {
    Hash got;
    for (std::size_t i = 0; i < 32; ++i) {
      got[i] = static_cast<std::uint8_t>(s.lane[i / 8][k] >> (8 * (i % 8)));
    }
    std::vector<std::uint8_t> pre = {0x07};
    pre.insert(pre.end(), msgs[k].begin(), msgs[k].end());
    EXPECT_EQ(got, keccak256(pre)) << k;
  }
}

}  // namespace
}  // namespace vinfer::commit
