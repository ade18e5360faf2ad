#include "vinfer/proof/ntt.hpp"

#include <gtest/gtest.h>

#include <random>

#include "proof/fp_fast.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::proof {
namespace {

std::vector<Fp> random_fp(std::mt19937_64& rng, std::size_t n) {
  std::vector<Fp> v(n);
  for (Fp& x : v) {
    x = Fp::from_u64(rng());
  }
  return v;
}

TEST(Ntt, BranchFreeArithmeticEqualsTheFieldOperators) {
  std::mt19937_64 rng(10);
  const std::uint64_t p = Fp::kModulus;
  std::vector<Fp> v = {Fp::zero(),
                       Fp::one(),
                       Fp::from_u64(p - 1),
                       Fp::from_u64(p - 2),
                       Fp::from_u64(Fp::kEpsilon),
                       Fp::from_u64(Fp::kEpsilon + 1),
                       Fp::from_u64(std::uint64_t{1} << 63),
                       Fp::from_u64(p >> 1)};
  for (int i = 0; i < 200; ++i) {
    v.push_back(Fp::from_u64(rng()));
  }
  for (Fp a : v) {
    for (Fp b : v) {
      ASSERT_EQ(fast::add(a.value(), b.value()), (a + b).value());
      ASSERT_EQ(fast::sub(a.value(), b.value()), (a - b).value());
      ASSERT_EQ(fast::mul(a.value(), b.value()), (a * b).value());
    }
  }
  // A long dot product of extreme values through the 192-bit accumulator.
  fast::Acc192 acc;
  Fp want = Fp::zero();
  for (int i = 0; i < 5000; ++i) {
    const Fp a = i % 3 == 0 ? Fp::from_u64(p - 1) : Fp::from_u64(rng());
    const Fp b = i % 5 == 0 ? Fp::from_u64(p - 1) : Fp::from_u64(rng());
    acc.add_product(a.value(), b.value());
    want += a * b;
  }
  EXPECT_EQ(acc.reduce(), want);
}

TEST(Ntt, SevenGeneratesTheMultiplicativeGroup) {
  const Fp g = Fp::from_u64(kMultiplicativeGenerator);
  // p - 1 = 2^32 * 3 * 5 * 17 * 257 * 65537.
  const std::uint64_t primes[] = {2, 3, 5, 17, 257, 65537};
  std::uint64_t rest = Fp::kModulus - 1;
  for (std::uint64_t q : primes) {
    EXPECT_NE(g.pow((Fp::kModulus - 1) / q), Fp::one()) << "q = " << q;
    while (rest % q == 0) {
      rest /= q;
    }
  }
  EXPECT_EQ(rest, 1u);  // the list is the whole factorisation
}

TEST(Ntt, RootsHaveExactlyTheirOrder) {
  for (unsigned k = 0; k <= kTwoAdicity; ++k) {
    const Fp w = root_of_unity(k);
    Fp x = w;
    for (unsigned i = 0; i < k; ++i) {
      if (i + 1 == k) {
        EXPECT_EQ(x, -Fp::one()) << "k = " << k;  // w^(2^(k-1)) = -1: order is not smaller
      }
      x *= x;
    }
    EXPECT_EQ(x, Fp::one()) << "k = " << k;
  }
  // Each root is the square of the next.
  for (unsigned k = 1; k <= kTwoAdicity; ++k) {
    EXPECT_EQ(root_of_unity(k) * root_of_unity(k), root_of_unity(k - 1));
  }
}

// Runs body once per instruction-set family this CPU and build have (scalar, AVX-512
// butterflies), restoring the active one after.
template <class Body>
void for_each_isa(Body body) {
  const tensor::Isa was = tensor::active_isa();
  for (tensor::Isa isa : tensor::available_isas()) {
    tensor::set_isa_for_testing(isa);
    body(isa);
  }
  tensor::set_isa_for_testing(was);
}

TEST(Ntt, ForwardAndInverseEqualTheReferenceExactly) {
  for_each_isa([](tensor::Isa isa) {
    std::mt19937_64 rng(11);
    for (unsigned k = 0; k <= 10; ++k) {
      const std::vector<Fp> a = random_fp(rng, std::size_t{1} << k);
      const NttPlan plan(k);
      std::vector<Fp> f = a;
      plan.forward(f);
      EXPECT_EQ(f, ntt_forward_ref(a)) << tensor::isa_name(isa) << " k = " << k;
      std::vector<Fp> g = a;
      plan.inverse(g);
      EXPECT_EQ(g, ntt_inverse_ref(a)) << tensor::isa_name(isa) << " k = " << k;
      plan.inverse(f);
      EXPECT_EQ(f, a) << tensor::isa_name(isa) << " k = " << k;
    }
  });
}

TEST(Ntt, EveryIsaGivesTheSameTransformOnExtremeValues) {
  // Inputs near p and 2^63 drive every carry and borrow of the vector arithmetic.
  std::mt19937_64 rng(15);
  const unsigned k = 14;
  std::vector<Fp> a(std::size_t{1} << k);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::uint64_t r = rng();
    a[i] = i % 3 == 0
               ? Fp::from_u64(Fp::kModulus - 1 - r % 4)
               : (i % 3 == 1 ? Fp::from_u64((std::uint64_t{1} << 63) + r % 1024) : Fp::from_u64(r));
  }
  const NttPlan plan(k);
  std::vector<std::vector<Fp>> outs;
  for_each_isa([&](tensor::Isa) {
    std::vector<Fp> f = a;
    plan.forward(f);
    outs.push_back(f);
  });
  for (const auto& f : outs) {
    EXPECT_EQ(f, outs[0]);
  }
}

