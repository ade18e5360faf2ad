// Graph models (MLP / CNN imported from ONNX): the float graph as read from the file, and
// its canonical int8 form, over which the model root is taken. Shapes are per sample; the
// batch is the leading dimension of every tensor and of every step (rows = batch).
//
// Values are numbered: 0 is the graph input, node i produces value i + 1. Flatten, Reshape
// and Identity produce no node: they are views (same bytes, row-major), so a node records
// how it views its first operand in `in_shape`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinfer/arith/graph_ops.hpp"
#include "vinfer/arith/requant.hpp"
#include "vinfer/model/ops.hpp"
#include "vinfer/result.hpp"

namespace vinfer::model {

/// Per-sample shape: {K} for a vector, {C, H, W} for an image.
using Shape = std::vector<uint32_t>;
/// Number of elements of a per-sample shape (1 for {}).
uint64_t shape_elems(const Shape& s);
/// "1x28x28"
std::string shape_str(const Shape& s);

/// Window parameters of Conv, MaxPool and AveragePool (2-D only).
struct Window {
  uint32_t kh = 1, kw = 1;
  uint32_t stride_h = 1, stride_w = 1;
  uint32_t pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  bool count_include_pad = false;  ///< AveragePool only
  /// Output extent of one spatial dim: floor((in + pads - k) / stride) + 1 (0 if negative).
  static uint32_t out_extent(uint32_t in, uint32_t pad0, uint32_t pad1, uint32_t k, uint32_t s);
};

/// The float operators an imported graph may hold.
enum class FloatOp : uint8_t { gemm, conv, relu, maxpool, avgpool, add };
const char* float_op_name(FloatOp op);

/// One float node. gemm: W (out_ch, k) row-major, b (out_ch). conv: W (out_ch, C, kh, kw),
/// b (out_ch).
struct FloatNode {
  FloatOp op = FloatOp::relu;
  std::string name;     ///< the ONNX node's name (or "#<index>" when it has none)
  std::string op_type;  ///< the ONNX op_type it came from ("Gemm", "MatMul", ...)
  uint32_t a = 0;       ///< first operand value
  uint32_t b = 0;       ///< second operand value (add only)
  Shape in_shape;       ///< how this node views operand a (per sample)
  Shape out_shape;      ///< per sample
  uint32_t out_ch = 0, k = 0;
  std::vector<float> w, bias;
  Window win;
};

/// A float graph: the weights of the ONNX file, in its node order.
struct FloatGraph {
  std::string name;
  Shape input_shape;  ///< per sample (the ONNX input without its batch dim)
  std::vector<FloatNode> nodes;
  uint32_t output = 0;  ///< the value that is the graph output
  Shape output_shape;
  const Shape& value_shape(uint32_t v) const {
    return v == 0 ? input_shape : nodes[v - 1].out_shape;
  }
};

/// Float reference forward of one sample (fixed evaluation order, float accumulators in
/// index order, no threads). `values`, if non-null, receives every value (index = value id).
std::vector<float> float_forward(const FloatGraph& g,
                                 const float* x,
                                 std::vector<std::vector<float>>* values = nullptr);

/// One canonical node (op from ops.def). Per op:
///   gemm/conv : int8 w (out_ch, k), int32 bias in accumulator units; output int32.
///   requant   : i32 -> i8,  y = sat_i8(apply(mult[c], x)), c = channel (first dim).
///   rescale   : i32 -> i32, y = sat_act(apply(mult[c], x)) (the graph output, Q12).
///   relu, maxpool, avgpool: i8 -> i8 at the input's scale.
///   qadd      : i8, i8 -> i8, y = sat_i8(rshift_round(a*ma + b*mb, shift)).
struct QNode {
  Op op = Op::relu;
  std::string name;
  uint32_t a = 0, b = 0;
  Shape in_shape, out_shape;
  uint32_t out_ch = 0, k = 0;
  std::vector<int8_t> w;              // gemm/conv (out_ch, k)
  std::vector<int32_t> bias;          // gemm/conv (out_ch)
  Window win;                         // conv/maxpool/avgpool
  std::vector<arith::Dyadic> mult;    // requant/rescale (channels)
  int32_t ma = 0, mb = 0, shift = 0;  // qadd
};

/// The 2-D window geometry of a conv, maxpool or avgpool node (in_shape is {C, H, W}).
arith::Window2d window2d(const QNode& n);

/// How the graph input is quantized (docs/arithmetic.md §Graph input): q = sat_i8(round(x*127)),
/// so 1.0 is 127. Pixels k/255 from a digit file: q = round(k * 127 / 255) (integer).
inline constexpr int64_t kGraphInputScale = 127;
/// Fraction bits of the graph output (the logits): Q12, like the llama logits.
inline constexpr int kGraphOutputFrac = 12;

/// The canonical graph.
struct QGraph {
  std::string name;
  Shape input_shape;
  std::vector<QNode> nodes;  ///< in execution order; node i produces value i + 1
  uint32_t output = 0;
  Shape output_shape;
  commit::Hash calibration{};  ///< keccak256 of the calibration inputs (bound by the root)
  const Shape& value_shape(uint32_t v) const {
    return v == 0 ? input_shape : nodes[v - 1].out_shape;
  }
};

/// Canonical input encodings (integers only after the one documented rounding of a double).
int8_t quantize_input(double x);
int8_t quantize_pixel_u8(uint8_t k);

/// Float -> canonical (docs/arithmetic.md §Graph quantizer). `calib` holds calibration
/// samples (each shape_elems(input_shape) floats), visited in order. Same graph and same
/// calibration give the same canonical graph on every build.
Result<QGraph> quantize_graph(const FloatGraph& g, const std::vector<std::vector<float>>& calib);

/// Checks a canonical graph's shapes, operand order, weight range and accumulator bounds.
Status check_graph(const QGraph& g);

/// The deterministic canonical bytes of a graph (docs/model-format.md §Graph models).
std::vector<uint8_t> serialize_graph(const QGraph& g);

/// Model root of a graph: merkle_root([arch_leaf, arith_leaf, weights_root]).
struct GraphCommitment {
  commit::Hash root, arch_leaf, arith_leaf, weights_root;
  std::vector<commit::Hash> tensor_roots;
  std::vector<std::string> tensor_names;
};
GraphCommitment commit_graph(const QGraph& g);

/// Parameter count (weights + biases) of a float graph.
uint64_t graph_param_count(const FloatGraph& g);

}  // namespace vinfer::model
