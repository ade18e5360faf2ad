// Internal to src/cli: one row of `vinfer demo`'s table (DESIGN §7 schema), shared by
// every mode's scenarios.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinfer/result.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::cli {

struct Row {
  std::string mode, scenario, cheater;
  bool caught = false, honest_slashed = false;
  double cost_multiplier = 0, latency = 0, wall_s = 0;
  std::string latency_unit;
  std::optional<uint32_t> rounds;        ///< null where the mode has no interaction
  std::optional<uint64_t> referee_macs;  ///< null where the mode has no referee
  std::string note;
};

/// A model file as a node holds it (canonical weights and commitment); an empty path is
/// models/<fallback> of the source tree.
Result<roles::LocalModel> demo_model(const std::string& path, const char* fallback);

/// The kjv demos' job: "In the beginning", 8 greedy tokens, on `m`.
model::Job demo_job(const roles::LocalModel& m);

/// The row in the DESIGN §7 schema.
nlohmann::json row_json(const Row& r);
/// The rows as a table on stdout.
void print_rows(const std::vector<Row>& rows);

/// Optimistic mode's scenarios on MemoryLedger: an honest job, then every cheating
/// strategy (empty paths: kjv-large, and kjv-small as the substitute); `matrix` runs the
/// whole adversary matrix (roles::adversary_matrix) instead of one of each. `progress`
/// prints a line per scenario on stderr.
Result<std::vector<Row>> optimistic_rows(const std::string& model_path,
                                         const std::string& substitute_path,
                                         bool matrix,
                                         bool progress);

/// Quorum mode's scenarios for quorum:n on MemoryLedger (roles::quorum_scenarios).
Result<std::vector<Row>> quorum_rows(uint32_t n, bool progress);

/// What always cheating earns in sampled mode at the demo's numbers (quorum/economics.hpp):
/// C is an assumption (running the model costs half the reward), R and S are the demo's
/// reward and stake (roles::kSampledReward, kSampledStake; a cheater that loses a dispute
/// also loses its bond, left out here).
struct SampledEconomics {
  double cost = 50, reward = 100, stake = 1000;
  uint64_t jobs = 100'000;     ///< simulated
  double p_audit = 0;          ///< chance per job that an honest auditor draws it
  double cheat_per_job = 0;    ///< simulated mean profit of always cheating
  double honest_per_job = 0;   ///< R − C
  double breakeven_stake = 0;  ///< below it, cheating pays: C / p − R
};
Result<SampledEconomics> sampled_economics(double p_audit);

/// Sampled mode's scenarios (roles::sampled_scenarios) at `audit_rate_bps` expected audits
/// per job, `jobs` jobs each; `econ`, if set, gets the economics at the honest scenario's
/// audit probability.
Result<std::vector<Row>> sampled_rows(uint32_t audit_rate_bps,
                                      uint32_t jobs,
                                      bool progress,
                                      SampledEconomics* econ);

}  // namespace vinfer::cli
