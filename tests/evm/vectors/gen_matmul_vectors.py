#!/usr/bin/env python3
"""Writes matmul.txt: golden vectors of one matmul element, dot_s8 then matmul_requant.

A second implementation of docs/arithmetic.md's matmul rule in plain Python integers, so
that src/arith (C++) and contracts/src/lib/LibArith.sol are both checked against a third
party (tests/evm/vectors_evm_test.cpp). Run from anywhere: python3 gen_matmul_vectors.py.
Never edit matmul.txt by hand.

Line: n wa wb xa xb m mant shift dot element, where row v of (a, b) is
v[i] = int8((a*(i + (i >> 8)) + b) mod 256) for i < n (constant for a = 0), dot = sum w[i]*x[i], and
element = sat_act(rshift_round(dot * m * mant, shift)) with rshift_round(x, s) =
floor((x + 2^(s-1)) / 2^s) (x for s = 0) and sat_act clamping to [-2^24, 2^24].
"""
import os
import random

ACT_MAX = 1 << 24


def row(n, a, b):
    out = []
    for i in range(n):
        v = (a * (i + (i >> 8)) + b) % 256
        out.append(v - 256 if v >= 128 else v)
    return out


def rshift_round(x, s):
    return x if s == 0 else (x + (1 << (s - 1))) >> s


def element(dot, m, mant, shift):
    return max(-ACT_MAX, min(ACT_MAX, rshift_round(dot * m * mant, shift)))


def main():
    rng = random.Random(6)
    cases = []
    # Constant rows at the int8 extremes (a = 0): the largest and most negative products.
    for n, wb, xb in [(16384, 127, 127), (16384, 128, 128), (16384, 128, 127), (4096, 129, 127),
                      (33, 0, 0), (1, 128, 128)]:
        cases.append((n, 0, wb, 0, xb))
    # Every tail length around a 32-byte word and the kjv / llama widths, random patterns.
    for n in [1, 2, 31, 32, 33, 63, 64, 65, 160, 255, 256, 257, 288, 768, 4095, 4096, 4097,
              11008, 16384]:
        cases.append((n, rng.randrange(1, 256), rng.randrange(256), rng.randrange(1, 256),
                      rng.randrange(256)))
    lines = []
    for (n, wa, wb, xa, xb) in cases:
        w, x = row(n, wa, wb), row(n, xa, xb)
        dot = sum(p * q for p, q in zip(w, x))
        assert -(1 << 31) <= dot < (1 << 31)
        # Multipliers: edges of the domain, exact halves (mant 2^30, shift 31: x/2), and
        # random ones around the model's typical scale.
        for (m, mant, shift) in [(1, 1 << 30, 31), (1, 1, 0), (0, (1 << 31) - 1, 40),
                                 (1 << 31, (1 << 31) - 1, 100), (1 << 31, (1 << 31) - 1, 62),
                                 (3, 1 << 30, 1),
                                 (rng.randrange(1 << 31), rng.randrange(1 << 30, 1 << 31),
                                  rng.randrange(30, 64)),
                                 (rng.randrange(1 << 20), rng.randrange(1 << 30, 1 << 31),
                                  rng.randrange(0, 101))]:
            lines.append(f"{n} {wa} {wb} {xa} {xb} {m} {mant} {shift} {dot} "
                         f"{element(dot, m, mant, shift)}")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "matmul.txt"), "w") as f:
        f.write("# Written by tests/evm/vectors/gen_matmul_vectors.py; never edit by hand.\n")
        f.write("# n wa wb xa xb m mant shift dot element (see the generator's docstring)\n")
        for line in lines:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
