// Scalar reference GEMV: the twin every SIMD GEMV is tested against with zero
// tolerance, written for reading, not speed.
#include "vinfer/tensor/gemv.hpp"

namespace vinfer::tensor {
namespace {

std::int32_t dot_s8s8_s32(const std::int8_t* a, const std::int8_t* b, std::size_t K) {
  std::int32_t sum = 0;
  for (std::size_t k = 0; k < K; ++k) {
    // Each product fits in int16 and the sum in int32 (K <= kMaxDotK).
    sum += static_cast<std::int32_t>(a[k]) * static_cast<std::int32_t>(b[k]);
  }
  return sum;
}

}  // namespace

bool is_symmetric_s8(const std::int8_t* p, std::size_t n) {
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) {
    ok &= p[i] != INT8_MIN;  // no early exit: the loop vectorizes
  }
  return ok;
}

void gemv_s8s8_s32_ref(const std::int8_t* W,
                       std::size_t rows,
                       std::size_t K,
                       const std::int8_t* x,
                       std::int32_t* y) {
  for (std::size_t r = 0; r < rows; ++r) {
    y[r] = dot_s8s8_s32(W + r * K, x, K);
  }
}

}  // namespace vinfer::tensor
