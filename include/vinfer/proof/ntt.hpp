// The number-theoretic transform over F_p (Goldilocks), radix 2, for sizes 2^k, k <= 32:
//
//     forward:  A[j] = sum_i a[i] w^(i j)            (w = root_of_unity(k), natural order)
//     inverse:  a[i] = (1/n) sum_j A[j] w^(-i j)
//
// so forward(a) lists the evaluations of the polynomial sum_i a[i] X^i at w^0, w^1, ..,
// w^(n-1): the Reed-Solomon encoding of the polynomial commitment (pcs.hpp).
//
// Roots of unity: 7 generates F_p^* (p - 1 = 2^32 * 3 * 5 * 17 * 257 * 65537, and
// 7^((p-1)/q) != 1 for each of those primes q; ntt_test checks it), so
// w_32 = 7^((p-1)/2^32) = 7^(2^32 - 1) has order exactly 2^32, and the root of order 2^k
// is w_32^(2^(32-k)). Every NTT here and in a verifier uses these same roots.
//
// NttPlan is the fast path: precomputed twiddles (one contiguous run per stage), a bit
// reversal, then iterative Cooley-Tukey butterflies. ntt_forward_ref / ntt_inverse_ref are
// its O(n^2) twins straight from the definition; ntt_test compares them exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/proof/field.hpp"

namespace vinfer::proof {

/// The largest k with a 2^k-th root of unity in F_p.
inline constexpr unsigned kTwoAdicity = 32;

/// The generator of F_p^* every root of unity is derived from.
inline constexpr std::uint64_t kMultiplicativeGenerator = 7;

/// The primitive 2^log_n-th root of unity 7^((p - 1) / 2^log_n), log_n <= 32.
Fp root_of_unity(unsigned log_n);

/// Precomputed twiddles for transforms of one size 2^log_n (log_n <= 32). Immutable after
/// construction, so one plan may serve many threads.
class NttPlan {
 public:
  explicit NttPlan(unsigned log_n);

  unsigned log_size() const { return log_n_; }
  std::size_t size() const { return std::size_t{1} << log_n_; }

  /// In place: a <- forward(a); a.size() == size().
  void forward(std::span<Fp> a) const;
  /// In place over F_p2, coefficient-wise (the transform is F_p-linear).
  void forward(std::span<Ext> a) const;
  /// out <- forward(in * twist) (pointwise product; all three of size()). With twist[k] =
  /// g^k this evaluates the polynomial in on the coset g * <w>. The bit reversal is fused
  /// into the product pass.
  void forward_twisted(std::span<const Fp> in, std::span<const Fp> twist, std::span<Fp> out) const;
  /// In place: a <- inverse(a); inverse(forward(a)) == a.
  void inverse(std::span<Fp> a) const;
  void inverse(std::span<Ext> a) const;

 private:
  unsigned log_n_;
  // tw_[h + k] = w_(2h)^k for each stage half-width h = 1, 2, 4, .., n/2 and k < h
  // (tw_[0] unused): stage h reads tw_[h .. 2h) contiguously.
  std::vector<Fp> tw_;
  std::vector<std::uint32_t> rev_;  // rev_[i] = i with its log_n bits reversed
  Fp inv_n_;
};

/// forward(a) by the definition, O(n^2); a.size() a power of two <= 2^32.
std::vector<Fp> ntt_forward_ref(std::span<const Fp> a);
/// inverse(a) by the definition, O(n^2).
std::vector<Fp> ntt_inverse_ref(std::span<const Fp> a);

}  // namespace vinfer::proof
