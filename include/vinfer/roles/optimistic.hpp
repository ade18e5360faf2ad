// One optimistic-mode scenario end to end on a fresh MemoryLedger: a client posts a job,
// a worker claims it, a watcher re-runs it and disputes if its trace differs, the game is
// played to the end, the job settles. The demo's rows and the adversary tests are these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vinfer/dispute/types.hpp"
#include "vinfer/ledger/ledger.hpp"
#include "vinfer/roles/watcher.hpp"
#include "vinfer/roles/worker.hpp"

namespace vinfer::roles {

/// Who cheats how.
struct OptimisticScenario {
  std::string name;
  WorkerConfig worker;
  WatcherConfig watcher;
  /// Drop the watcher (no cleanup) once its game has this many rounds, and rebuild it
  /// from its state file (watcher_db must then be a file).
  std::optional<uint32_t> restart_watcher_at_round;
  std::string watcher_db = ":memory:";
};

/// What happened, measured.
struct OptimisticOutcome {
  std::string cheater;            ///< "none", a Cheat name, or "false-challenger"
  bool rejected_at_post = false;  ///< the claim failed its admission check (no game)
  bool disputed = false;
  bool caught = false;          ///< the cheater lost (claim rejected or false challenge lost)
  bool honest_slashed = false;  ///< an honest party lost a bond
  ledger::JobStatus status = ledger::JobStatus::open;
  dispute::Side winner = dispute::Side::defender;
  std::string reason;         ///< the referee's or the clock's words
  uint32_t rounds = 0;        ///< exchanges in the game (0 without one)
  uint64_t max_rounds = 0;    ///< ceil(log2 steps) + ceil(log2 chunks) + 2
  uint64_t steps = 0;         ///< schedule length
  bool reached_step = false;  ///< phase 1 ended: the sides found the first differing step
  uint64_t disputed_step = 0;
  std::string disputed_step_desc;
  bool refereed = false;        ///< the game ended at the referee (not on a clock)
  uint64_t referee_macs = 0;    ///< the referee's multiply-accumulates for one element
  uint64_t step_macs = 0;       ///< the whole disputed step's
  uint64_t latency_blocks = 0;  ///< from the job's post to its settlement
  double wall_s = 0;
  double cost_multiplier = 0;  ///< node-inferences per job (worker + watcher re-runs)
  uint64_t transactions = 0;   ///< ledger calls made, the money identity checked after each
  bool money_identity = true;  ///< held after every one of them
  bool restarted = false;      ///< the watcher was rebuilt from its state file mid-game
};

/// The adversary matrix on a job of `steps` steps: the honest run; perturb-element,
/// random-output and wrong-trace-root with the lie at the first, middle and last step;
/// silent after 0, 3 and 12 moves (lying at the middle step); substitute-model running
/// `other`; and a false challenger whose made-up trace diverges at the first, middle and
/// last step. `other` must outlive the scenarios.
std::vector<OptimisticScenario> adversary_matrix(uint64_t steps, const LocalModel& other);

/// The demo's short list: the honest run and one of each cheater.
std::vector<OptimisticScenario> demo_scenarios(uint64_t steps, const LocalModel& other);

/// Runs one scenario with `claimed` as the job's model (`other` for a substitute-model
/// cheater). `params` are the ledger's rules.
Result<OptimisticOutcome> run_optimistic(const LocalModel& claimed,
                                         const model::Job& job,
                                         const OptimisticScenario& sc,
                                         const ledger::Params& params = {});

}  // namespace vinfer::roles
