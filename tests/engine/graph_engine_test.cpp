#include "vinfer/engine/graph_engine.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "vinfer/arith/graph_ops.hpp"
#include "vinfer/model/digits.hpp"
#include "vinfer/model/onnx.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::engine {
namespace {

const std::filesystem::path kRoot = VINFER_SOURCE_DIR;

model::QGraph mnist(const char* name) {
  auto q =
      model::load_onnx_canonical(kRoot / "models" / (std::string(name) + ".onnx"), kRoot / "data");
  EXPECT_TRUE(q.ok()) << q.error().to_string();
  return std::move(q).value();
}

std::vector<int8_t> random_input(const model::QGraph& g, uint32_t batch, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> x(batch * model::shape_elems(g.input_shape));
  for (auto& v : x)
    v = static_cast<int8_t>(d(rng));
  return x;
}

// Fast vs reference, every value, zero tolerance, on every kernel family this CPU has.
void expect_fast_equals_ref(const model::QGraph& g, uint32_t batch, uint64_t seed) {
  const auto x = random_input(g, batch, seed);
  auto ref = graph_forward_ref(g, x, batch);
  ASSERT_TRUE(ref.ok()) << ref.error().to_string();
  ASSERT_EQ(ref->values.size(), g.nodes.size() + 1);
  for (uint32_t v = 0; v <= g.nodes.size(); ++v)
    EXPECT_EQ(ref->values[v].size(), batch * model::shape_elems(g.value_shape(v)));
  for (tensor::Isa isa : tensor::available_isas()) {
    tensor::set_isa_for_testing(isa);
    auto fast = graph_forward(g, x, batch);
    ASSERT_TRUE(fast.ok()) << fast.error().to_string();
    EXPECT_EQ(fast->batch, batch);
    for (uint32_t v = 0; v <= g.nodes.size(); ++v) {
      EXPECT_EQ(fast->values[v], ref->values[v])
          << g.name << " value " << v << " batch " << batch << " " << tensor::isa_name(isa);
    }
  }
  tensor::set_isa_for_testing(tensor::best_isa());
}

TEST(GraphEngine, FastEqualsReferenceOnTheMnistModels) {
  for (const char* name : {"mnist-mlp", "mnist-cnn"}) {
    const auto g = mnist(name);
    uint64_t seed = 1;
    for (uint32_t batch : {1u, 2u, 7u, 33u})
      expect_fast_equals_ref(g, batch, seed++);
  }
}

// A small float graph that holds every graph operator: padded, strided convs, a residual
// add (qadd), average and max pooling, a view, and a gemm output.
model::FloatGraph every_op_graph(uint64_t seed, bool count_include_pad) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  auto weights = [&](size_t n) {
    std::vector<float> w(n);
    for (auto& v : w)
      v = u(rng) * 0.5f;
    return w;
  };
  model::FloatGraph g;
  g.name = "every-op";
  g.input_shape = {2, 9, 9};
  auto node = [&](model::FloatOp op, uint32_t a, model::Shape in, model::Shape out) {
    model::FloatNode n;
    n.op = op;
    n.name = "n" + std::to_string(g.nodes.size());
    n.op_type = model::float_op_name(op);
    n.a = a;
    n.in_shape = std::move(in);
    n.out_shape = std::move(out);
    return n;
  };
  auto conv = node(model::FloatOp::conv, 0, {2, 9, 9}, {4, 5, 5});  // value 1
  conv.win.kh = conv.win.kw = 3;
  conv.win.stride_h = conv.win.stride_w = 2;
  conv.win.pad_t = conv.win.pad_l = conv.win.pad_b = conv.win.pad_r = 1;
  conv.out_ch = 4;
  conv.k = 2 * 3 * 3;
  conv.w = weights(4 * 18);
  conv.bias = weights(4);
  g.nodes.push_back(conv);
  g.nodes.push_back(node(model::FloatOp::relu, 1, {4, 5, 5}, {4, 5, 5}));  // value 2
  auto conv2 = node(model::FloatOp::conv, 2, {4, 5, 5}, {4, 5, 5});        // value 3
  conv2.win.kh = conv2.win.kw = 3;
  conv2.win.pad_t = conv2.win.pad_l = conv2.win.pad_b = conv2.win.pad_r = 1;
  conv2.out_ch = 4;
  conv2.k = 4 * 9;
  conv2.w = weights(4 * 36);
  conv2.bias = weights(4);
  g.nodes.push_back(conv2);
  auto add = node(model::FloatOp::add, 2, {4, 5, 5}, {4, 5, 5});  // value 4
  add.b = 3;
  g.nodes.push_back(add);
  auto avg = node(model::FloatOp::avgpool, 4, {4, 5, 5}, {4, 6, 6});  // value 5
  avg.win.kh = avg.win.kw = 2;
  avg.win.pad_t = avg.win.pad_l = avg.win.pad_b = avg.win.pad_r = 1;
  avg.win.count_include_pad = count_include_pad;
  g.nodes.push_back(avg);
  auto mx = node(model::FloatOp::maxpool, 5, {4, 6, 6}, {4, 2, 2});  // value 6
  mx.win.kh = mx.win.kw = 3;
  mx.win.stride_h = mx.win.stride_w = 2;
  g.nodes.push_back(mx);
  auto fc = node(model::FloatOp::gemm, 6, {16}, {7});  // value 7: a view of (4, 2, 2)
  fc.out_ch = 7;
  fc.k = 16;
  fc.w = weights(7 * 16);
  fc.bias = weights(7);
  g.nodes.push_back(fc);
  g.output = 7;
  g.output_shape = {7};
  return g;
}

