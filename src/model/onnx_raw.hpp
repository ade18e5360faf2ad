// Internal to src/model: an ONNX model decoded from protobuf into plain structs, so only
// onnx_reader.cpp sees the generated protobuf code and onnx_graph.cpp works on values.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "vinfer/result.hpp"

namespace vinfer::model::detail {

/// A constant tensor (initializer or Constant node value): float or int64 data.
struct OnnxTensor {
  std::string name;
  std::vector<int64_t> dims;
  bool is_float = false;
  std::vector<float> f;    // FLOAT
  std::vector<int64_t> i;  // INT64 / INT32
  uint64_t elems() const;
};

struct OnnxAttr {
  enum class Kind : uint8_t { other, i, f, ints, tensor } kind = Kind::other;
  int64_t i = 0;
  float f = 0;
  std::vector<int64_t> ints;
  OnnxTensor t;
};

struct OnnxNode {
  std::string name;  ///< the node's name, or "#<index>" when empty
  std::string op_type;
  std::string domain;
  std::vector<std::string> inputs, outputs;
  std::map<std::string, OnnxAttr> attrs;
};

/// A value_info's tensor shape: each dim a value (>= 0) or -1 for a symbolic / absent dim.
struct OnnxValueInfo {
  std::string name;
  int32_t elem_type = 0;
  bool has_shape = false;
  std::vector<int64_t> dims;
};

struct OnnxRaw {
  std::string graph_name;
  int64_t opset = 0;  ///< default-domain opset version (0 if absent)
  std::vector<OnnxValueInfo> inputs, outputs;
  std::vector<OnnxTensor> initializers;
  std::vector<OnnxNode> nodes;
};

/// Size limits that keep a hostile file from allocating without bound.
inline constexpr uint64_t kOnnxMaxTensorElems = uint64_t{1} << 24;
inline constexpr uint64_t kOnnxMaxTotalElems = uint64_t{1} << 26;
inline constexpr size_t kOnnxMaxNodes = 4096;

/// Decodes ONNX protobuf bytes; errors say what is wrong (and name the tensor or node).
Result<OnnxRaw> decode_onnx(std::span<const uint8_t> bytes);

}  // namespace vinfer::model::detail
