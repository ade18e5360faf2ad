// Eight-way Keccak-256 for the polynomial commitment (keccak_x8.hpp). The permutation is
// Keccak-f[1600] as in "The Keccak reference" v3.0 §1.2 (theta, rho, pi, chi, iota on lanes
// (x, y) at index x + 5y), applied to eight states at once: register i holds lane i of
// every state, so each step is one AVX-512 instruction for all eight (chi and the
// five-way parities are single vpternlogq).
#include "proof/keccak_x8.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "vinfer/assert.hpp"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/tensor/isa.hpp"

#if VINFER_HAVE_X86_SIMD
#include <immintrin.h>
#define VINFER_KECCAK_X8_AVX512 1
#endif

namespace vinfer::proof::detail {
namespace {

constexpr std::size_t kRate = commit::Keccak256::kRateBytes;  // 136 bytes = 17 lanes
constexpr std::size_t kRateLanes = kRate / 8;

// Block b (kRate bytes) of the padded preimage domain || msg[0 .. len) into dst: the
// original Keccak padding (first pad byte 0x01, last byte of the last block |= 0x80), as
// commit::Keccak256::finalize. `blocks` = (len + 1) / kRate + 1 absorbed blocks in all.
void preimage_block(std::uint8_t domain,
                    const std::uint8_t* msg,
                    std::size_t len,
                    std::size_t b,
                    std::size_t blocks,
                    std::uint8_t* dst) {
  const std::size_t start = kRate * b;  // preimage index of dst[0]; msg index = preimage - 1
  const std::size_t lo = b == 0 ? 1 : 0;
  const std::size_t end = len + 1;  // preimage length
  const std::size_t hi = end > start ? std::min(kRate, end - start) : 0;
  if (b == 0) {
    dst[0] = domain;
  }
  if (hi > lo) {
    std::memcpy(dst + lo, msg + (start + lo - 1), hi - lo);
  }
  if (b + 1 == blocks) {
    std::memset(dst + std::max(hi, lo), 0, kRate - std::max(hi, lo));
    dst[std::max(hi, lo)] = 0x01;
    dst[kRate - 1] |= 0x80;
  }
}

#ifdef VINFER_KECCAK_X8_AVX512

// Rho offsets of lane x + 5y.
constexpr int kRho[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                          25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

// vpternlogq truth tables: bit (a << 2 | b << 1 | c) of the immediate is f(a, b, c).
constexpr int kXor3 = 0x96;  // a ^ b ^ c
constexpr int kChi = 0xD2;   // a ^ (~b & c)

__attribute__((target("avx512f"))) void keccak_f1600_x8(__m512i (&a)[25]) {
  for (int round = 0; round < 24; ++round) {
    // theta: column parities c[x], then d[x] = c[x - 1] ^ rotl(c[x + 1], 1).
    __m512i c[5];
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) {
      c[x] = _mm512_ternarylogic_epi64(a[x], a[x + 5], a[x + 10], kXor3);
      c[x] = _mm512_ternarylogic_epi64(c[x], a[x + 15], a[x + 20], kXor3);
    }
    __m512i d[5];
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) {
      d[x] = _mm512_xor_si512(c[(x + 4) % 5], _mm512_rol_epi64(c[(x + 1) % 5], 1));
    }
    // rho and pi: lane (x, y), rotated by its offset, moves to (y, 2x + 3y mod 5).
    __m512i b[25];
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      const int x = i % 5;
      const int y = i / 5;
      const __m512i v = _mm512_xor_si512(a[i], d[x]);
      b[y + 5 * ((2 * x + 3 * y) % 5)] = _mm512_rolv_epi64(v, _mm512_set1_epi64(kRho[i]));
    }
    // chi on each plane, then iota.
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      const int x = i % 5;
      const int row = i - x;
      a[i] = _mm512_ternarylogic_epi64(b[i], b[row + (x + 1) % 5], b[row + (x + 2) % 5], kChi);
    }
    a[0] = _mm512_xor_si512(
        a[0], _mm512_set1_epi64(static_cast<long long>(commit::kKeccakRoundConstants[round])));
  }
}

#endif  // VINFER_KECCAK_X8_AVX512

}  // namespace

void keccak256_x8_ref(std::uint8_t domain,
                      const std::uint8_t* const* msgs,
                      std::size_t count,
                      std::size_t len,
                      commit::Hash* out) {
  VINFER_ASSERT(count <= 8);
  for (std::size_t k = 0; k < count; ++k) {
    commit::Keccak256 h;
    h.update_byte(domain);
    h.update({msgs[k], len});
    out[k] = h.finalize();
  }
}

void keccak256_columns_x8_ref(std::uint8_t domain,
                              const Fp* base,
                              std::size_t stride,
                              std::size_t rows,
                              commit::Hash* out) {
  std::vector<std::uint8_t> col(8 * rows);
  for (std::size_t k = 0; k < 8; ++k) {
    for (std::size_t i = 0; i < rows; ++i) {
      const std::uint64_t v = base[i * stride + k].value();
      for (int b = 0; b < 8; ++b) {
        col[8 * i + b] = static_cast<std::uint8_t>(v >> (8 * b));
      }
    }
    commit::Keccak256 h;
    h.update_byte(domain);
    h.update(col);
    out[k] = h.finalize();
  }
}

#ifdef VINFER_KECCAK_X8_AVX512

