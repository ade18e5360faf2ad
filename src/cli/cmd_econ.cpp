// `vinfer econ`: sampled mode's audit economics (quorum/economics.hpp). Prints the minimal
// audit probability of proof of sampling, p* = C / ((1 − r)(R + S)), and a deterministic
// Monte-Carlo estimate of the profit per job of always cheating against being honest, at
// p* or at --p.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "common.hpp"
#include "vinfer/quorum/economics.hpp"

namespace vinfer::cli {
namespace {

struct EconOptions {
  quorum::AuditInputs in;
  std::optional<double> p;
  uint64_t jobs = 1000000;
  uint64_t seed = 1;
  bool json = false;
};

// The economics layer names the field first ("collusion = 1: ..."); the user typed it as
// an option.
int report_option(const Error& e) {
  return report(fail(e.code, "econ: --" + e.message));
}

int econ(const EconOptions& o) {
  const auto p_min = quorum::min_audit_probability(o.in);
  if (!p_min)
    return report_option(p_min.error());
  // At p* itself cheating and honesty break even; above 1 no audit rate suffices, and
  // auditing every job is the most there is to simulate.
  const double p = o.p ? *o.p : std::min(*p_min, 1.0);
  const auto sim = quorum::simulate_cheater(o.in, p, o.jobs, o.seed);
  if (!sim)
    return report_option(sim.error());
  const auto s_min = quorum::min_stake(o.in, p);  // an error only at p = 0
  const double gain = sim->cheat_profit_per_job - sim->honest_profit_per_job;
  const bool equilibrium = p > *p_min;

  if (o.json) {
    nlohmann::json j;
    j["cost"] = o.in.cost;
    j["reward"] = o.in.reward;
    j["stake"] = o.in.stake;
    j["collusion"] = o.in.collusion;
    j["min_p"] = *p_min;
    j["p"] = p;
    j["p_from"] = o.p ? "option" : (*p_min > 1 ? "capped_at_1" : "min_p");
    j["cost_multiplier"] = 1 + p;
    j["jobs"] = sim->jobs;
    j["seed"] = o.seed;
    j["audited"] = sim->audited;
    j["caught"] = sim->caught;
    j["cheat_profit_per_job"] = sim->cheat_profit_per_job;
    j["honest_profit_per_job"] = sim->honest_profit_per_job;
    j["cheat_expected_per_job"] = sim->cheat_expected_per_job;
    j["cheat_gain_per_job"] = gain;
    j["cheating_pays"] = gain > 0;
    j["honest_equilibrium"] = equilibrium;
    j["min_stake"] = s_min ? nlohmann::json(*s_min) : nlohmann::json(nullptr);
    print_json(j);
    return 0;
  }
  std::printf("cost saved C %g, reward R %g, stake S %g, colluding auditors r %g\n", o.in.cost,
              o.in.reward, o.in.stake, o.in.collusion);
  std::printf("minimal audit probability p* = C / ((1 - r)(R + S)) = %.6g\n", *p_min);
  if (*p_min > 1)
    std::printf("  p* > 1: no audit probability deters cheating; raise the stake\n");
  std::printf("at p = %.6g (%s): cost multiplier %.4g, %llu jobs simulated (seed %llu)\n", p,
              o.p ? "--p" : "p*", 1 + p, static_cast<unsigned long long>(sim->jobs),
              static_cast<unsigned long long>(o.seed));
  std::printf("  audited %llu, caught %llu (the rest drew a colluding auditor)\n",
              static_cast<unsigned long long>(sim->audited),
              static_cast<unsigned long long>(sim->caught));
  std::printf("  profit per job   always cheat %.6g (expected %.6g)   honest %.6g\n",
              sim->cheat_profit_per_job, sim->cheat_expected_per_job, sim->honest_profit_per_job);
  std::printf("  cheating %s: %+.6g per job against honesty\n", gain > 0 ? "pays" : "does not pay",
              gain);
  std::printf("  honesty is %sthe unique equilibrium at this p (p %s p*)\n",
              equilibrium ? "" : "not ", equilibrium ? ">" : "<=");
  if (s_min)
    std::printf("  at this p, cheating pays for every stake below %.6g\n", *s_min);
  std::printf(
      "profits leave out every cost both strategies share: honest = R - C; a cheater gets R, "
      "or -S when an honest auditor draws its job\n");
  return 0;
}

}  // namespace

void add_econ_command(CLI::App& app) {
  auto o = std::make_shared<EconOptions>();
  auto* cmd = app.add_subcommand(
      "econ",
      "Sampled mode's audit economics: the minimal audit probability p* = C / ((1 - r)(R + S)) "
      "above which honesty is the unique equilibrium (proof of sampling), and a deterministic "
      "simulation of the profit per job of always cheating vs honesty, at p* or at --p. A "
      "model of the incentives, not a measurement of the network");
  cmd->add_option("--cost", o->in.cost, "C: what a node saves per job by cheating (>= 0)")
      ->required();
  cmd->add_option("--reward", o->in.reward, "R: the job's reward, lost when caught (>= 0)")
      ->required();
  cmd->add_option("--stake", o->in.stake,
                  "S: the stake slashed when caught (>= 0; R + S must be > 0)")
      ->required();
  cmd->add_option("--collusion", o->in.collusion,
                  "r: the share of auditors that collude with the cheater and never report, "
                  "in [0, 1)")
      ->required();
  cmd->add_option("--p", o->p, "simulate at this audit probability in [0, 1] (default: p*)");
  cmd->add_option("--jobs", o->jobs, "jobs to simulate, 1 to 10^9")->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the simulation's draws (same seed, same numbers)")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([o] { std::exit(econ(*o)); });
}

}  // namespace vinfer::cli
