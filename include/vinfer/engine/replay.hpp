// Recomputes one whole step from its operands, the way a referee would: operator,
// shape and operands come from the schedule, operand values from earlier step outputs
// (however obtained), weights from the canonical model. Shares no code path with the
// engine's forward() beyond the arith operators, so it checks the engine and the
// schedule against each other.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "vinfer/model/canonical.hpp"
#include "vinfer/model/schedule.hpp"
#include "vinfer/result.hpp"

namespace vinfer::engine {

/// Returns the bytes of an earlier step's output (rows*cols elements of its dtype).
using OutputOf = std::function<std::span<const uint8_t>(uint64_t step)>;

/// The output bytes step k must have, given its operands' outputs.
Result<std::vector<uint8_t>> recompute_step(const model::CanonicalModel& m,
                                            const model::Job& job,
                                            const model::Schedule& sched,
                                            uint64_t k,
                                            const OutputOf& output_of);

}  // namespace vinfer::engine
