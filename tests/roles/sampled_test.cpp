// Sampled mode end to end (issue 5 "Must show"): sealed jobs, secret audits, a
// disagreeing audit escalated into the dispute game; an honest worker and honest auditors
// are never slashed, every audited cheat is caught, the money identity holds throughout,
// and the cost is 1 + the audits actually run.
#include <gtest/gtest.h>

#include "roles/fixtures.hpp"
#include "vinfer/roles/sampled_scenario.hpp"

namespace vinfer::roles {
namespace {

using testing::job_on;

SampledScenario scenario(SampledCheat cheat, uint32_t colluders, uint32_t rate, uint32_t jobs) {
  SampledScenario s;
  s.name = std::string(sampled_cheat_name(cheat));
  s.worker.cheat = cheat;
  s.worker.substitute = &testing::synthetic(8);
  s.auditors.assign(3, AuditorConfig{});
  for (uint32_t i = 0; i < colluders; ++i)
    s.auditors[i].kind = AuditorKind::colluding;
  s.audit_rate_bps = rate;
  s.jobs = jobs;
  return s;
}

TEST(SampledScenarios, AlwaysAuditedEveryCheatIsCaughtAndNoHonestPartyIsSlashed) {
  const LocalModel& m = testing::synthetic(7);
  // 30000 bps over 3 auditors: each draws every job.
  for (SampledCheat c : {SampledCheat::none, SampledCheat::substitute_model,
                         SampledCheat::random_output, SampledCheat::never_reveal}) {
    auto o = run_sampled(m, job_on(m, 3), scenario(c, 0, 30000, 2));
    ASSERT_TRUE(o.ok()) << sampled_cheat_name(c) << ": " << o.error().to_string();
    SCOPED_TRACE(std::string(sampled_cheat_name(c)));
    EXPECT_TRUE(o->money_identity);
    EXPECT_FALSE(o->honest_slashed);
    EXPECT_EQ(o->jobs, 2u);
    EXPECT_EQ(o->audited, 2u);
    EXPECT_DOUBLE_EQ(o->p_audit, 1.0);
    if (c == SampledCheat::none) {
      EXPECT_EQ(o->wrong, 0u);
      EXPECT_EQ(o->escalated, 0u);
      EXPECT_DOUBLE_EQ(o->cost_multiplier, 4.0);  // the worker and three audits
    } else {
      EXPECT_EQ(o->wrong, 2u);
      EXPECT_EQ(o->caught, 2u);
      EXPECT_EQ(o->wrong_paid, 0u);
      EXPECT_EQ(o->audited_paid, 0u);
    }
    if (c == SampledCheat::substitute_model) {
      // Escalated: the worker defends its trace and loses the game.
      EXPECT_EQ(o->escalated, 2u);
      EXPECT_GT(o->rounds, 0u);
    }
    if (c == SampledCheat::random_output)
      EXPECT_EQ(o->escalated, 2u);  // and then never defended
  }
}

TEST(SampledScenarios, ColludingAuditorsCannotCrowdOutAnHonestOne) {
  const LocalModel& m = testing::synthetic(7);
  auto o = run_sampled(m, job_on(m, 3), scenario(SampledCheat::substitute_model, 2, 30000, 2));
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_TRUE(o->money_identity);
  EXPECT_EQ(o->caught, 2u);  // the one honest auditor is enough
  EXPECT_FALSE(o->honest_slashed);
  EXPECT_DOUBLE_EQ(o->p_audit, 1.0);
}

TEST(SampledScenarios, NeverAuditedACheatGoesUncaught) {
  // The other side of the bargain: at p = 0 nothing is checked and a substitute is paid.
  const LocalModel& m = testing::synthetic(7);
  auto o = run_sampled(m, job_on(m, 3), scenario(SampledCheat::substitute_model, 0, 0, 2));
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->audited, 0u);
  EXPECT_EQ(o->wrong_paid, 2u);
  EXPECT_EQ(o->caught, 0u);
  EXPECT_DOUBLE_EQ(o->cost_multiplier, 1.0);
}

TEST(SampledScenarios, AtATenthTheCostStaysNearOnePlusATenth) {
  const LocalModel& m = testing::synthetic(7);
  auto o = run_sampled(m, job_on(m, 3), scenario(SampledCheat::none, 0, 1000, 30));
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->jobs, 30u);
  EXPECT_FALSE(o->honest_slashed);
  // The worker once per job, plus each audit; no dispute between honest parties.
  EXPECT_EQ(o->escalated, 0u);
  EXPECT_DOUBLE_EQ(o->cost_multiplier, 1.0 + o->audits / 30.0);
  EXPECT_GE(o->audits, o->audited);
  EXPECT_LT(o->audits, 15u);  // p = 1/30 per auditor: a handful of audits, not most jobs
}

}  // namespace
}  // namespace vinfer::roles
