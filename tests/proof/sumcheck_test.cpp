#include "vinfer/proof/sumcheck.hpp"

#include <gtest/gtest.h>

#include <random>

#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/transcript.hpp"

namespace vinfer::proof {
namespace {

std::vector<Ext> random_table(std::mt19937_64& rng, std::size_t n) {
  std::vector<Ext> t(n);
  for (Ext& e : t) {
    e = Ext(Fp::from_u64(rng()), Fp::from_u64(rng()));
  }
  return t;
}

TEST(Transcript, SameMessagesSameChallengesAnyChangeDiffers) {
  Transcript a("test");
  Transcript b("test");
  Transcript c("other");
  const std::uint8_t m[] = {1, 2, 3};
  a.absorb("m", m);
  b.absorb("m", m);
  c.absorb("m", m);
  const Ext ca = a.challenge_ext("r");
  EXPECT_EQ(ca, b.challenge_ext("r"));
  EXPECT_NE(ca, c.challenge_ext("r"));
  Transcript d("test");
  const std::uint8_t m2[] = {1, 2, 4};
  d.absorb("m", m2);
  EXPECT_NE(ca, d.challenge_ext("r"));
  Transcript e("test");
  e.absorb("n", m);  // a different label
  EXPECT_NE(ca, e.challenge_ext("r"));
  // Successive challenges differ; indices stay below their bound.
  EXPECT_NE(a.challenge_ext("r"), b.challenge_ext("s"));
  for (int i = 0; i < 100; ++i) {
    EXPECT_LT(a.challenge_index("q", 37), 37u);
  }
}

TEST(Transcript, ReaderRejectsNonCanonicalAndShortInput) {
  ByteWriter w;
  w.u64(Fp::kModulus);  // not canonical
  ByteReader r(w.data());
  auto v = r.fp("elem");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("canonical"), std::string::npos);
  const std::uint8_t short_bytes[] = {1, 2, 3};
  ByteReader r2(short_bytes);
  auto v2 = r2.u64("count");
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.error().code, Errc::truncated);
}

TEST(Mle, EqTableAndEvaluationAgreeWithTheDefinition) {
  std::mt19937_64 rng(5);
  const std::vector<Ext> r = random_table(rng, 4);
  const std::vector<Ext> eq = eq_table(r);
  ASSERT_EQ(eq.size(), 16u);
  for (std::size_t x = 0; x < 16; ++x) {
    Ext e = Ext::one();
    for (std::size_t i = 0; i < 4; ++i) {
      e *= ((x >> i) & 1) != 0 ? r[i] : Ext::one() - r[i];
    }
    EXPECT_EQ(eq[x], e);
  }
  // f~(r) = sum_x f[x] eq(r, x); on a Boolean point it is the table entry.
  const std::vector<Ext> f = random_table(rng, 16);
  Ext direct = Ext::zero();
  for (std::size_t x = 0; x < 16; ++x) {
    direct += f[x] * eq[x];
  }
  EXPECT_EQ(mle_eval(f, r), direct);
  const std::vector<Ext> b = {Ext::one(), Ext::zero(), Ext::one(), Ext::one()};
  EXPECT_EQ(mle_eval(f, b), f[0b1101]);
  std::vector<Fp> fb(16);
  for (std::size_t x = 0; x < 16; ++x) {
    fb[x] = Fp::from_u64(rng());
  }
  std::vector<Ext> fe(fb.begin(), fb.end());
  EXPECT_EQ(mle_eval(fb, r), mle_eval(fe, r));
}

struct Instance {
  std::vector<std::vector<Ext>> tables;
  std::vector<SumcheckTerm> terms;
  Ext claim;
};

// g = 3 f0 f1 f2 + 5 f1 + f0 f0 over 2^n points.
Instance make_instance(std::mt19937_64& rng, unsigned n) {
  Instance in;
  for (int j = 0; j < 3; ++j) {
    in.tables.push_back(random_table(rng, std::size_t{1} << n));
  }
  in.terms = {{Ext(Fp::from_u64(3)), {0, 1, 2}}, {Ext(Fp::from_u64(5)), {1}}, {Ext::one(), {0, 0}}};
  in.claim = Ext::zero();
  for (std::size_t x = 0; x < (std::size_t{1} << n); ++x) {
    in.claim += Ext(Fp::from_u64(3)) * in.tables[0][x] * in.tables[1][x] * in.tables[2][x] +
                Ext(Fp::from_u64(5)) * in.tables[1][x] + in.tables[0][x] * in.tables[0][x];
  }
  return in;
}

Ext g_at(const std::vector<Ext>& f) {
  return Ext(Fp::from_u64(3)) * f[0] * f[1] * f[2] + Ext(Fp::from_u64(5)) * f[1] + f[0] * f[0];
}

