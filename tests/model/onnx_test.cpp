// ONNX import (onnx.hpp): the committed MNIST models, hand-built graphs for every
// supported operator and for the errors (unsupported op, undefined input, malformed and
// truncated bytes), the quantizer's determinism, check_graph, digit files, and the seed
// corpus of the fuzz_onnx target.
#include "vinfer/model/onnx.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "fixtures.hpp"
#include "onnx.pb.h"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/model/digits.hpp"

namespace vinfer::model {
namespace {

std::filesystem::path models_dir() {
  return testing::source_dir() / "models";
}
std::filesystem::path data_dir() {
  return testing::source_dir() / "data";
}

std::vector<uint8_t> file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// ---- a small ONNX builder over the generated protobuf API ----

struct OnnxBuilder {
  onnx::ModelProto m;
  onnx::GraphProto* g;
  std::mt19937_64 rng{5};

  explicit OnnxBuilder(const std::vector<int64_t>& sample_dims) : g(m.mutable_graph()) {
    m.set_ir_version(7);
    m.add_opset_import()->set_version(13);
    g->set_name("test");
    auto* in = g->add_input();
    in->set_name("x");
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_param("batch");
    for (int64_t d : sample_dims)
      tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void init(const std::string& name, const std::vector<int64_t>& dims) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) {
      t->add_dims(d);
      n *= d;
    }
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    for (int64_t i = 0; i < n; ++i)
      t->add_float_data(u(rng));
  }
  void init_i64(const std::string& name, const std::vector<int64_t>& values) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values)
      t->add_int64_data(v);
  }
  onnx::NodeProto* node(const std::string& op,
                        const std::vector<std::string>& in,
                        const std::string& out,
                        const std::string& name = "") {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? out : name);
    for (const auto& i : in)
      n->add_input(i);
    n->add_output(out);
    return n;
  }
  static void ints(onnx::NodeProto* n, const std::string& key, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(key);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v)
      a->add_ints(x);
  }
  static void int1(onnx::NodeProto* n, const std::string& key, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(key);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  std::vector<uint8_t> bytes(const std::string& output) {
    g->add_output()->set_name(output);
    std::string s;
    EXPECT_TRUE(m.SerializeToString(&s));
    return {s.begin(), s.end()};
  }
};

// An MLP through every view and constant path: MatMul + bias Add, Relu, Identity,
// Reshape to (-1), Gemm with transB, Constant shape, Flatten.
std::vector<uint8_t> tiny_mlp() {
  OnnxBuilder b({6});
  b.init("W1", {6, 5});
  b.init("b1", {5});
  b.init("W2", {3, 5});  // (N, K): transB
  b.init("b2", {3});
  b.init_i64("shape", {-1, 5});
  b.node("MatMul", {"x", "W1"}, "mm");
  b.node("Add", {"mm", "b1"}, "fc1");
  b.node("Relu", {"fc1"}, "r1");
  b.node("Identity", {"r1"}, "id");
  b.node("Reshape", {"id", "shape"}, "rs");
  b.node("Flatten", {"rs"}, "fl");
  auto* gemm = b.node("Gemm", {"fl", "W2", "b2"}, "y");
  OnnxBuilder::int1(gemm, "transB", 1);
  return b.bytes("y");
}

// A CNN with a padded strided Conv, a residual Add, AveragePool and MaxPool.
std::vector<uint8_t> tiny_cnn() {
  OnnxBuilder b({1, 6, 6});
  b.init("Wc", {2, 1, 3, 3});
  b.init("bc", {2});
  b.init("Wd", {2, 2, 3, 3});
  b.init("Wf", {8, 3});  // (K, N): Gemm without transB
  auto* c1 = b.node("Conv", {"x", "Wc", "bc"}, "c1");
  OnnxBuilder::ints(c1, "pads", {1, 1, 1, 1});
  OnnxBuilder::ints(c1, "strides", {1, 1});
  b.node("Relu", {"c1"}, "r1");
  auto* c2 = b.node("Conv", {"r1", "Wd"}, "c2");
  OnnxBuilder::ints(c2, "pads", {1, 1, 1, 1});
  b.node("Add", {"r1", "c2"}, "res");
  auto* ap = b.node("AveragePool", {"res"}, "ap");
  OnnxBuilder::ints(ap, "kernel_shape", {2, 2});
  OnnxBuilder::ints(ap, "strides", {2, 2});
  auto* mp = b.node("MaxPool", {"ap"}, "mp");
  OnnxBuilder::ints(mp, "kernel_shape", {2, 2});
  OnnxBuilder::ints(mp, "pads", {0, 0, 1, 1});
  OnnxBuilder::ints(mp, "strides", {2, 2});
  b.node("Flatten", {"mp"}, "fl");
  b.node("Gemm", {"fl", "Wf"}, "y");
  return b.bytes("y");
}

