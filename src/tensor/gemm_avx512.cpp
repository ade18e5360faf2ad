// AVX-512 VNNI int8 GEMM: the GEMV row block run over every input vector, so a block
// of four weight rows is loaded from memory once and then hit in L1 n times.
#include "vinfer/tensor/gemm.hpp"

#if VINFER_HAVE_X86_SIMD

#include "tensor/dot_s8_avx512.hpp"

namespace vinfer::tensor {

VINFER_TARGET_AVX512 void gemm_s8s8_s32__avx512vnni(const std::int8_t* W,
                                                    std::size_t rows,
                                                    std::size_t K,
                                                    const std::int8_t* X,
                                                    std::size_t n,
                                                    std::int32_t* Y,
                                                    std::size_t ldy) {
  std::size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    for (std::size_t i = 0; i < n; ++i) {
      detail::dot_rows_s8_avx512<4>(W + r * K, K, X + i * K, Y + i * ldy + r);
    }
  }
  for (; r < rows; ++r) {
    for (std::size_t i = 0; i < n; ++i) {
      detail::dot_rows_s8_avx512<1>(W + r * K, K, X + i * K, Y + i * ldy + r);
    }
  }
}

}  // namespace vinfer::tensor

#endif  // VINFER_HAVE_X86_SIMD
