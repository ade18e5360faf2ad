// One party's execution of a job: every step's output, the trace over them and the
// claim they imply; honest, or made up by one of the cheating strategies the demo and
// the adversary tests pit against the honest parties.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/dispute/referee.hpp"
#include "vinfer/dispute/types.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/model/schedule.hpp"
#include "vinfer/result.hpp"

namespace vinfer::roles {

using commit::Hash;

/// A canonical model and its commitment, as a node holds it.
struct LocalModel {
  model::CanonicalModel m;
  model::ModelCommitment c;
};

/// Every step output of one run and the trace over them.
struct Execution {
  model::Job job;
  std::vector<std::vector<uint8_t>> outputs;  ///< one per step of the party's trace
  commit::TraceAccumulator acc;
  std::vector<uint32_t> tokens;  ///< what the party hands the client
  Hash output_hash{};            ///< the claim's output hash (the last leaf)
  double seconds = 0;            ///< wall time of the engine run

  dispute::Claim claim() const { return {job.id(), output_hash, acc.root(), acc.size()}; }
  /// The peaks the claim's admission check reads (after steps - 1 appends).
  std::vector<Hash> last_peaks() const { return acc.peaks_at(acc.size() - 1); }
  /// The party's data for the dispute player; `model` is what it opens weights from.
  dispute::PartyData party(const LocalModel& model) const;
  /// Rebuilds acc from outputs under `sched`'s shapes; output_hash = the last leaf.
  void recommit(const model::Schedule& sched);
};

/// Runs `job` on `model` honestly (the engine's steps, traced).
Result<Execution> execute(const LocalModel& model, const model::Job& job, unsigned threads);

/// How a worker (or a false challenger) departs from the honest execution.
enum class Cheat : uint8_t {
  none,
  substitute_model,  ///< runs another model (kjv-small) under the claimed model's root
  perturb,           ///< one element of step `at` changed
  random_output,     ///< steps >= `at` not computed: random bytes, random tokens
  wrong_trace_root,  ///< the right outputs, but trace leaf `at` is not their root
  silent,            ///< lies as `perturb` does, then stops answering mid-game
};
std::string_view cheat_name(Cheat c);

/// The execution a cheater presents for `job` under `claimed`'s schedule. `at` is the
/// step the lie starts at (ignored by substitute_model); `substitute` is the model a
/// substitute_model cheater runs.
Result<Execution> cheat_execution(Cheat cheat,
                                  const LocalModel& claimed,
                                  const LocalModel* substitute,
                                  const model::Job& job,
                                  uint64_t at,
                                  unsigned threads);

}  // namespace vinfer::roles