TEST(Ntt, TwistedForwardIsTheForwardOfTheProduct) {
  for_each_isa([](tensor::Isa isa) {
    std::mt19937_64 rng(16);
    for (unsigned k : {0u, 1u, 3u, 4u, 9u}) {
      const std::vector<Fp> a = random_fp(rng, std::size_t{1} << k);
      const std::vector<Fp> t = random_fp(rng, std::size_t{1} << k);
      std::vector<Fp> want(a.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        want[i] = a[i] * t[i];
      }
      want = ntt_forward_ref(want);
      std::vector<Fp> got(a.size());
      NttPlan(k).forward_twisted(a, t, got);
      EXPECT_EQ(got, want) << tensor::isa_name(isa) << " k = " << k;
    }
  });
}

TEST(Ntt, ForwardEvaluatesThePolynomialAtPowersOfTheRoot) {
  std::mt19937_64 rng(12);
  const unsigned k = 6;
  const std::vector<Fp> a = random_fp(rng, 1 << k);
  std::vector<Fp> f = a;
  NttPlan(k).forward(f);
  const Fp w = root_of_unity(k);
  for (std::size_t j = 0; j < f.size(); ++j) {
    const Fp x = w.pow(j);
    Fp acc = Fp::zero();  // Horner
    for (std::size_t i = a.size(); i-- > 0;) {
      acc = acc * x + a[i];
    }
    EXPECT_EQ(f[j], acc) << "j = " << j;
  }
}

TEST(Ntt, ExtensionTransformIsCoefficientWise) {
  std::mt19937_64 rng(13);
  const unsigned k = 9;
  const std::vector<Fp> lo = random_fp(rng, 1 << k);
  const std::vector<Fp> hi = random_fp(rng, 1 << k);
  std::vector<Ext> e(lo.size());
  for (std::size_t i = 0; i < e.size(); ++i) {
    e[i] = Ext(lo[i], hi[i]);
  }
  const NttPlan plan(k);
  plan.forward(e);
  const auto flo = ntt_forward_ref(lo);
  const auto fhi = ntt_forward_ref(hi);
  for (std::size_t i = 0; i < e.size(); ++i) {
    ASSERT_EQ(e[i], Ext(flo[i], fhi[i])) << i;
  }
  plan.inverse(e);
  for (std::size_t i = 0; i < e.size(); ++i) {
    ASSERT_EQ(e[i], Ext(lo[i], hi[i])) << i;
  }
}

TEST(Ntt, LargeRoundTripAndLinearity) {
  std::mt19937_64 rng(14);
  const unsigned k = 16;
  const NttPlan plan(k);
  const std::vector<Fp> a = random_fp(rng, 1 << k);
  const std::vector<Fp> b = random_fp(rng, 1 << k);
  const Fp c = Fp::from_u64(rng());
  std::vector<Fp> fa = a;
  std::vector<Fp> fb = b;
  std::vector<Fp> fab(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    fab[i] = a[i] + c * b[i];
  }
  plan.forward(fa);
  plan.forward(fb);
  plan.forward(fab);
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(fab[i], fa[i] + c * fb[i]) << i;
  }
  // The constant term is the sum of all evaluations over n: A[0] = sum a.
  Fp sum = Fp::zero();
  for (Fp x : a) {
    sum += x;
  }
  EXPECT_EQ(fa[0], sum);
  plan.inverse(fa);
  EXPECT_EQ(fa, a);
}

}  // namespace
}  // namespace vinfer::proof
