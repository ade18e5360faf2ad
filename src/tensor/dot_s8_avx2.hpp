// Internal to src/tensor: the AVX2 int8 dot-product block shared by GEMV and GEMM.
//
// Why vpmaddubsw cannot saturate here. vpmaddubsw multiplies an unsigned byte
// by a signed byte and adds adjacent pairs into an int16 with saturation. We
// feed it a = |x| (in [0, 127]) and b = sign(x) * w (in [-127, 127]: w != -128,
// so the negation cannot wrap), so a*b = x*w and each pair sum is at most
// 2 * 127 * 127 = 32258 < 32767 in magnitude: never saturated, always exact.
// vpmaddwd with ones then widens pairs of those into int32 (|sum| <= 64516),
// and the int32 lanes hold partial sums of one row, bounded by K * 127 * 127
// < 2^31. Integer addition is associative, so the lane order changes nothing.
#pragma once

#include "vinfer/tensor/isa.hpp"

#if VINFER_HAVE_X86_SIMD

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#define VINFER_TARGET_AVX2 __attribute__((target("avx2")))

namespace vinfer::tensor::detail {

/// Sum of the eight int32 lanes.
VINFER_TARGET_AVX2 inline std::int32_t hsum_epi32_avx2(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

/// acc += the int32 pair-of-pairs sums of x * w over 32 bytes (see file comment).
VINFER_TARGET_AVX2 inline __m256i madd_s8_avx2(__m256i acc, __m256i x_abs, __m256i x, __m256i w) {
  const __m256i pairs = _mm256_maddubs_epi16(x_abs, _mm256_sign_epi8(w, x));
  return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

/// out[i] = sum_k w[i*K + k] * x[k] for i in [0, R): R rows share each load of x.
template <int R>
VINFER_TARGET_AVX2 inline void dot_rows_s8_avx2(const std::int8_t* w,
                                                std::size_t K,
                                                const std::int8_t* x,
                                                std::int32_t* out) {
  __m256i acc[R];
  for (int i = 0; i < R; ++i) {
    acc[i] = _mm256_setzero_si256();
  }
  std::size_t k = 0;
  for (; k + 32 <= K; k += 32) {
    const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + k));
    const __m256i xa = _mm256_abs_epi8(xv);
    for (int i = 0; i < R; ++i) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i * K + k));
      acc[i] = madd_s8_avx2(acc[i], xa, xv, wv);
    }
  }
  if (k < K) {
    if (K >= 32) {
      // Re-read the last 32 bytes of each row and zero the x lanes already
      // counted: sign(w, 0) = 0, so those lanes add nothing. No scalar tail.
      const std::size_t start = K - 32;
      const __m256i lane =
          _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                           21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
      const __m256i keep =
          _mm256_cmpgt_epi8(lane, _mm256_set1_epi8(static_cast<char>(k - start - 1)));
      const __m256i xv =
          _mm256_and_si256(keep, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + start)));
      const __m256i xa = _mm256_abs_epi8(xv);
      for (int i = 0; i < R; ++i) {
        const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i * K + start));
        acc[i] = madd_s8_avx2(acc[i], xa, xv, wv);
      }
    } else {
      // K < 32: zero-padded copies (zero x lanes add nothing).
      alignas(32) std::int8_t xb[32] = {};
      std::memcpy(xb, x, K);
      const __m256i xv = _mm256_load_si256(reinterpret_cast<const __m256i*>(xb));
      const __m256i xa = _mm256_abs_epi8(xv);
      for (int i = 0; i < R; ++i) {
        alignas(32) std::int8_t wb[32] = {};
        std::memcpy(wb, w + i * K, K);
        acc[i] =
            madd_s8_avx2(acc[i], xa, xv, _mm256_load_si256(reinterpret_cast<const __m256i*>(wb)));
      }
    }
  }
  for (int i = 0; i < R; ++i) {
    out[i] = hsum_epi32_avx2(acc[i]);
  }
}

}  // namespace vinfer::tensor::detail

#endif  // VINFER_HAVE_X86_SIMD
