// Integer lookup tables and integer elementary functions of the canonical
// arithmetic. Tables are generated once by deterministic code (IEEE double
// +,-,*,/ and floor only: no libm transcendental, no FMA), so every build
// produces the same integers; their Merkle root is part of the arithmetic version.
#pragma once

#include <cstdint>
#include <vector>

namespace vinfer::arith {

/// exp(-i/16) in Q30 for i in [0, 256): the coarse half of expneg().
const std::vector<int32_t>& exp_table_hi();
/// exp(-j/4096) in Q30 for j in [0, 256): the fine half of expneg().
const std::vector<int32_t>& exp_table_lo();
/// sigmoid(-8 + i/128) in Q16 for i in [0, 2048].
const std::vector<int32_t>& sigmoid_table();

/// exp(-d) for d >= 0 in Q12, result in Q16: d >= 16.0 gives 0; otherwise
/// rshift_round(T_hi[d >> 8] * T_lo[d & 255], 44).
int64_t expneg_q16(int64_t d_q12);
/// sigmoid(x) for x in Q12, result in Q16 (table + linear interpolation on 5 bits;
/// x < -8 gives 0, x >= 8 gives 2^16).
int64_t sigmoid_q16(int64_t x_q12);

/// floor(sqrt(x)), exact.
uint64_t isqrt(uint64_t x);
/// The RMSNorm scale: isqrt(floor(2^62 / v)) for v >= 1 (~ 2^31 / sqrt(v)).
int64_t rsqrt_q31(uint64_t v);

/// RoPE table for adjacent-pair rotation: entry [(pos * head_dim/2 + i) * 2 + {0,1}] is
/// {cos, sin}(pos * theta^(-2i/head_dim)) in Q30, pos in [0, seq_len), i in [0, head_dim/2).
std::vector<int32_t> rope_table(uint32_t head_dim, uint32_t seq_len, double theta);

/// Deterministic double-precision helpers used to build the tables (exposed for tests).
double det_exp(double x);
double det_log(double x);
double det_sin(double x);
double det_cos(double x);
/// floor(x + 0.5) as int64 (x finite, |x| < 2^62).
int64_t det_round(double x);

}  // namespace vinfer::arith
