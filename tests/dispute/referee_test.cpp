// The one-step referee against the engine: every element it recomputes from opened
// operands equals what the engine wrote, and every tampered opening is rejected.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>

#include "dispute/fixtures.hpp"
#include "vinfer/dispute/referee.hpp"
#include "vinfer/model/weight_tensors.hpp"

namespace vinfer::dispute {
namespace {

using testing::small_model;

int64_t element(const model::Step& s, const std::vector<uint8_t>& bytes, uint64_t e) {
  const size_t es = commit::dtype_size(model::op_dtype(s.op));
  if (es == 1)
    return static_cast<int8_t>(bytes[e]);
  if (es == 4) {
    int32_t x;
    std::memcpy(&x, &bytes[e * 4], 4);
    return x;
  }
  int64_t x;
  std::memcpy(&x, &bytes[e * 8], 8);
  return x;
}

class RefereeTest : public ::testing::TestWithParam<bool> {};

TEST_P(RefereeTest, RecomputesEveryStepsElementsAsTheEngineDid) {
  const auto& mdl = small_model();
  const model::Job job = testing::job_for(mdl, GetParam());
  const testing::Trace t = testing::run(mdl, job);
  const RefereeContext ctx = testing::context(mdl, job);
  const PartyData d = testing::party(mdl, t);
  std::mt19937_64 rng(5);
  std::set<model::Op> ops;
  for (uint64_t k = 0; k < ctx.sched.size(); ++k) {
    const model::Step s = ctx.sched.at(k);
    const uint64_t n = uint64_t{s.rows} * s.cols;
    for (uint64_t e : {uint64_t{0}, n - 1, rng() % n}) {
      OperandBundle b;
      auto built = build_bundle(ctx, k, e, d, &b);
      ASSERT_TRUE(built.ok()) << ctx.sched.describe(k) << ": " << built.error().to_string();
      const int64_t want = element(s, t.outputs[k], e);
      ASSERT_EQ(built->value, want) << ctx.sched.describe(k) << " element " << e;
      auto v = referee_element(ctx, k, e, t.acc.root_at(k), b);
      ASSERT_TRUE(v.ok()) << ctx.sched.describe(k) << ": " << v.error().to_string();
      ASSERT_EQ(v->value, want) << ctx.sched.describe(k) << " element " << e;
    }
    ops.insert(s.op);
  }
  // The job exercised every transformer operator of its sampler kind.
  const size_t expect = GetParam() ? 19 : 17;
  EXPECT_EQ(ops.size(), expect);
}

INSTANTIATE_TEST_SUITE_P(Greedy_Sampled, RefereeTest, ::testing::Bool());

TEST(Referee, MatmulElementCostsOneRow) {
  const auto& mdl = small_model();
  const model::Job job = testing::job_for(mdl, false);
  const testing::Trace t = testing::run(mdl, job);
  const RefereeContext ctx = testing::context(mdl, job);
  const PartyData d = testing::party(mdl, t);
  bool seen = false;
  for (uint64_t k = 0; k < ctx.sched.size() && !seen; ++k) {
    const model::Step s = ctx.sched.at(k);
    if (s.op != model::Op::matmul || s.weight != model::Weight::w1)
      continue;
    OperandBundle b;
    auto v = build_bundle(ctx, k, 3, d, &b);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->macs, mdl.m.cfg.dim);  // one dot product over the input row
    EXPECT_EQ(step_macs(ctx, k), uint64_t{mdl.m.cfg.dim} * mdl.m.cfg.hidden_dim);
    seen = true;
  }
  EXPECT_TRUE(seen);
}

// One matmul element's bundle, tampered in every way a party could.
class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    job = testing::job_for(small_model(), false);
    t = testing::run(small_model(), job);
    ctx = std::make_unique<RefereeContext>(testing::context(small_model(), job));
    for (k = 0; ctx->sched.at(k).op != model::Op::matmul; ++k) {
    }
    const PartyData d = testing::party(small_model(), t);
    ASSERT_TRUE(build_bundle(*ctx, k, 5, d, &good).ok());
    ASSERT_TRUE(referee_element(*ctx, k, 5, t.acc.root_at(k), good).ok());
  }
  Status check(const OperandBundle& b) {
    auto v = referee_element(*ctx, k, 5, t.acc.root_at(k), b);
    if (!v.ok())
      return v.error();
    return ok_status();
  }
  model::Job job;
  testing::Trace t;
  std::unique_ptr<RefereeContext> ctx;
  uint64_t k = 0;
  OperandBundle good;
};

