// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {DotTooWide} from "./Errors.sol";

/// The canonical integer arithmetic of src/arith (include/vinfer/arith/requant.hpp, ops.hpp),
/// bit for bit: one rounding rule (half toward +inf), one saturation rule (clamp).
library LibArith {
    /// Largest magnitude of an int32 activation (arith::kActMax = 2^24).
    int256 internal constant ACT_MAX = 1 << 24;
    /// Largest shift of a Dyadic multiplier (arith::kDyadicMaxShift).
    int256 internal constant DYADIC_MAX_SHIFT = 100;
    /// Widest dot product dotS8 is exact for: n * 255^2 < 2^32 per packed lane.
    uint256 internal constant DOT_MAX_WIDTH = 65536;

    /// floor((x + 2^(n-1)) / 2^n); n == 0 returns x (arith::rshift_round). Solidity's >> on a
    /// signed integer floors, as C++'s arithmetic shift does.
    function rshiftRound(int256 x, uint256 n) internal pure returns (int256) {
        if (n == 0) return x;
        return (x + int256(1 << (n - 1))) >> n;
    }

    /// Clamp to [-ACT_MAX, ACT_MAX] (arith::sat_act).
    function satAct(int256 x) internal pure returns (int32) {
        if (x < -ACT_MAX) return int32(-ACT_MAX);
        if (x > ACT_MAX) return int32(ACT_MAX);
        return int32(x);
    }

    /// One projection output: sat_act(round(acc * m * mant * 2^-shift)) (arith::matmul_requant).
    /// |acc| < 2^31, 0 <= m <= 2^31, 0 <= mant < 2^31: the product is below 2^93.
    function matmulRequant(int256 acc, int256 m, int256 mant, uint256 shift) internal pure returns (int32) {
        return satAct(rshiftRound(acc * m * mant, shift));
    }

    /// Σ_k w[k] * x[k] over the n int8 values at calldata positions wPtr and xPtr
    /// (arith::dot_s8), exact for every int8 value, -128 included.
    ///
    /// Packed: each byte v becomes v' = v xor 0x80 = v + 128 in [0, 255]; then
    /// Σ w x = Σ w'x' - 128 (Σ w' + Σ x') + 128^2 n. For 32 bytes at a time, the bytes of w are
    /// spread over four words of eight 32-bit lanes (A_r lane j = byte 4j + r, bytes counted
    /// from the low end) and those of x likewise after reversing the lanes of x (C_r lane j =
    /// byte 4(7 - j) + r); the product A_r * C_r as polynomials in 2^32 holds Σ w'x' over its
    /// eight byte pairs in lane 7 (the top 32 bits), and no lane carries: each is below
    /// 8 * 255^2 < 2^32. The low 224 bits of one product are below 7 * 255^2 * 2^192 + 2^192;
    /// the sum of all n / 8 products keeps them below 2^224 for n <= 65536, so lane 7 of the
    /// sum is Σ w'x' (<= 65536 * 255^2 < 2^32). Σ w' + Σ x' is summed lane-wise alike and
    /// folded into one lane by one MUL.
    function dotS8(uint256 wPtr, uint256 xPtr, uint256 n) internal pure returns (int256 dot) {
        // INVARIANT: no packed lane can overflow.
        if (n > DOT_MAX_WIDTH) revert DotTooWide(n);
        assembly {
            let flip := 0x8080808080808080808080808080808080808080808080808080808080808080
            let m8 := 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff
            let m32 := 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff
            let m64 := 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff

            // acc += Σ_r A_r * C_r, sums += Σ_r A_r + C_r for one word of w' and of x'.
            function word(a, c, acc_, sums_, m8_, m32_, m64_) -> acc, sums {
                c := or(shr(128, c), shl(128, c))
                c := or(and(shr(64, c), m64_), shl(64, and(c, m64_)))
                c := or(and(shr(32, c), m32_), shl(32, and(c, m32_)))
                let a0 := and(a, m8_)
                let c0 := and(c, m8_)
                let a1 := and(shr(8, a), m8_)
                let c1 := and(shr(8, c), m8_)
                let a2 := and(shr(16, a), m8_)
                let c2 := and(shr(16, c), m8_)
                let a3 := and(shr(24, a), m8_)
                let c3 := and(shr(24, c), m8_)
                acc := add(add(add(acc_, mul(a0, c0)), add(mul(a1, c1), mul(a2, c2))), mul(a3, c3))
                sums := add(sums_, add(add(add(a0, c0), add(a1, c1)), add(add(a2, c2), add(a3, c3))))
            }

            let acc := 0
            let sums := 0
            let full := and(n, not(31))
            let end := add(wPtr, full)
            for {} lt(wPtr, end) {
                wPtr := add(wPtr, 32)
                xPtr := add(xPtr, 32)
            } {
                acc, sums := word(xor(calldataload(wPtr), flip), xor(calldataload(xPtr), flip), acc, sums, m8, m32, m64)
            }
            let rem := sub(n, full)
            if rem {
                // Keep the first `rem` bytes (the high end of the word); zeros add nothing.
                let keep := not(shr(mul(8, rem), not(0)))
                acc, sums := word(
                    and(xor(calldataload(wPtr), flip), keep),
                    and(xor(calldataload(xPtr), flip), keep),
                    acc,
                    sums,
                    m8,
                    m32,
                    m64
                )
            }
            let prod := shr(224, acc)
            let total := shr(224, mul(sums, 0x0000000100000001000000010000000100000001000000010000000100000001))
            dot := sub(add(prod, mul(16384, n)), mul(128, total))
        }
    }
}
