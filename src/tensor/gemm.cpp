// gemm_s8s8_s32: checks the preconditions, picks the active ISA's kernel, splits weight rows.
#include "vinfer/tensor/gemm.hpp"

#include "tensor/split_rows.hpp"
#include "vinfer/assert.hpp"
#include "vinfer/tensor/gemv.hpp"

namespace vinfer::tensor {
namespace {

using GemmKernel = void (*)(const std::int8_t*,
                            std::size_t,
                            std::size_t,
                            const std::int8_t*,
                            std::size_t,
                            std::int32_t*,
                            std::size_t);

GemmKernel gemm_kernel(Isa isa) {
  switch (isa) {
#if VINFER_HAVE_X86_SIMD
    case Isa::avx512:
      return gemm_s8s8_s32__avx512vnni;
    case Isa::avx2:
      return gemm_s8s8_s32__avx2;
#endif
    default:
      return gemm_s8s8_s32_ref;
  }
}

}  // namespace

void gemm_s8s8_s32(const std::int8_t* W,
                   std::size_t rows,
                   std::size_t K,
                   const std::int8_t* X,
                   std::size_t n,
                   std::int32_t* Y,
                   ThreadPool* pool) {
  VINFER_ASSERT(K <= kMaxDotK);
  VINFER_ASSERT(is_symmetric_s8(X, n * K));
  const GemmKernel kernel = gemm_kernel(active_isa());
  // Each thread owns a slice of weight rows, i.e. a column slice of Y; writing
  // it with stride `rows` keeps every element computed whole by one thread.
  detail::split_rows(pool, rows, 4, rows * K * n, [&](std::size_t r0, std::size_t r1) {
    kernel(W + r0 * K, r1 - r0, K, X, n, Y + r0, rows);
  });
}

}  // namespace vinfer::tensor
