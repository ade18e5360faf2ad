// Eight-way Keccak-256 (keccak_x8.hpp). The permutation is Keccak-f[1600] as in "The Keccak
// reference" v3.0 §1.2 (theta, rho, pi, chi, iota on lanes (x, y) at index x + 5y), applied
// to eight states at once: register i holds lane i of every state, so each step is one
// AVX-512 instruction for all eight (chi and the five-way parities are single vpternlogq).
#include "vinfer/commit/keccak_x8.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#include "vinfer/assert.hpp"
#include "vinfer/tensor/isa.hpp"

#if VINFER_HAVE_X86_SIMD
#include <immintrin.h>
#define VINFER_KECCAK_X8_AVX512 1
#endif

namespace vinfer::commit {
namespace {

constexpr std::size_t kRate = Keccak256::kRateBytes;  // 136 bytes = 17 lanes
constexpr std::size_t kRateLanes = kRate / 8;

#ifdef VINFER_KECCAK_X8_AVX512

// Block b (kRate bytes) of the padded preimage domain || msg[0 .. len) into dst: the
// original Keccak padding (first pad byte 0x01, last byte of the last block |= 0x80), as
// Keccak256::finalize. `blocks` = (len + 1) / kRate + 1 absorbed blocks in all.
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

// vpternlogq truth tables: bit (a << 2 | b << 1 | c) of the immediate is f(a, b, c).
constexpr int kXor3 = 0x96;  // a ^ b ^ c
constexpr int kChi = 0xD2;   // a ^ (~b & c)

template <int R>
__attribute__((target("avx512f"), always_inline)) inline __m512i rotl(__m512i v) {
  if constexpr (R == 0) {
    return v;
  } else {
    return _mm512_rol_epi64(v, R);
  }
}

// Output plane Y of rho, pi and chi, as keccak.cpp's VINFER_KECCAK_PLANE: lane I_j (theta
// already applied) rotated by R_j is b_j, and e[5Y + j] = b_j ^ (~b_(j+1) & b_(j+2)).
template <int Y, int I0, int R0, int I1, int R1, int I2, int R2, int I3, int R3, int I4, int R4>
__attribute__((target("avx512f"), always_inline)) inline void plane(const __m512i (&a)[25],
                                                                    __m512i (&e)[25]) {
  const __m512i b0 = rotl<R0>(a[I0]);
  const __m512i b1 = rotl<R1>(a[I1]);
  const __m512i b2 = rotl<R2>(a[I2]);
  const __m512i b3 = rotl<R3>(a[I3]);
  const __m512i b4 = rotl<R4>(a[I4]);
  e[5 * Y + 0] = _mm512_ternarylogic_epi64(b0, b1, b2, kChi);
  e[5 * Y + 1] = _mm512_ternarylogic_epi64(b1, b2, b3, kChi);
  e[5 * Y + 2] = _mm512_ternarylogic_epi64(b2, b3, b4, kChi);
  e[5 * Y + 3] = _mm512_ternarylogic_epi64(b3, b4, b0, kChi);
  e[5 * Y + 4] = _mm512_ternarylogic_epi64(b4, b0, b1, kChi);
}

// One round a -> e: theta's column parities c[x] and d[x] = c[x - 1] ^ rotl(c[x + 1], 1)
// xored into a in place (so d is dead before the planes: 25 lanes, five b's and the e's
// written so far fit in the 32 registers), then the five planes (the rho offsets and pi
// sources of keccak.cpp), then iota.
__attribute__((target("avx512f"), always_inline)) inline void round(__m512i (&a)[25],
                                                                    __m512i (&e)[25],
                                                                    std::uint64_t rc) {
  __m512i c[5];
#pragma GCC unroll 5
  for (int x = 0; x < 5; ++x) {
    c[x] = _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(a[x], a[x + 5], a[x + 10], kXor3),
                                     a[x + 15], a[x + 20], kXor3);
  }
#pragma GCC unroll 5
  for (int x = 0; x < 5; ++x) {
    const __m512i d = _mm512_xor_si512(c[(x + 4) % 5], rotl<1>(c[(x + 1) % 5]));
#pragma GCC unroll 5
    for (int y = 0; y < 25; y += 5) {
      a[x + y] = _mm512_xor_si512(a[x + y], d);
    }
  }
  plane<0, 0, 0, 6, 44, 12, 43, 18, 21, 24, 14>(a, e);
  plane<1, 3, 28, 9, 20, 10, 3, 16, 45, 22, 61>(a, e);
  plane<2, 1, 1, 7, 6, 13, 25, 19, 8, 20, 18>(a, e);
  plane<3, 4, 27, 5, 36, 11, 10, 17, 15, 23, 56>(a, e);
  plane<4, 2, 62, 8, 55, 14, 39, 15, 41, 21, 2>(a, e);
  e[0] = _mm512_xor_si512(e[0], _mm512_set1_epi64(static_cast<long long>(rc)));
}

// Two rounds per iteration ping-pong between a and e, so no round copies the state.
__attribute__((target("avx512f"))) inline void permute(__m512i (&a)[25]) {
  __m512i e[25];
  for (int r = 0; r < 24; r += 2) {
    round(a, e, kKeccakRoundConstants[r]);
    round(e, a, kKeccakRoundConstants[r + 1]);
  }
}

#endif  // VINFER_KECCAK_X8_AVX512

}  // namespace