TEST(Sumcheck, HonestProofVerifiesAndFinalsAreTheTableEvaluations) {
  std::mt19937_64 rng(6);
  for (unsigned n : {0u, 1u, 5u}) {
    Instance in = make_instance(rng, n);
    const auto tables = in.tables;
    ProverChannel pc("sumcheck-test");
    const SumcheckProverOut po = sumcheck_prove(in.tables, in.terms, pc);
    const std::vector<std::uint8_t> proof = pc.finish();
    ASSERT_EQ(proof.size(), std::size_t{n} * 4 * 16);
    for (std::size_t j = 0; j < 3; ++j) {
      EXPECT_EQ(po.finals[j], mle_eval(tables[j], po.point));
    }
    VerifierChannel vc("sumcheck-test", proof);
    auto vo = sumcheck_verify(in.claim, n, 3, vc);
    ASSERT_TRUE(vo.ok()) << vo.error().to_string();
    EXPECT_EQ(vo->point, po.point);
    EXPECT_EQ(vo->value, g_at(po.finals));
    EXPECT_TRUE(vc.finish().ok());
  }
}

TEST(Sumcheck, WrongClaimIsRejectedInTheFirstRound) {
  std::mt19937_64 rng(7);
  Instance in = make_instance(rng, 4);
  ProverChannel pc("sumcheck-test");
  sumcheck_prove(in.tables, in.terms, pc);
  const auto proof = pc.finish();
  VerifierChannel vc("sumcheck-test", proof);
  auto vo = sumcheck_verify(in.claim + Ext::one(), 4, 3, vc);
  ASSERT_FALSE(vo.ok());
  EXPECT_NE(vo.error().message.find("round 0"), std::string::npos);
}

TEST(Sumcheck, ChangedRoundPolynomialIsCaught) {
  std::mt19937_64 rng(8);
  Instance in = make_instance(rng, 4);
  ProverChannel pc("sumcheck-test");
  const auto po = sumcheck_prove(in.tables, in.terms, pc);
  const auto proof = pc.finish();
  // Any change to any round element: either a round check fails, or the final value
  // no longer equals g at the (now different) point.
  for (std::size_t off = 0; off < proof.size(); off += 8) {
    auto bad = proof;
    bad[off] ^= 1;
    VerifierChannel vc("sumcheck-test", bad);
    auto vo = sumcheck_verify(in.claim, 4, 3, vc);
    if (vo.ok()) {
      EXPECT_NE(vo->value, g_at(po.finals)) << "offset " << off;
    }
  }
}

TEST(Sumcheck, TruncatedProofIsRejected) {
  std::mt19937_64 rng(9);
  Instance in = make_instance(rng, 3);
  ProverChannel pc("sumcheck-test");
  sumcheck_prove(in.tables, in.terms, pc);
  auto proof = pc.finish();
  proof.resize(proof.size() - 1);
  VerifierChannel vc("sumcheck-test", proof);
  auto vo = sumcheck_verify(in.claim, 3, 3, vc);
  ASSERT_FALSE(vo.ok());
  EXPECT_EQ(vo.error().code, Errc::truncated);
}

TEST(Sumcheck, InterpolationIsExactOnItsNodesAndForAQuadratic) {
  // s(z) = 2 z^2 + 3 z + 1
  auto s = [](Ext z) {
    return Ext(Fp::from_u64(2)) * z * z + Ext(Fp::from_u64(3)) * z + Ext::one();
  };
  const std::vector<Ext> ev = {s(Ext(Fp::from_u64(0))), s(Ext(Fp::from_u64(1))),
                               s(Ext(Fp::from_u64(2)))};
  const Ext r(Fp::from_u64(12345), Fp::from_u64(678));
  EXPECT_EQ(interpolate_at(ev, r), s(r));
}

}  // namespace
}  // namespace vinfer::proof

namespace vinfer::proof {
namespace {

// The eq prover sends exactly the bytes the plain prover sends with eq(w, .) as a table,
// at sizes on both sides of the threading threshold (2^12 pairs).
TEST(SumcheckEq, SameBytesAsThePlainProverWithAnEqTable) {
  std::mt19937_64 rng(11);
  for (unsigned n : {0u, 1u, 3u, 9u, 14u}) {
    const std::vector<Ext> w = random_table(rng, n);
    std::vector<std::vector<Ext>> tables = {random_table(rng, std::size_t{1} << n),
                                            random_table(rng, std::size_t{1} << n),
                                            random_table(rng, std::size_t{1} << n)};
    const Ext lambda = random_table(rng, 1)[0];
    const std::vector<SumcheckTerm> inner = {
        {Ext::one(), {0, 2}}, {Ext::one(), {1}}, {lambda, {1, 2}}};
    std::vector<SumcheckTerm> plain = inner;
    for (SumcheckTerm& t : plain) {
      for (unsigned& f : t.factors)
        f += 1;
      t.factors.insert(t.factors.begin(), 0);
    }
    std::vector<std::vector<Ext>> with_eq = tables;
    with_eq.insert(with_eq.begin(), eq_table(w));
    ProverChannel a("eq-test"), b("eq-test");
    const SumcheckProverOut pa = sumcheck_prove(with_eq, plain, a);
    const SumcheckProverOut pb = sumcheck_prove_eq(w, tables, inner, b);
    EXPECT_EQ(a.finish(), b.finish()) << "n = " << n;
    ASSERT_EQ(pb.finals.size(), 3u);
    for (std::size_t j = 0; j < 3; ++j)
      EXPECT_EQ(pa.finals[j + 1], pb.finals[j]);
  }
}

}  // namespace
}  // namespace vinfer::proof
