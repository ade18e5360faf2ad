// Radix-2 NTT over F_p: plan, butterflies and the O(n^2) reference (definitions: ntt.hpp).
#include "vinfer/proof/ntt.hpp"

#include <cstdint>
#include <type_traits>
#include <utility>

#include "proof/fp_fast.hpp"
#include "vinfer/assert.hpp"
#include "vinfer/tensor/isa.hpp"

#if VINFER_HAVE_X86_SIMD
#include <immintrin.h>
#endif

namespace vinfer::proof {
namespace {

// Permutes a into bit-reversed index order (an involution).
template <class T>
void bit_reverse(std::span<T> a, unsigned log_n) {
  const std::size_t n = a.size();
  if (log_n < 2) {
    return;
  }
  for (std::size_t i = 0, j = 0; i < n; ++i) {
    if (i < j) {
      std::swap(a[i], a[j]);
    }
    // j <- bitrev(bitrev(j) + 1): add one at the top bit, carrying downwards.
    std::size_t bit = n >> 1;
    while ((j & bit) != 0) {
      j ^= bit;
      bit >>= 1;
    }
    j |= bit;
  }
}

// The butterflies use the branch-free arithmetic of fp_fast.hpp (same canonical values).
struct Butterfly {
  static void apply(Fp& lo, Fp& hi, Fp w) {
    const std::uint64_t u = lo.value();
    const std::uint64_t v = fast::mul(hi.value(), w.value());
    lo = Fp::from_u64(fast::add(u, v));
    hi = Fp::from_u64(fast::sub(u, v));
  }
  static void apply(Ext& lo, Ext& hi, Fp w) {
    apply(lo.a, hi.a, w);
    apply(lo.b, hi.b, w);
  }
  static void apply1(Fp& lo, Fp& hi) {
    const std::uint64_t u = lo.value();
    const std::uint64_t v = hi.value();
    lo = Fp::from_u64(fast::add(u, v));
    hi = Fp::from_u64(fast::sub(u, v));
  }
  static void apply1(Ext& lo, Ext& hi) {
    apply1(lo.a, hi.a);
    apply1(lo.b, hi.b);
  }
};

// Cooley-Tukey decimation in time on bit-reversed input; output in natural order. Stage h
// joins two transforms of size h into one of size 2h:
//   A[k] = E[k] + w_(2h)^k O[k],  A[k + h] = E[k] - w_(2h)^k O[k],  k < h.
// Runs the stages with h < h_end (all of them by default).
template <class T>
void butterflies(std::span<T> a, const std::vector<Fp>& tw, std::size_t h_end = SIZE_MAX) {
  const std::size_t n = a.size();
  if (n >= 2 && h_end > 1) {  // stage h = 1: the twiddle is 1
    for (std::size_t s = 0; s < n; s += 2) {
      Butterfly::apply1(a[s], a[s + 1]);
    }
  }
  for (std::size_t h = 2; h < n && h < h_end; h <<= 1) {
    const Fp* w = tw.data() + h;
    for (std::size_t s = 0; s < n; s += 2 * h) {
      T* lo = a.data() + s;
      T* hi = lo + h;
      for (std::size_t k = 0; k < h; ++k) {
        Butterfly::apply(lo[k], hi[k], w[k]);
      }
    }
  }
}

#if VINFER_HAVE_X86_SIMD

// The same butterflies on eight lanes of an AVX-512 register, for the stages with h >= 8
// (both halves and the twiddles contiguous). Each helper is fp_fast.hpp's lane by lane:
// carries and borrows become compare masks and masked adds.
#define VINFER_AVX512 __attribute__((target("avx512f")))

VINFER_AVX512 inline __m512i add_x8(__m512i a, __m512i b) {
  const __m512i p = _mm512_set1_epi64(static_cast<long long>(fast::kP));
  const __m512i eps = _mm512_set1_epi64(static_cast<long long>(fast::kEps));
  __m512i s = _mm512_add_epi64(a, b);
  s = _mm512_mask_add_epi64(s, _mm512_cmplt_epu64_mask(s, a), s, eps);  // carry: + 2^64 mod p
  return _mm512_mask_sub_epi64(s, _mm512_cmpge_epu64_mask(s, p), s, p);
}

VINFER_AVX512 inline __m512i sub_x8(__m512i a, __m512i b) {
  const __m512i eps = _mm512_set1_epi64(static_cast<long long>(fast::kEps));
  const __m512i d = _mm512_sub_epi64(a, b);
  return _mm512_mask_sub_epi64(d, _mm512_cmplt_epu64_mask(a, b), d, eps);  // borrow
}

VINFER_AVX512 inline __m512i mul_x8(__m512i a, __m512i b) {
  const __m512i p = _mm512_set1_epi64(static_cast<long long>(fast::kP));
  const __m512i eps = _mm512_set1_epi64(static_cast<long long>(fast::kEps));
  // The 128-bit product hi 2^64 + lo from four 32 x 32 -> 64 products.
  const __m512i a_hi = _mm512_srli_epi64(a, 32);
  const __m512i b_hi = _mm512_srli_epi64(b, 32);
  const __m512i ll = _mm512_mul_epu32(a, b);
  const __m512i lh = _mm512_mul_epu32(a, b_hi);
  const __m512i hl = _mm512_mul_epu32(a_hi, b);
  const __m512i hh = _mm512_mul_epu32(a_hi, b_hi);
  const __m512i mid = _mm512_add_epi64(lh, hl);  // may carry 2^64, worth 2^96 overall
  const __mmask8 mid_carry = _mm512_cmplt_epu64_mask(mid, lh);
  const __m512i lo = _mm512_add_epi64(ll, _mm512_slli_epi64(mid, 32));
  const __mmask8 lo_carry = _mm512_cmplt_epu64_mask(lo, ll);
  __m512i hi = _mm512_add_epi64(hh, _mm512_srli_epi64(mid, 32));
  hi = _mm512_mask_add_epi64(hi, mid_carry, hi, _mm512_set1_epi64(std::int64_t{1} << 32));
  hi = _mm512_mask_add_epi64(hi, lo_carry, hi, _mm512_set1_epi64(1));
  // reduce128: lo + (2^32 - 1) hi_lo - hi_hi.
  const __m512i hi_hi = _mm512_srli_epi64(hi, 32);
  const __m512i hi_lo = _mm512_and_si512(hi, eps);
  __m512i t0 = _mm512_sub_epi64(lo, hi_hi);
  t0 = _mm512_mask_sub_epi64(t0, _mm512_cmplt_epu64_mask(lo, hi_hi), t0, eps);
  const __m512i t1 = _mm512_sub_epi64(_mm512_slli_epi64(hi_lo, 32), hi_lo);
  __m512i t2 = _mm512_add_epi64(t0, t1);
  t2 = _mm512_mask_add_epi64(t2, _mm512_cmplt_epu64_mask(t2, t1), t2, eps);
  return _mm512_mask_sub_epi64(t2, _mm512_cmpge_epu64_mask(t2, p), t2, p);
}

// Stages h = 1, 2, 4 inside each run of eight elements, in one register: every stage pairs
// lane k with lane k + h, so it is lo = A[pair's low lane], hi = A[pair's high lane] (two
// permutes), v = hi * w, and lanes take lo + v or lo - v by a blend.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
VINFER_AVX512 void butterflies_first8__avx512(std::span<Fp> a, const std::vector<Fp>& tw) {
  const __m512i lo1 = _mm512_set_epi64(6, 6, 4, 4, 2, 2, 0, 0);
  const __m512i hi1 = _mm512_set_epi64(7, 7, 5, 5, 3, 3, 1, 1);
  const __m512i lo2 = _mm512_set_epi64(5, 4, 5, 4, 1, 0, 1, 0);
  const __m512i hi2 = _mm512_set_epi64(7, 6, 7, 6, 3, 2, 3, 2);
  const __m512i lo4 = _mm512_set_epi64(3, 2, 1, 0, 3, 2, 1, 0);
  const __m512i hi4 = _mm512_set_epi64(7, 6, 5, 4, 7, 6, 5, 4);
  // Twiddles of stage h for lane k: w_(2h)^(k mod h) = tw[h + k mod h].
  const __m512i w2 = _mm512_set_epi64(
      static_cast<long long>(tw[3].value()), static_cast<long long>(tw[2].value()),
      static_cast<long long>(tw[3].value()), static_cast<long long>(tw[2].value()),
      static_cast<long long>(tw[3].value()), static_cast<long long>(tw[2].value()),
      static_cast<long long>(tw[3].value()), static_cast<long long>(tw[2].value()));
  const __m512i w4 = _mm512_set_epi64(
      static_cast<long long>(tw[7].value()), static_cast<long long>(tw[6].value()),
      static_cast<long long>(tw[5].value()), static_cast<long long>(tw[4].value()),
      static_cast<long long>(tw[7].value()), static_cast<long long>(tw[6].value()),
      static_cast<long long>(tw[5].value()), static_cast<long long>(tw[4].value()));
  for (std::size_t s = 0; s < a.size(); s += 8) {
    __m512i x = _mm512_loadu_si512(a.data() + s);
    {  // h = 1: the twiddle is 1
      const __m512i l = _mm512_permutexvar_epi64(lo1, x);
      const __m512i v = _mm512_permutexvar_epi64(hi1, x);
      x = _mm512_mask_blend_epi64(0xAA, add_x8(l, v), sub_x8(l, v));
    }
    {  // h = 2
      const __m512i l = _mm512_permutexvar_epi64(lo2, x);
      const __m512i v = mul_x8(_mm512_permutexvar_epi64(hi2, x), w2);
      x = _mm512_mask_blend_epi64(0xCC, add_x8(l, v), sub_x8(l, v));
    }
    {  // h = 4
      const __m512i l = _mm512_permutexvar_epi64(lo4, x);
      const __m512i v = mul_x8(_mm512_permutexvar_epi64(hi4, x), w4);
      x = _mm512_mask_blend_epi64(0xF0, add_x8(l, v), sub_x8(l, v));
    }
    _mm512_storeu_si512(a.data() + s, x);
  }
}

// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
VINFER_AVX512 void butterflies_wide__avx512(std::span<Fp> a, const std::vector<Fp>& tw) {
  static_assert(sizeof(Fp) == 8);
  const std::size_t n = a.size();
  for (std::size_t h = 8; h < n; h <<= 1) {
    const Fp* w = tw.data() + h;
    for (std::size_t s = 0; s < n; s += 2 * h) {
      Fp* lo = a.data() + s;
      Fp* hi = lo + h;
      for (std::size_t k = 0; k < h; k += 8) {
        const __m512i u = _mm512_loadu_si512(lo + k);
        const __m512i v = mul_x8(_mm512_loadu_si512(hi + k), _mm512_loadu_si512(w + k));
        _mm512_storeu_si512(lo + k, add_x8(u, v));
        _mm512_storeu_si512(hi + k, sub_x8(u, v));
      }
    }
  }
}

#undef VINFER_AVX512

#endif  // VINFER_HAVE_X86_SIMD

// The butterflies of one transform over F_p: the AVX-512 stages where tensor::active_isa()
// allows them (VINFER_ISA=scalar forces the plain loop), the same values either way.
void butterflies_fp(std::span<Fp> a, const std::vector<Fp>& tw) {
#if VINFER_HAVE_X86_SIMD
  if (a.size() >= 16 && tensor::active_isa() == tensor::Isa::avx512) {
    butterflies_first8__avx512(a, tw);
    butterflies_wide__avx512(a, tw);
    return;
  }
#endif
  butterflies(a, tw);
}

template <class T>
void forward_impl(std::span<T> a, unsigned log_n, const std::vector<Fp>& tw) {
  VINFER_ASSERT(a.size() == std::size_t{1} << log_n);
  bit_reverse(a, log_n);
  if constexpr (std::is_same_v<T, Fp>) {
    butterflies_fp(a, tw);
  } else {
    butterflies(a, tw);
  }
}

// inverse(A)[i] = (1/n) sum_j A[j] w^(-ij) = (1/n) forward(A)[(n - i) mod n].
template <class T>
void inverse_impl(std::span<T> a, unsigned log_n, const std::vector<Fp>& tw, Fp inv_n) {
  forward_impl(a, log_n, tw);
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = n - 1; i < j; ++i, --j) {
    std::swap(a[i], a[j]);
  }
  for (T& x : a) {
    x = x * inv_n;
  }
}

}  // namespace

