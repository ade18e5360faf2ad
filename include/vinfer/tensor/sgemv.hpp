// fp32 matrix-vector product for the fp32 engine. NON-CANONICAL.
//
//   y[r] ~= sum_k W[r*K + k] * x[k]      for r in [0, rows)
//
// The fp32 engine is the realistic baseline the int8 engine is compared with
// (DESIGN.md §3). Its kernels use FMA and vector-lane partial sums, so results
// differ between ISAs in the last bits (each is within a few ulps * K of the
// exact sum). Nothing on the canonical, bit-exact path may call these.
#pragma once

#include <cstddef>

#include "vinfer/tensor/isa.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::tensor {

/// Scalar, one float sum per row in increasing k. Non-canonical.
void sgemv_f32_ref(const float* W, std::size_t rows, std::size_t K, const float* x, float* y);

#if VINFER_HAVE_X86_SIMD
/// AVX2 + FMA, four rows per pass. Non-canonical (FMA, lane-split sums).
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void sgemv_f32__avx2(const float* W, std::size_t rows, std::size_t K, const float* x, float* y);

/// AVX-512F, four rows per pass. Non-canonical (FMA, lane-split sums).
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void sgemv_f32__avx512(const float* W, std::size_t rows, std::size_t K, const float* x, float* y);
#endif

/// Dispatcher: active_isa()'s kernel, rows split across `pool`. Non-canonical:
/// the bits depend on the ISA (not on the pool: each row is summed by one thread).
void sgemv_f32(const float* W,
               std::size_t rows,
               std::size_t K,
               const float* x,
               float* y,
               ThreadPool* pool = nullptr);

}  // namespace vinfer::tensor
