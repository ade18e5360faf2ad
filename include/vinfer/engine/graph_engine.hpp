// The canonical forward pass of a graph model (ONNX MLP / CNN, model/graph.hpp): every
// value of every node for one batch, bit-exact on every kernel family and thread count.
// graph_forward is the fast path; graph_forward_ref is its scalar twin, built from the
// element definitions of arith/graph_ops.hpp, and the two agree with zero tolerance.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/model/graph.hpp"
#include "vinfer/result.hpp"

namespace vinfer::engine {

/// Every value of a canonical graph for one batch: values[v] holds batch *
/// shape_elems(value_shape(v)) entries, sample-major ([b][per-sample row-major]), int8 values
/// widened to int32. values[0] is the input.
struct GraphRun {
  uint32_t batch = 0;
  std::vector<std::vector<int32_t>> values;
};

/// Largest batch a forward pass accepts.
inline constexpr uint32_t kGraphMaxBatch = 1u << 16;
/// Largest number of value elements (all values, the whole batch) a forward pass keeps.
inline constexpr uint64_t kGraphMaxRunElems = uint64_t{1} << 30;

/// Fast path: gemm via tensor::gemm_s8s8_s32 (runtime ISA), conv via im2col + the same kernel,
/// threads allowed.
Result<GraphRun> graph_forward(const model::QGraph& g,
                               std::span<const int8_t> input,
                               uint32_t batch);
/// Scalar reference twin: every element from the arith element refs (graph_ops.hpp), no threads.
Result<GraphRun> graph_forward_ref(const model::QGraph& g,
                                   std::span<const int8_t> input,
                                   uint32_t batch);

}  // namespace vinfer::engine