Fp root_of_unity(unsigned log_n) {
  VINFER_ASSERT(log_n <= kTwoAdicity);
  // (p - 1) / 2^32 = 2^32 - 1; then square down from order 2^32 to order 2^log_n.
  Fp w = Fp::from_u64(kMultiplicativeGenerator).pow((Fp::kModulus - 1) >> kTwoAdicity);
  for (unsigned k = kTwoAdicity; k > log_n; --k) {
    w *= w;
  }
  return w;
}

NttPlan::NttPlan(unsigned log_n) : log_n_(log_n) {
  VINFER_ASSERT(log_n <= kTwoAdicity);
  const std::size_t n = size();
  tw_.assign(n, Fp::zero());
  for (unsigned s = 1; (std::size_t{1} << s) <= n; ++s) {
    const std::size_t h = std::size_t{1} << (s - 1);
    const Fp w = root_of_unity(s);  // order 2h
    Fp x = Fp::one();
    for (std::size_t k = 0; k < h; ++k) {
      tw_[h + k] = x;
      x *= w;
    }
  }
  rev_.assign(n, 0);
  for (std::size_t i = 1; i < n; ++i) {  // rev(i) = rev(i >> 1) >> 1, plus the top bit
    rev_[i] = static_cast<std::uint32_t>((rev_[i >> 1] >> 1) | ((i & 1) << (log_n - 1)));
  }
  inv_n_ = Fp::from_u64(n).inverse();
}

