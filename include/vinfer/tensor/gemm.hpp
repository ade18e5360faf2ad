// int8 x int8 -> int32 matrix-matrix product: n input vectors against one weight matrix.
//
//   Y[i*ldy + r] = sum_k X[i*K + k] * W[r*K + k]    for i in [0, n), r in [0, rows)
//
// That is Y = X * W^T with W row-major rows x K (the GEMV layout) and X row-major
// n x K. Same preconditions and the same exactness promise as gemv.hpp: every
// kernel and thread count returns the bits of gemm_s8s8_s32_ref, and row i of Y
// equals gemv_s8s8_s32(W, rows, K, X + i*K).
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinfer/tensor/isa.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::tensor {

/// Scalar reference. ldy >= rows is the distance between rows of Y, so a caller
/// (the dispatcher) can compute a column slice of Y.
void gemm_s8s8_s32_ref(const std::int8_t* W,
                       std::size_t rows,
                       std::size_t K,
                       const std::int8_t* X,
                       std::size_t n,
                       std::int32_t* Y,
                       std::size_t ldy);

#if VINFER_HAVE_X86_SIMD
/// AVX2: blocks of four weight rows stay in L1 while every x streams past them.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void gemm_s8s8_s32__avx2(const std::int8_t* W,
                         std::size_t rows,
                         std::size_t K,
                         const std::int8_t* X,
                         std::size_t n,
                         std::int32_t* Y,
                         std::size_t ldy);

/// AVX-512 VNNI: as the AVX2 kernel, with vpdpbusd. Needs Isa::avx512.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void gemm_s8s8_s32__avx512vnni(const std::int8_t* W,
                               std::size_t rows,
                               std::size_t K,
                               const std::int8_t* X,
                               std::size_t n,
                               std::int32_t* Y,
                               std::size_t ldy);
#endif

/// Dispatcher: Y (n x rows, row-major) = X * W^T with active_isa()'s kernel, the
/// weight rows split across `pool`. Asserts the K bound and the range of X.
void gemm_s8s8_s32(const std::int8_t* W,
                   std::size_t rows,
                   std::size_t K,
                   const std::int8_t* X,
                   std::size_t n,
                   std::int32_t* Y,
                   ThreadPool* pool = nullptr);

}  // namespace vinfer::tensor
