// `vinfer bench proof` end to end: the keys of its JSON and the honest proofs verified for
// both MNIST models; a missing model is an error row. No timing is asserted.
#include <set>

#include "run_vinfer.hpp"

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)

TEST(BenchProofCli, MlpAndCnnRowsVerify) {
  const std::string models = source_path("models/mnist-mlp.onnx").string() + "," +
                             source_path("models/mnist-cnn.onnx").string();
  const Outcome o = vinfer({"bench", "proof", "--json", "--batches", "1", "--models", models});
  ASSERT_EQ(o.code, 0) << o.err << o.out;
  const nlohmann::json j = o.json();
  expect_keys(j, {"graph", "statistic"});
  EXPECT_FALSE(j.contains("transformer"));
  ASSERT_EQ(j["graph"].size(), 2u);

  const nlohmann::json& mlp = j["graph"][0];
  expect_keys(mlp, {"model", "name", "batch", "input", "infer_s", "prove_s", "weights_commit_s",
                    "verify_ms", "verify_ok", "proof_bytes", "ratio", "steps_s", "peak_rss_mib",
                    "rss_before_prove_mib", "witness_entries", "lookups"});
  EXPECT_FALSE(mlp.contains("error")) << mlp.dump(2);
  EXPECT_EQ(mlp["batch"], 1);
  EXPECT_TRUE(mlp["verify_ok"].get<bool>()) << mlp.dump(2);
  EXPECT_GT(mlp["proof_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_GT(mlp["peak_rss_mib"].get<double>(), 0.0);
  EXPECT_GE(mlp["peak_rss_mib"].get<double>(), mlp["rss_before_prove_mib"].get<double>());
  expect_keys(mlp["steps_s"],
              {"witness", "commit", "lookups", "identities", "matmuls", "openings"});
  EXPECT_NE(mlp["input"].get<std::string>().find("mnist-test.bin"), std::string::npos);

  const nlohmann::json& cnn = j["graph"][1];
  EXPECT_FALSE(cnn.contains("error")) << cnn.dump(2);
  EXPECT_TRUE(cnn["verify_ok"].get<bool>()) << cnn.dump(2);
}

TEST(BenchProofCli, UnknownModelFileGivesAnErrorRowNotACrash) {
  const Outcome o =
      vinfer({"bench", "proof", "--json", "--batches", "1", "--models", "no-such-model.onnx"});
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  ASSERT_EQ(j["graph"].size(), 1u);
  EXPECT_TRUE(j["graph"][0].contains("error"));
}

TEST(BenchProofCli, TransformerLayerStepsVerifyAndTheUnprovenOpsAreNamed) {
  const Outcome o = vinfer({"bench", "proof", "--json", "--batches", "1", "--models",
                            source_path("models/mnist-mlp.onnx").string(), "--transformer",
                            "--transformer-model", source_path("models/kjv-large.gguf").string()});
  ASSERT_EQ(o.code, 0) << o.err << o.out;
  const nlohmann::json j = o.json();
  ASSERT_TRUE(j.contains("transformer"));
  const nlohmann::json& t = j["transformer"];
  expect_keys(t, {"steps", "totals", "layer_infer_us", "ratio", "not_proven", "note"});
  std::set<std::string> steps;
  for (const auto& s : t["steps"]) {
    expect_keys(s, {"op", "shape", "infer_us", "prove_ms", "verify_ms", "proof_bytes"});
    EXPECT_TRUE(s["verify_ok"].get<bool>()) << s.dump(2);
    EXPECT_TRUE(s["leftover_claims_true"].get<bool>()) << s.dump(2);
    steps.insert(s["step"].get<std::string>());
  }
  EXPECT_EQ(steps,
            (std::set<std::string>{"wq", "wk", "wv", "wo", "w1", "w3", "w2", "smax_exp", "silu"}));
  EXPECT_TRUE(t["totals"]["all_verified"].get<bool>());
  std::set<std::string> unproven;
  for (const auto& op : t["not_proven"]) {
    EXPECT_NE(op["status"], "proven");
    if (!op["per_step_proof_in_this_bench"].get<bool>())
      unproven.insert(op["op"].get<std::string>());
  }
  for (const char* op : {"rmsnorm", "softmax", "rope", "sample", "argmax", "embed"})
    EXPECT_TRUE(unproven.count(op)) << op;
  EXPECT_FALSE(unproven.count("matmul"));
}

}  // namespace
