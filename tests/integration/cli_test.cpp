// Runs the built `vinfer` binary as a user would and checks what it prints.
#include "run_vinfer.hpp"

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)
namespace fs = std::filesystem;

TEST(Cli, RunIsIdenticalAcrossThreadsAndIsas) {
  SKIP_WITHOUT_SMALL_MODEL();
  const fs::path model = small_model();
  std::vector<nlohmann::json> runs;
  for (const char* env : {"VINFER_ISA=scalar", ""}) {
    for (const char* threads : {"1", "2"}) {
      const Outcome o = vinfer({"run", "--model", model.string(), "--tokens", "8", "--json",
                                "--trace", "--threads", threads},
                               env);
      ASSERT_EQ(o.code, 0) << o.err;
      auto j = o.json();
      expect_keys(j, {"job_id", "tokens", "text", "output_hash", "model_root", "tokens_per_s",
                      "trace_root", "trace_steps"});
      EXPECT_EQ(j["tokens"].size(), 8u);
      runs.push_back(j);
    }
  }
  for (const auto& j : runs) {
    for (const char* k :
         {"job_id", "tokens", "text", "output_hash", "model_root", "trace_root", "trace_steps"}) {
      EXPECT_EQ(j[k], runs[0][k]) << k << ": isa " << j["isa"] << ", threads " << j["threads"];
    }
  }
}

TEST(Cli, ModelInfoJsonNamesTheSameRootAsRun) {
  SKIP_WITHOUT_SMALL_MODEL();
  const fs::path model = small_model();
  const Outcome info = vinfer({"model", "info", model.string(), "--json"});
  ASSERT_EQ(info.code, 0) << info.err;
  const auto j = info.json();
  expect_keys(j, {"name", "dim", "n_layers", "n_heads", "vocab_size", "seq_len", "params",
                  "model_root", "weights_root"});
  const Outcome run = vinfer({"run", "--model", model.string(), "--tokens", "1", "--json"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(j["model_root"], run.json()["model_root"]);
}

TEST(Cli, EvalReportsAgreementAndPerplexities) {
  SKIP_WITHOUT_SMALL_MODEL();
  const fs::path model = small_model();
  std::vector<std::string> args = {"eval", "--model", model.string(), "--max-tokens",
                                   "300",  "--json",  "--threads",    "2"};
  const fs::path heldout = source_path("data/kjv-heldout.txt");
  const fs::path text = fs::temp_directory_path() / "vinfer_cli_test_eval.txt";
  if (!fs::exists(heldout)) {
    std::ofstream(text) << "In the beginning God created the heaven and the earth.\n"
                           "And the earth was without form, and void; and darkness was upon "
                           "the face of the deep.\n";
    args.insert(args.end(), {"--text", text.string()});
  }
  const Outcome o = vinfer(args);
  fs::remove(text);
  ASSERT_EQ(o.code, 0) << o.err;
  const auto j = o.json();
  expect_keys(j, {"top1_agreement", "ppl_int8", "ppl_fp32", "ppl_ratio", "positions", "tokens",
                  "seconds", "model_root"});
  EXPECT_LE(j["tokens"].get<int>(), 300);
  EXPECT_EQ(j["positions"], j["tokens"]);
  EXPECT_GE(j["top1_agreement"].get<double>(), 0.0);
  EXPECT_LE(j["top1_agreement"].get<double>(), 1.0);
  EXPECT_GT(j["ppl_int8"].get<double>(), 1.0);
  EXPECT_GT(j["ppl_fp32"].get<double>(), 1.0);
}

TEST(Cli, BenchOnASyntheticModel) {
  const Outcome o = vinfer({"bench", "--synthetic-params", "2M", "--tokens", "4", "--json",
                            "--threads", "1", "--reps", "1"});
  ASSERT_EQ(o.code, 0) << o.err;
  const auto j = o.json();
  expect_keys(j, {"int8_tok_s", "fp32_tok_s", "speedup", "read_gbps", "weight_bytes",
                  "fp32_weight_bytes", "bandwidth_fraction", "params", "threads", "isa"});
  EXPECT_GT(j["int8_tok_s"].get<double>(), 0.0);
  EXPECT_GT(j["fp32_tok_s"].get<double>(), 0.0);
  EXPECT_GT(j["read_gbps"].get<double>(), 0.0);
  EXPECT_EQ(j["fp32_weight_bytes"].get<uint64_t>(), 4 * j["weight_bytes"].get<uint64_t>());
  const auto params = j["params"].get<uint64_t>();
  EXPECT_GT(params, 1000000u);
  EXPECT_LE(params, 2000000u);
}

TEST(Cli, AMissingModelFileIsNamed) {
  const Outcome o = vinfer({"run", "--model", "/nonexistent/model.gguf", "--tokens", "1"});
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.err.find("/nonexistent/model.gguf"), std::string::npos) << o.err;
}

TEST(Cli, ABadTemperatureIsNamed) {
  SKIP_WITHOUT_SMALL_MODEL();  // `run` loads the model before it parses the sampler options
  const Outcome o = vinfer({"run", "--model", small_model().string(), "--temperature", "abc"});
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.err.find("--temperature"), std::string::npos) << o.err;
}

TEST(Cli, ABadParameterCountIsNamed) {
  const Outcome o = vinfer({"bench", "--synthetic-params", "12X"});
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.err.find("--synthetic-params"), std::string::npos) << o.err;
}

}  // namespace
