// gemv_s8s8_s32: checks the preconditions, picks the active ISA's kernel, splits rows.
#include "vinfer/tensor/gemv.hpp"

#include "tensor/split_rows.hpp"
#include "vinfer/assert.hpp"

namespace vinfer::tensor {
namespace {

using GemvKernel =
    void (*)(const std::int8_t*, std::size_t, std::size_t, const std::int8_t*, std::int32_t*);

GemvKernel gemv_kernel(Isa isa) {
  switch (isa) {
#if VINFER_HAVE_X86_SIMD
    case Isa::avx512:
      return gemv_s8s8_s32__avx512vnni;
    case Isa::avx2:
      return gemv_s8s8_s32__avx2;
#endif
    default:
      return gemv_s8s8_s32_ref;
  }
}

}  // namespace

void gemv_s8s8_s32(const std::int8_t* W,
                   std::size_t rows,
                   std::size_t K,
                   const std::int8_t* x,
                   std::int32_t* y,
                   ThreadPool* pool) {
  VINFER_ASSERT(K <= kMaxDotK);
  VINFER_ASSERT(is_symmetric_s8(x, K));
  const GemvKernel kernel = gemv_kernel(active_isa());
  detail::split_rows(pool, rows, 4, rows * K, [&](std::size_t r0, std::size_t r1) {
    kernel(W + r0 * K, r1 - r0, K, x, y + r0);
  });
}

}  // namespace vinfer::tensor
