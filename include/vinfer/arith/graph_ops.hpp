// Reference integer operators of graph models (ONNX MLP / CNN): THE definition of the
// gemm, conv, requant, rescale, relu, maxpool, avgpool and qadd steps (docs/arithmetic.md
// §Graph operators). Each function computes one output element from the operands that
// element depends on. The graph engine must match these with zero tolerance.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinfer/arith/requant.hpp"

namespace vinfer::arith {

/// Largest |bias| + k * 127 * 127 a gemm / conv accumulator may reach: int32 cannot overflow.
inline constexpr int64_t kAccMax = (int64_t{1} << 31) - 1;

/// Geometry of one 2-D window over a (C, H, W) int8 tensor (conv, maxpool, avgpool).
struct Window2d {
  uint32_t c = 0, h = 0, w = 0;  ///< input extent
  uint32_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, pad_t = 0, pad_l = 0;
};

// ---- linear.cpp: gemm and conv accumulators (exact int32) ----

/// gemm element: bias + Σ_k w[k]·x[k] (exact; |bias| + k·127² <= kAccMax is checked at load).
int32_t gemm_elem(const int8_t* w, const int8_t* x, size_t k, int32_t bias);
/// conv element at output (oy, ox) of one filter f (C, kh, kw): bias + Σ_{c,i,j} f·x over the
/// window whose top-left is (oy·stride_h − pad_t, ox·stride_w − pad_l); padding is 0.
int32_t conv_elem(const int8_t* x,
                  const Window2d& g,
                  const int8_t* f,
                  int32_t bias,
                  uint32_t oy,
                  uint32_t ox);

// ---- rescale.cpp: static per-channel rescaling and the elementwise ops ----

/// requant: sat_i8(apply(d, x)) — an int32 accumulator to int8 at the next tensor's scale.
int8_t requant_elem(int32_t x, Dyadic d);
/// rescale: sat_act(apply(d, x)) — an int32 accumulator to the Q12 graph output.
int32_t rescale_elem(int32_t x, Dyadic d);
/// relu: max(0, x).
int8_t relu_elem(int8_t x);
/// qadd: sat_i8(rshift_round(a·ma + b·mb, shift)); ma, mb in [0, 2^31), shift in [0, 62].
int8_t qadd_elem(int8_t a, int8_t b, int32_t ma, int32_t mb, int32_t shift);

// ---- pool.cpp: pooling over one channel ----

/// maxpool: max over the window's in-bounds elements of channel c (padding never wins);
/// -127 if the window holds none (the quantizer rejects such windows).
int8_t maxpool_elem(const int8_t* x, const Window2d& g, uint32_t c, uint32_t oy, uint32_t ox);
/// avgpool: round(Σ in-bounds elements / n) with the one rounding rule, n = kh·kw when
/// count_include_pad, else the number of in-bounds elements (>= 1).
int8_t avgpool_elem(const int8_t* x,
                    const Window2d& g,
                    uint32_t c,
                    uint32_t oy,
                    uint32_t ox,
                    bool count_include_pad);

}  // namespace vinfer::arith
