// Sampled mode end to end on a fresh MemoryLedger: one worker candidate and k auditors,
// staked and keyed; a client posts `jobs` sampled jobs one after another, each sealed to
// the worker and to every auditor; audits are drawn in secret; a disagreeing audit goes
// to the dispute game. The demo's sampled rows and the sampled tests are these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinfer/ledger/ledger.hpp"
#include "vinfer/roles/sampled.hpp"

namespace vinfer::roles {

/// What every node stakes, the reward per job and the fee per audit in these runs.
inline constexpr ledger::Amount kSampledStake = 1000, kSampledReward = 100, kSampledAuditFee = 100;

struct SampledScenario {
  std::string name;
  SampledWorkerConfig worker;
  std::vector<AuditorConfig> auditors;  ///< k; a colluder's output is filled in by the run
  uint32_t audit_rate_bps = 1000;       ///< expected audits per job (ledger::SampledOffer)
  uint32_t jobs = 40;
};

/// What happened over all the jobs, measured.
struct SampledRunOutcome {
  std::string cheater;  ///< "none", or the worker's cheat and the colluding auditors
  uint32_t jobs = 0;
  uint32_t audited = 0;    ///< jobs at least one auditor drew itself for
  uint32_t audits = 0;     ///< audit re-runs over all jobs (a job may draw several)
  uint32_t escalated = 0;  ///< jobs a disagreeing audit sent to the dispute game
  uint32_t wrong = 0;      ///< jobs whose worker did not give the honest output
  uint32_t caught = 0;     ///< of those, jobs that ended with the worker slashed or rejected
  uint32_t wrong_paid = 0; ///< of those, jobs the worker was paid for (not caught)
  uint32_t audited_paid = 0;  ///< of those, jobs paid although an honest auditor drew them
  bool honest_slashed = false;  ///< an honest party lost stake or a bond
  uint32_t rounds = 0;          ///< the longest dispute game (0 without one)
  double cost_multiplier = 0;   ///< node-inferences per job (worker + audits + disputes)
  double latency_blocks = 0;    ///< mean blocks from a job's post to its settlement
  double p_audit = 0;           ///< per job, the chance that an honest auditor draws it
  double wall_s = 0;
  uint64_t transactions = 0;
  bool money_identity = true;  ///< after every transaction
};

/// Runs one scenario with `claimed` as every job's model; job i is `base` with seed i.
Result<SampledRunOutcome> run_sampled(const LocalModel& claimed,
                                      const model::Job& base,
                                      const SampledScenario& sc,
                                      const ledger::Params& params = {});

/// The demo's scenarios at `audit_rate_bps` expected audits per job with three auditors:
/// all honest; the worker serves a smaller model; reveals a random output; never
/// reveals; serves a smaller model with one of three auditors colluding; and with two of
/// three colluding (a colluding majority of auditors still loses to one honest draw).
std::vector<SampledScenario> sampled_scenarios(uint32_t audit_rate_bps,
                                               uint32_t jobs,
                                               const LocalModel& substitute);

}  // namespace vinfer::roles