std::vector<std::string> op_types(const FloatGraph& g) {
  std::vector<std::string> out;
  for (const auto& n : g.nodes)
    out.push_back(n.op_type);
  return out;
}

// ---- the committed models ----

TEST(Onnx, ParsesTheCommittedMlp) {
  auto g = load_onnx(models_dir() / "mnist-mlp.onnx");
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_EQ(g->name, "mnist-mlp");
  EXPECT_EQ(g->input_shape, Shape{784});
  EXPECT_EQ(op_types(*g), (std::vector<std::string>{"Gemm", "Relu", "Gemm", "Relu", "Gemm"}));
  const std::vector<Shape> outs = {{128}, {128}, {64}, {64}, {10}};
  for (size_t i = 0; i < outs.size(); ++i)
    EXPECT_EQ(g->nodes[i].out_shape, outs[i]) << i;
  EXPECT_EQ(g->nodes[0].name, "/fc1/Gemm");
  EXPECT_EQ(g->nodes[0].k, 784u);
  EXPECT_EQ(g->output, 5u);
  EXPECT_EQ(g->output_shape, Shape{10});
  EXPECT_EQ(graph_param_count(*g), 784u * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
}

TEST(Onnx, ParsesTheCommittedCnn) {
  auto g = load_onnx(models_dir() / "mnist-cnn.onnx");
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_EQ(g->input_shape, (Shape{1, 28, 28}));
  // Flatten is a view: it names no node; the Gemm views the pooled (16, 5, 5) as (400).
  EXPECT_EQ(op_types(*g), (std::vector<std::string>{"Conv", "Relu", "MaxPool", "Conv", "Relu",
                                                    "MaxPool", "Gemm"}));
  const std::vector<Shape> outs = {{8, 26, 26},  {8, 26, 26}, {8, 13, 13}, {16, 11, 11},
                                   {16, 11, 11}, {16, 5, 5},  {10}};
  for (size_t i = 0; i < outs.size(); ++i)
    EXPECT_EQ(g->nodes[i].out_shape, outs[i]) << i;
  EXPECT_EQ(g->nodes[6].in_shape, Shape{400});
  EXPECT_EQ(g->nodes[6].a, 6u);
  EXPECT_EQ(g->nodes[2].win.kh, 2u);
  EXPECT_EQ(g->nodes[2].win.stride_h, 2u);
  EXPECT_EQ(graph_param_count(*g), 8u * 9 + 8 + 16 * 72 + 16 + 400 * 10 + 10);
}

TEST(Onnx, QuantizesTheCommittedModelsToCanonicalGraphs) {
  for (const char* name : {"mnist-mlp", "mnist-cnn"}) {
    auto q = load_onnx_canonical(models_dir() / (std::string(name) + ".onnx"), data_dir());
    ASSERT_TRUE(q.ok()) << q.error().to_string();
    EXPECT_TRUE(check_graph(*q).ok());
    // Every gemm / conv is followed by its requant (rescale for the output).
    for (size_t i = 0; i < q->nodes.size(); ++i) {
      if (q->nodes[i].op == Op::gemm || q->nodes[i].op == Op::conv) {
        ASSERT_LT(i + 1, q->nodes.size());
        EXPECT_TRUE(q->nodes[i + 1].op == Op::requant || q->nodes[i + 1].op == Op::rescale);
      }
    }
    EXPECT_EQ(q->nodes.back().op, Op::rescale);
  }
}

// ---- hand-built graphs ----

TEST(Onnx, ImportsEveryViewAndFoldsTheBias) {
  auto g = parse_onnx(tiny_mlp(), "tiny-mlp");
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_EQ(op_types(*g), (std::vector<std::string>{"MatMul", "Relu", "Gemm"}));
  EXPECT_EQ(g->nodes[0].out_shape, Shape{5});
  EXPECT_EQ(g->nodes[2].out_shape, Shape{3});
  EXPECT_EQ(g->nodes[2].a, 2u);  // Identity, Reshape and Flatten are views of the Relu
  // The folded bias is b1 (not zero).
  float s = 0;
  for (float v : g->nodes[0].bias)
    s += v * v;
  EXPECT_GT(s, 0.0f);
  auto q = quantize_graph(*g, synthetic_calibration(6, 16));
  ASSERT_TRUE(q.ok()) << q.error().to_string();
}

TEST(Onnx, ImportsConvPoolingAndResidualAdd) {
  auto g = parse_onnx(tiny_cnn(), "tiny-cnn");
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_EQ(op_types(*g), (std::vector<std::string>{"Conv", "Relu", "Conv", "Add", "AveragePool",
                                                    "MaxPool", "Gemm"}));
  EXPECT_EQ(g->nodes[0].out_shape, (Shape{2, 6, 6}));  // pads 1, 3x3: same size
  EXPECT_EQ(g->nodes[4].out_shape, (Shape{2, 3, 3}));
  EXPECT_EQ(g->nodes[5].out_shape, (Shape{2, 2, 2}));  // pad bottom/right 1
  EXPECT_EQ(g->nodes[3].a, 2u);
  EXPECT_EQ(g->nodes[3].b, 3u);
  auto q = quantize_graph(*g, synthetic_calibration(36, 16));
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  bool has_qadd = false;
  for (const auto& n : q->nodes)
    has_qadd |= n.op == Op::qadd;
  EXPECT_TRUE(has_qadd);
}

TEST(Onnx, UnsupportedOperatorIsNamedWithItsNode) {
  OnnxBuilder b({4});
  b.init("W", {4, 3});
  b.node("MatMul", {"x", "W"}, "mm");
  b.node("Softmax", {"mm"}, "probs", "the_softmax");
  auto g = parse_onnx(b.bytes("probs"));
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, Errc::unsupported);
  EXPECT_NE(g.error().message.find("Softmax"), std::string::npos) << g.error().message;
  EXPECT_NE(g.error().message.find("'the_softmax'"), std::string::npos) << g.error().message;
}

