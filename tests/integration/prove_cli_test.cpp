// `vinfer register | prove | verify` end to end on the committed MNIST MLP.
#include "run_vinfer.hpp"

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)
namespace fs = std::filesystem;

struct Proved {
  fs::path dir, registry, proof, out, input;
  std::string root;
};

// A registry in a temp folder beside a copy of the model, and one proof of the sample digit.
Proved prove_sample(const std::string& tag, const std::string& model = "mnist-mlp") {
  Proved p;
  p.dir = fs::temp_directory_path() / ("vinfer_prove_" + std::to_string(::getpid()) + "_" + tag);
  fs::create_directories(p.dir);
  fs::copy_file(source_path("models/" + model + ".onnx"), p.dir / (model + ".onnx"),
                fs::copy_options::overwrite_existing);
  p.registry = p.dir / "registry.json";
  p.proof = p.dir / "proof.bin";
  p.out = p.dir / "prove.json";
  p.input = source_path("models/mnist-sample-input.json");
  const Outcome r = vinfer({"register", "--model", (p.dir / (model + ".onnx")).string(),
                            "--registry", p.registry.string(), "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  const Outcome o = vinfer({"prove", "--model", (p.dir / (model + ".onnx")).string(), "--input",
                            p.input.string(), "-o", p.proof.string(), "--json", "--reps", "2"});
  EXPECT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  expect_keys(j, {"prove_s", "infer_s", "batch", "proof_bytes", "model_root", "output"});
  EXPECT_EQ(j["batch"], 1);
  EXPECT_EQ(j["output"].size(), 10u);
  EXPECT_EQ(j["proof_bytes"].get<std::uint64_t>(), fs::file_size(p.proof));
  EXPECT_EQ(j["model_root"], r.json()["model_root"]);
  std::ofstream(p.out) << o.out;
  p.root = j["model_root"].get<std::string>();
  return p;
}

Outcome verify(const Proved& p,
               const fs::path& proof,
               const std::string& root,
               const fs::path& out) {
  return vinfer({"verify", "--model-root", root, "--input", p.input.string(), "--output",
                 out.string(), "--registry", p.registry.string(), proof.string(), "--json"});
}

TEST(ProveCli, AProofVerifiesAndEveryLieIsRejectedWithAReason) {
  const Proved p = prove_sample("lies");
  const Outcome ok = verify(p, p.proof, p.root, p.out);
  EXPECT_EQ(ok.code, 0) << ok.err << ok.out;
  expect_keys(ok.json(), {"ok", "verify_ms", "reason"});
  EXPECT_TRUE(ok.json()["ok"].get<bool>());

  // A forged output: the first logit moved by one.
  nlohmann::json forged = nlohmann::json::parse(std::ifstream(p.out));
  forged["output"][0] = forged["output"][0].get<int>() + 1;
  std::ofstream(p.dir / "forged.json") << forged.dump();
  const Outcome f = verify(p, p.proof, p.root, p.dir / "forged.json");
  EXPECT_EQ(f.code, 1);
  EXPECT_FALSE(f.json()["ok"].get<bool>());
  EXPECT_FALSE(f.json()["reason"].get<std::string>().empty());

  // A wrong model root.
  std::string other = p.root;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  const Outcome r = verify(p, p.proof, other, p.out);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.json()["reason"].get<std::string>().find("model"), std::string::npos) << r.out;

  // A wrong input: another digit of the same shape.
  std::vector<double> px(784, 0.0);
  px[400] = 1.0;
  std::ofstream(p.dir / "other-input.json") << nlohmann::json(px).dump();
  const Outcome in = vinfer({"verify", "--model-root", p.root, "--input",
                             (p.dir / "other-input.json").string(), "--output", p.out.string(),
                             "--registry", p.registry.string(), p.proof.string(), "--json"});
  EXPECT_EQ(in.code, 1);

  // Truncated and empty proof files.
  std::ifstream src(p.proof, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(src)), std::istreambuf_iterator<char>());
  std::ofstream(p.dir / "short.bin", std::ios::binary) << bytes.substr(0, bytes.size() - 100);
  std::ofstream(p.dir / "empty.bin", std::ios::binary) << "";
  for (const char* name : {"short.bin", "empty.bin"}) {
    const Outcome t = verify(p, p.dir / name, p.root, p.out);
    EXPECT_EQ(t.code, 1) << name;
    EXPECT_FALSE(t.json()["reason"].get<std::string>().empty()) << name;
  }
  fs::remove_all(p.dir);
}

