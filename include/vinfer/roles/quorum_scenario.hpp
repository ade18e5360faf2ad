// One quorum:n scenario end to end on a fresh MemoryLedger: n staked nodes (some of them
// cheating), a client posting one job to n of them, commit, reveal, tally, settlement.
// The demo's quorum rows and the quorum tests are these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinfer/ledger/ledger.hpp"
#include "vinfer/roles/quorum_node.hpp"

namespace vinfer::roles {

/// Who cheats how: one entry per node (the ledger seats n of them).
struct QuorumScenario {
  std::string name;
  uint32_t n = 3;
  std::vector<QuorumNodeConfig> nodes;  ///< size >= n; every node stakes the same
};

/// What happened, measured.
struct QuorumOutcome {
  std::string cheater;   ///< "none", or the cheats present ("colluder x2", ...)
  bool decided = false;  ///< a stake majority agreed on one output
  bool honest_output_won = false;
  bool caught = false;          ///< every cheater seated was slashed and the right output won
  bool honest_slashed = false;  ///< an honest node lost stake
  uint32_t slashed = 0, cheaters_seated = 0;
  uint64_t latency_blocks = 0;  ///< from the post to the settlement
  double cost_multiplier = 0;   ///< node-inferences per job
  double wall_s = 0;
  uint64_t transactions = 0;
  bool money_identity = true;  ///< after every transaction
  std::string verdict;         ///< the tally's words
};

/// Runs one scenario with `claimed` as the job's model.
Result<QuorumOutcome> run_quorum(const LocalModel& claimed,
                                 const model::Job& job,
                                 const QuorumScenario& sc,
                                 const ledger::Params& params = {});

/// The demo's scenarios for quorum:n: all honest, a substituted model, a random output,
/// a node that never reveals, a colluding minority, and a colluding majority (the mode's
/// stated weakness: it wins).
std::vector<QuorumScenario> quorum_scenarios(uint32_t n, const LocalModel& substitute);

}  // namespace vinfer::roles
