// The referee's operand source (checks every opening of a bundle) and a party's source
// (builds the same bundle from its own trace and weights); referee.hpp.
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "vinfer/dispute/referee.hpp"
#include "vinfer/model/weight_tensors.hpp"

namespace vinfer::dispute {
namespace {

std::string range_str(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

// Checks openings from a bundle, in the order the rule asks for them.
class VerifySource : public ElementSource {
 public:
  VerifySource(const RefereeContext& ctx, uint64_t k, const Hash& agreed, const OperandBundle& b)
      : ctx_(ctx), k_(k), agreed_(agreed), b_(b) {}

  Result<std::vector<int64_t>> step_values(uint64_t step, uint64_t begin, uint64_t end) override {
    const std::string what = "operand " + std::to_string(next_step_) + " (step " +
                             std::to_string(step) + " elements " + range_str(begin, end) + ")";
    if (next_step_ >= b_.steps.size())
      return fail(Errc::truncated, "referee: bundle lacks " + what);
    const StepOperandOpening& o = b_.steps[next_step_++];
    if (step >= k_)
      return fail(Errc::invalid_argument, "referee: " + what + " is not before the disputed step");
    if (o.step != step || o.elements.begin != begin || o.elements.end != end)
      return fail(Errc::mismatch, "referee: " + what + ": the bundle opens step " +
                                      std::to_string(o.step) + " elements " +
                                      range_str(o.elements.begin, o.elements.end));
    if (o.in_trace.index != step || o.in_trace.size != k_ ||
        !commit::verify_trace_opening(agreed_, o.step_root, o.in_trace))
      return fail(Errc::mismatch, "referee: " + what + ": step root does not open against the " +
                                      "agreed accumulator root after " + std::to_string(k_) +
                                      " steps");
    const model::Step s = ctx_.sched.at(step);
    auto v = commit::verify_range(o.step_root, model::op_dtype(s.op), s.rows, s.cols, o.elements);
    if (!v)
      return fail(v.error().code, "referee: " + what + ": " + v.error().message);
    return v;
  }

  Result<std::vector<int64_t>> weight_values(uint32_t tensor,
                                             uint64_t begin,
                                             uint64_t end) override {
    const model::WeightTensorInfo info = model::weight_tensor_info(ctx_.cfg, tensor);
    const std::string what = "weight opening " + std::to_string(next_weight_) + " (" + info.name +
                             " elements " + range_str(begin, end) + ")";
    if (next_weight_ >= b_.weights.size())
      return fail(Errc::truncated, "referee: bundle lacks " + what);
    const WeightOpening& o = b_.weights[next_weight_++];
    if (o.tensor != tensor || o.elements.begin != begin || o.elements.end != end)
      return fail(Errc::mismatch, "referee: " + what + ": the bundle opens tensor " +
                                      std::to_string(o.tensor) + " elements " +
                                      range_str(o.elements.begin, o.elements.end));
    if (o.in_weights.index != tensor ||
        !commit::merkle_verify(ctx_.weights_root, model::weight_tensor_count(ctx_.cfg),
                               o.tensor_root, o.in_weights))
      return fail(Errc::mismatch, "referee: " + what + ": tensor root is not in the weights root");
    auto v = commit::verify_range(o.tensor_root, info.dtype, info.rows, info.cols, o.elements);
    if (!v)
      return fail(v.error().code, "referee: " + what + ": " + v.error().message);
    return v;
  }

  Status finish() const {
    if (next_step_ != b_.steps.size() || next_weight_ != b_.weights.size())
      return fail(Errc::parse, "referee: bundle has " +
                                   std::to_string(b_.steps.size() - next_step_) + " step and " +
                                   std::to_string(b_.weights.size() - next_weight_) +
                                   " weight openings left over");
    return ok_status();
  }

 private:
  const RefereeContext& ctx_;
  uint64_t k_;
  Hash agreed_;
  const OperandBundle& b_;
  size_t next_step_ = 0, next_weight_ = 0;
};

std::vector<int64_t> decode(commit::DType t,
                            std::span<const uint8_t> bytes,
                            uint64_t b,
                            uint64_t e) {
  const size_t es = commit::dtype_size(t);
  std::vector<int64_t> v;
  v.reserve(e - b);
  for (uint64_t i = b; i < e; ++i) {
    const uint8_t* p = bytes.data() + i * es;
    if (es == 1) {
      v.push_back(static_cast<int8_t>(p[0]));
    } else if (es == 4) {
      int32_t x;
      std::memcpy(&x, p, 4);
      v.push_back(x);
    } else {
      int64_t x;
      std::memcpy(&x, p, 8);
      v.push_back(x);
    }
  }
  return v;
}

// Builds openings from a party's data, recording them into a bundle.
class BuildSource : public ElementSource {
 public:
  BuildSource(const RefereeContext& ctx, uint64_t k, const PartyData& d, OperandBundle* out)
      : ctx_(ctx), k_(k), d_(d), out_(out) {}

  Result<std::vector<int64_t>> step_values(uint64_t step, uint64_t begin, uint64_t end) override {
    if (step >= k_ || step >= d_.trace->size())
      return fail(Errc::invalid_argument, "bundle: operand step " + std::to_string(step) +
                                              " is not before step " + std::to_string(k_));
    const model::Step s = ctx_.sched.at(step);
    const auto bytes = d_.output_of(step);
    const commit::DType t = model::op_dtype(s.op);
    if (bytes.size() != uint64_t{s.rows} * s.cols * commit::dtype_size(t))
      return fail(Errc::mismatch,
                  "bundle: output of " + ctx_.sched.describe(step) + " has the wrong size");
    auto& tree = trees_[step];
    if (!tree)
      tree = std::make_unique<commit::TensorTree>(t, s.rows, s.cols, bytes);
    StepOperandOpening o;
    o.step = step;
    o.step_root = d_.trace->leaf(step);
    o.in_trace = d_.trace->open(step, k_);
    o.elements = tree->open_range(begin, end);
    out_->steps.push_back(std::move(o));
    return decode(t, bytes, begin, end);
  }

  Result<std::vector<int64_t>> weight_values(uint32_t tensor,
                                             uint64_t begin,
                                             uint64_t end) override {
    const model::WeightTensorInfo info = model::weight_tensor_info(ctx_.cfg, tensor);
    auto& cached = weights_[tensor];
    if (!cached) {
      cached = std::make_unique<CachedWeight>();
      cached->bytes = model::weight_tensor_bytes(*d_.model, tensor);
      cached->tree =
          std::make_unique<commit::TensorTree>(info.dtype, info.rows, info.cols, cached->bytes);
    }
    if (!weights_tree_)
      weights_tree_ = std::make_unique<commit::MerkleTree>(d_.commitment->tensor_roots);
    WeightOpening o;
    o.tensor = tensor;
    o.tensor_root = cached->tree->root();
    o.in_weights = weights_tree_->open(tensor);
    o.elements = cached->tree->open_range(begin, end);
    out_->weights.push_back(std::move(o));
    return decode(info.dtype, cached->bytes, begin, end);
  }

 private:
  struct CachedWeight {
    std::vector<uint8_t> bytes;
    std::unique_ptr<commit::TensorTree> tree;
  };
  const RefereeContext& ctx_;
  uint64_t k_;
  const PartyData& d_;
  OperandBundle* out_;
  std::map<uint64_t, std::unique_ptr<commit::TensorTree>> trees_;
  std::map<uint32_t, std::unique_ptr<CachedWeight>> weights_;
  std::unique_ptr<commit::MerkleTree> weights_tree_;
};

}  // namespace

Result<ElementValue> referee_element(const RefereeContext& ctx,
                                     uint64_t k,
                                     uint64_t e,
                                     const Hash& agreed_root,
                                     const OperandBundle& bundle) {
  VerifySource src(ctx, k, agreed_root, bundle);
  VINFER_TRY(auto v, recompute_element(ctx, k, e, src));
  VINFER_CHECK(src.finish());
  return v;
}

Result<ElementValue> build_bundle(const RefereeContext& ctx,
                                  uint64_t k,
                                  uint64_t e,
                                  const PartyData& data,
                                  OperandBundle* bundle) {
  VINFER_ASSERT(data.trace && data.model && data.commitment && data.output_of);
  *bundle = {};
  BuildSource src(ctx, k, data, bundle);
  return recompute_element(ctx, k, e, src);
}

}  // namespace vinfer::dispute
