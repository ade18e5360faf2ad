// Reference integer operators: THE definition of every canonical step
// (docs/arithmetic.md). Each function computes one element, or one reduction over
// one row, so the engine, the one-step referee and the prover all read the same
// definition. Fast kernels elsewhere must match these with zero tolerance.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinfer/arith/requant.hpp"

namespace vinfer::arith {

// ---- RMSNorm: sumsq (reduction) -> rmsnorm (elementwise, uses rms_scale of the sum) ----

/// Σ h_i² over one row of Q12 activations (|h| <= kActMax, n <= kMaxDim: fits int64).
int64_t sumsq(const int32_t* h, size_t n);
/// The per-row RMS scale r = rsqrt_q31(floor(sumsq / n) + eps_q24) (~ 2^19 / rms).
int64_t rms_scale(int64_t sumsq, uint32_t n, int64_t eps_q24);
/// One normalized element, Q12: sat_act(rshift_round(h * g * r, 35)); g in Q16.
int32_t rmsnorm_elem(int32_t h, int32_t g_q16, int64_t r);

// ---- Dynamic activation quantization: absmax (reduction) -> quantize (elementwise) ----

/// max_i |x_i| over one row.
int64_t absmax(const int32_t* x, size_t n);
/// q = sat_i8(round(x * 127 / m)); 0 when m == 0. Real value of q is q * m / 127 in x's units.
int8_t quantize_elem(int32_t x, int64_t m);

// ---- Matrix products and the embedding ----

/// One output of a projection: acc = Σ w·q (int32, exact) rescaled by the absmax m of its
/// input and the row's static multiplier d (which includes 1/127): sat_act(round(acc*m*d)).
int32_t matmul_requant(int32_t acc, int64_t m, Dyadic d);
/// Σ_k w[k]*x[k] for one row (the scalar definition of the GEMV kernels).
int32_t dot_s8(const int8_t* w, const int8_t* x, size_t n);
/// One embedding element: sat_act(round(e * d)); d includes the row scale and 2^12.
int32_t embed_elem(int8_t e, Dyadic d);

// ---- RoPE (adjacent pairs) ----

/// Rotates one pair (x0, x1) by the table's {cos, sin} in Q30:
/// y0 = sat_act(rshift_round(x0*c - x1*s, 30)), y1 = sat_act(rshift_round(x0*s + x1*c, 30)).
void rope_pair(int32_t x0, int32_t x1, int32_t cos_q30, int32_t sin_q30, int32_t* y0, int32_t* y1);

// ---- Attention ----

/// c = isqrt(2^60 / head_dim) ~ 2^30 / sqrt(head_dim), the score scale.
int64_t score_scale(uint32_t head_dim);
/// One attention score, Q12: sat_act(rshift_round(Σ q_i k_i * c, 42)).
int32_t score_elem(const int32_t* q, const int32_t* k, size_t head_dim, int64_t c);
/// max_i x_i over one row (the softmax's subtrahend).
int64_t rowmax(const int32_t* x, size_t n);
/// exp(x - max) in Q16 via expneg_q16(max - x).
int32_t exp_elem(int32_t x, int64_t max);
/// Σ_i e_i over one row.
int64_t rowsum(const int32_t* e, size_t n);
/// Probability in Q16: round(e * 2^16 / sum); sum >= 1.
int32_t softmax_elem(int32_t e, int64_t sum);
/// One attention output element, Q12: sat_act(rshift_round(Σ_t p_t * v_t, 16)) where
/// p_t is Q16 and v_t = v[t * v_stride] (Q12). n = number of positions.
int32_t av_elem(const int32_t* p, const int32_t* v, size_t v_stride, size_t n);

// ---- Feed-forward and residual ----

/// SwiGLU element: s = rshift_round(g * sigmoid_q16(g), 16); sat_act(rshift_round(s * u, 12)).
int32_t silu_mul_elem(int32_t gate, int32_t up);
/// Residual add: sat_act(a + b).
int32_t add_elem(int32_t a, int32_t b);

}  // namespace vinfer::arith