TEST(Onnx, UnnamedNodesAreNamedByIndex) {
  OnnxBuilder b({4});
  b.init("W", {4, 3});
  b.node("MatMul", {"x", "W"}, "mm");
  b.node("Sigmoid", {"mm"}, "s")->clear_name();
  auto g = parse_onnx(b.bytes("s"));
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("node '#1' (op Sigmoid)"), std::string::npos)
      << g.error().message;
}

TEST(Onnx, StructuralErrorsNameTheNode) {
  {  // an input nobody defines
    OnnxBuilder b({4});
    b.node("MatMul", {"x", "missing_w"}, "mm");
    auto g = parse_onnx(b.bytes("mm"));
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message.find("'missing_w' is not defined"), std::string::npos)
        << g.error().message;
  }
  {  // a weight of the wrong width
    OnnxBuilder b({4});
    b.init("W", {5, 3});
    b.node("MatMul", {"x", "W"}, "mm", "fc");
    auto g = parse_onnx(b.bytes("mm"));
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code, Errc::mismatch);
    EXPECT_NE(g.error().message.find("'fc'"), std::string::npos) << g.error().message;
  }
  {  // a bias Add on a MatMul output that something else also reads is not a bias
    OnnxBuilder b({4});
    b.init("W", {4, 4});
    b.init("c", {4});
    b.node("MatMul", {"x", "W"}, "mm");
    b.node("Identity", {"mm"}, "alias");
    b.node("Add", {"alias", "c"}, "biased", "bias_add");
    b.node("Add", {"mm", "biased"}, "y");
    auto g = parse_onnx(b.bytes("y"));
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message.find("'bias_add'"), std::string::npos) << g.error().message;
  }
  {  // a Conv with groups
    OnnxBuilder b({2, 5, 5});
    b.init("W", {2, 1, 3, 3});
    OnnxBuilder::int1(b.node("Conv", {"x", "W"}, "c", "grouped"), "group", 2);
    auto g = parse_onnx(b.bytes("c"));
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message.find("group"), std::string::npos) << g.error().message;
  }
}

