// Test fixtures of the ledger tests: one tiny synthetic model, committed and run once,
// an honest trace of one job, tampered traces (a "perturbed element" cheater), and a
// party that plays a dispute game from its own trace.
#pragma once

#include <cstdint>
#include <vector>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/dispute/game.hpp"
#include "vinfer/dispute/referee.hpp"
#include "vinfer/ledger/ledger.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/model/schedule.hpp"

namespace vinfer::ledger::testing {

/// Every step's output of one run of the job, and the accumulator over their roots.
struct Trace {
  std::vector<std::vector<uint8_t>> outputs;
  commit::TraceAccumulator acc;
  Hash output_hash{};

  uint64_t steps() const { return acc.size(); }
  /// The claim a worker holding this trace posts.
  dispute::Claim claim(const Hash& job_id) const;
  /// The peaks after steps - 1 appends (post_result's last_peaks).
  std::vector<Hash> last_peaks() const;
};

/// The model, its commitment, one greedy job on it and the honest trace of that job.
struct World {
  model::CanonicalModel model;
  model::ModelCommitment commitment;
  ModelRegistration registration;
  model::Job job;  ///< model_root set to commitment.root
  model::Schedule sched;
  dispute::RefereeContext referee;  ///< as the ledger builds it
  Trace honest;
};

/// Built once per test binary (tests/engine/fixtures.hpp small_config, seed 11).
const World& world();

/// A copy of `t` with one element of step k changed (+1, or -1 at the int8 maximum) and
/// the accumulator rebuilt: the trace of a cheater that perturbs one element.
Trace tampered(const Trace& t, uint64_t k, uint64_t element);

/// The step the cheaters of these tests perturb: the wq projection of layer 1 at
/// position 3 (a matmul, so the referee recomputes one dot product).
uint64_t tampered_step();

/// The move a party holding `mine` makes in `g` as side `me`, playing its trace
/// faithfully (bisect by its own roots, name the first element where it differs).
Result<dispute::Move> next_move(const World& w,
                                const dispute::GameState& g,
                                dispute::Side me,
                                const Trace& mine);

}  // namespace vinfer::ledger::testing
