// Eight-way Keccak-256 of matrix columns for the polynomial commitment (keccak_x8.hpp), on
// commit's eight-way Keccak-f[1600] (vinfer/commit/keccak_x8.hpp).
#include "proof/keccak_x8.hpp"

#include <bit>
#include <cstring>
#include <vector>

#include "vinfer/commit/keccak_x8.hpp"
#include "vinfer/tensor/isa.hpp"

#if VINFER_HAVE_X86_SIMD
#include <immintrin.h>
#define VINFER_KECCAK_X8_AVX512 1
#endif

namespace vinfer::proof::detail {
namespace {

constexpr std::size_t kRate = commit::Keccak256::kRateBytes;  // 136 bytes = 17 lanes
constexpr std::size_t kRateLanes = kRate / 8;

}  // namespace

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
  commit::KeccakX8State s;
  std::memset(&s, 0, sizeof s);
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
      _mm512_store_si512(s.lane[w], _mm512_xor_si512(_mm512_load_si512(s.lane[w]), lane));
    }
    commit::keccak_f1600_x8__avx512(s);
  }
  for (std::size_t k = 0; k < 8; ++k) {
    for (std::size_t w = 0; w < 4; ++w) {
      std::memcpy(out[k].data() + 8 * w, &s.lane[w][k], 8);
    }
  }
}

KeccakColumnsX8Fn keccak256_columns_x8_best() {
  return tensor::active_isa() == tensor::Isa::avx512 ? &keccak256_columns_x8__avx512
                                                     : &keccak256_columns_x8_ref;
}

#else

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

#endif

}  // namespace vinfer::proof::detail
