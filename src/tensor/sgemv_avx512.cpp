// AVX-512F fp32 GEMV. NON-CANONICAL: fp32 engine only (FMA, lane-split sums).
#include "vinfer/tensor/sgemv.hpp"

#if VINFER_HAVE_X86_SIMD

#include <immintrin.h>

#define VINFER_TARGET_AVX512F __attribute__((target("avx512f")))

// GCC 12's _mm512_reduce_add_ps trips a spurious -Wmaybe-uninitialized (GCC PR
// 105593) when inlined into a target-attributed function.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace vinfer::tensor {
namespace {

// y[i] = w[i*K ...] . x for i in [0, R); two accumulators per row.
template <int R>
VINFER_TARGET_AVX512F inline void sdot_rows_avx512(const float* w,
                                                   std::size_t K,
                                                   const float* x,
                                                   float* y) {
  __m512 acc0[R];
  __m512 acc1[R];
  for (int i = 0; i < R; ++i) {
    acc0[i] = _mm512_setzero_ps();
    acc1[i] = _mm512_setzero_ps();
  }
  std::size_t k = 0;
  for (; k + 32 <= K; k += 32) {
    const __m512 x0 = _mm512_loadu_ps(x + k);
    const __m512 x1 = _mm512_loadu_ps(x + k + 16);
    for (int i = 0; i < R; ++i) {
      acc0[i] = _mm512_fmadd_ps(_mm512_loadu_ps(w + i * K + k), x0, acc0[i]);
      acc1[i] = _mm512_fmadd_ps(_mm512_loadu_ps(w + i * K + k + 16), x1, acc1[i]);
    }
  }
  for (; k < K; k += 16) {
    // Masked loads do not touch (or fault on) the lanes past K.
    const std::size_t left = K - k;
    const __mmask16 mask =
        left >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
    const __m512 xv = _mm512_maskz_loadu_ps(mask, x + k);
    for (int i = 0; i < R; ++i) {
      acc0[i] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, w + i * K + k), xv, acc0[i]);
    }
  }
  for (int i = 0; i < R; ++i) {
    y[i] = _mm512_reduce_add_ps(_mm512_add_ps(acc0[i], acc1[i]));
  }
}

}  // namespace

VINFER_TARGET_AVX512F void sgemv_f32__avx512(const float* W,
                                             std::size_t rows,
                                             std::size_t K,
                                             const float* x,
                                             float* y) {
  std::size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    sdot_rows_avx512<4>(W + r * K, K, x, y + r);
  }
  for (; r < rows; ++r) {
    sdot_rows_avx512<1>(W + r * K, K, x, y + r);
  }
}

}  // namespace vinfer::tensor

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif  // VINFER_HAVE_X86_SIMD
