// `vinfer demo [MODE] [--json]`: every verification mode that exists so far, with honest and
// cheating workers, in the one schema of DESIGN §7. Today: proof mode on the MNIST MLP.
#include <chrono>
#include <cstdio>

#include "common.hpp"
#include "vinfer/engine/graph_engine.hpp"
#include "vinfer/model/digits.hpp"
#include "vinfer/model/onnx.hpp"
#include "vinfer/proof/circuit.hpp"
#include "vinfer/proof/graph_proof.hpp"

namespace vinfer::cli {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Row {
  std::string mode, scenario, cheater;
  bool caught = false, honest_slashed = false;
  double cost_multiplier = 0, latency = 0, wall_s = 0;
  std::string latency_unit;
  std::string note;
};

nlohmann::json row_json(const Row& r) {
  nlohmann::json j;
  j["mode"] = r.mode;
  j["scenario"] = r.scenario;
  j["cheater"] = r.cheater;
  j["caught"] = r.caught;
  j["honest_slashed"] = r.honest_slashed;
  j["cost_multiplier"] = r.cost_multiplier;
  j["latency"] = r.latency;
  j["latency_unit"] = r.latency_unit;
  j["rounds"] = nullptr;        // no interaction in proof mode
  j["referee_macs"] = nullptr;  // no referee in proof mode
  j["wall_s"] = r.wall_s;
  return j;
}

// Proof mode: a worker answers a batch of digits with a proof; the client verifies against
// the registered weight commitment. Cheaters: a forged output with the honest proof, a
// cheaper (half-pruned) model proving its own forward pass, and random proof bytes.
Result<std::vector<Row>> proof_rows(std::uint32_t batch) {
  const std::filesystem::path root = VINFER_SOURCE_DIR;
  VINFER_TRY(model::QGraph g,
             model::load_onnx_canonical(root / "models/mnist-mlp.onnx", root / "data"));
  VINFER_TRY(model::Digits digits, model::load_digits(root / "data/mnist-test.bin"));
  std::vector<std::int8_t> in;
  for (std::size_t i = 0; i < std::size_t{batch} * model::kDigitPixels; ++i)
    in.push_back(model::quantize_pixel_u8(digits.pixels[i]));
  VINFER_TRY(proof::Circuit c, proof::build_circuit(g, batch));
  const proof::WeightCommitment registered = proof::commit_weights(c, g);  // the registry's entry

  // The honest worker.
  double infer_s = 1e30;
  Result<engine::GraphRun> run = fail(Errc::invalid_argument, "no run");
  for (int r = 0; r < 5; ++r) {
    const auto t = Clock::now();
    run = engine::graph_forward(g, in, batch);
    infer_s = std::min(infer_s, since(t));
    if (!run.ok())
      return run.error();
  }
  proof::GraphStatement st;
  st.model_root = model::commit_graph(g).root;
  st.weights_root = registered.pcs.root;
  st.batch = batch;
  st.input = in;
  st.output = run->values[g.output];
  auto t0 = Clock::now();
  VINFER_TRY(std::vector<std::uint8_t> honest,
             proof::graph_prove(c, g, registered, st, run->values));
  const double prove_s = since(t0);

  std::vector<Row> rows;
  auto client = [&](const std::string& scenario, const std::string& cheater,
                    const proof::GraphStatement& claim,
                    const std::vector<std::uint8_t>& proof_bytes, double worker_s, double wall0) {
    Row r;
    r.mode = "proof";
    r.scenario = scenario;
    r.cheater = cheater;
    // The client holds the registered weights root, whatever the worker used.
    proof::GraphStatement check = claim;
    check.weights_root = registered.pcs.root;
    const Status v = proof::graph_verify(c, check, proof_bytes);
    r.caught = !v.ok() && cheater != "none";
    r.honest_slashed = cheater == "none" && !v.ok();
    r.cost_multiplier = (infer_s + worker_s) / infer_s;
    r.latency = worker_s;
    r.latency_unit = "s";
    r.wall_s = wall0 + since(t0);
    r.note = v.ok() ? "accepted" : v.error().message;
    rows.push_back(r);
  };
  t0 = Clock::now();
  client("honest worker, proof verified", "none", st, honest, prove_s, prove_s);

  t0 = Clock::now();
  proof::GraphStatement forged = st;
  forged.output[0] += 4096;  // one logit of the first digit raised by 1.0
  client("forged output with the honest proof", "forged-output", forged, honest, prove_s, 0);

  // A cheaper model: every other weight of the first layer zeroed, proved honestly.
  t0 = Clock::now();
  model::QGraph cheap = g;
  for (std::size_t i = 0; i < cheap.nodes[0].w.size(); i += 2)
    cheap.nodes[0].w[i] = 0;
  const proof::WeightCommitment cw = proof::commit_weights(c, cheap);
  VINFER_TRY(engine::GraphRun crun, engine::graph_forward(cheap, in, batch));
  proof::GraphStatement cst = st;
  cst.weights_root = cw.pcs.root;
  cst.output = crun.values[cheap.output];
  const auto tc = Clock::now();
  VINFER_TRY(std::vector<std::uint8_t> cproof, proof::graph_prove(c, cheap, cw, cst, crun.values));
  client("cheaper model (half the first layer pruned) under the real root", "cheaper-model", cst,
         cproof, since(tc), 0);

  t0 = Clock::now();
  std::vector<std::uint8_t> noise(honest.size());
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (auto& b : noise) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    b = static_cast<std::uint8_t>(x);
  }
  client("random bytes as the proof", "random-proof", st, noise, 0, 0);
  return rows;
}

int demo(const std::string& mode, bool json, std::uint32_t batch) {
  if (!mode.empty() && mode != "proof") {
    return report(fail(Errc::unsupported, "demo mode '" + mode +
                                              "' does not exist yet (have: proof; optimistic, "
                                              "quorum:N and sampled:P come with issues 4 and 5)"));
  }
  auto rows = proof_rows(batch);
  if (!rows.ok())
    return report(rows.error());
  if (json) {
    nlohmann::json j;
    j["scenarios"] = nlohmann::json::array();
    for (const Row& r : *rows)
      j["scenarios"].push_back(row_json(r));
    print_json(j);
    return 0;
  }
  std::printf("%-6s %-62s %-14s %-7s %-9s %-9s %-10s %s\n", "mode", "scenario", "cheater", "caught",
              "slashed", "cost", "latency", "verifier said");
  for (const Row& r : *rows) {
    std::printf("%-6s %-62s %-14s %-7s %-9s %-9.0f %-10s %s\n", r.mode.c_str(), r.scenario.c_str(),
                r.cheater.c_str(), r.caught ? "yes" : "no", r.honest_slashed ? "yes" : "no",
                r.cost_multiplier,
                (std::to_string(r.latency).substr(0, 5) + " " + r.latency_unit).c_str(),
                r.note.substr(0, 70).c_str());
  }
  std::printf("(proof mode: MNIST MLP, batch %u; cost = (inference + proving) / inference)\n",
              batch);
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo", "Every verification mode so far, honest and cheating workers, one table");
  static std::string mode;
  static bool json = false;
  static std::uint32_t batch = 16;
  cmd->add_option("mode", mode, "only this mode (proof)");
  cmd->add_option("--batch", batch, "proof mode: digits per job")
      ->default_val(16)
      ->check(CLI::Range(1u, 1024u));
  cmd->add_flag("--json", json, "print {\"scenarios\": [...]} (DESIGN §7 schema)");
  cmd->callback([] { std::exit(demo(mode, json, batch)); });
}

}  // namespace vinfer::cli
