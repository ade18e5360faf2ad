// The Goldilocks field F_p, p = 2^64 - 2^32 + 1, and its quadratic extension
// F_p2 = F_p[X] / (X^2 - 7), in which every verifier challenge lives.
//
// Why Goldilocks: a product of two elements fits the 128-bit multiply of every
// x86-64 and AArch64 core, and 2^64 = 2^32 - 1 (mod p) turns the reduction into
// a few adds and subtracts (no division, no Montgomery form). p - 1 = 2^32 * (2^32 - 1),
// so F_p has multiplicative subgroups of every power-of-two order up to 2^32
// (Reed-Solomon encoding for the polynomial commitment).
//
// Why the extension: F_p alone has 64 bits, and the soundness error of sumcheck
// and of the lookup argument is (degree x rounds) / |field| and (lookups + table) / |field|.
// Over F_p2 (|F| ~ 2^128) those are below 2^-100 for every size vinfer proves
// (docs/proofs.md counts it). 7 is a quadratic non-residue mod p (tested), so
// X^2 - 7 is irreducible.
//
// Every value is kept canonical (< p), so == compares values, and the byte form
// (8 bytes little-endian per base element) is unique: a parser rejects >= p.
#pragma once

#include <cstdint>

namespace vinfer::proof {

/// An element of F_p, p = 2^64 - 2^32 + 1, always in canonical form [0, p).
class Fp {
 public:
  static constexpr std::uint64_t kModulus = 0xFFFFFFFF00000001ULL;
  /// 2^64 mod p = 2^32 - 1.
  static constexpr std::uint64_t kEpsilon = 0xFFFFFFFFULL;

  constexpr Fp() = default;
  /// v mod p (any 64-bit value).
  static constexpr Fp from_u64(std::uint64_t v) { return Fp(v >= kModulus ? v - kModulus : v); }
  /// A signed integer embedded in F_p: v >= 0 maps to v, v < 0 to p - |v|.
  static constexpr Fp from_i64(std::int64_t v) {
    return v >= 0 ? from_u64(static_cast<std::uint64_t>(v))
                  : Fp(kModulus - static_cast<std::uint64_t>(-(v + 1)) - 1);
  }
  /// The canonical representative, in [0, p).
  constexpr std::uint64_t value() const { return v_; }
  /// The representative in (-p/2, p/2] read as a signed integer (inverse of from_i64
  /// for |v| < p/2).
  constexpr std::int64_t to_i64() const {
    return v_ > kModulus / 2 ? -static_cast<std::int64_t>(kModulus - v_)
                             : static_cast<std::int64_t>(v_);
  }

  static constexpr Fp zero() { return Fp(0); }
  static constexpr Fp one() { return Fp(1); }

  friend constexpr Fp operator+(Fp a, Fp b) {
    std::uint64_t s = 0;
    const bool carry = __builtin_add_overflow(a.v_, b.v_, &s);
    // a + b < 2p < 2^65: on a carry the true sum is s + 2^64 = s + kEpsilon (mod p),
    // and s < p - kEpsilon there, so adding kEpsilon cannot carry again.
    if (carry) {
      s += kEpsilon;
    }
    return Fp(s >= kModulus ? s - kModulus : s);
  }
  friend constexpr Fp operator-(Fp a, Fp b) {
    std::uint64_t d = 0;
    const bool borrow = __builtin_sub_overflow(a.v_, b.v_, &d);
    // On a borrow d = a - b + 2^64, and 2^64 = kEpsilon (mod p): subtract it; d is then
    // >= 2^64 - p + 1 > kEpsilon, so this cannot borrow again, and the result is < p.
    return Fp(borrow ? d - kEpsilon : d);
  }
  friend constexpr Fp operator-(Fp a) { return Fp::zero() - a; }
  friend constexpr Fp operator*(Fp a, Fp b) {
    return reduce128(static_cast<unsigned __int128>(a.v_) * b.v_);
  }
  constexpr Fp& operator+=(Fp b) { return *this = *this + b; }
  constexpr Fp& operator-=(Fp b) { return *this = *this - b; }
  constexpr Fp& operator*=(Fp b) { return *this = *this * b; }
  friend constexpr bool operator==(Fp a, Fp b) { return a.v_ == b.v_; }

  /// this^e by square-and-multiply.
  constexpr Fp pow(std::uint64_t e) const {
    Fp base = *this;
    Fp acc = one();
    while (e != 0) {
      if ((e & 1) != 0) {
        acc *= base;
      }
      base *= base;
      e >>= 1;
    }
    return acc;
  }
  /// The multiplicative inverse (Fermat: x^(p-2)); the inverse of zero is zero.
  constexpr Fp inverse() const { return pow(kModulus - 2); }

