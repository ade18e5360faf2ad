// `vinfer eval` and `vinfer infer` on the committed graph models (ONNX MLP / CNN).
#include "run_vinfer.hpp"

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)

TEST(GraphCli, EvalReportsInt8NextToFp32OnHeldOutDigits) {
  for (const char* name : {"models/mnist-mlp.onnx", "models/mnist-cnn.onnx"}) {
    const Outcome o = vinfer({"eval", "--model", source_path(name).string(), "--json"});
    ASSERT_EQ(o.code, 0) << o.err;
    const auto j = o.json();
    expect_keys(j, {"fp32_top1", "int8_top1", "digits", "model_root", "params", "int8_correct",
                    "fp32_correct", "int8_fp32_agreement"});
    EXPECT_EQ(j["digits"], 1000);
    EXPECT_GE(j["fp32_top1"].get<double>(), 0.9) << name;
    EXPECT_LE(j["fp32_top1"].get<double>() - j["int8_top1"].get<double>(), 0.02) << name;
    EXPECT_EQ(j["model_root"].get<std::string>().size(), 64u);
  }
}

TEST(GraphCli, InferPrintsTheCanonicalOutputOfOneSampleOrABatch) {
  const std::string model = source_path("models/mnist-mlp.onnx").string();
  const std::string sample = source_path("models/mnist-sample-input.json").string();
  const Outcome one = vinfer({"infer", "--model", model, "--input", sample, "--json"});
  ASSERT_EQ(one.code, 0) << one.err;
  const auto j = one.json();
  expect_keys(j, {"output", "argmax", "batch", "model_root", "infer_s"});
  EXPECT_EQ(j["batch"], 1);
  ASSERT_TRUE(j["output"].is_array());
  EXPECT_EQ(j["output"].size(), 10u);
  EXPECT_EQ(j["argmax"], 0);  // held-out digit 0 is a 0
  // The same sample twice as a batch: the same integers per sample, the same root.
  const fs::path batch = fs::temp_directory_path() / "vinfer_graph_cli_batch.json";
  {
    std::ifstream in(sample);
    std::stringstream s;
    s << in.rdbuf();
    std::ofstream(batch) << "[" << s.str() << "," << s.str() << "]";
  }
  const Outcome two = vinfer({"infer", "--model", model, "--input", batch.string(), "--json"});
  fs::remove(batch);
  ASSERT_EQ(two.code, 0) << two.err;
  const auto k = two.json();
  EXPECT_EQ(k["batch"], 2);
  ASSERT_EQ(k["output"].size(), 2u);
  EXPECT_EQ(k["output"][0], j["output"]);
  EXPECT_EQ(k["output"][1], j["output"]);
  EXPECT_EQ(k["model_root"], j["model_root"]);
  // Every kernel family gives the same integers.
  const Outcome scalar =
      vinfer({"infer", "--model", model, "--input", sample, "--json"}, "VINFER_ISA=scalar");
  ASSERT_EQ(scalar.code, 0) << scalar.err;
  EXPECT_EQ(scalar.json()["output"], j["output"]);
}

TEST(GraphCli, BadInputsAreNamed) {
  const std::string model = source_path("models/mnist-cnn.onnx").string();
  const fs::path bad = fs::temp_directory_path() / "vinfer_graph_cli_bad.json";
  std::ofstream(bad) << "[0, 0.5, 1]";
  const Outcome o = vinfer({"infer", "--model", model, "--input", bad.string()});
  fs::remove(bad);
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find("holds 3 numbers; the model's input 1x28x28 needs 784"), std::string::npos)
      << o.err;
  const Outcome gguf = vinfer({"eval", "--model", model, "--data", "/nonexistent/digits.bin"});
  EXPECT_EQ(gguf.code, 1);
  EXPECT_NE(gguf.err.find("/nonexistent/digits.bin"), std::string::npos) << gguf.err;
}

}  // namespace