void keccak256_x8_ref(std::uint8_t domain,
                      const std::uint8_t* const* msgs,
                      std::size_t count,
                      std::size_t len,
                      Hash* out) {
  VINFER_ASSERT(count <= 8);
  for (std::size_t k = 0; k < count; ++k) {
    Keccak256 h;
    h.update_byte(domain);
    h.update({msgs[k], len});
    out[k] = h.finalize();
  }
}

#ifdef VINFER_KECCAK_X8_AVX512

__attribute__((target("avx512f"))) void keccak_f1600_x8__avx512(KeccakX8State& s) {
  __m512i a[25];
  for (int i = 0; i < 25; ++i) {
    a[i] = _mm512_load_si512(s.lane[i]);
  }
  permute(a);
  for (int i = 0; i < 25; ++i) {
    _mm512_store_si512(s.lane[i], a[i]);
  }
}

namespace {

// Words g0 .. g0 + 7 of eight messages of `words` words, transposed: out[j] holds word
// g0 + j of every message. Words past the end read as zero; masked loads touch nothing there.
__attribute__((target("avx512f"))) inline void load_words_x8(const std::uint8_t* const (&m)[8],
                                                             std::size_t g0,
                                                             std::size_t words,
                                                             __m512i (&out)[8]) {
  const std::size_t left = words - g0;
  const auto mask = static_cast<__mmask8>(left >= 8 ? 0xFF : (1u << left) - 1);
  __m512i r[8];
  for (int k = 0; k < 8; ++k) {
    r[k] = _mm512_maskz_loadu_epi64(mask, m[k] + 8 * g0);
  }
  // 8 x 8 transpose of 64-bit words: pairs of rows, then pairs of 128-bit lanes, twice.
  const __m512i t0 = _mm512_unpacklo_epi64(r[0], r[1]), t1 = _mm512_unpackhi_epi64(r[0], r[1]);
  const __m512i t2 = _mm512_unpacklo_epi64(r[2], r[3]), t3 = _mm512_unpackhi_epi64(r[2], r[3]);
  const __m512i t4 = _mm512_unpacklo_epi64(r[4], r[5]), t5 = _mm512_unpackhi_epi64(r[4], r[5]);
  const __m512i t6 = _mm512_unpacklo_epi64(r[6], r[7]), t7 = _mm512_unpackhi_epi64(r[6], r[7]);
  const __m512i u0 = _mm512_shuffle_i64x2(t0, t2, 0x88), u1 = _mm512_shuffle_i64x2(t0, t2, 0xDD);
  const __m512i u2 = _mm512_shuffle_i64x2(t1, t3, 0x88), u3 = _mm512_shuffle_i64x2(t1, t3, 0xDD);
  const __m512i u4 = _mm512_shuffle_i64x2(t4, t6, 0x88), u5 = _mm512_shuffle_i64x2(t4, t6, 0xDD);
  const __m512i u6 = _mm512_shuffle_i64x2(t5, t7, 0x88), u7 = _mm512_shuffle_i64x2(t5, t7, 0xDD);
  out[0] = _mm512_shuffle_i64x2(u0, u4, 0x88);
  out[4] = _mm512_shuffle_i64x2(u0, u4, 0xDD);
  out[2] = _mm512_shuffle_i64x2(u1, u5, 0x88);
  out[6] = _mm512_shuffle_i64x2(u1, u5, 0xDD);
  out[1] = _mm512_shuffle_i64x2(u2, u6, 0x88);
  out[5] = _mm512_shuffle_i64x2(u2, u6, 0xDD);
  out[3] = _mm512_shuffle_i64x2(u3, u7, 0x88);
  out[7] = _mm512_shuffle_i64x2(u3, u7, 0xDD);
}

// Messages of whole 8-byte words, read in place eight words at a time and transposed. With
// W = len / 8 words w_i of message k, the preimage domain || w_0 || .. || w_(W-1) has lane g
// (bytes 8g .. 8g+7) equal to
//   g = 0:      domain | w_0 << 8                  (W > 0)
//   0 < g < W:  w_(g-1) >> 56 | w_g << 8
//   g = W:      w_(W-1) >> 56 | 0x01 << 8          (the first pad byte, at byte len + 1)
//   g > W:      0
// and the last lane of the last block also gets the final pad bit 0x80 << 56.
__attribute__((target("avx512f"))) void absorb_words_x8(std::uint8_t domain,
                                                        const std::uint8_t* const* msgs,
                                                        std::size_t count,
                                                        std::size_t len,
                                                        __m512i (&a)[25]) {
  const std::size_t words = len / 8;
  const std::size_t blocks = (len + 1) / kRate + 1;
  const std::size_t last_lane = blocks * kRateLanes - 1;
  const std::uint8_t* m[8];
  for (std::size_t k = 0; k < 8; ++k) {
    m[k] = msgs[k < count ? k : 0];  // missing messages repeat message 0
  }
  __m512i cur[8];
  __m512i prev = _mm512_set1_epi64(static_cast<long long>(domain) << 56);  // "w_(-1)"
  std::size_t g = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t w = 0; w < kRateLanes; ++w, ++g) {
      __m512i lane;
      if (g < words) {
        if (g % 8 == 0) {
          load_words_x8(m, g, words, cur);
        }
        const __m512i word = cur[g % 8];
        lane = _mm512_or_si512(_mm512_srli_epi64(prev, 56), _mm512_slli_epi64(word, 8));
        prev = word;
      } else if (g == words) {
        lane = _mm512_or_si512(_mm512_srli_epi64(prev, 56), _mm512_set1_epi64(0x01 << 8));
      } else {
        lane = _mm512_setzero_si512();
      }
      if (g == last_lane) {
        lane = _mm512_or_si512(lane, _mm512_set1_epi64(static_cast<long long>(0x80ULL << 56)));
      }
      a[w] = _mm512_xor_si512(a[w], lane);
    }
    permute(a);
  }
}

