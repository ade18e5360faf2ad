// OnnxRaw -> FloatGraph: maps each ONNX node to a float graph node, infers per-sample
// shapes, folds constants (Constant, Identity, the bias Add after MatMul / Conv) and turns
// Flatten / Reshape into views. Errors name the node and its op type.
#include <map>
#include <set>

#include "model/onnx_raw.hpp"
#include "vinfer/model/onnx.hpp"

namespace vinfer::model {
namespace {

using detail::OnnxAttr;
using detail::OnnxNode;
using detail::OnnxRaw;
using detail::OnnxTensor;

constexpr uint64_t kMaxSampleElems = uint64_t{1} << 22;
constexpr int64_t kMaxDim = 1 << 16;

// A name in the graph: an activation (value id + per-sample shape) or a constant.
struct Val {
  bool is_const = false;
  uint32_t id = 0;
  Shape shape;
  const OnnxTensor* c = nullptr;
};

class Builder {
 public:
  explicit Builder(const OnnxRaw& raw) : raw_(raw) {}
  Result<FloatGraph> build(std::string name);

 private:
  Error node_error(const OnnxNode& n, Errc code, const std::string& what) const {
    return fail(code, "onnx: node '" + n.name + "' (op " + n.op_type + "): " + what);
  }
  Result<Val> input(const OnnxNode& n, size_t i) const;
  Result<Val> activation(const OnnxNode& n, size_t i) const;
  Result<const OnnxTensor*> constant(const OnnxNode& n, size_t i) const;
  Result<int64_t> attr_int(const OnnxNode& n, const char* key, int64_t def) const;
  Result<float> attr_float(const OnnxNode& n, const char* key, float def) const;
  Result<std::vector<int64_t>> attr_ints(const OnnxNode& n, const char* key) const;
  Result<Window> window(const OnnxNode& n, const Shape& in, int64_t kh, int64_t kw, bool pool);
  Status define(const OnnxNode& n, Val v);
  Status alias(const OnnxNode& n, Val v);
  Status add_node(const OnnxNode& n, FloatNode f);

  Status gemm(const OnnxNode& n, bool matmul);
  Status conv(const OnnxNode& n);
  Status pool(const OnnxNode& n, bool max);
  Status add(const OnnxNode& n);
  Status reshape(const OnnxNode& n, bool flatten);

