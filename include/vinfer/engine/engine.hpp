// The canonical int8 engine: runs a job along its step schedule, bit-exact on every
// machine, thread count and kernel family, and hands every step's output to a sink.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/model/schedule.hpp"
#include "vinfer/result.hpp"

namespace vinfer::tensor {
class ThreadPool;
}

namespace vinfer::engine {

/// Receives every step's output, in schedule order.
class StepSink {
 public:
  virtual ~StepSink() = default;
  /// `bytes` holds rows*cols elements of op_dtype(step.op), row-major, little-endian.
  virtual void on_step(uint64_t index, const model::Step& step, std::span<const uint8_t> bytes) = 0;
};

/// What a run produced.
struct RunResult {
  std::vector<uint32_t> tokens;  ///< the generated ids (exactly max_tokens)
  commit::Hash output_hash{};    ///< tensor root of the output step (the token ids)
  uint64_t steps = 0;            ///< schedule length
  double seconds = 0;            ///< wall time of the whole run
  double decode_seconds = 0;     ///< wall time of the generating positions only
};

/// Called after each generated token (for streaming output); may be empty.
using TokenCallback = std::function<void(uint32_t index, uint32_t token)>;

/// Receives the Q12 logits computed at position pos (they predict token pos + 1).
using LogitsCallback = std::function<void(uint32_t pos, std::span<const int32_t> logits_q12)>;

/// The canonical engine over one model. Not thread-safe; one run at a time.
class Engine {
 public:
  /// `threads` >= 1 worker threads for the matrix products (results do not depend on it).
  Engine(const model::CanonicalModel& model, unsigned threads);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Runs `job`. The job's model_root is not checked here (the caller binds it).
  Result<RunResult> run(const model::Job& job,
                        StepSink* sink = nullptr,
                        const TokenCallback& on_token = {});

  /// Teacher-forced scoring for evaluation (not a job, no trace): runs `tokens` one
  /// position at a time and calls on_logits(pos, logits_q12) with the logits that
  /// predict token pos+1. tokens.size() <= seq_len.
  Status evaluate(std::span<const uint32_t> tokens, const LogitsCallback& on_logits);

  const model::CanonicalModel& model() const { return model_; }

 private:
  struct State;
  const model::CanonicalModel& model_;
  std::unique_ptr<tensor::ThreadPool> pool_;
};

}  // namespace vinfer::engine
