// The trace (DESIGN §4): every step's tensor root appended to an accumulator, so the
// root after step k commits to everything produced so far.
#pragma once

#include <memory>
#include <vector>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/engine/engine.hpp"

namespace vinfer::tensor {
class ThreadPool;
}

namespace vinfer::engine {

/// A StepSink that commits to every step: tensor root -> trace accumulator.
///
/// Steps are hashed in batches: on_step copies a step's bytes and, once `batch_bytes` or
/// 65536 steps are waiting, hashes them together (commit::TensorRootHasher, eight Keccak
/// lanes at a time, on `threads` threads) and appends their roots; a step of `batch_bytes`
/// or more is hashed on its own, in place, on one thread. root() and accumulator() hash what
/// is still waiting first. The roots are those of one commit::tensor_root and one append per
/// step, whatever the batching and thread count. Not thread-safe, const accessors included.
class TraceRecorder : public StepSink {
 public:
  /// The default batch: large, because a batch hashed while the engine runs costs more than
  /// its hashes (the engine's workers spin while the recorder's want their cores, see
  /// tensor/thread_pool.hpp); not larger, because every recorder touches its arena's pages
  /// once. On the 100M synthetic model (13.5 MB of step outputs for 16 tokens, 2 cores)
  /// 8 MiB batches measured 1-4 ms faster than 4 MiB ones.
  static constexpr size_t kDefaultBatchBytes = size_t{8} << 20;

  /// `threads` >= 1 threads hash each batch (0 counts as 1); `batch_bytes` >= 1.
  explicit TraceRecorder(unsigned threads = 1, size_t batch_bytes = kDefaultBatchBytes);
  ~TraceRecorder() override;
  TraceRecorder(const TraceRecorder&) = delete;
  TraceRecorder& operator=(const TraceRecorder&) = delete;

  void on_step(uint64_t index, const model::Step& step, std::span<const uint8_t> bytes) override;

  /// Starts a new trace (size 0); keeps the threads and the memory, so that a recorder kept
  /// for many runs touches no fresh pages after its first.
  void reset();

  /// The accumulator root after every step so far.
  commit::Hash root() const { return accumulator().root(); }
  /// Steps so far.
  uint64_t size() const { return acc_.size() + pending_.size(); }
  /// The accumulator of every step so far.
  const commit::TraceAccumulator& accumulator() const;

 private:
  void flush() const;

  std::unique_ptr<tensor::ThreadPool> pool_;  // null with one thread
  std::unique_ptr<commit::TensorRootHasher> hasher_;
  size_t batch_bytes_;
  // The waiting steps: their outputs back to back in bytes_ (never past its capacity, so
  // the views stay valid), their shapes and views in pending_.
  mutable std::vector<uint8_t> bytes_;
  mutable std::vector<commit::TensorView> pending_;
  mutable std::vector<commit::Hash> roots_;  // scratch of flush
  mutable commit::TraceAccumulator acc_;
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
