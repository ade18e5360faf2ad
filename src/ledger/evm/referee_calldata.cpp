// Statement, compact openings and calldata of the Solidity matmul referee (referee_calldata.hpp).
#include "ledger/evm/referee_calldata.hpp"

#include <string>
#include <utility>

#include "ledger/evm/abi.hpp"
#include "vinfer/model/weight_tensors.hpp"

namespace vinfer::ledger::evm {
namespace {

abi::Value range_value(const EvmRangeOpening& r) {
  return abi::tuple({abi::bytes(r.chunks), abi::bytes32_array(r.siblings)});
}

}  // namespace

Result<MatmulStatement> matmul_statement(const dispute::RefereeContext& ctx,
                                         std::uint64_t k,
                                         std::uint64_t e,
                                         const commit::Hash& agreed_root) {
  if (k >= ctx.sched.size())
    return fail(Errc::invalid_argument,
                "matmul statement: step " + std::to_string(k) + " past the schedule");
  const model::Step s = ctx.sched.at(k);
  if (s.op != model::Op::matmul)
    return fail(Errc::unsupported,
                "matmul statement: " + ctx.sched.describe(k) +
                    " is not a matmul (the Solidity referee has no other rule yet)");
  if (e >= std::uint64_t{s.rows} * s.cols)
    return fail(Errc::invalid_argument, "matmul statement: element " + std::to_string(e) + " of " +
                                            ctx.sched.describe(k) + " out of range");
  const model::Step in = ctx.sched.at(s.a.index);
  const std::uint32_t t = model::weight_tensor_index(ctx.cfg, s.weight, s.layer, false);
  const model::WeightTensorInfo w = model::weight_tensor_info(ctx.cfg, t);
  MatmulStatement st;
  st.agreed_root = agreed_root;
  st.trace_size = k;
  st.input_step = s.a.index;
  st.input_rows = in.rows;
  st.width = in.cols;
  st.absmax_step = s.b.index;
  st.weights_root = ctx.weights_root;
  st.weight_count = model::weight_tensor_count(ctx.cfg);
  st.weight_tensor = t;
  st.weight_rows = w.rows;
  st.element = static_cast<std::uint32_t>(e);
  return st;
}

Result<EvmRangeOpening> compact_range(const commit::RangeOpening& r) {
  if (r.chunks.empty())
    return fail(Errc::invalid_argument, "compact range: the opening has no chunks");
  const commit::ElementOpening& front = r.chunks.front();
  const commit::ElementOpening& back = r.chunks.back();
  const std::size_t depth = front.proof.siblings.size();
  if (back.proof.siblings.size() != depth)
    return fail(Errc::mismatch, "compact range: first and last chunk paths differ in length");
  EvmRangeOpening out;
  out.chunks.reserve(r.chunks.size() * commit::kChunkBytes);
  for (std::size_t i = 0; i < r.chunks.size(); ++i) {
    if (r.chunks[i].chunk_index != front.chunk_index + i)
      return fail(Errc::mismatch, "compact range: chunk " + std::to_string(i) +
                                      " is not the next after " +
                                      std::to_string(front.chunk_index));
    out.chunks.insert(out.chunks.end(), r.chunks[i].chunk.begin(), r.chunks[i].chunk.end());
  }
  // The run [lo, hi) of ancestors at height t needs its left neighbour when lo is odd (the
  // first chunk's sibling at t) and its right one when hi is odd (the last chunk's).
  std::uint64_t lo = front.chunk_index;
  std::uint64_t hi = std::uint64_t{back.chunk_index} + 1;
  for (std::size_t t = 0; t < depth; ++t) {
    if (lo & 1)
      out.siblings.push_back(front.proof.siblings[t]);
    if (hi & 1)
      out.siblings.push_back(back.proof.siblings[t]);
    lo >>= 1;
    hi = (hi + 1) >> 1;
  }
  return out;
}

Result<MatmulOpenings> matmul_openings(const dispute::OperandBundle& b) {
  if (b.steps.size() != 2 || b.weights.size() != 2)
    return fail(Errc::parse,
                "matmul openings: a matmul bundle has 2 step and 2 weight openings, "
                "this one " +
                    std::to_string(b.steps.size()) + " and " + std::to_string(b.weights.size()));
  const dispute::StepOperandOpening& x = b.steps[0];
  const dispute::StepOperandOpening& m = b.steps[1];
  const dispute::WeightOpening& w = b.weights[0];
  const dispute::WeightOpening& d = b.weights[1];
  if (w.in_weights.index + 1 != d.in_weights.index ||
      w.in_weights.siblings.size() != d.in_weights.siblings.size())
    return fail(Errc::mismatch,
                "matmul openings: the weight and multiplier tensors are not "
                "adjacent leaves of one weights tree");
  MatmulOpenings op;
  op.peaks = x.in_trace.peaks;
  op.input_root = x.step_root;
  op.input_path = x.in_trace.path;
  VINFER_TRY(op.input, compact_range(x.elements));
  op.absmax_root = m.step_root;
  op.absmax_path = m.in_trace.path;
  VINFER_TRY(op.absmax, compact_range(m.elements));
  op.weight_root = w.tensor_root;
  op.scale_root = d.tensor_root;
  // The two adjacent leaves as one run: the same rule as compact_range's.
  std::uint64_t lo = w.in_weights.index, hi = d.in_weights.index + 1;
  for (std::size_t t = 0; t < w.in_weights.siblings.size(); ++t) {
    if (lo & 1)
      op.weights_siblings.push_back(w.in_weights.siblings[t]);
    if (hi & 1)
      op.weights_siblings.push_back(d.in_weights.siblings[t]);
    lo >>= 1;
    hi = (hi + 1) >> 1;
  }
  VINFER_TRY(op.weight, compact_range(w.elements));
  VINFER_TRY(op.scale, compact_range(d.elements));
  return op;
}

std::vector<std::uint8_t> matmul_element_calldata(const MatmulStatement& st,
                                                  const MatmulOpenings& op) {
  using namespace abi;
  Value statement = tuple({bytes32(st.agreed_root), uint_(st.trace_size), uint_(st.input_step),
                           uint_(st.input_rows), uint_(st.width), uint_(st.absmax_step),
                           bytes32(st.weights_root), uint_(st.weight_count),
                           uint_(st.weight_tensor), uint_(st.weight_rows), uint_(st.element)});
  Value openings =
      tuple({bytes32_array(op.peaks), bytes32(op.input_root), bytes32_array(op.input_path),
             range_value(op.input), bytes32(op.absmax_root), bytes32_array(op.absmax_path),
             range_value(op.absmax), bytes32(op.weight_root), bytes32(op.scale_root),
             bytes32_array(op.weights_siblings), range_value(op.weight), range_value(op.scale)});
  return calldata(kMatmulElementSignature, {std::move(statement), std::move(openings)});
}

}  // namespace vinfer::ledger::evm
