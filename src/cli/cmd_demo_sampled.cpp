// `vinfer demo sampled:P`: sampled mode's scenarios on MemoryLedger (demo_rows.hpp). One
// worker answers each kjv-large job, sealed to it and to three auditors; each auditor
// draws itself in secret so that P audits run per job on average; a disagreeing audit
// goes to the dispute game. Every scenario runs many jobs, since a cheat is caught only
// on the jobs that are audited: the rows say how many were, and what cheating earns.
#include <cstdio>

#include "common.hpp"
#include "demo_rows.hpp"
#include "vinfer/quorum/economics.hpp"
#include "vinfer/roles/sampled_scenario.hpp"

namespace vinfer::cli {
namespace {

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

}  // namespace

Result<SampledEconomics> sampled_economics(double p_audit) {
  SampledEconomics e;
  e.p_audit = p_audit;
  const quorum::AuditInputs in{e.cost, e.reward, e.stake, 0.0};
  VINFER_TRY(quorum::CheaterSimulation sim, quorum::simulate_cheater(in, p_audit, e.jobs, 1));
  e.cheat_per_job = sim.cheat_profit_per_job;
  e.honest_per_job = sim.honest_profit_per_job;
  VINFER_TRY(e.breakeven_stake, quorum::min_stake(in, p_audit));
  return e;
}

Result<std::vector<Row>> sampled_rows(uint32_t audit_rate_bps,
                                      uint32_t jobs,
                                      bool progress,
                                      SampledEconomics* econ) {
  VINFER_TRY(roles::LocalModel claimed, demo_model("", "kjv-large.gguf"));
  VINFER_TRY(roles::LocalModel other, demo_model("", "kjv-small.gguf"));
  const model::Job job = demo_job(claimed);
  const std::string mode = "sampled:" + fmt("%g", audit_rate_bps / 10000.0);

  std::vector<Row> rows;
  for (const roles::SampledScenario& sc : roles::sampled_scenarios(audit_rate_bps, jobs, other)) {
    if (progress)
      std::fprintf(stderr, "demo %s: %s (%u jobs) ...\n", mode.c_str(), sc.name.c_str(), jobs);
    VINFER_TRY(roles::SampledRunOutcome o, roles::run_sampled(claimed, job, sc));
    if (!o.money_identity)
      return fail(Errc::mismatch, "demo sampled: money identity broken in '" + sc.name + "'");
    Row r;
    r.mode = mode;
    r.scenario = sc.name;
    r.cheater = o.cheater;
    // Caught: some cheat was caught and none that an honest auditor saw got through. A
    // cheat on an unaudited job is paid: that is the bargain, priced by the economics line.
    r.caught = o.caught > 0 && o.audited_paid == 0;
    r.honest_slashed = o.honest_slashed;
    r.cost_multiplier = o.cost_multiplier;
    r.latency = o.latency_blocks;
    r.latency_unit = "blocks";
    r.wall_s = o.wall_s;
    if (o.rounds)
      r.rounds = o.rounds;
    r.note = std::to_string(o.audits) + " audits on " + std::to_string(o.audited) + "/" +
             std::to_string(o.jobs) + " jobs";
    if (o.wrong)
      r.note += "; caught " + std::to_string(o.caught) + "/" + std::to_string(o.wrong) +
                " cheats (" + std::to_string(o.escalated) + " disputed), " +
                std::to_string(o.wrong_paid) + " unaudited paid";
    rows.push_back(std::move(r));
    if (econ && o.cheater == "none") {
      VINFER_TRY(*econ, sampled_economics(o.p_audit));
    }
  }
  return rows;
}

}  // namespace vinfer::cli