TEST(ProveCli, RegisterCheckRecomputesTheCommittedRegistry) {
  // models/registry.json is reproducible from the weights.
  for (const char* m : {"models/mnist-mlp.onnx", "models/mnist-cnn.onnx"}) {
    const Outcome o = vinfer({"register", "--model", source_path(m).string(), "--registry",
                              source_path("models/registry.json").string(), "--check", "--json"});
    EXPECT_EQ(o.code, 0) << m << o.err << o.out;
    EXPECT_TRUE(o.json()["matches"].get<bool>()) << m;
  }
}

TEST(ProveCli, TheCnnProvesAndVerifies) {
  const Proved p = prove_sample("cnn", "mnist-cnn");
  const Outcome ok = verify(p, p.proof, p.root, p.out);
  EXPECT_EQ(ok.code, 0) << ok.err << ok.out;
  EXPECT_TRUE(ok.json()["ok"].get<bool>());
  fs::remove_all(p.dir);
}

}  // namespace

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)

TEST(DemoCli, ProofRowsInTheOneSchemaHonestAcceptedCheatersCaught) {
  const Outcome o = vinfer({"demo", "proof", "--batch", "2", "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  ASSERT_TRUE(j["scenarios"].is_array());
  ASSERT_GE(j["scenarios"].size(), 3u);
  for (const auto& r : j["scenarios"]) {
    expect_keys(r, {"mode", "scenario", "cheater", "caught", "honest_slashed", "cost_multiplier",
                    "latency", "latency_unit", "rounds", "referee_macs", "wall_s"});
    EXPECT_EQ(r["mode"], "proof");
    EXPECT_FALSE(r["honest_slashed"].get<bool>());
    EXPECT_EQ(r["caught"].get<bool>(), r["cheater"] != "none") << r.dump();
  }
  const Outcome bad = vinfer({"demo", "certain"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("'certain' does not exist"), std::string::npos) << bad.err;
}

}  // namespace

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)

TEST(ModelInfoCli, AGraphModelListsItsNodesWithTheirProverStatusAndTheRegisteredRoot) {
  const Outcome o =
      vinfer({"model", "info", source_path("models/mnist-cnn.onnx").string(), "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  EXPECT_EQ(j["architecture"], "graph");
  ASSERT_EQ(j["nodes"].size(), 10u);
  for (const auto& n : j["nodes"])
    EXPECT_EQ(n["prover"], "proven") << n.dump();
  const nlohmann::json reg =
      nlohmann::json::parse(std::ifstream(source_path("models/registry.json")));
  bool found = false;
  for (const auto& m : reg["models"])
    found = found || m["model_root"] == j["model_root"];
  EXPECT_TRUE(found) << "models/registry.json lacks " << j["model_root"];
  const Outcome ops = vinfer({"model", "ops", "--json"});
  ASSERT_EQ(ops.code, 0);
  const nlohmann::json oj =
      ops.json();  // a named value: a range-for over a temporary's member dangles
  for (const auto& op : oj["ops"]) {
    expect_keys(op, {"op", "prover", "prover_note", "referee", "referee_note"});
    // Every transformer operator has a one-step referee rule; graph operators do not yet.
    const bool graph = op["op"] == "gemm" || op["op"] == "conv" || op["op"] == "requant" ||
                       op["op"] == "rescale" || op["op"] == "relu" || op["op"] == "maxpool" ||
                       op["op"] == "avgpool" || op["op"] == "qadd";
    EXPECT_EQ(op["referee"] == "unsupported", graph) << op.dump();
  }
}

}  // namespace
