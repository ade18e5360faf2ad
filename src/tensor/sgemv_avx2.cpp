// AVX2 + FMA fp32 GEMV. NON-CANONICAL: fp32 engine only. FMA is allowed here
// and nowhere else; the build's -ffp-contract=off does not apply to explicit
// _mm256_fmadd_ps.
#include "vinfer/tensor/sgemv.hpp"

#if VINFER_HAVE_X86_SIMD

#include <immintrin.h>

#define VINFER_TARGET_AVX2_FMA __attribute__((target("avx2,fma")))

namespace vinfer::tensor {
namespace {

VINFER_TARGET_AVX2_FMA inline float hsum_ps_avx2(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// y[i] = w[i*K ...] . x for i in [0, R). Two accumulators per row, so four rows
// keep eight FMA chains in flight (FMA latency 4, two ports).
template <int R>
VINFER_TARGET_AVX2_FMA inline void sdot_rows_avx2(const float* w,
                                                  std::size_t K,
                                                  const float* x,
                                                  float* y) {
  __m256 acc0[R];
  __m256 acc1[R];
  for (int i = 0; i < R; ++i) {
    acc0[i] = _mm256_setzero_ps();
    acc1[i] = _mm256_setzero_ps();
  }
  std::size_t k = 0;
  for (; k + 16 <= K; k += 16) {
    const __m256 x0 = _mm256_loadu_ps(x + k);
    const __m256 x1 = _mm256_loadu_ps(x + k + 8);
    for (int i = 0; i < R; ++i) {
      acc0[i] = _mm256_fmadd_ps(_mm256_loadu_ps(w + i * K + k), x0, acc0[i]);
      acc1[i] = _mm256_fmadd_ps(_mm256_loadu_ps(w + i * K + k + 8), x1, acc1[i]);
    }
  }
  for (; k < K; k += 8) {
    // vmaskmovps does not touch (or fault on) the masked-off lanes.
    const int left = static_cast<int>(K - k);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(left), lane);
    const __m256 xv = _mm256_maskload_ps(x + k, mask);
    for (int i = 0; i < R; ++i) {
      acc0[i] = _mm256_fmadd_ps(_mm256_maskload_ps(w + i * K + k, mask), xv, acc0[i]);
    }
  }
  for (int i = 0; i < R; ++i) {
    y[i] = hsum_ps_avx2(_mm256_add_ps(acc0[i], acc1[i]));
  }
}

}  // namespace

VINFER_TARGET_AVX2_FMA void sgemv_f32__avx2(const float* W,
                                            std::size_t rows,
                                            std::size_t K,
                                            const float* x,
                                            float* y) {
  std::size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    sdot_rows_avx2<4>(W + r * K, K, x, y + r);
  }
  for (; r < rows; ++r) {
    sdot_rows_avx2<1>(W + r * K, K, x, y + r);
  }
}

}  // namespace vinfer::tensor

#endif  // VINFER_HAVE_X86_SIMD
