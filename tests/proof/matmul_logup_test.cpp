#include <gtest/gtest.h>

#include <random>

#include "vinfer/proof/logup.hpp"
#include "vinfer/proof/matmul.hpp"
#include "vinfer/proof/mle.hpp"

namespace vinfer::proof {
namespace {

std::vector<Ext> random_point(std::mt19937_64& rng, std::size_t n) {
  std::vector<Ext> p(n);
  for (Ext& e : p) {
    e = Ext(Fp::from_u64(rng()), Fp::from_u64(rng()));
  }
  return p;
}

std::vector<std::int8_t> random_i8(std::mt19937_64& rng, std::size_t n) {
  std::vector<std::int8_t> v(n);
  for (auto& x : v) {
    x = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  }
  return v;
}

// Y~(col point, row point) of an int32 row-major matrix, zero-padded in both dimensions.
Ext int_matrix_mle(const std::vector<std::int32_t>& M,
                   std::size_t rows,
                   std::size_t cols,
                   const std::vector<Ext>& cp,
                   const std::vector<Ext>& rp) {
  const std::size_t pc = std::size_t{1} << cp.size();
  const std::size_t pr = std::size_t{1} << rp.size();
  std::vector<Fp> t(pc * pr, Fp::zero());
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      t[i * pc + j] = Fp::from_i64(M[i * cols + j]);
    }
  }
  std::vector<Ext> point = cp;
  point.insert(point.end(), rp.begin(), rp.end());
  return mle_eval(t, point);
}

struct MatmulCase {
  MatmulShape s;
  std::vector<std::int8_t> X, W;
  std::vector<Ext> ry, rb;
  Ext v;
};

MatmulCase make_case(std::mt19937_64& rng, std::size_t B, std::size_t R, std::size_t K) {
  MatmulCase c;
  c.s = {B, R, K};
  c.X = random_i8(rng, B * K);
  c.W = random_i8(rng, R * K);
  c.ry = random_point(rng, log2_ceil(R));
  c.rb = random_point(rng, log2_ceil(B));
  c.v = int_matrix_mle(matmul_reference(c.s, c.X, c.W), B, R, c.ry, c.rb);
  return c;
}

TEST(Matmul, HonestProofVerifiesAndLeavesTrueClaims) {
  std::mt19937_64 rng(10);
  for (auto [B, R, K] : {std::tuple{1, 16, 64}, std::tuple{3, 10, 37}, std::tuple{8, 1, 1},
                         std::tuple{5, 16, 784}}) {
    MatmulCase c = make_case(rng, B, R, K);
    ProverChannel pc("matmul-test");
    const MatmulClaims pcl = matmul_prove(c.s, c.X, c.W, c.ry, c.rb, pc);
    const auto proof = pc.finish();
    VerifierChannel vc("matmul-test", proof);
    auto vcl = matmul_verify(c.s, c.ry, c.rb, c.v, vc);
    ASSERT_TRUE(vcl.ok()) << vcl.error().to_string();
    ASSERT_TRUE(vc.finish().ok());
    EXPECT_EQ(vcl->point_k, pcl.point_k);
    EXPECT_EQ(vcl->x_eval, matrix_mle_eval(c.X, B, K, vcl->point_k, c.rb));
    EXPECT_EQ(vcl->w_eval, matrix_mle_eval(c.W, R, K, vcl->point_k, c.ry));
  }
}

TEST(Matmul, WrongOutputClaimIsRejected) {
  std::mt19937_64 rng(11);
  MatmulCase c = make_case(rng, 4, 16, 64);
  ProverChannel pc("matmul-test");
  matmul_prove(c.s, c.X, c.W, c.ry, c.rb, pc);
  const auto proof = pc.finish();
  VerifierChannel vc("matmul-test", proof);
  EXPECT_FALSE(matmul_verify(c.s, c.ry, c.rb, c.v + Ext::one(), vc).ok());
}

TEST(Matmul, OtherWeightsLeaveAFalseWeightClaim) {
  // A prover that runs a different W' (a cheaper model) and claims the true Y cannot
  // pass: either a check fails or the weight claim is not the committed W's value.
  std::mt19937_64 rng(12);
  MatmulCase c = make_case(rng, 2, 16, 64);
  auto W2 = c.W;
  W2[5] = static_cast<std::int8_t>(W2[5] == 0 ? 1 : 0);
  ProverChannel pc("matmul-test");
  matmul_prove(c.s, c.X, W2, c.ry, c.rb, pc);
  const auto proof = pc.finish();
  VerifierChannel vc("matmul-test", proof);
  auto vcl = matmul_verify(c.s, c.ry, c.rb, c.v, vc);
  if (vcl.ok()) {
    EXPECT_NE(vcl->w_eval, matrix_mle_eval(c.W, 16, 64, vcl->point_k, c.ry));
  }
}

