// Internal to src/tensor: the AVX-512 VNNI int8 dot-product block shared by GEMV and GEMM.
//
// vpdpbusd multiplies unsigned bytes by signed bytes, adds each group of four
// products and accumulates into int32 lanes without saturation (vpdpbusds is
// the saturating form; we do not use it). x is signed, so we feed |x| (in
// [0, 127], a valid unsigned byte) and sign(x) * w (in [-127, 127]: w != -128,
// so the negation cannot wrap); the products are exactly x * w. Each lane holds
// a partial sum of one row, bounded by K * 127 * 127 < 2^31, and integer
// addition is associative, so the result equals the scalar reference bit for bit.
// AVX-512 has no vpsignb; a masked subtract from zero negates w where x < 0.
#pragma once

#include "vinfer/tensor/isa.hpp"

#if VINFER_HAVE_X86_SIMD

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#define VINFER_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

// GCC 12 reports -Wmaybe-uninitialized inside its own _mm512_reduce_* (the
// _mm*_undefined_* placeholders, GCC PR 105593) when they are inlined into a
// target-attributed function; the warning is spurious.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace vinfer::tensor::detail {

/// out[i] = sum_k w[i*K + k] * x[k] for i in [0, R): R rows share each load of x.
/// When `next` is given (R rows of K bytes, like w: a later block of the same GEMV),
/// its lines are prefetched while w is read: a block of short rows is several
/// interleaved streams that the hardware prefetcher ramps up on too late, so the
/// GEMV asks for the rows it will need a few blocks on itself. A
/// prefetch only moves data into the cache; it cannot change a result.
template <int R>
VINFER_TARGET_AVX512 inline void dot_rows_s8_avx512(const std::int8_t* w,
                                                    std::size_t K,
                                                    const std::int8_t* x,
                                                    std::int32_t* out,
                                                    const std::int8_t* next = nullptr) {
  __m512i acc[R];
  for (int i = 0; i < R; ++i) {
    acc[i] = _mm512_setzero_si512();
  }
  const __m512i zero = _mm512_setzero_si512();
  std::size_t k = 0;
  for (; k + 64 <= K; k += 64) {
    const __m512i xv = _mm512_loadu_si512(x + k);
    const __mmask64 neg = _mm512_movepi8_mask(xv);
    const __m512i xa = _mm512_abs_epi8(xv);
    if (next != nullptr) {
      for (int i = 0; i < R; ++i) {
        _mm_prefetch(reinterpret_cast<const char*>(next + i * K + k), _MM_HINT_T0);
      }
    }
    for (int i = 0; i < R; ++i) {
      const __m512i wv = _mm512_loadu_si512(w + i * K + k);
      acc[i] = _mm512_dpbusd_epi32(acc[i], xa, _mm512_mask_sub_epi8(wv, neg, zero, wv));
    }
  }
  if (k < K) {
    // Masked loads read only the K - k remaining bytes (no fault past the end);
    // the other lanes are zero and add nothing.
    const __mmask64 tail = (~__mmask64{0}) >> (64 - (K - k));
    const __m512i xv = _mm512_maskz_loadu_epi8(tail, x + k);
    const __mmask64 neg = _mm512_movepi8_mask(xv);
    const __m512i xa = _mm512_abs_epi8(xv);
    for (int i = 0; i < R; ++i) {
      const __m512i wv = _mm512_maskz_loadu_epi8(tail, w + i * K + k);
      acc[i] = _mm512_dpbusd_epi32(acc[i], xa, _mm512_mask_sub_epi8(wv, neg, zero, wv));
    }
  }
  for (int i = 0; i < R; ++i) {
    out[i] = _mm512_reduce_add_epi32(acc[i]);
  }
}

}  // namespace vinfer::tensor::detail

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif  // VINFER_HAVE_X86_SIMD
