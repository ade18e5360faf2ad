#include "vinfer/engine/engine.hpp"

#include <gtest/gtest.h>

#include "engine/fixtures.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/engine/replay.hpp"
#include "vinfer/engine/trace.hpp"
#include "vinfer/model/synthetic.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::engine {
namespace {

constexpr auto job = testing::test_job;

using testing::small_config;

model::CanonicalModel small_model(uint64_t seed = 11) {
  auto q = model::quantize(model::synthetic_model(small_config(), seed));
  EXPECT_TRUE(q.ok()) << q.error().to_string();
  return std::move(q).value();
}

struct Outcome {
  std::vector<uint32_t> tokens;
  commit::Hash trace_root, output_hash;
  uint64_t steps;
};

Outcome run(const model::CanonicalModel& m, const model::Job& j, unsigned threads) {
  Engine e(m, threads);
  TraceRecorder rec;
  auto r = e.run(j, &rec);
  EXPECT_TRUE(r.ok());
  return {r->tokens, rec.root(), r->output_hash, rec.size()};
}

TEST(Engine, RunsExactlyMaxTokensAlongTheSchedule) {
  const auto m = small_model();
  for (bool sampled : {false, true}) {
    const auto j = job(sampled);
    auto sched = model::Schedule::create(m.cfg, j);
    ASSERT_TRUE(sched.ok());
    const Outcome o = run(m, j, 1);
    EXPECT_EQ(o.tokens.size(), j.max_tokens);
    EXPECT_EQ(o.steps, sched->size());
    for (uint32_t t : o.tokens)
      EXPECT_LT(t, m.cfg.vocab_size);
  }
}

TEST(Engine, BitExactAcrossIsasAndThreads) {
  const auto m = small_model();
  for (bool sampled : {false, true}) {
    const auto j = job(sampled);
    tensor::set_isa_for_testing(tensor::Isa::scalar);
    const Outcome ref = run(m, j, 1);
    for (tensor::Isa isa : tensor::available_isas()) {
      tensor::set_isa_for_testing(isa);
      for (unsigned threads : {1u, 2u, 3u}) {
        const Outcome o = run(m, j, threads);
        EXPECT_EQ(o.tokens, ref.tokens) << tensor::isa_name(isa) << " x" << threads;
        EXPECT_EQ(o.trace_root, ref.trace_root) << tensor::isa_name(isa) << " x" << threads;
        EXPECT_EQ(o.output_hash, ref.output_hash);
      }
    }
  }
  tensor::set_isa_for_testing(tensor::best_isa());
}

TEST(Engine, EveryStepRecomputesFromItsOperands) {
  const auto m = small_model();
  for (bool sampled : {false, true}) {
    const auto j = job(sampled);
    auto sched = model::Schedule::create(m.cfg, j).value();
    Engine e(m, 2);
    StepCollector col;
    ASSERT_TRUE(e.run(j, &col).ok());
    ASSERT_EQ(col.outputs.size(), sched.size());
    const OutputOf out = [&](uint64_t k) { return std::span<const uint8_t>(col.outputs[k]); };
    for (uint64_t k = 0; k < sched.size(); ++k) {
      auto want = recompute_step(m, j, sched, k, out);
      ASSERT_TRUE(want.ok()) << sched.describe(k) << ": " << want.error().to_string();
      ASSERT_EQ(*want, col.outputs[k]) << sched.describe(k);
    }
  }
}

TEST(Engine, OutputHashIsTheRootOfTheTokenTensor) {
  const auto m = small_model();
  const auto j = job(false);
  Engine e(m, 1);
  StepCollector col;
  auto r = e.run(j, &col);
  ASSERT_TRUE(r.ok());
  const auto& last = col.outputs.back();
  EXPECT_EQ(r->output_hash, commit::tensor_root(commit::DType::i32, 1, j.max_tokens, last));
}

TEST(Engine, DifferentSeedsOrTemperaturesChangeTheTrace) {
  const auto m = small_model();
  auto a = job(true), b = job(true);
  b.seed = 99;
  EXPECT_NE(run(m, a, 1).trace_root, run(m, b, 1).trace_root);
  EXPECT_NE(run(m, a, 1).trace_root, run(m, job(false), 1).trace_root);
}

TEST(Engine, RejectsAJobThatDoesNotFit) {
  const auto m = small_model();
  auto j = job(false);
  j.max_tokens = 100;  // prompt 5 + 100 > context 48
  Engine e(m, 1);
  auto r = e.run(j);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("context"), std::string::npos);
  j.max_tokens = 4;
  j.tokens[2] = 5000;
  EXPECT_FALSE(e.run(j).ok());
}

}  // namespace
}  // namespace vinfer::engine
