// Internal to src/proof: branch-free F_p arithmetic for the hot loops (NTT butterflies, row
// combinations of the polynomial commitment). Fp's operators (field.hpp) branch on carries,
// which random data mispredicts about half the time; these compute the same canonical values
// with masks and conditional moves (ntt_test and pcs_test compare against the plain ones).
#pragma once

#include <cstdint>

#include "vinfer/proof/field.hpp"

namespace vinfer::proof::fast {

inline constexpr std::uint64_t kP = Fp::kModulus;
inline constexpr std::uint64_t kEps = Fp::kEpsilon;  // 2^64 mod p

/// a + b mod p for canonical a, b.
inline std::uint64_t add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t s = 0;
  const std::uint64_t carry = __builtin_add_overflow(a, b, &s) ? 1 : 0;
  s += (0 - carry) & kEps;  // a + b - 2^64 + (2^64 mod p); cannot carry again (field.hpp)
  return s >= kP ? s - kP : s;
}

/// a - b mod p for canonical a, b.
inline std::uint64_t sub(std::uint64_t a, std::uint64_t b) {
  std::uint64_t d = 0;
  const std::uint64_t borrow = __builtin_sub_overflow(a, b, &d) ? 1 : 0;
  return d - ((0 - borrow) & kEps);  // d = a - b + 2^64; take 2^64 mod p back off
}

/// x mod p for any 128-bit x: x = lo + 2^64 hi_lo + 2^96 hi_hi = lo + (2^32 - 1) hi_lo - hi_hi.
inline std::uint64_t reduce128(unsigned __int128 x) {
  const auto lo = static_cast<std::uint64_t>(x);
  const auto hi = static_cast<std::uint64_t>(x >> 64);
  std::uint64_t t0 = 0;
  const std::uint64_t borrow = __builtin_sub_overflow(lo, hi >> 32, &t0) ? 1 : 0;
  t0 -= (0 - borrow) & kEps;
  const std::uint64_t t1 = (hi & kEps) * kEps;
  std::uint64_t t2 = 0;
  const std::uint64_t carry = __builtin_add_overflow(t0, t1, &t2) ? 1 : 0;
  t2 += (0 - carry) & kEps;
  return t2 >= kP ? t2 - kP : t2;
}

/// a * b mod p.
inline std::uint64_t mul(std::uint64_t a, std::uint64_t b) {
  return reduce128(static_cast<unsigned __int128>(a) * b);
}

/// A sum of up to 2^64 products of two canonical elements, kept exact in 192 bits and
/// reduced once at the end (a dot product costs one multiply and three adds per term).
struct Acc192 {
  unsigned __int128 lo = 0;
  std::uint64_t hi = 0;

  void add_product(std::uint64_t a, std::uint64_t b) {
    const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
    lo += p;
    hi += lo < p ? 1 : 0;
  }
  /// The sum mod p: 2^128 = (2^32 - 1)^2 = -2^32 (mod p), so hi 2^128 = -(hi 2^32).
  Fp reduce() const {
    const std::uint64_t l = reduce128(lo);
    const std::uint64_t h = reduce128(static_cast<unsigned __int128>(hi) << 32);
    return Fp::from_u64(sub(l, h));
  }
};

}  // namespace vinfer::proof::fast