void NttPlan::forward_twisted(std::span<const Fp> in,
                              std::span<const Fp> twist,
                              std::span<Fp> out) const {
  const std::size_t n = size();
  VINFER_ASSERT(in.size() == n && twist.size() == n && out.size() == n);
  VINFER_ASSERT(in.data() != out.data());
  // Products written straight to their bit-reversed slots: the input order the
  // butterflies want, without a separate permutation pass.
  for (std::size_t k = 0; k < n; ++k) {
    out[rev_[k]] = Fp::from_u64(fast::mul(in[k].value(), twist[k].value()));
  }
  butterflies_fp(out, tw_);
}

void NttPlan::forward(std::span<Fp> a) const {
  forward_impl(a, log_n_, tw_);
}

void NttPlan::forward(std::span<Ext> a) const {
  forward_impl(a, log_n_, tw_);
}

void NttPlan::inverse(std::span<Fp> a) const {
  inverse_impl(a, log_n_, tw_, inv_n_);
}

void NttPlan::inverse(std::span<Ext> a) const {
  inverse_impl(a, log_n_, tw_, inv_n_);
}

namespace {

std::vector<Fp> dft_ref(std::span<const Fp> a, bool inverse) {
  const std::size_t n = a.size();
  VINFER_ASSERT(n >= 1 && (n & (n - 1)) == 0);
  unsigned log_n = 0;
  while ((std::size_t{1} << log_n) < n) {
    ++log_n;
  }
  Fp w = root_of_unity(log_n);
  if (inverse) {
    w = w.inverse();
  }
  std::vector<Fp> pw(n);  // pw[e] = w^e; w^(ij) = pw[ij mod n]
  Fp x = Fp::one();
  for (std::size_t e = 0; e < n; ++e) {
    pw[e] = x;
    x *= w;
  }
  std::vector<Fp> out(n, Fp::zero());
  for (std::size_t j = 0; j < n; ++j) {
    Fp acc = Fp::zero();
    for (std::size_t i = 0; i < n; ++i) {
      acc += a[i] * pw[(static_cast<unsigned __int128>(i) * j) % n];
    }
    out[j] = acc;
  }
  if (inverse) {
    const Fp inv_n = Fp::from_u64(n).inverse();
    for (Fp& v : out) {
      v *= inv_n;
    }
  }
  return out;
}

}  // namespace

std::vector<Fp> ntt_forward_ref(std::span<const Fp> a) {
  return dft_ref(a, false);
}

std::vector<Fp> ntt_inverse_ref(std::span<const Fp> a) {
  return dft_ref(a, true);
}

}  // namespace vinfer::proof