TEST(GraphEngine, FastEqualsReferenceOnEveryOperator) {
  for (uint64_t seed : {3u, 4u, 5u}) {
    const auto f = every_op_graph(seed, seed % 2 == 0);
    auto q = model::quantize_graph(f, model::synthetic_calibration(2 * 9 * 9, 8));
    ASSERT_TRUE(q.ok()) << q.error().to_string();
    std::vector<model::Op> ops;
    for (const auto& n : q->nodes)
      ops.push_back(n.op);
    for (model::Op op :
         {model::Op::conv, model::Op::requant, model::Op::relu, model::Op::qadd, model::Op::avgpool,
          model::Op::maxpool, model::Op::gemm, model::Op::rescale}) {
      EXPECT_NE(std::find(ops.begin(), ops.end(), op), ops.end()) << model::op_name(op);
    }
    for (uint32_t batch : {1u, 5u})
      expect_fast_equals_ref(*q, batch, seed * 10 + batch);
  }
}

TEST(GraphEngine, ValuesFollowTheElementDefinitions) {
  // Spot-check a few elements of the MLP against graph_ops.hpp by hand.
  const auto g = mnist("mnist-mlp");
  const auto x = random_input(g, 2, 9);
  auto r = graph_forward(g, x, 2);
  ASSERT_TRUE(r.ok());
  const model::QNode& fc1 = g.nodes[0];
  ASSERT_EQ(fc1.op, model::Op::gemm);
  for (uint32_t b : {0u, 1u}) {
    for (uint32_t j : {0u, 5u, fc1.out_ch - 1}) {
      EXPECT_EQ(r->values[1][b * fc1.out_ch + j],
                arith::gemm_elem(fc1.w.data() + size_t{j} * fc1.k, x.data() + b * fc1.k, fc1.k,
                                 fc1.bias[j]));
    }
  }
  // The output is the last value, Q12.
  EXPECT_EQ(r->values.back().size(), 2u * 10u);
}

TEST(GraphEngine, Int8AccuracyIsWithinTwoPointsOfFp32) {
  auto digits = model::load_digits(kRoot / "data" / "mnist-test.bin");
  ASSERT_TRUE(digits.ok()) << digits.error().to_string();
  for (const char* name : {"mnist-mlp", "mnist-cnn"}) {
    auto f = model::load_onnx(kRoot / "models" / (std::string(name) + ".onnx"));
    ASSERT_TRUE(f.ok());
    const auto q = mnist(name);
    std::vector<int8_t> x;
    for (uint8_t k : digits->pixels)
      x.push_back(model::quantize_pixel_u8(k));
    auto r = graph_forward(q, x, digits->count);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const auto& out = r->values.back();
    uint32_t ok8 = 0, ok32 = 0;
    for (uint32_t i = 0; i < digits->count; ++i) {
      const int32_t* row = out.data() + size_t{i} * 10;
      ok8 += static_cast<uint32_t>(std::max_element(row, row + 10) - row) == digits->labels[i];
      const auto px = digits->as_float(i);
      const auto y = model::float_forward(*f, px.data());
      ok32 += static_cast<uint32_t>(std::max_element(y.begin(), y.end()) - y.begin()) ==
              digits->labels[i];
    }
    const double a8 = double(ok8) / digits->count, a32 = double(ok32) / digits->count;
    std::printf("%s: fp32 top-1 %.4f, int8 top-1 %.4f on %u held-out digits\n", name, a32, a8,
                digits->count);
    EXPECT_GE(a32, 0.9) << name;
    EXPECT_LE(a32 - a8, 0.02) << name << ": int8 " << a8 << " vs fp32 " << a32;
  }
}

TEST(GraphEngine, RejectsBadInputsByName) {
  const auto g = mnist("mnist-cnn");
  const auto x = random_input(g, 2, 1);
  for (bool ref : {false, true}) {
    auto run = [&](std::span<const int8_t> in, uint32_t batch) {
      return ref ? graph_forward_ref(g, in, batch) : graph_forward(g, in, batch);
    };
    auto short_input = run(std::span(x).first(x.size() - 1), 2);
    ASSERT_FALSE(short_input.ok());
    EXPECT_EQ(short_input.error().code, Errc::mismatch);
    EXPECT_NE(short_input.error().message.find("input holds 1567 values"), std::string::npos)
        << short_input.error().message;
    EXPECT_NE(short_input.error().message.find("1x28x28"), std::string::npos);

    auto zero = run({}, 0);
    ASSERT_FALSE(zero.ok());
    EXPECT_NE(zero.error().message.find("batch is 0"), std::string::npos);

    auto huge = run(x, kGraphMaxBatch + 1);
    ASSERT_FALSE(huge.ok());
    EXPECT_EQ(huge.error().code, Errc::limit);

    auto bad = x;
    bad[100] = -128;
    auto r = run(bad, 2);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("input value 100 is -128"), std::string::npos)
        << r.error().message;
  }
}

TEST(GraphEngine, RejectsABrokenGraph) {
  auto g = mnist("mnist-mlp");
  g.nodes[3].w.pop_back();  // fc2 loses a weight
  const auto x = random_input(g, 1, 2);
  for (bool ref : {false, true}) {
    auto r = ref ? graph_forward_ref(g, x, 1) : graph_forward(g, x, 1);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("/fc2/Gemm"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace vinfer::engine
