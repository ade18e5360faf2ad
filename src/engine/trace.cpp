#include "vinfer/engine/trace.hpp"

#include "vinfer/assert.hpp"
#include "vinfer/commit/tensor_root.hpp"

namespace vinfer::engine {

void TraceRecorder::on_step(uint64_t index,
                            const model::Step& step,
                            std::span<const uint8_t> bytes) {
  VINFER_ASSERT(index == acc_.size());
  acc_.append(commit::tensor_root(model::op_dtype(step.op), step.rows, step.cols, bytes));
}

}  // namespace vinfer::engine
