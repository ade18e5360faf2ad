// Radix-2 NTT over F_p: plan, butterflies and the O(n^2) reference (definitions: ntt.hpp).
#include "vinfer/proof/ntt.hpp"

#include <cstdint>
#include <utility>

#include "proof/fp_fast.hpp"
#include "vinfer/assert.hpp"

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
template <class T>
void butterflies(std::span<T> a, const std::vector<Fp>& tw) {
  const std::size_t n = a.size();
  if (n >= 2) {  // stage h = 1: the twiddle is 1
    for (std::size_t s = 0; s < n; s += 2) {
      Butterfly::apply1(a[s], a[s + 1]);
    }
  }
  for (std::size_t h = 2; h < n; h <<= 1) {
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

template <class T>
void forward_impl(std::span<T> a, unsigned log_n, const std::vector<Fp>& tw) {
  VINFER_ASSERT(a.size() == std::size_t{1} << log_n);
  bit_reverse(a, log_n);
  butterflies(a, tw);
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
  inv_n_ = Fp::from_u64(n).inverse();
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
