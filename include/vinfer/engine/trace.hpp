// The trace (DESIGN §4): every step's tensor root appended to an accumulator, so the
// root after step k commits to everything produced so far.
#pragma once

#include <vector>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/engine/engine.hpp"

namespace vinfer::engine {

/// A StepSink that commits to every step: tensor root -> trace accumulator.
class TraceRecorder : public StepSink {
 public:
  void on_step(uint64_t index, const model::Step& step, std::span<const uint8_t> bytes) override;

  commit::Hash root() const { return acc_.root(); }
  uint64_t size() const { return acc_.size(); }
  const commit::TraceAccumulator& accumulator() const { return acc_; }

 private:
  commit::TraceAccumulator acc_;
};

/// A StepSink that keeps every step's bytes (for tests and small runs only).
class StepCollector : public StepSink {
 public:
  void on_step(uint64_t index, const model::Step& step, std::span<const uint8_t> bytes) override {
    outputs.emplace_back(bytes.begin(), bytes.end());
    steps.push_back(step);
  }
  std::vector<std::vector<uint8_t>> outputs;
  std::vector<model::Step> steps;
};

}  // namespace vinfer::engine
