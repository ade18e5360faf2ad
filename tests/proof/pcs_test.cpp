#include "vinfer/proof/pcs.hpp"

#include <gtest/gtest.h>

#include <random>

#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/ntt.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::proof {
namespace {

std::vector<Fp> random_values(std::mt19937_64& rng, unsigned vars) {
  std::vector<Fp> v(std::size_t{1} << vars);
  for (Fp& x : v) {
    x = Fp::from_u64(rng());
  }
  return v;
}

std::vector<Ext> random_point(std::mt19937_64& rng, unsigned vars) {
  std::vector<Ext> p(vars);
  for (Ext& e : p) {
    e = Ext(Fp::from_u64(rng()), Fp::from_u64(rng()));
  }
  return p;
}

// One committed vector, k points, their true values and an honest opening. The caller's
// part of the protocol (root and values sent before the opening) is played here too.
struct Opened {
  std::vector<Fp> values;
  PcsProverData data;
  std::vector<std::vector<Ext>> points;
  std::vector<Ext> claims;
  std::vector<std::uint8_t> proof;
};

// (No claims message when there are none: Keccak256::update is handed a null pointer for an
// empty vector, which UBSan reports in memcpy.)
void send_statement(ProverChannel& ch, const commit::Hash& root, std::span<const Ext> claims) {
  ch.send_hash("root", root);
  if (!claims.empty()) {
    ch.send_exts("claims", claims);
  }
}

Opened open_honest(unsigned vars, std::size_t k, std::uint64_t seed, const PcsParams& p = {}) {
  std::mt19937_64 rng(seed);
  Opened o;
  o.values = random_values(rng, vars);
  o.data = pcs_commit(o.values, p);
  for (std::size_t j = 0; j < k; ++j) {
    o.points.push_back(random_point(rng, vars));
    o.claims.push_back(mle_eval(std::span<const Fp>(o.values), o.points.back()));
  }
  ProverChannel ch("pcs-test");
  send_statement(ch, o.data.root, o.claims);
  pcs_open(o.data, o.points, ch, p);
  o.proof = ch.finish();
  return o;
}

// The verifier's side, ending with the channel's check for trailing bytes.
Status verify(const commit::Hash& root,
              unsigned vars,
              const std::vector<std::vector<Ext>>& points,
              const std::vector<Ext>& claims,
              std::span<const std::uint8_t> proof,
              const PcsParams& p = {}) {
  VerifierChannel ch("pcs-test", proof);
  VINFER_TRY(auto r, ch.recv_hash("root"));
  if (r != root) {
    return fail(Errc::mismatch, "root in proof differs");
  }
  if (!claims.empty()) {
    VINFER_TRY(auto c, ch.recv_exts("claims", claims.size()));
  }
  VINFER_CHECK(pcs_verify(root, vars, points, claims, ch, p));
  return ch.finish();
}

Status verify(const Opened& o, std::span<const std::uint8_t> proof) {
  return verify(o.data.root, o.data.vars, o.points, o.claims, proof);
}

TEST(Pcs, DerivedQueriesReachOneHundredBits) {
  EXPECT_EQ(pcs_default_queries(2), 149u);  // rate 1/4: delta = 3/8, 149 * 0.678 = 101.03
  for (unsigned rate = 1; rate <= 4; ++rate) {
    const unsigned t = pcs_default_queries(rate);
    const double per = -std::log2((1.0 + std::ldexp(1.0, -static_cast<int>(rate))) / 2.0);
    EXPECT_GE(t * per, 101.0) << rate;
    EXPECT_LT((t - 1) * per, 101.0) << rate;  // and it is the least such t
    for (unsigned vars : {0u, 10u, 16u, 20u, 24u, 32u}) {
      const auto lay = pcs_layout(vars, {rate, 0});
      ASSERT_TRUE(lay.ok());
      EXPECT_GE(pcs_soundness_bits(*lay), 100.0) << "rate " << rate << " vars " << vars;
      EXPECT_EQ(lay->rows() * lay->cols(), std::size_t{1} << vars);
    }
  }
  EXPECT_FALSE(pcs_layout(33).ok());
  EXPECT_FALSE(pcs_layout(4, {0, 0}).ok());
  EXPECT_FALSE(pcs_layout(4, {9, 0}).ok());
  EXPECT_FALSE(pcs_layout(4, {2, 65537}).ok());
}

TEST(Pcs, EncodingIsTheStatedReedSolomonCode) {
  // Row i of the code matrix lists row i of M (polynomial coefficients) evaluated at
  // w_n^(k 2^L + s) in coordinate s C + k (pcs.cpp, RsEncoder).
  std::mt19937_64 rng(21);
  const unsigned vars = 9;
  const std::vector<Fp> values = random_values(rng, vars);
  const PcsProverData d = pcs_commit(values);
  const PcsLayout& lay = d.layout;
  const std::size_t cols = lay.cols();
  const std::size_t n = lay.code_len();
  ASSERT_EQ(d.encoded.size(), lay.rows() * n);
  const Fp w = root_of_unity(lay.col_vars + lay.rate_log);
  for (std::size_t i = 0; i < lay.rows(); ++i) {
    for (std::size_t s = 0; s < (std::size_t{1} << lay.rate_log); ++s) {
      for (std::size_t k = 0; k < cols; ++k) {
        const Fp x = w.pow((k << lay.rate_log) + s);
        Fp acc = Fp::zero();
        for (std::size_t c = cols; c-- > 0;) {
          acc = acc * x + values[i * cols + c];
        }
        ASSERT_EQ(d.encoded[i * n + s * cols + k], acc) << i << " " << s << " " << k;
      }
    }
  }
}

TEST(Pcs, EveryIsaCommitsToTheSameRoot) {
  std::mt19937_64 rng(22);
  const std::vector<Fp> values = random_values(rng, 13);
  std::vector<commit::Hash> roots;
  const tensor::Isa was = tensor::active_isa();
  for (tensor::Isa isa : tensor::available_isas()) {
    tensor::set_isa_for_testing(isa);
    roots.push_back(pcs_commit(values).root);
  }
  tensor::set_isa_for_testing(was);
  for (const commit::Hash& r : roots) {
    EXPECT_EQ(r, roots[0]);
  }
}

TEST(Pcs, HonestOpeningsVerify) {
  for (unsigned vars : {0u, 1u, 5u, 12u, 16u}) {
    for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
      const Opened o = open_honest(vars, k, 100 + vars * 10 + k);
      const Status s = verify(o, o.proof);
      EXPECT_TRUE(s.ok()) << "vars " << vars << " points " << k << ": "
                          << (s.ok() ? "" : s.error().to_string());
    }
  }
}