TEST(Onnx, MalformedAndTruncatedBytesAreErrors) {
  auto empty = parse_onnx({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, Errc::truncated);

  const std::vector<uint8_t> junk = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34};
  auto j = parse_onnx(junk);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, Errc::parse);

  const auto full = file_bytes(models_dir() / "mnist-cnn.onnx");
  ASSERT_GT(full.size(), 1000u);
  for (size_t cut : {full.size() / 2, full.size() - 1, size_t{100}}) {
    auto t = parse_onnx(std::span(full).first(cut));
    EXPECT_FALSE(t.ok()) << "cut at " << cut;
  }
  // A tensor whose data does not match its dims.
  OnnxBuilder b({4});
  b.init("W", {4, 3});
  b.g->mutable_initializer(0)->add_dims(2);
  b.node("MatMul", {"x", "W"}, "mm");
  auto bad = parse_onnx(b.bytes("mm"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("tensor 'W'"), std::string::npos) << bad.error().message;

  auto missing = load_onnx(models_dir() / "no-such-model.onnx");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::io);
}

// ---- quantizer and checks ----

TEST(Onnx, QuantizingTwiceGivesTheSameRoot) {
  for (const char* name : {"mnist-mlp", "mnist-cnn"}) {
    const auto path = models_dir() / (std::string(name) + ".onnx");
    auto a = load_onnx_canonical(path, data_dir());
    auto b = load_onnx_canonical(path, data_dir());
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(serialize_graph(*a), serialize_graph(*b));
    EXPECT_EQ(commit_graph(*a).root, commit_graph(*b).root);
    // The calibration set is bound by the root.
    auto f = load_onnx(path);
    ASSERT_TRUE(f.ok());
    auto c = quantize_graph(*f, synthetic_calibration(784, 8));
    ASSERT_TRUE(c.ok());
    EXPECT_NE(commit_graph(*c).root, commit_graph(*a).root);
  }
}

/// Golden vector: the roots of the committed MNIST models. Regenerate (only when the
/// arithmetic version, the quantizer or the documented layout changes) with
/// VINFER_WRITE_VECTORS=1.
TEST(Onnx, GoldenGraphRoots) {
  const auto path = testing::source_dir() / "tests/vectors/model/graph_roots.txt";
  std::ostringstream got;
  for (const char* name : {"mnist-mlp", "mnist-cnn"}) {
    auto q = load_onnx_canonical(models_dir() / (std::string(name) + ".onnx"), data_dir());
    ASSERT_TRUE(q.ok());
    got << name << " " << commit::to_hex(commit_graph(*q).root) << "\n";
  }
  if (std::getenv("VINFER_WRITE_VECTORS")) {
    std::ofstream out(path);
    out << "# generated by tests/model/onnx_test.cpp (Onnx.GoldenGraphRoots,\n"
        << "# VINFER_WRITE_VECTORS=1); never edit by hand.\n"
        << "# model roots of load_onnx_canonical(models/<name>.onnx, data/)\n"
        << got.str();
  }
  std::ifstream in(path);
  if (!in)
    GTEST_SKIP() << path << " missing (run with VINFER_WRITE_VECTORS=1)";
  std::string line, want;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#')
      want += line + "\n";
  }
  EXPECT_EQ(got.str(), want);
}