__attribute__((target("avx512f"))) void keccak256_columns_x8__avx512(std::uint8_t domain,
                                                                     const Fp* base,
                                                                     std::size_t stride,
                                                                     std::size_t rows,
                                                                     commit::Hash* out) {
  static_assert(std::endian::native == std::endian::little);
  // The preimage domain || e_0 || .. || e_(rows-1) (e_i = row i's word, 8 bytes) has
  // L = 8 rows + 1 bytes; its sponge lane g (bytes 8g .. 8g+7) is
  //   g = 0:         domain | e_0 << 8
  //   0 < g < rows:  e_(g-1) >> 56 | e_g << 8
  //   g = rows:      e_(rows-1) >> 56 | 0x01 << 8     (the first pad byte, at byte L)
  //   g > rows:      0
  // and the last lane of the last block also gets the final pad bit 0x80 << 56.
  const std::size_t len = 8 * rows + 1;
  const std::size_t blocks = len / kRate + 1;
  const std::size_t last_lane = blocks * kRateLanes - 1;
  __m512i a[25];
  for (__m512i& v : a) {
    v = _mm512_setzero_si512();
  }
  __m512i prev = _mm512_set1_epi64(static_cast<long long>(domain) << 56);  // "e_(-1)"
  std::size_t g = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t w = 0; w < kRateLanes; ++w, ++g) {
      __m512i lane;
      if (g < rows) {
        const __m512i cur = _mm512_loadu_si512(base + g * stride);
        lane = _mm512_or_si512(_mm512_srli_epi64(prev, 56), _mm512_slli_epi64(cur, 8));
        prev = cur;
      } else if (g == rows) {
        lane = _mm512_or_si512(_mm512_srli_epi64(prev, 56), _mm512_set1_epi64(0x01 << 8));
      } else {
        lane = _mm512_setzero_si512();
      }
      if (g == last_lane) {
        lane = _mm512_or_si512(lane, _mm512_set1_epi64(static_cast<long long>(0x80ULL << 56)));
      }
      a[w] = _mm512_xor_si512(a[w], lane);
    }
    keccak_f1600_x8(a);
  }
  alignas(64) std::uint64_t digest[4][8];
  for (std::size_t w = 0; w < 4; ++w) {
    _mm512_store_si512(reinterpret_cast<__m512i*>(digest[w]), a[w]);
  }
  for (std::size_t k = 0; k < 8; ++k) {
    for (std::size_t w = 0; w < 4; ++w) {
      std::memcpy(out[k].data() + 8 * w, &digest[w][k], 8);
    }
  }
}

__attribute__((target("avx512f"))) void keccak256_x8__avx512(std::uint8_t domain,
                                                             const std::uint8_t* const* msgs,
                                                             std::size_t count,
                                                             std::size_t len,
                                                             commit::Hash* out) {
  static_assert(std::endian::native == std::endian::little);
  VINFER_ASSERT(count >= 1 && count <= 8);
  const std::size_t blocks = (len + 1) / kRate + 1;
  alignas(64) std::uint64_t stage[8][kRateLanes];
  __m512i a[25];
  for (__m512i& v : a) {
    v = _mm512_setzero_si512();
  }
  // Lane w of message k sits at stage[k][w]: gather with stride kRateLanes words.
  const __m512i idx =
      _mm512_set_epi64(7 * kRateLanes, 6 * kRateLanes, 5 * kRateLanes, 4 * kRateLanes,
                       3 * kRateLanes, 2 * kRateLanes, kRateLanes, 0);
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t k = 0; k < 8; ++k) {
      // Missing messages repeat message 0; their digests are dropped.
      const std::uint8_t* msg = msgs[k < count ? k : 0];
      preimage_block(domain, msg, len, b, blocks, reinterpret_cast<std::uint8_t*>(stage[k]));
    }
    for (std::size_t w = 0; w < kRateLanes; ++w) {
      const __m512i lane = _mm512_i64gather_epi64(idx, &stage[0][w], 8);
      a[w] = _mm512_xor_si512(a[w], lane);
    }
    keccak_f1600_x8(a);
  }
  alignas(64) std::uint64_t digest[4][8];
  for (std::size_t w = 0; w < 4; ++w) {
    _mm512_store_si512(reinterpret_cast<__m512i*>(digest[w]), a[w]);
  }
  for (std::size_t k = 0; k < count; ++k) {
    for (std::size_t w = 0; w < 4; ++w) {
      std::memcpy(out[k].data() + 8 * w, &digest[w][k], 8);
    }
  }
}

KeccakColumnsX8Fn keccak256_columns_x8_best() {
  return tensor::active_isa() == tensor::Isa::avx512 ? &keccak256_columns_x8__avx512
                                                     : &keccak256_columns_x8_ref;
}

KeccakX8Fn keccak256_x8_best() {
  // The project's run-time choice (VINFER_ISA can force a lower family); avx512 implies F.
  return tensor::active_isa() == tensor::Isa::avx512 ? &keccak256_x8__avx512 : &keccak256_x8_ref;
}

#else

void keccak256_x8__avx512(std::uint8_t domain,
                          const std::uint8_t* const* msgs,
                          std::size_t count,
                          std::size_t len,
                          commit::Hash* out) {
  keccak256_x8_ref(domain, msgs, count, len, out);  // not built: same digests, scalar
}

void keccak256_columns_x8__avx512(std::uint8_t domain,
                                  const Fp* base,
                                  std::size_t stride,
                                  std::size_t rows,
                                  commit::Hash* out) {
  keccak256_columns_x8_ref(domain, base, stride, rows, out);  // not built: same digests
}

KeccakColumnsX8Fn keccak256_columns_x8_best() {
  return &keccak256_columns_x8_ref;
}

KeccakX8Fn keccak256_x8_best() {
  return &keccak256_x8_ref;
}

#endif

}  // namespace vinfer::proof::detail
