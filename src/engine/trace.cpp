// TraceRecorder: steps wait in one byte buffer and are hashed in batches (trace.hpp).
#include "vinfer/engine/trace.hpp"

#include "vinfer/assert.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::engine {
namespace {

// A batch is also hashed once this many steps wait.
constexpr size_t kBatchSteps = size_t{1} << 16;

}  // namespace

TraceRecorder::TraceRecorder(unsigned threads, size_t batch_bytes) : batch_bytes_(batch_bytes) {
  VINFER_ASSERT(batch_bytes >= 1);
  if (threads > 1) {
    pool_ = std::make_unique<tensor::ThreadPool>(threads);
  }
  hasher_ = std::make_unique<commit::TensorRootHasher>(pool_.get());
}

TraceRecorder::~TraceRecorder() = default;

void TraceRecorder::on_step(uint64_t index,
                            const model::Step& step,
                            std::span<const uint8_t> bytes) {
  VINFER_ASSERT(index == size());
  const commit::DType dtype = model::op_dtype(step.op);
  if (bytes.size() >= batch_bytes_) {  // a batch on its own: hashed in place, not copied
    flush();
    const commit::TensorView view{dtype, step.rows, step.cols, bytes};
    commit::Hash root;
    hasher_->roots({&view, 1}, {&root, 1});
    acc_.append(root);
    return;
  }
  if (bytes_.capacity() < batch_bytes_) {
    bytes_.reserve(batch_bytes_);  // once: the arena is reused by every batch
  }
  if (bytes_.size() + bytes.size() > batch_bytes_) {
    flush();
  }
  const size_t offset = bytes_.size();
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  pending_.push_back({dtype, step.rows, step.cols, {bytes_.data() + offset, bytes.size()}});
  if (bytes_.size() == batch_bytes_ || pending_.size() >= kBatchSteps) {
    flush();
  }
}

void TraceRecorder::reset() {
  pending_.clear();
  bytes_.clear();
  acc_.clear();
}

const commit::TraceAccumulator& TraceRecorder::accumulator() const {
  flush();
  return acc_;
}

void TraceRecorder::flush() const {
  if (pending_.empty()) {
    return;
  }
  roots_.resize(pending_.size());
  hasher_->roots(pending_, roots_);
  acc_.append(roots_);
  pending_.clear();
  bytes_.clear();
}

}  // namespace vinfer::engine