TEST(Onnx, CheckGraphRejectsBrokenGraphsByNode) {
  auto good = load_onnx_canonical(models_dir() / "mnist-mlp.onnx", data_dir());
  ASSERT_TRUE(good.ok());
  auto expect_rejected = [&](const char* what, auto&& mutate, const std::string& needle) {
    QGraph g = *good;
    mutate(g);
    auto st = check_graph(g);
    ASSERT_FALSE(st.ok()) << what;
    EXPECT_NE(st.error().message.find(needle), std::string::npos)
        << what << ": " << st.error().message;
  };
  expect_rejected(
      "weight -128", [](QGraph& g) { g.nodes[0].w[7] = -128; }, "weight 7 is -128");
  expect_rejected(
      "later operand", [](QGraph& g) { g.nodes[1].a = 5; }, "not an earlier value");
  expect_rejected(
      "bias overflow", [](QGraph& g) { g.nodes[3].bias[2] = INT32_MAX; }, "'/fc2/Gemm'");
  expect_rejected(
      "lost weight", [](QGraph& g) { g.nodes[3].w.pop_back(); }, "weight or bias");
  expect_rejected(
      "bad multiplier", [](QGraph& g) { g.nodes[1].mult[0].mant = 5; },
      "multiplier 0 is not normalized");
  expect_rejected(
      "wrong dtype", [](QGraph& g) { g.nodes[2].a = 1; }, "wrong dtype");
  expect_rejected(
      "output", [](QGraph& g) { g.nodes.pop_back(); }, "the output");
  expect_rejected(
      "shape", [](QGraph& g) { g.nodes[3].in_shape = {127}; }, "input view");
}

TEST(Onnx, QuantizerRejectsAGraphWhoseOutputIsNotLinear) {
  OnnxBuilder b({4});
  b.init("W", {4, 3});
  b.node("MatMul", {"x", "W"}, "mm");
  b.node("Relu", {"mm"}, "r");
  auto g = parse_onnx(b.bytes("r"));
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  auto q = quantize_graph(*g, synthetic_calibration(4, 4));
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error().message.find("Gemm, MatMul or Conv"), std::string::npos);
}

// ---- digit files ----

TEST(Digits, TheCommittedFilesDecode) {
  auto t = load_digits(data_dir() / "mnist-test.bin");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->count, 1000u);
  EXPECT_EQ(t->pixels.size(), 1000u * kDigitPixels);
  for (uint32_t i = 0; i < 20; ++i)
    EXPECT_EQ(t->labels[i], i % 10);  // classes interleave
  auto c = load_digits(data_dir() / "mnist-calib.bin");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->count, 200u);
}

TEST(Digits, MalformedFilesAreErrors) {
  auto bytes = file_bytes(data_dir() / "mnist-calib.bin");
  auto cut = parse_digits(std::span(bytes).first(bytes.size() - 3));
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().code, Errc::truncated);
  auto magic = bytes;
  magic[0] = 'X';
  EXPECT_FALSE(parse_digits(magic).ok());
  auto label = bytes;
  label[12] = 10;
  auto l = parse_digits(label);
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.error().message.find("digit 0: label 10"), std::string::npos) << l.error().message;
}

// ---- the fuzz_onnx seed corpus (tests/fuzz/corpus/fuzz_onnx/) ----

TEST(Onnx, FuzzSeedsAreValidModels) {
  const auto dir = testing::source_dir() / "tests/fuzz/corpus/fuzz_onnx";
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds = {
      {"tiny_mlp.onnx", tiny_mlp()}, {"tiny_cnn.onnx", tiny_cnn()}};
  for (const auto& [name, bytes] : seeds) {
    ASSERT_TRUE(parse_onnx(bytes).ok()) << name;
    if (std::getenv("VINFER_WRITE_VECTORS")) {
      std::filesystem::create_directories(dir);
      testing::write_bytes(dir / name, bytes);
    }
    if (std::filesystem::exists(dir / name)) {
      EXPECT_TRUE(parse_onnx(file_bytes(dir / name)).ok()) << name;
    }
  }
}

}  // namespace
}  // namespace vinfer::model
