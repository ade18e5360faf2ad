// sgemv_f32: picks the active ISA's fp32 kernel and splits rows. NON-CANONICAL.
#include "vinfer/tensor/sgemv.hpp"

#include "tensor/split_rows.hpp"

namespace vinfer::tensor {
namespace {

using SgemvKernel = void (*)(const float*, std::size_t, std::size_t, const float*, float*);

SgemvKernel sgemv_kernel(Isa isa) {
  switch (isa) {
#if VINFER_HAVE_X86_SIMD
    case Isa::avx512:
      return sgemv_f32__avx512;
    case Isa::avx2:
      return sgemv_f32__avx2;
#endif
    default:
      return sgemv_f32_ref;
  }
}

}  // namespace

void sgemv_f32(const float* W,
               std::size_t rows,
               std::size_t K,
               const float* x,
               float* y,
               ThreadPool* pool) {
  const SgemvKernel kernel = sgemv_kernel(active_isa());
  // A float is four bytes of weight traffic per multiply-add, so the hand-off
  // pays for itself at a quarter of the int8 threshold.
  detail::split_rows(pool, rows, 4, rows * K * 4, [&](std::size_t r0, std::size_t r1) {
    kernel(W + r0 * K, r1 - r0, K, x, y + r0);
  });
}

}  // namespace vinfer::tensor
