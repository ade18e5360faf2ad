// Scalar fp32 GEMV. NON-CANONICAL: fp32 engine only.
#include "vinfer/tensor/sgemv.hpp"

namespace vinfer::tensor {

void sgemv_f32_ref(const float* W, std::size_t rows, std::size_t K, const float* x, float* y) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* w = W + r * K;
    float sum = 0.0f;
    for (std::size_t k = 0; k < K; ++k) {
      sum += w[k] * x[k];
    }
    y[r] = sum;
  }
}

}  // namespace vinfer::tensor
