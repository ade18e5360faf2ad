// Sampled mode end to end (issue 5 "Must show"): sealed jobs, secret audits, a
// disagreeing audit escalated into the dispute game; an honest worker and honest auditors
// are never slashed, every audited cheat is caught, the money identity holds throughout,
// and the cost is 1 + the audits actually run.
#include <gtest/gtest.h>

#include "roles/fixtures.hpp"
#include "vinfer/ledger/memory_ledger.hpp"
#include "vinfer/quorum/audit.hpp"
#include "vinfer/roles/client.hpp"
#include "vinfer/roles/sampled.hpp"
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

// A worker rebuilt after its commit and an auditor rebuilt after its audit commit (fresh
// objects, same keys and secrets, nothing in memory) read what they did from the ledger:
// both reveal, the job is paid, nobody is slashed; the auditor's next registration is a
// fresh secret, never the one it revealed, and a second rebuild does not register again.
TEST(SampledRestart, RebuiltWorkerAndAuditorFinishTheJobAndNoSecretIsReused) {
  const LocalModel& m = testing::synthetic(7);
  ledger::MemoryLedger l;
  const auto client = ledger::address_of("client"), w = ledger::address_of("worker"),
             v = ledger::address_of("auditor");
  ASSERT_TRUE(l.deposit(client, 100'000).ok());
  ASSERT_TRUE(l.register_model(client, registration_of(m)).ok());
  std::array<uint8_t, 32> ws{}, vs{};
  ws[0] = 1;
  vs[0] = 2;
  const X25519KeyPair wk = x25519_keypair_from_seed(ws), vk = x25519_keypair_from_seed(vs);
  for (const auto& [a, k] : {std::pair{w, wk}, std::pair{v, vk}}) {
    ASSERT_TRUE(l.deposit(a, 10'000).ok());
    ASSERT_TRUE(l.stake(a, 1000).ok());
    ASSERT_TRUE(l.register_key(a, k.pk).ok());
  }
  const Hash wsecret = commit::keccak256(std::string_view("w")),
             master = commit::keccak256(std::string_view("v"));
  auto worker = [&] { return std::make_unique<SampledWorker>(l, w, m, wk, wsecret, SampledWorkerConfig{}); };
  auto auditor = [&] { return Auditor::create(l, v, m, vk, master, AuditorConfig{}).value(); };
  auto sw = worker();
  auto au = auditor();
  ASSERT_TRUE(au->step().ok());  // registers its first secret
  ASSERT_EQ(l.auditors().size(), 1u);
  const Hash first_registration = l.auditors()[0].commitment;

  const model::Job job = job_on(m, 3);
  const Hash id = job.id();
  ASSERT_TRUE(l.post_sampled_job(client, id, m.c.root, {100, 30, 10000}).ok());
  ASSERT_TRUE(l.advance(1).ok());  // the worker is drawn
  const auto rec = l.sampled_job(id).value();
  ASSERT_EQ(rec.worker, w);
  const std::vector<uint8_t> plain = job.canonical_bytes();
  ASSERT_TRUE(l.sampled_deliver(client, id, {{w, seal(plain, wk.pk, id)}, {v, seal(plain, vk.pk, id)}}).ok());
  auto round = [&] { return *l.sampled_job(id).value().round; };
  auto step_both = [&] {
    ASSERT_TRUE(sw->step().ok());
    ASSERT_TRUE(au->step().ok());
  };
  // Commit phase: the worker commits, then is rebuilt.
  ASSERT_TRUE(l.advance(1).ok());
  step_both();
  ASSERT_TRUE(round().worker_committed);
  sw = worker();
  // Audit phase: the auditor (always drawn at 10000 bps) commits, then is rebuilt.
  while (round().phase(l.block()) == quorum::SampledPhase::commit)
    ASSERT_TRUE(l.advance(1).ok());
  step_both();
  ASSERT_TRUE(round().auditors.at(0).committed);
  au = auditor();
  step_both();  // nothing to do in the audit phase any more: no second commit
  while (round().phase(l.block()) == quorum::SampledPhase::audit)
    ASSERT_TRUE(l.advance(1).ok());
  step_both();
  EXPECT_TRUE(round().worker_revealed);
  EXPECT_TRUE(round().auditors.at(0).revealed);
  while (round().phase(l.block()) != quorum::SampledPhase::settle)
    ASSERT_TRUE(l.advance(1).ok());
  ASSERT_TRUE(l.sampled_settle(id).ok());
  EXPECT_EQ(l.sampled_job(id).value().status, ledger::SampledStatus::paid);
  EXPECT_EQ(l.staked(w), 1000u);
  EXPECT_EQ(l.staked(v), 1000u);
  EXPECT_TRUE(l.totals().holds());

  // The revealed secret retired the registration: a fresh one, and only one.
  ASSERT_TRUE(au->step().ok());
  ASSERT_EQ(l.auditors().size(), 1u);
  const Hash second_registration = l.auditors()[0].commitment;
  EXPECT_NE(second_registration, first_registration);
  au = auditor();
  ASSERT_TRUE(au->step().ok());
  ASSERT_TRUE(au->step().ok());
  ASSERT_EQ(l.auditors().size(), 1u);
  EXPECT_EQ(l.auditors()[0].commitment, second_registration);
}

}  // namespace
}  // namespace vinfer::roles