TEST_F(TamperTest, WrongAgreedRootIsRejected) {
  EXPECT_FALSE(referee_element(*ctx, k, 5, t.acc.root_at(k + 1), good).ok());
}

TEST_F(TamperTest, ChangedOperandValueIsRejected) {
  OperandBundle b = good;
  b.steps[0].elements.chunks[0].chunk[0] ^= 1;
  auto st = check(b);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("operand 0"), std::string::npos) << st.error().message;
}

TEST_F(TamperTest, ChangedWeightValueIsRejected) {
  OperandBundle b = good;
  b.weights[0].elements.chunks[0].chunk[3] ^= 1;
  auto st = check(b);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("weight opening 0"), std::string::npos) << st.error().message;
}

TEST_F(TamperTest, WrongSiblingsAreRejected) {
  OperandBundle b = good;
  b.steps[1].in_trace.path.at(0)[0] ^= 1;
  EXPECT_FALSE(check(b).ok());
  b = good;
  b.weights[1].in_weights.siblings.at(0)[0] ^= 1;
  EXPECT_FALSE(check(b).ok());
}

TEST_F(TamperTest, AnotherRowOrStepIsRejected) {
  OperandBundle b = good;
  // The weight row of element 6 instead of 5: a valid opening, the wrong one.
  const PartyData d = testing::party(small_model(), t);
  OperandBundle other;
  ASSERT_TRUE(build_bundle(*ctx, k, 6, d, &other).ok());
  b.weights = other.weights;
  EXPECT_FALSE(check(b).ok());
}

TEST_F(TamperTest, MissingOrExtraOpeningsAreRejected) {
  OperandBundle b = good;
  b.steps.pop_back();
  EXPECT_EQ(check(b).error().code, Errc::truncated);
  b = good;
  b.weights.push_back(b.weights[0]);
  EXPECT_EQ(check(b).error().code, Errc::parse);
  EXPECT_FALSE(check(OperandBundle{}).ok());
}

TEST(RefereeRules, EveryKjvOperatorHasARuleGraphOperatorsDoNot) {
  for (size_t i = 0; i < model::kOpCount; ++i) {
    const auto op = static_cast<model::Op>(i);
    const bool graph = i >= static_cast<size_t>(model::Op::gemm);
    EXPECT_EQ(referee_rule(op).kind == RefereeKind::unsupported, graph) << model::op_name(op);
    EXPECT_FALSE(referee_rule(op).note.empty());
  }
}

TEST(WeightTensors, LayoutMatchesTheCommitment) {
  const auto& mdl = small_model();
  const auto& cfg = mdl.m.cfg;
  ASSERT_EQ(model::weight_tensor_count(cfg), mdl.c.tensor_roots.size());
  model::for_each_weight_tensor(
      mdl.m, [&](uint32_t i, const model::WeightTensorInfo& w, std::span<const uint8_t> b) {
        EXPECT_EQ(w.name, mdl.c.tensor_names[i]);
        EXPECT_EQ(commit::tensor_root(w.dtype, w.rows, w.cols, b), mdl.c.tensor_roots[i]) << w.name;
      });
  EXPECT_EQ(mdl.c.tensor_names[model::weight_tensor_index(cfg, model::Weight::w2, 1, true)],
            "blk.1.w2.scale");
  EXPECT_EQ(mdl.c.tensor_names[model::weight_tensor_index(cfg, model::Weight::wcls, 0, false)],
            "wcls");
}

TEST(WeightTensors, ArchEncodingRoundTripsAndRejectsGarbage) {
  const auto& mdl = small_model();
  const auto bytes = model::arch_encoding(mdl.m);
  auto a = model::parse_arch_encoding(bytes);
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  EXPECT_EQ(a->cfg, mdl.m.cfg);
  EXPECT_EQ(a->norm_eps_q24, mdl.m.norm_eps_q24);
  for (size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_FALSE(model::parse_arch_encoding({bytes.data(), cut}).ok()) << cut;
  auto extra = bytes;
  extra.push_back(0);
  EXPECT_FALSE(model::parse_arch_encoding(extra).ok());
  auto bad = bytes;
  bad[4] = 'x';
  EXPECT_FALSE(model::parse_arch_encoding(bad).ok());
}

}  // namespace
}  // namespace vinfer::dispute
