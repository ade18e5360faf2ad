// int8 x int8 -> int32 matrix-vector product, the core of the canonical engine.
//
//   y[r] = sum_k W[r*K + k] * x[k]      for r in [0, rows)
//
// W is row-major rows x K. The sums are exact integers, so every kernel below,
// at any thread count, returns the same bits as gemv_s8s8_s32_ref (DESIGN.md §3).
//
// Preconditions (the same for every kernel of this header and gemm.hpp):
//   * every weight and every x element lies in [-127, 127] (symmetric int8);
//     -128 is excluded because the SIMD kernels negate operands;
//   * K <= kMaxDotK, so that K * 127 * 127 < 2^31 and no int32 sum can overflow.
// The dispatchers assert the K bound and the range of x. They do not scan W on
// every call (that would double the memory traffic): the model loader checks the
// weights once with is_symmetric_s8().
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinfer/tensor/isa.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::tensor {

/// Largest K for which K * 127 * 127 < 2^31: no int32 dot product can overflow.
inline constexpr std::size_t kMaxDotK = 2147483647u / (127u * 127u);  // 133144

/// True when every one of the n values is in [-127, 127].
bool is_symmetric_s8(const std::int8_t* p, std::size_t n);

/// Scalar reference: one int32 sum per row, k in increasing order.
void gemv_s8s8_s32_ref(const std::int8_t* W,
                       std::size_t rows,
                       std::size_t K,
                       const std::int8_t* x,
                       std::int32_t* y);

#if VINFER_HAVE_X86_SIMD
/// AVX2: vpmaddubsw + vpmaddwd, four rows per pass over x. Needs Isa::avx2.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void gemv_s8s8_s32__avx2(const std::int8_t* W,
                         std::size_t rows,
                         std::size_t K,
                         const std::int8_t* x,
                         std::int32_t* y);

/// AVX-512 VNNI: vpdpbusd on 64-byte lanes, four rows per pass. Needs Isa::avx512.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void gemv_s8s8_s32__avx512vnni(const std::int8_t* W,
                               std::size_t rows,
                               std::size_t K,
                               const std::int8_t* x,
                               std::int32_t* y);
#endif

/// Dispatcher: runs active_isa()'s kernel, with rows split across `pool` when
/// one is given and the product is large enough to pay for the hand-off.
/// The result does not depend on the ISA or on the pool.
void gemv_s8s8_s32(const std::int8_t* W,
                   std::size_t rows,
                   std::size_t K,
                   const std::int8_t* x,
                   std::int32_t* y,
                   ThreadPool* pool = nullptr);

}  // namespace vinfer::tensor
