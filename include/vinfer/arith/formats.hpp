// Fixed-point formats of the canonical arithmetic (docs/arithmetic.md §Formats).
// A value "in Qn" is the integer v standing for the real number v * 2^-n.
#pragma once

#include <cstdint>
#include <string_view>

#include "vinfer/result.hpp"

namespace vinfer::arith {

/// Arithmetic version: changes whenever any integer result could change.
inline constexpr std::string_view kArithVersion = "vinfer-arith-1";

inline constexpr int kFracAct = 12;    ///< int32 activations and the residual stream: Q12
inline constexpr int kFracGain = 16;   ///< RMSNorm gains: Q16
inline constexpr int kFracProb = 16;   ///< exp() outputs and softmax probabilities: Q16
inline constexpr int kFracTrig = 30;   ///< RoPE cos/sin tables: Q30
inline constexpr int kFracParam = 16;  ///< temperature and top-p: Q16

/// Largest |gain| in Q16 accepted at load (real 16.0): keeps h*g*r inside 128 bits.
inline constexpr int64_t kGainMax = int64_t{1} << 20;
/// Largest dot-product length: K*127*127 must stay below 2^31 (int32 accumulators).
inline constexpr int64_t kMaxDotLen = ((int64_t{1} << 31) - 1) / (127 * 127);
/// Largest model width: the sum of squares of kMaxDim Q12 activations fits int64.
inline constexpr int64_t kMaxDim = int64_t{1} << 14;
/// Largest context: AV sums of kMaxSeq terms of Q16*Q12 products fit int64.
inline constexpr int64_t kMaxSeq = int64_t{1} << 16;
/// Largest temperature accepted (real 64.0).
inline constexpr uint32_t kMaxTemperatureQ16 = uint32_t{64} << 16;

/// Parses a decimal string ("0.8", "1", "0.95") to Q16 with the rounding rule, using
/// integers only (so every node parses the same text to the same integer). At most 9
/// fractional digits; no sign, exponent or spaces.
Result<uint32_t> parse_decimal_q16(std::string_view text);

/// Formats a Q16 value back to a short decimal string (for display only).
std::string q16_to_string(uint32_t v);

}  // namespace vinfer::arith
