// Scalar reference GEMM: one reference GEMV per input vector.
#include "vinfer/tensor/gemm.hpp"

#include "vinfer/tensor/gemv.hpp"

namespace vinfer::tensor {

void gemm_s8s8_s32_ref(const std::int8_t* W,
                       std::size_t rows,
                       std::size_t K,
                       const std::int8_t* X,
                       std::size_t n,
                       std::int32_t* Y,
                       std::size_t ldy) {
  for (std::size_t i = 0; i < n; ++i) {
    gemv_s8s8_s32_ref(W, rows, K, X + i * K, Y + i * ldy);
  }
}

}  // namespace vinfer::tensor