  /// x mod p for any 128-bit x, with 2^64 = 2^32 - 1 and 2^96 = -1 (mod p).
  static constexpr Fp reduce128(unsigned __int128 x) {
    const auto lo = static_cast<std::uint64_t>(x);
    const auto hi = static_cast<std::uint64_t>(x >> 64);
    const std::uint64_t hi_hi = hi >> 32;       // weight 2^96 = -1
    const std::uint64_t hi_lo = hi & kEpsilon;  // weight 2^64 = 2^32 - 1
    std::uint64_t t0 = 0;
    if (__builtin_sub_overflow(lo, hi_hi, &t0)) {  // lo - hi_hi, wrapped by 2^64
      t0 -= kEpsilon;                              // no borrow: t0 >= 2^64 - 2^32 here
    }
    const std::uint64_t t1 = hi_lo * kEpsilon;  // < 2^64
    std::uint64_t t2 = 0;
    if (__builtin_add_overflow(t0, t1, &t2)) {
      t2 += kEpsilon;  // no carry: t2 < 2^64 - 2^33 here
    }
    return Fp(t2 >= kModulus ? t2 - kModulus : t2);
  }

 private:
  explicit constexpr Fp(std::uint64_t v) : v_(v) {}
  std::uint64_t v_ = 0;
};

/// An element a + b X of F_p2 = F_p[X] / (X^2 - 7).
struct Fp2 {
  /// X^2 = kNonResidue.
  static constexpr std::uint64_t kNonResidue = 7;

  Fp a;  ///< constant coefficient
  Fp b;  ///< coefficient of X

  constexpr Fp2() = default;
  constexpr Fp2(Fp a_, Fp b_) : a(a_), b(b_) {}
  /// F_p embedded in F_p2.
  constexpr Fp2(Fp a_) : a(a_) {}  // NOLINT(google-explicit-constructor): a subfield

  static constexpr Fp2 zero() { return Fp2(); }
  static constexpr Fp2 one() { return Fp2(Fp::one()); }

  friend constexpr Fp2 operator+(Fp2 x, Fp2 y) { return {x.a + y.a, x.b + y.b}; }
  friend constexpr Fp2 operator-(Fp2 x, Fp2 y) { return {x.a - y.a, x.b - y.b}; }
  friend constexpr Fp2 operator-(Fp2 x) { return {-x.a, -x.b}; }
  friend constexpr Fp2 operator*(Fp2 x, Fp2 y) {
    // (x.a + x.b X)(y.a + y.b X) = x.a y.a + 7 x.b y.b + (x.a y.b + x.b y.a) X
    const Fp aa = x.a * y.a;
    const Fp bb = x.b * y.b;
    const Fp cross = (x.a + x.b) * (y.a + y.b) - aa - bb;  // Karatsuba: 3 base products
    return {aa + Fp::from_u64(kNonResidue) * bb, cross};
  }
  /// An extension element times a base element: 2 base products.
  friend constexpr Fp2 operator*(Fp2 x, Fp y) { return {x.a * y, x.b * y}; }
  friend constexpr Fp2 operator*(Fp y, Fp2 x) { return {x.a * y, x.b * y}; }
  constexpr Fp2& operator+=(Fp2 y) { return *this = *this + y; }
  constexpr Fp2& operator-=(Fp2 y) { return *this = *this - y; }
  constexpr Fp2& operator*=(Fp2 y) { return *this = *this * y; }
  friend constexpr bool operator==(Fp2 x, Fp2 y) { return x.a == y.a && x.b == y.b; }

  /// this^e by square-and-multiply.
  constexpr Fp2 pow(std::uint64_t e) const {
    Fp2 base = *this;
    Fp2 acc = one();
    while (e != 0) {
      if ((e & 1) != 0) {
        acc *= base;
      }
      base *= base;
      e >>= 1;
    }
    return acc;
  }
  /// The multiplicative inverse via the norm: (a - bX) / (a^2 - 7 b^2); zero maps to zero.
  constexpr Fp2 inverse() const {
    const Fp norm = a * a - Fp::from_u64(kNonResidue) * (b * b);
    const Fp inv = norm.inverse();
    return {a * inv, -(b * inv)};
  }
};

/// The challenge field: every random point, fold and combiner a verifier draws.
using Ext = Fp2;

}  // namespace vinfer::proof
