// Audit economics: the proof-of-sampling bound, and a deterministic simulation in which
// always cheating loses to honesty just above the bound and beats it just below.
#include "vinfer/quorum/economics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace vinfer::quorum {
namespace {

// C = 1, R = 1, S = 9, r = 0.2: p* = 1 / (0.8 × 10) = 0.125.
constexpr AuditInputs kInputs{1.0, 1.0, 9.0, 0.2};

TEST(QuorumEconomics, MinAuditProbabilityIsTheProofOfSamplingBound) {
  EXPECT_DOUBLE_EQ(*min_audit_probability(kInputs), 0.125);
  EXPECT_DOUBLE_EQ(*min_audit_probability({2.0, 1.0, 3.0, 0.0}), 0.5);
  EXPECT_DOUBLE_EQ(*min_audit_probability({0.0, 1.0, 3.0, 0.5}), 0.0);
  // Too little at stake: even auditing every job does not deter.
  EXPECT_GT(*min_audit_probability({10.0, 1.0, 1.0, 0.0}), 1.0);
}

TEST(QuorumEconomics, RejectsInputsOutsideTheModelNamingTheField) {
  const auto starts_with = [](const Error& e, const std::string& field) {
    return e.message.rfind(field + " = ", 0) == 0;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    AuditInputs in;
    const char* field;
  };
  for (const Case& c :
       {Case{{1, 1, 9, 1.0}, "collusion"}, Case{{1, 1, 9, -0.1}, "collusion"},
        Case{{-1, 1, 9, 0}, "cost"}, Case{{nan, 1, 9, 0}, "cost"}, Case{{1, -1, 9, 0}, "reward"},
        Case{{1, 1, -9, 0}, "stake"}, Case{{1, 0, 0, 0}, "stake"},
        Case{{1, 1, std::numeric_limits<double>::infinity(), 0}, "stake"}}) {
    const auto p = min_audit_probability(c.in);
    ASSERT_FALSE(p.ok()) << c.field;
    EXPECT_EQ(p.error().code, Errc::invalid_argument);
    EXPECT_TRUE(starts_with(p.error(), c.field)) << p.error().message;
    EXPECT_FALSE(simulate_cheater(c.in, 0.5, 10, 1).ok());
  }
  EXPECT_FALSE(simulate_cheater(kInputs, 1.5, 10, 1).ok());
  EXPECT_FALSE(simulate_cheater(kInputs, -0.1, 10, 1).ok());
  EXPECT_FALSE(simulate_cheater(kInputs, 0.5, 0, 1).ok());
  EXPECT_FALSE(min_stake(kInputs, 0.0).ok());
}

// The margin: at p = p* (1 ± 10 %) the expected gain of cheating over honesty is ∓0.1 per
// job; one job's cheating profit has a standard deviation of (R + S) sqrt(q(1 − q)) ≈ 3.2
// (q = p(1 − r) ≈ 0.11), so over 2,000,000 jobs the mean is off by about 0.0022: the
// margin is over 40 standard deviations, and the seed is fixed anyway.
TEST(QuorumEconomics, CheatingLosesJustAboveTheMinimumAndPaysJustBelow) {
  const double p_min = *min_audit_probability(kInputs);
  const uint64_t jobs = 2000000;
  const CheaterSimulation above = *simulate_cheater(kInputs, p_min * 1.1, jobs, 42);
  EXPECT_LT(above.cheat_profit_per_job, above.honest_profit_per_job);
  EXPECT_NEAR(above.cheat_profit_per_job - above.honest_profit_per_job, -0.1, 0.02);
  const CheaterSimulation below = *simulate_cheater(kInputs, p_min * 0.9, jobs, 42);
  EXPECT_GT(below.cheat_profit_per_job, below.honest_profit_per_job);
  EXPECT_NEAR(below.cheat_profit_per_job - below.honest_profit_per_job, 0.1, 0.02);
  EXPECT_DOUBLE_EQ(above.honest_profit_per_job, 0.0);  // R − C
}

TEST(QuorumEconomics, SimulationIsDeterministicAndEstimatesTheExpectation) {
  const CheaterSimulation a = *simulate_cheater(kInputs, 0.3, 100000, 7);
  const CheaterSimulation b = *simulate_cheater(kInputs, 0.3, 100000, 7);
  EXPECT_EQ(a.caught, b.caught);
  EXPECT_EQ(a.cheat_profit_per_job, b.cheat_profit_per_job);
  EXPECT_NE(simulate_cheater(kInputs, 0.3, 100000, 8)->caught, a.caught);
  EXPECT_DOUBLE_EQ(a.cheat_expected_per_job, 1.0 - 0.3 * 0.8 * 10.0);
  // sd of the mean: 10 sqrt(0.24 × 0.76) / sqrt(1e5) ≈ 0.0135; 0.07 is 5 of them.
  EXPECT_NEAR(a.cheat_profit_per_job, a.cheat_expected_per_job, 0.07);
  // A colluding auditor never reports: about 80 % of audits catch.
  EXPECT_NEAR(static_cast<double>(a.caught) / a.audited, 0.8, 0.02);
  EXPECT_NEAR(static_cast<double>(a.audited) / a.jobs, 0.3, 0.01);
}

TEST(QuorumEconomics, NobodyCatchesWithoutAuditsAndAllColludingButOneCatchesLittle) {
  const CheaterSimulation none = *simulate_cheater(kInputs, 0.0, 1000, 1);
  EXPECT_EQ(none.audited, 0u);
  EXPECT_DOUBLE_EQ(none.cheat_profit_per_job, 1.0);  // always paid
  const CheaterSimulation all = *simulate_cheater({1, 1, 9, 0.0}, 1.0, 1000, 1);
  EXPECT_EQ(all.caught, 1000u);
  EXPECT_DOUBLE_EQ(all.cheat_profit_per_job, -9.0);
}

TEST(QuorumEconomics, MinStakeIsWhereCheatingStopsPaying) {
  // At p = 0.1, r = 0.2: S* = 1 / 0.08 − 1 = 11.5.
  const double s = *min_stake(kInputs, 0.1);
  EXPECT_DOUBLE_EQ(s, 11.5);
  AuditInputs at = kInputs;
  at.stake = s;
  EXPECT_NEAR(*min_audit_probability(at), 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(*min_stake({0.0, 1.0, 0.0, 0.0}, 0.5), 0.0);  // nothing saved by cheating
}

}  // namespace
}  // namespace vinfer::quorum