TEST(Matmul, EveryFlippedByteOrTruncationIsRejectedOrLeavesFalseClaims) {
  std::mt19937_64 rng(13);
  MatmulCase c = make_case(rng, 2, 8, 32);
  ProverChannel pc("matmul-test");
  matmul_prove(c.s, c.X, c.W, c.ry, c.rb, pc);
  const auto proof = pc.finish();
  for (std::size_t off = 0; off < proof.size(); ++off) {
    auto bad = proof;
    bad[off] ^= 0x10;
    VerifierChannel vc("matmul-test", bad);
    auto vcl = matmul_verify(c.s, c.ry, c.rb, c.v, vc);
    if (vcl.ok()) {
      const bool true_claims = vcl->x_eval == matrix_mle_eval(c.X, 2, 32, vcl->point_k, c.rb) &&
                               vcl->w_eval == matrix_mle_eval(c.W, 8, 32, vcl->point_k, c.ry);
      EXPECT_FALSE(true_claims) << "offset " << off;
    }
  }
  auto cut = proof;
  cut.pop_back();
  VerifierChannel vc("matmul-test", cut);
  auto r = matmul_verify(c.s, c.ry, c.rb, c.v, vc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::truncated);
}

std::vector<Ext> range_table(std::size_t n) {
  std::vector<Ext> t(n);
  for (std::size_t i = 0; i < n; ++i) {
    t[i] = Ext(Fp::from_u64(i));
  }
  return t;
}

TEST(Logup, HonestLookupVerifiesAndLeafClaimsAreTrue) {
  std::mt19937_64 rng(14);
  for (auto [tn, wn] : {std::pair{256, 1000}, std::pair{1, 1}, std::pair{300, 7}}) {
    const auto table = range_table(tn);
    std::vector<Ext> wit(wn);
    for (auto& w : wit) {
      w = table[rng() % tn];
    }
    const unsigned vars = lookup_vars(tn, wn);
    auto mult = lookup_multiplicities(table, wit, std::size_t{1} << vars);
    ASSERT_TRUE(mult.ok());
    const Ext alpha(Fp::from_u64(rng()), Fp::from_u64(rng()));
    ProverChannel pc("logup-test");
    const LookupClaims pcl = logup_prove(table, *mult, wit, alpha, pc);
    const auto proof = pc.finish();
    VerifierChannel vc("logup-test", proof);
    auto vcl = logup_verify(vars, alpha, vc);
    ASSERT_TRUE(vcl.ok()) << vcl.error().to_string();
    ASSERT_TRUE(vc.finish().ok());
    EXPECT_EQ(vcl->point, pcl.point);
    // The verifier computes the range table's MLE itself.
    std::vector<Ext> tp(std::size_t{1} << vars, Ext::zero());
    std::copy(table.begin(), table.end(), tp.begin());
    EXPECT_EQ(vcl->table_eval, mle_eval(tp, vcl->point));
    std::vector<Ext> wp(std::size_t{1} << vars, table[0]);
    std::copy(wit.begin(), wit.end(), wp.begin());
    EXPECT_EQ(vcl->wit_eval, mle_eval(wp, vcl->point));
  }
}

TEST(Logup, ValueOutsideTheTableCannotBeProved) {
  std::mt19937_64 rng(15);
  const auto table = range_table(256);
  std::vector<Ext> wit(100, table[3]);
  wit[42] = Ext(Fp::from_u64(256));  // out of range
  const unsigned vars = lookup_vars(256, 100);
  auto m = lookup_multiplicities(table, wit, std::size_t{1} << vars);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("entry 42"), std::string::npos);
  // A prover that forges counts anyway (as if entry 42 were 255) gets a nonzero root.
  auto honest = wit;
  honest[42] = table[255];
  auto forged = lookup_multiplicities(table, honest, std::size_t{1} << vars);
  ASSERT_TRUE(forged.ok());
  const Ext alpha(Fp::from_u64(rng()), Fp::from_u64(rng()));
  ProverChannel pc("logup-test");
  logup_prove(table, *forged, wit, alpha, pc);
  const auto proof = pc.finish();
  VerifierChannel vc("logup-test", proof);
  auto r = logup_verify(vars, alpha, vc);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("do not sum to zero"), std::string::npos);
}

TEST(Logup, FlippedBytesAndTruncationAreRejectedOrLeaveFalseClaims) {
  std::mt19937_64 rng(16);
  const auto table = range_table(16);
  std::vector<Ext> wit(20);
  for (auto& w : wit) {
    w = table[rng() % 16];
  }
  const unsigned vars = lookup_vars(16, 20);
  auto mult = lookup_multiplicities(table, wit, std::size_t{1} << vars);
  ASSERT_TRUE(mult.ok());
  const Ext alpha(Fp::from_u64(99), Fp::from_u64(7));
  ProverChannel pc("logup-test");
  logup_prove(table, *mult, wit, alpha, pc);
  const auto proof = pc.finish();
  std::vector<Ext> tp(std::size_t{1} << vars, Ext::zero());
  std::copy(table.begin(), table.end(), tp.begin());
  for (std::size_t off = 0; off < proof.size(); off += 3) {
    auto bad = proof;
    bad[off] ^= 0x01;
    VerifierChannel vc("logup-test", bad);
    auto r = logup_verify(vars, alpha, vc);
    if (r.ok()) {
      EXPECT_NE(r->table_eval, mle_eval(tp, r->point)) << "offset " << off;
    }
  }
  auto cut = proof;
  cut.resize(cut.size() - 16);
  VerifierChannel vc("logup-test", cut);
  EXPECT_FALSE(logup_verify(vars, alpha, vc).ok());
}

}  // namespace
}  // namespace vinfer::proof
