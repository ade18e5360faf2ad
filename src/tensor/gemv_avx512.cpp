// AVX-512 VNNI int8 GEMV: four rows per pass over x (the x loads, |x| and the
// sign mask are shared). The exactness argument is in dot_s8_avx512.hpp.
#include "vinfer/tensor/gemv.hpp"

#if VINFER_HAVE_X86_SIMD

#include "tensor/dot_s8_avx512.hpp"

namespace vinfer::tensor {

VINFER_TARGET_AVX512 void gemv_s8s8_s32__avx512vnni(const std::int8_t* W,
                                                    std::size_t rows,
                                                    std::size_t K,
                                                    const std::int8_t* x,
                                                    std::int32_t* y) {
  // Blocks of four rows; each prefetches the block kAhead blocks on (bytes only this
  // call reads), so the memory system always has the next rows in flight.
  constexpr std::size_t kAhead = 6;
  std::size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const std::int8_t* next = r + 4 * (kAhead + 1) <= rows ? W + (r + 4 * kAhead) * K : nullptr;
    detail::dot_rows_s8_avx512<4>(W + r * K, K, x, y + r, next);
  }
  for (; r < rows; ++r) {
    detail::dot_rows_s8_avx512<1>(W + r * K, K, x, y + r);
  }
}

}  // namespace vinfer::tensor

#endif  // VINFER_HAVE_X86_SIMD
