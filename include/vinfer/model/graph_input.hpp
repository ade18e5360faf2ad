// Input files of graph models (`--input`, issue 3 §5): JSON holding one sample as a flat
// array of numbers in the model's input units (pixels in [0, 1] for MNIST), or a batch as
// an array of such arrays. Each number x becomes quantize_input(x) = sat_i8(round(127 x))
// (docs/arithmetic.md §Graph input); numbers outside [-1, 1] are refused, not clamped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "vinfer/model/graph.hpp"
#include "vinfer/result.hpp"

namespace vinfer::model {

/// Largest input file read (bytes).
inline constexpr uint64_t kMaxInputFileBytes = uint64_t{1} << 28;

/// A parsed input: batch samples of shape_elems(input_shape) int8 values, sample-major.
struct GraphInput {
  uint32_t batch = 0;
  bool batched = false;  ///< the file held an array of samples (even a batch of one)
  std::vector<int8_t> values;
};

/// Parses input JSON for a graph whose per-sample input shape is `input_shape`. Errors
/// name the JSON position, or the sample and index that is wrong.
Result<GraphInput> parse_graph_input(std::string_view json, const Shape& input_shape);
/// Same from a file; errors start with the path.
Result<GraphInput> load_graph_input(const std::filesystem::path& path, const Shape& input_shape);

}  // namespace vinfer::model