TEST(Pcs, ProofSizeFollowsTheFormula) {
  for (unsigned vars : {0u, 5u, 12u}) {
    const Opened o = open_honest(vars, 2, 7 + vars);
    const PcsLayout& lay = o.data.layout;
    const std::size_t prefix = 32 + 16 * o.claims.size();
    const std::size_t opening = o.proof.size() - prefix;
    const std::size_t rows_part = 16 * lay.cols() * 3;
    ASSERT_GT(opening, rows_part);
    // The rest is d columns of 8 * rows bytes and s siblings of 32 bytes; d <= t, d <= n.
    const std::size_t rest = opening - rows_part;
    bool found = false;
    for (std::size_t d = 1; d <= std::min<std::size_t>(lay.queries, lay.code_len()); ++d) {
      if (rest >= d * 8 * lay.rows() && (rest - d * 8 * lay.rows()) % 32 == 0) {
        found = true;
      }
    }
    EXPECT_TRUE(found) << vars;
  }
}

TEST(Pcs, BooleanPointsOpenTheEntries) {
  std::mt19937_64 rng(3);
  const unsigned vars = 6;
  const std::vector<Fp> values = random_values(rng, vars);
  const PcsProverData d = pcs_commit(values);
  std::vector<std::vector<Ext>> points;
  std::vector<Ext> claims;
  for (std::size_t x : {0u, 1u, 37u, 63u}) {
    std::vector<Ext> z(vars);
    for (unsigned i = 0; i < vars; ++i) {
      z[i] = ((x >> i) & 1) != 0 ? Ext::one() : Ext::zero();
    }
    points.push_back(z);
    claims.push_back(Ext(values[x]));
  }
  ProverChannel ch("pcs-test");
  send_statement(ch, d.root, claims);
  pcs_open(d, points, ch);
  const auto proof = ch.finish();
  EXPECT_TRUE(verify(d.root, vars, points, claims, proof).ok());
}

TEST(Pcs, WrongValueIsRejected) {
  for (unsigned vars : {0u, 5u, 12u}) {
    const Opened o = open_honest(vars, 2, 40 + vars);
    for (std::size_t j = 0; j < o.claims.size(); ++j) {
      // The prover ran honestly; the verifier is asked about a different value.
      std::vector<Ext> claims = o.claims;
      claims[j] += Ext::one();
      ProverChannel pc("pcs-test");
      send_statement(pc, o.data.root, claims);
      pcs_open(o.data, o.points, pc);
      const auto proof = pc.finish();
      const Status s = verify(o.data.root, vars, o.points, claims, proof);
      ASSERT_FALSE(s.ok()) << vars;
      EXPECT_NE(s.error().message.find("point " + std::to_string(j)), std::string::npos)
          << s.error().message;
    }
  }
}

TEST(Pcs, RowsThatAreNotTheCommittedMatrixAreRejected) {
  // A prover that committed to M but answers from M' (consistent with the claims about M')
  // is caught by the column checks, not the value check.
  std::mt19937_64 rng(8);
  for (unsigned vars : {1u, 5u, 12u}) {
    const std::vector<Fp> values = random_values(rng, vars);
    const PcsProverData honest = pcs_commit(values);
    PcsProverData liar = honest;
    liar.values[rng() % liar.values.size()] += Fp::one();
    const std::vector<std::vector<Ext>> points = {random_point(rng, vars)};
    const std::vector<Ext> claims = {mle_eval(std::span<const Fp>(liar.values), points[0])};
    ProverChannel ch("pcs-test");
    send_statement(ch, honest.root, claims);
    pcs_open(liar, points, ch);
    const auto proof = ch.finish();
    const Status s = verify(honest.root, vars, points, claims, proof);
    ASSERT_FALSE(s.ok()) << vars;
    EXPECT_NE(s.error().message.find("disagrees with the encoded row"), std::string::npos)
        << s.error().message;
  }
}