// Any length: each block of each message staged in a buffer, then one gather per lane.
__attribute__((target("avx512f"))) void absorb_staged_x8(std::uint8_t domain,
                                                         const std::uint8_t* const* msgs,
                                                         std::size_t count,
                                                         std::size_t len,
                                                         __m512i (&a)[25]) {
  const std::size_t blocks = (len + 1) / kRate + 1;
  alignas(64) std::uint64_t stage[8][kRateLanes];
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
    permute(a);
  }
}

}  // namespace

__attribute__((target("avx512f"))) void keccak256_x8__avx512(std::uint8_t domain,
                                                             const std::uint8_t* const* msgs,
                                                             std::size_t count,
                                                             std::size_t len,
                                                             Hash* out) {
  static_assert(std::endian::native == std::endian::little);
  VINFER_ASSERT(count >= 1 && count <= 8);
  __m512i a[25];
  for (__m512i& v : a) {
    v = _mm512_setzero_si512();
  }
  if (len % 8 == 0 && len > 0) {
    absorb_words_x8(domain, msgs, count, len, a);
  } else {
    absorb_staged_x8(domain, msgs, count, len, a);
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

KeccakX8Fn keccak256_x8_best() {
  // The project's run-time choice (VINFER_ISA can force a lower family); avx512 implies F.
  return tensor::active_isa() == tensor::Isa::avx512 ? &keccak256_x8__avx512 : &keccak256_x8_ref;
}

#else

void keccak_f1600_x8__avx512(KeccakX8State&) {
  VINFER_ASSERT(false && "keccak_f1600_x8__avx512: not built");  // callers check the ISA first
}

void keccak256_x8__avx512(std::uint8_t domain,
                          const std::uint8_t* const* msgs,
                          std::size_t count,
                          std::size_t len,
                          Hash* out) {
  keccak256_x8_ref(domain, msgs, count, len, out);  // not built: same digests, scalar
}

KeccakX8Fn keccak256_x8_best() {
  return &keccak256_x8_ref;
}

#endif

}  // namespace vinfer::commit