  const OnnxRaw& raw_;
  std::map<std::string, Val> env_;
  std::map<std::string, int> uses_;     // readers of each name (the graph output counts)
  std::map<uint32_t, int> value_uses_;  // readers of each value, over all its names
  std::vector<OnnxTensor> consts_;      // Constant node values (stable: reserved up front)
  FloatGraph g_;
};

Result<Val> Builder::input(const OnnxNode& n, size_t i) const {
  if (i >= n.inputs.size() || n.inputs[i].empty())
    return node_error(n, Errc::parse, "missing input " + std::to_string(i));
  auto it = env_.find(n.inputs[i]);
  if (it == env_.end()) {
    return node_error(n, Errc::parse, "input '" + n.inputs[i] + "' is not defined before the node");
  }
  return it->second;
}

Result<Val> Builder::activation(const OnnxNode& n, size_t i) const {
  VINFER_TRY(Val v, input(n, i));
  if (v.is_const) {
    return node_error(n, Errc::unsupported,
                      "input '" + n.inputs[i] + "' is a constant; an activation is expected");
  }
  return v;
}

Result<const OnnxTensor*> Builder::constant(const OnnxNode& n, size_t i) const {
  VINFER_TRY(Val v, input(n, i));
  if (!v.is_const) {
    return node_error(n, Errc::unsupported,
                      "input '" + n.inputs[i] + "' must be a constant (initializer)");
  }
  return v.c;
}

Result<int64_t> Builder::attr_int(const OnnxNode& n, const char* key, int64_t def) const {
  auto it = n.attrs.find(key);
  if (it == n.attrs.end())
    return def;
  if (it->second.kind != OnnxAttr::Kind::i)
    return node_error(n, Errc::parse, std::string("attribute '") + key + "' is not an int");
  return it->second.i;
}

Result<float> Builder::attr_float(const OnnxNode& n, const char* key, float def) const {
  auto it = n.attrs.find(key);
  if (it == n.attrs.end())
    return def;
  if (it->second.kind != OnnxAttr::Kind::f)
    return node_error(n, Errc::parse, std::string("attribute '") + key + "' is not a float");
  return it->second.f;
}

Result<std::vector<int64_t>> Builder::attr_ints(const OnnxNode& n, const char* key) const {
  auto it = n.attrs.find(key);
  if (it == n.attrs.end())
    return std::vector<int64_t>{};
  if (it->second.kind != OnnxAttr::Kind::ints)
    return node_error(n, Errc::parse, std::string("attribute '") + key + "' is not a list of ints");
  return it->second.ints;
}

Status Builder::define(const OnnxNode& n, Val v) {
  if (n.outputs.empty() || n.outputs[0].empty())
    return node_error(n, Errc::parse, "has no output");
  for (size_t i = 1; i < n.outputs.size(); ++i) {
    if (!n.outputs[i].empty() && uses_.count(n.outputs[i])) {
      return node_error(n, Errc::unsupported,
                        "output " + std::to_string(i) + " ('" + n.outputs[i] + "') is used");
    }
  }
  if (env_.count(n.outputs[0]))
    return node_error(n, Errc::parse, "output '" + n.outputs[0] + "' is defined twice");
  if (!v.is_const && shape_elems(v.shape) > kMaxSampleElems)
    return node_error(n, Errc::limit, "output has more than 2^22 elements per sample");
  // Identity, Flatten, Reshape and a folded bias give a value a second name: a value's
  // readers are those of all its names.
  if (!v.is_const)
    value_uses_[v.id] += uses_[n.outputs[0]];
  env_[n.outputs[0]] = std::move(v);
  return ok_status();
}

// A node that only renames its input value (Identity, a view, a folded bias): its read
// of the value is not a use; its output's readers are.
Status Builder::alias(const OnnxNode& n, Val v) {
  if (!v.is_const)
    value_uses_[v.id] -= 1;
  return define(n, std::move(v));
}

Status Builder::add_node(const OnnxNode& n, FloatNode f) {
  f.name = n.name;
  f.op_type = n.op_type;
  g_.nodes.push_back(std::move(f));
  Val v;
  v.id = static_cast<uint32_t>(g_.nodes.size());
  v.shape = g_.nodes.back().out_shape;
  return define(n, v);
}

Result<Window> Builder::window(const OnnxNode& n,
                               const Shape& in,
                               int64_t kh,
                               int64_t kw,
                               bool pool) {
  if (n.attrs.count("auto_pad"))
    return node_error(n, Errc::unsupported, "attribute 'auto_pad' is not supported (use pads)");
  VINFER_TRY(auto strides, attr_ints(n, "strides"));
  VINFER_TRY(auto pads, attr_ints(n, "pads"));
  VINFER_TRY(auto dil, attr_ints(n, "dilations"));
  for (int64_t d : dil) {
    if (d != 1)
      return node_error(n, Errc::unsupported, "dilations other than 1 are not supported");
  }
  if (!strides.empty() && strides.size() != 2)
    return node_error(n, Errc::unsupported, "strides must have 2 values (2-D only)");
  if (!pads.empty() && pads.size() != 4)
    return node_error(n, Errc::unsupported, "pads must have 4 values (2-D only)");
  if (kh < 1 || kw < 1 || kh > 64 || kw > 64)
    return node_error(n, Errc::unsupported, "kernel extent out of range [1, 64]");
  Window w;
  w.kh = static_cast<uint32_t>(kh);
  w.kw = static_cast<uint32_t>(kw);
  if (!strides.empty()) {
    if (strides[0] < 1 || strides[1] < 1 || strides[0] > 64 || strides[1] > 64)
      return node_error(n, Errc::unsupported, "strides out of range [1, 64]");
    w.stride_h = static_cast<uint32_t>(strides[0]);
    w.stride_w = static_cast<uint32_t>(strides[1]);
  }
  if (!pads.empty()) {
    for (int64_t p : pads) {
      if (p < 0 || p > 64)
        return node_error(n, Errc::unsupported, "pads out of range [0, 64]");
    }
    w.pad_t = static_cast<uint32_t>(pads[0]);
    w.pad_l = static_cast<uint32_t>(pads[1]);
    w.pad_b = static_cast<uint32_t>(pads[2]);
    w.pad_r = static_cast<uint32_t>(pads[3]);
  }
  if (pool && (w.pad_t >= w.kh || w.pad_b >= w.kh || w.pad_l >= w.kw || w.pad_r >= w.kw))
    return node_error(n, Errc::unsupported, "a pad as large as the kernel leaves empty windows");
  const uint32_t oh = Window::out_extent(in[1], w.pad_t, w.pad_b, w.kh, w.stride_h);
  const uint32_t ow = Window::out_extent(in[2], w.pad_l, w.pad_r, w.kw, w.stride_w);
  if (oh == 0 || ow == 0)
    return node_error(n, Errc::unsupported, "kernel larger than the padded input " + shape_str(in));
  return w;
}

Status Builder::gemm(const OnnxNode& n, bool matmul) {
  VINFER_TRY(Val a, activation(n, 0));
  VINFER_TRY(const OnnxTensor* B, constant(n, 1));
  if (a.shape.size() != 1) {
    return node_error(n, Errc::unsupported,
                      "input must be (batch, K); got per-sample shape " + shape_str(a.shape) +
                          " (Flatten it first)");
  }
  if (!B->is_float || B->dims.size() != 2)
    return node_error(n, Errc::unsupported, "weight '" + B->name + "' must be a 2-D float tensor");
  int64_t transB = 0;
  float alpha = 1, beta = 1;
  if (!matmul) {
    VINFER_TRY(int64_t transA, attr_int(n, "transA", 0));
    VINFER_TRY(transB, attr_int(n, "transB", 0));
    VINFER_TRY(alpha, attr_float(n, "alpha", 1.0f));
    VINFER_TRY(beta, attr_float(n, "beta", 1.0f));
    if (transA != 0)
      return node_error(n, Errc::unsupported, "transA = 1 is not supported");
  }
  const int64_t K = transB ? B->dims[1] : B->dims[0];
  const int64_t N = transB ? B->dims[0] : B->dims[1];
  if (K != a.shape[0]) {
    return node_error(n, Errc::mismatch,
                      "weight '" + B->name + "' has K = " + std::to_string(K) + ", input has " +
                          std::to_string(a.shape[0]));
  }
  if (N < 1 || N > kMaxDim)
    return node_error(n, Errc::unsupported, "output width out of range");
  FloatNode f;
  f.op = FloatOp::gemm;
  f.a = a.id;
  f.in_shape = a.shape;
  f.out_shape = {static_cast<uint32_t>(N)};
  f.out_ch = static_cast<uint32_t>(N);
  f.k = static_cast<uint32_t>(K);
  f.w.resize(static_cast<size_t>(N * K));
  for (int64_t j = 0; j < N; ++j) {
    for (int64_t k = 0; k < K; ++k) {
      const float v =
          transB ? B->f[static_cast<size_t>(j * K + k)] : B->f[static_cast<size_t>(k * N + j)];
      f.w[static_cast<size_t>(j * K + k)] = alpha * v;
    }
  }
  f.bias.assign(static_cast<size_t>(N), 0.0f);
  if (!matmul && n.inputs.size() > 2 && !n.inputs[2].empty()) {
    VINFER_TRY(const OnnxTensor* C, constant(n, 2));
    if (!C->is_float)
      return node_error(n, Errc::unsupported, "bias '" + C->name + "' must be float");
    const uint64_t ce = C->elems();
    if (ce != 1 && ce != static_cast<uint64_t>(N)) {
      return node_error(n, Errc::unsupported,
                        "bias '" + C->name + "' must have 1 or N = " + std::to_string(N) +
                            " elements (per-output broadcast only)");
    }
    for (int64_t j = 0; j < N; ++j)
      f.bias[static_cast<size_t>(j)] = beta * C->f[ce == 1 ? 0 : static_cast<size_t>(j)];
  }
  return add_node(n, std::move(f));
}

Status Builder::conv(const OnnxNode& n) {
  VINFER_TRY(Val x, activation(n, 0));
  VINFER_TRY(const OnnxTensor* W, constant(n, 1));
  if (x.shape.size() != 3)
    return node_error(n, Errc::unsupported,
                      "input must be (batch, C, H, W); got " + shape_str(x.shape));
  if (!W->is_float || W->dims.size() != 4)
    return node_error(n, Errc::unsupported, "weight '" + W->name + "' must be a 4-D float tensor");
  VINFER_TRY(int64_t group, attr_int(n, "group", 1));
  if (group != 1)
    return node_error(n, Errc::unsupported, "group != 1 is not supported");
  if (W->dims[1] != x.shape[0]) {
    return node_error(n, Errc::mismatch,
                      "weight '" + W->name + "' has " + std::to_string(W->dims[1]) +
                          " input channels, input has " + std::to_string(x.shape[0]));
  }
  VINFER_TRY(auto ks, attr_ints(n, "kernel_shape"));
  if (!ks.empty() && (ks.size() != 2 || ks[0] != W->dims[2] || ks[1] != W->dims[3]))
    return node_error(n, Errc::mismatch, "kernel_shape does not match the weight");
  VINFER_TRY(Window w, window(n, x.shape, W->dims[2], W->dims[3], false));
  const int64_t co = W->dims[0];
  if (co < 1 || co > kMaxDim)
    return node_error(n, Errc::unsupported, "output channels out of range");
  FloatNode f;
  f.op = FloatOp::conv;
  f.a = x.id;
  f.in_shape = x.shape;
  f.win = w;
  f.out_ch = static_cast<uint32_t>(co);
  f.k = static_cast<uint32_t>(W->dims[1] * W->dims[2] * W->dims[3]);
  f.out_shape = {f.out_ch, Window::out_extent(x.shape[1], w.pad_t, w.pad_b, w.kh, w.stride_h),
                 Window::out_extent(x.shape[2], w.pad_l, w.pad_r, w.kw, w.stride_w)};
  f.w = W->f;
  f.bias.assign(f.out_ch, 0.0f);
  if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
    VINFER_TRY(const OnnxTensor* B, constant(n, 2));
    if (!B->is_float || B->elems() != static_cast<uint64_t>(co))
      return node_error(n, Errc::unsupported, "bias '" + B->name + "' must be float (out_ch)");
    f.bias = B->f;
  }
  return add_node(n, std::move(f));
}

Status Builder::pool(const OnnxNode& n, bool max) {
  VINFER_TRY(Val x, activation(n, 0));
  if (x.shape.size() != 3)
    return node_error(n, Errc::unsupported,
                      "input must be (batch, C, H, W); got " + shape_str(x.shape));
  VINFER_TRY(auto ks, attr_ints(n, "kernel_shape"));
  if (ks.size() != 2)
    return node_error(n, Errc::unsupported, "kernel_shape must have 2 values");
  VINFER_TRY(int64_t ceil_mode, attr_int(n, "ceil_mode", 0));
  if (ceil_mode != 0)
    return node_error(n, Errc::unsupported, "ceil_mode = 1 is not supported");
  if (max) {
    VINFER_TRY(int64_t order, attr_int(n, "storage_order", 0));
    if (order != 0)
      return node_error(n, Errc::unsupported, "storage_order = 1 is not supported");
  }
  VINFER_TRY(Window w, window(n, x.shape, ks[0], ks[1], true));
  if (!max) {
    VINFER_TRY(int64_t cip, attr_int(n, "count_include_pad", 0));
    w.count_include_pad = cip != 0;
  }
  FloatNode f;
  f.op = max ? FloatOp::maxpool : FloatOp::avgpool;
  f.a = x.id;
  f.in_shape = x.shape;
  f.win = w;
  f.out_shape = {x.shape[0], Window::out_extent(x.shape[1], w.pad_t, w.pad_b, w.kh, w.stride_h),
                 Window::out_extent(x.shape[2], w.pad_l, w.pad_r, w.kw, w.stride_w)};
  return add_node(n, std::move(f));
}

Status Builder::add(const OnnxNode& n) {
  VINFER_TRY(Val a, input(n, 0));
  VINFER_TRY(Val b, input(n, 1));
  if (a.is_const && b.is_const)
    return node_error(n, Errc::unsupported, "adding two constants is not supported");
  if (a.is_const || b.is_const) {
    // A bias: fold into the Gemm / MatMul / Conv that produced the activation.
    const Val& x = a.is_const ? b : a;
    const OnnxTensor* c = a.is_const ? a.c : b.c;
    FloatNode* p = x.id == 0 ? nullptr : &g_.nodes[x.id - 1];
    if (p == nullptr || (p->op != FloatOp::gemm && p->op != FloatOp::conv) ||
        p->out_shape != x.shape || value_uses_[x.id] != 1) {
      return node_error(n, Errc::unsupported,
                        "a constant may only be added as the bias of a Gemm, MatMul or Conv "
                        "whose output has no other use");
    }
    if (!c->is_float)
      return node_error(n, Errc::unsupported, "constant '" + c->name + "' must be float");
    // Accepted broadcasts: one value per output channel ([N], [1,N], [C,1,1], [1,C,1,1]).
    uint64_t non1 = 0;
    for (int64_t d : c->dims)
      non1 += d != 1;
    const uint64_t ce = c->elems();
    const bool per_channel =
        ce == p->out_ch && non1 <= 1 &&
        (p->op == FloatOp::gemm ? c->dims.size() <= 2
                                : c->dims.size() >= 3 && c->dims.size() <= 4 &&
                                      c->dims[c->dims.size() - 3] == p->out_ch);
    if (!(per_channel || ce == 1)) {
      return node_error(n, Errc::unsupported,
                        "constant '" + c->name + "' is not a per-output-channel bias");
    }
    for (uint32_t j = 0; j < p->out_ch; ++j)
      p->bias[j] += c->f[ce == 1 ? 0 : j];
    return alias(n, x);
  }
  if (a.shape != b.shape) {
    return node_error(n, Errc::unsupported,
                      "operand shapes " + shape_str(a.shape) + " and " + shape_str(b.shape) +
                          " differ (broadcasting is not supported)");
  }
  FloatNode f;
  f.op = FloatOp::add;
  f.a = a.id;
  f.b = b.id;
  f.in_shape = a.shape;
  f.out_shape = a.shape;
  return add_node(n, std::move(f));
}

Status Builder::reshape(const OnnxNode& n, bool flatten) {
  VINFER_TRY(Val x, input(n, 0));
  if (x.is_const)
    return node_error(n, Errc::unsupported, "reshaping a constant is not supported");
  const uint64_t elems = shape_elems(x.shape);
  Val v = x;
  if (flatten) {
    VINFER_TRY(int64_t axis, attr_int(n, "axis", 1));
    if (axis != 1)
      return node_error(n, Errc::unsupported, "axis != 1 is not supported (the batch stays first)");
    v.shape = {static_cast<uint32_t>(elems)};
    return alias(n, v);
  }
  VINFER_TRY(int64_t allowzero, attr_int(n, "allowzero", 0));
  if (allowzero != 0)
    return node_error(n, Errc::unsupported, "allowzero = 1 is not supported");
  auto sc = constant(n, 1);
  if (!sc.ok()) {
    return node_error(n, Errc::unsupported,
                      "the target shape must be a constant (a computed shape is not supported)");
  }
  const OnnxTensor* s = *sc;
  if (s->is_float || s->dims.size() != 1 || s->i.empty() || s->i.size() > 8)
    return node_error(n, Errc::unsupported, "the target shape must be 1-D int64 with 1..8 values");
  // s[0] is the batch: 0 (copy), -1 or 1 (a batch-1 export). The rest is per sample.
  if (s->i[0] != 0 && s->i[0] != -1 && s->i[0] != 1)
    return node_error(n, Errc::unsupported, "the first target dim must be the batch (0, -1 or 1)");
  Shape out;
  int infer = -1;
  uint64_t known = 1;
  for (size_t i = 1; i < s->i.size(); ++i) {
    int64_t d = s->i[i];
    if (d == 0 && i - 1 < x.shape.size())
      d = x.shape[i - 1];
    if (d == -1) {
      if (infer >= 0 || s->i[0] == -1)
        return node_error(n, Errc::unsupported, "more than one -1 in the target shape");
      infer = static_cast<int>(out.size());
      out.push_back(0);
      continue;
    }
    if (d < 1 || d > kMaxDim)
      return node_error(n, Errc::unsupported, "target dim " + std::to_string(d) + " out of range");
    out.push_back(static_cast<uint32_t>(d));
    known *= static_cast<uint64_t>(d);
    if (known > elems)  // also keeps the product from wrapping
      return node_error(n, Errc::mismatch, "target shape holds more elements than the input");
  }
  if (infer >= 0) {
    if (known == 0 || elems % known != 0)
      return node_error(n, Errc::mismatch, "cannot infer the -1 dim");
    out[static_cast<size_t>(infer)] = static_cast<uint32_t>(elems / known);
  }
  if (shape_elems(out) != elems) {
    return node_error(n, Errc::mismatch,
                      "target shape holds " + std::to_string(shape_elems(out)) +
                          " elements per sample, input has " + std::to_string(elems));
  }
  v.shape = out;
  return alias(n, v);
}

Result<FloatGraph> Builder::build(std::string name) {
  g_.name = std::move(name);
  std::set<std::string> init_names;
  for (const auto& t : raw_.initializers) {
    if (t.name.empty())
      return fail(Errc::parse, "onnx: an initializer has no name");
    if (!init_names.insert(t.name).second)
      return fail(Errc::parse, "onnx: initializer '" + t.name + "' is defined twice");
    Val v;
    v.is_const = true;
    v.c = &t;
    env_[t.name] = v;
  }
  const detail::OnnxValueInfo* in = nullptr;
  for (const auto& v : raw_.inputs) {
    if (init_names.count(v.name))
      continue;  // older exporters list initializers as inputs too
    if (in != nullptr)
      return fail(Errc::unsupported,
                  "onnx: more than one graph input ('" + in->name + "', '" + v.name + "')");
    in = &v;
  }
  if (in == nullptr)
    return fail(Errc::parse, "onnx: the graph has no input");
  if (in->elem_type != 1)
    return fail(Errc::unsupported, "onnx: input '" + in->name + "' is not float32");
  if (!in->has_shape || in->dims.size() < 2)
    return fail(Errc::unsupported, "onnx: input '" + in->name + "' needs a (batch, ...) shape");
  for (size_t i = 1; i < in->dims.size(); ++i) {
    if (in->dims[i] < 1 || in->dims[i] > kMaxDim)
      return fail(Errc::unsupported, "onnx: input '" + in->name + "' dim " + std::to_string(i) +
                                         " is not a fixed size in [1, 65536]");
    g_.input_shape.push_back(static_cast<uint32_t>(in->dims[i]));
  }
  if (g_.input_shape.size() != 1 && g_.input_shape.size() != 3)
    return fail(Errc::unsupported,
                "onnx: input '" + in->name + "' must be (batch, K) or (batch, C, H, W)");
  if (shape_elems(g_.input_shape) > kMaxSampleElems)
    return fail(Errc::limit, "onnx: input has more than 2^22 elements per sample");
  if (env_.count(in->name))
    return fail(Errc::parse, "onnx: input '" + in->name + "' is defined twice");
  env_[in->name] = Val{false, 0, g_.input_shape, nullptr};
  if (raw_.outputs.size() != 1)
    return fail(Errc::unsupported, "onnx: the graph must have exactly one output");

  for (const auto& n : raw_.nodes) {
    for (const auto& i : n.inputs)
      ++uses_[i];
  }
  ++uses_[raw_.outputs[0].name];
  consts_.reserve(raw_.nodes.size());

  for (const auto& n : raw_.nodes) {
    if (!n.domain.empty() && n.domain != "ai.onnx")
      return node_error(n, Errc::unsupported,
                        "operator domain '" + n.domain + "' is not supported");
    const std::string& op = n.op_type;
    if (op == "Gemm" || op == "MatMul") {
      VINFER_CHECK(gemm(n, op == "MatMul"));
    } else if (op == "Conv") {
      VINFER_CHECK(conv(n));
    } else if (op == "MaxPool" || op == "AveragePool") {
      VINFER_CHECK(pool(n, op == "MaxPool"));
    } else if (op == "Relu") {
      VINFER_TRY(Val x, activation(n, 0));
      FloatNode f;
      f.op = FloatOp::relu;
      f.a = x.id;
      f.in_shape = x.shape;
      f.out_shape = x.shape;
      VINFER_CHECK(add_node(n, std::move(f)));
    } else if (op == "Add") {
      VINFER_CHECK(add(n));
    } else if (op == "Flatten" || op == "Reshape") {
      VINFER_CHECK(reshape(n, op == "Flatten"));
    } else if (op == "Identity") {
      VINFER_TRY(Val x, input(n, 0));
      VINFER_CHECK(alias(n, x));
    } else if (op == "Constant") {
      auto it = n.attrs.find("value");
      if (it == n.attrs.end() || it->second.kind != OnnxAttr::Kind::tensor)
        return node_error(n, Errc::unsupported, "only a 'value' tensor attribute is supported");
      consts_.push_back(it->second.t);
      Val v;
      v.is_const = true;
      v.c = &consts_.back();
      VINFER_CHECK(define(n, v));
    } else {
      return node_error(n, Errc::unsupported,
                        "operator not supported (supported: Gemm, MatMul, Conv, Relu, MaxPool, "
                        "AveragePool, Add, Flatten, Reshape, Identity, Constant)");
    }
  }
  auto it = env_.find(raw_.outputs[0].name);
  if (it == env_.end())
    return fail(Errc::parse, "onnx: output '" + raw_.outputs[0].name + "' is never produced");
  if (it->second.is_const || it->second.id == 0)
    return fail(Errc::unsupported,
                "onnx: output '" + raw_.outputs[0].name + "' is not computed from the input");
  g_.output = it->second.id;
  g_.output_shape = it->second.shape;
  return std::move(g_);
}

}  // namespace

Result<FloatGraph> parse_onnx(std::span<const uint8_t> bytes, std::string name) {
  VINFER_TRY(auto raw, detail::decode_onnx(bytes));
  Builder b(raw);
  return b.build(std::move(name));
}

}  // namespace vinfer::model