TEST(Pcs, EverySampledByteMutationIsRejected) {
  for (unsigned vars : {0u, 5u, 12u}) {
    const Opened o = open_honest(vars, 2, 60 + vars);
    ASSERT_TRUE(verify(o, o.proof).ok());
    // Every offset for the small proofs; ~400 spread offsets plus the tail for vars 12.
    std::vector<std::size_t> offsets;
    const std::size_t n = o.proof.size();
    const std::size_t step = n <= 2000 ? 1 : n / 400;
    for (std::size_t i = 0; i < n; i += step) {
      offsets.push_back(i);
    }
    for (std::size_t i = n - std::min<std::size_t>(n, 64); i < n; ++i) {
      offsets.push_back(i);
    }
    for (std::size_t off : offsets) {
      for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        std::vector<std::uint8_t> bad = o.proof;
        bad[off] ^= flip;
        EXPECT_FALSE(verify(o, bad).ok()) << "vars " << vars << " offset " << off << " of " << n;
      }
    }
  }
}

TEST(Pcs, TruncatedAndExtendedProofsAreRejected) {
  const Opened o = open_honest(5, 2, 77);
  for (std::size_t len = 0; len < o.proof.size(); ++len) {
    const Status s = verify(o, std::span<const std::uint8_t>(o.proof.data(), len));
    ASSERT_FALSE(s.ok()) << len;
  }
  std::vector<std::uint8_t> longer = o.proof;
  longer.push_back(0);
  const Status s = verify(o, longer);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("trailing"), std::string::npos) << s.error().message;
}

TEST(Pcs, WrongRootVarsOrPointsAreRejected) {
  const Opened o = open_honest(12, 1, 91);
  commit::Hash other = o.data.root;
  other[5] ^= 1;
  // The prover's transcript absorbed the true root; use the PCS verifier alone with a
  // different root and the same transcript bytes so only the Merkle check can fail.
  {
    ProverChannel pc("pcs-alone");
    pcs_open(o.data, o.points, pc);
    const auto proof = pc.finish();
    VerifierChannel ok_ch("pcs-alone", proof);
    EXPECT_TRUE(pcs_verify(o.data.root, 12, o.points, o.claims, ok_ch).ok());
    VerifierChannel ch("pcs-alone", proof);
    const Status s = pcs_verify(other, 12, o.points, o.claims, ch);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("committed root"), std::string::npos) << s.error().message;
  }
  EXPECT_FALSE(verify(other, 12, o.points, o.claims, o.proof).ok());
  EXPECT_FALSE(verify(o.data.root, 11, o.points, o.claims, o.proof).ok());
  EXPECT_FALSE(verify(o.data.root, 13, o.points, o.claims, o.proof).ok());
  std::vector<std::vector<Ext>> moved = o.points;
  moved[0][3] += Ext::one();
  EXPECT_FALSE(verify(o.data.root, 12, moved, o.claims, o.proof).ok());
  EXPECT_FALSE(verify(o.data.root, 12, o.points, {}, o.proof).ok());
  EXPECT_FALSE(verify(o.data.root, 12, o.points, o.claims, o.proof, {2, 148}).ok());
  EXPECT_FALSE(verify(o.data.root, 12, o.points, o.claims, o.proof, {3, 0}).ok());
}

TEST(Pcs, NonCanonicalColumnElementIsRejectedByName) {
  const Opened o = open_honest(5, 1, 5);
  const PcsLayout& lay = o.data.layout;
  // The first opened column starts right after root, claims, one row and the proximity row.
  const std::size_t at = 32 + 16 + 2 * 16 * lay.cols();
  std::vector<std::uint8_t> bad = o.proof;
  std::uint64_t v = Fp::kModulus;  // p itself: the same residue as 0, not canonical
  for (int b = 0; b < 8; ++b) {
    bad[at + b] = static_cast<std::uint8_t>(v >> (8 * b));
  }
  const Status s = verify(o, bad);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("canonical"), std::string::npos) << s.error().message;
}

TEST(Pcs, OtherRatesAndQueryCountsRoundTrip) {
  for (unsigned rate : {1u, 3u}) {
    const PcsParams p{rate, 0};
    const Opened o = open_honest(9, 2, 300 + rate, p);
    EXPECT_TRUE(verify(o.data.root, 9, o.points, o.claims, o.proof, p).ok()) << rate;
  }
  const PcsParams few{2, 7};
  const Opened o = open_honest(9, 1, 400, few);
  EXPECT_TRUE(verify(o.data.root, 9, o.points, o.claims, o.proof, few).ok());
  EXPECT_FALSE(verify(o.data.root, 9, o.points, o.claims, o.proof).ok());  // other params
}

}  // namespace
}  // namespace vinfer::proof
