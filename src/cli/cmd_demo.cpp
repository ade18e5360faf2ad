// `vinfer demo [MODE] [--json]`: every verification mode, with honest and cheating workers,
// in the one schema of DESIGN §7: proof mode on the MNIST MLP, optimistic, quorum:N and
// sampled:P on the kjv models (cmd_demo_optimistic.cpp, cmd_demo_quorum.cpp,
// cmd_demo_sampled.cpp).
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common.hpp"
#include "demo_rows.hpp"
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

// "sampled:P" with P a decimal in (0, 1] (at most 4 decimals) -> P in basis points.
Result<uint32_t> parse_sampled(const std::string& mode) {
  const std::string p = mode.substr(8);
  const auto bad = [&] {
    return fail(Errc::invalid_argument,
                "demo mode '" + mode + "': P in sampled:P must be a decimal in (0, 1], e.g. 0.1");
  };
  if (p.empty() || p.size() > 6 || p.find_first_not_of("0123456789.") != std::string::npos ||
      std::count(p.begin(), p.end(), '.') > 1 || p.front() == '.' || p.back() == '.')
    return bad();
  const size_t dot = p.find('.');
  const std::string whole = p.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : p.substr(dot + 1);
  if (whole.size() > 1 || frac.size() > 4)
    return bad();
  frac.resize(4, '0');
  const uint32_t bps = static_cast<uint32_t>(std::stoul(whole) * 10000 + std::stoul(frac));
  if (bps == 0 || bps > 10000)
    return bad();
  return bps;
}

int demo(const std::string& mode,
         bool json,
         std::uint32_t batch,
         const std::string& model_path,
         const std::string& substitute_path,
         bool matrix,
         std::uint32_t sampled_jobs) {
  // quorum:N (N odd or even, 1..15); `vinfer demo` alone runs quorum:5 and sampled:0.1.
  uint32_t quorum_n = mode.empty() ? 5 : 0;
  uint32_t sampled_bps = mode.empty() ? 1000 : 0;
  if (mode.rfind("sampled:", 0) == 0) {
    auto bps = parse_sampled(mode);
    if (!bps)
      return report(bps.error());
    sampled_bps = *bps;
  }
  if (mode.rfind("quorum:", 0) == 0) {
    const std::string n = mode.substr(7);
    if (n.empty() || n.size() > 2 || n.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(n) < 1 || std::stoul(n) > 15)
      return report(
          fail(Errc::invalid_argument, "demo mode '" + mode + "': N in quorum:N must be 1 to 15"));
    quorum_n = static_cast<uint32_t>(std::stoul(n));
  }
  if (!mode.empty() && mode != "proof" && mode != "optimistic" && quorum_n == 0 &&
      sampled_bps == 0) {
    return report(fail(Errc::invalid_argument,
                       "demo mode '" + mode +
                           "' does not exist (have: proof, optimistic, quorum:N, sampled:P)"));
  }
  std::vector<Row> rows;
  if (mode.empty() || mode == "proof") {
    auto r = proof_rows(batch);
    if (!r.ok())
      return report(r.error());
    rows.insert(rows.end(), r->begin(), r->end());
  }
  if (mode.empty() || mode == "optimistic") {
    // The matrix runs on both kjv models, each cheater substituting the other.
    std::vector<std::pair<std::string, std::string>> runs = {{model_path, substitute_path}};
    if (matrix && model_path.empty() && substitute_path.empty()) {
      const std::string models = std::string(VINFER_SOURCE_DIR) + "/models/";
      runs = {{models + "kjv-large.gguf", models + "kjv-small.gguf"},
              {models + "kjv-small.gguf", models + "kjv-large.gguf"}};
    }
    for (const auto& [m, sub] : runs) {
      auto r = optimistic_rows(m, sub, matrix, !json);
      if (!r.ok())
        return report(r.error());
      rows.insert(rows.end(), r->begin(), r->end());
    }
  }
  if (quorum_n) {
    auto r = quorum_rows(quorum_n, !json);
    if (!r.ok())
      return report(r.error());
    rows.insert(rows.end(), r->begin(), r->end());
  }
  SampledEconomics econ;
  if (sampled_bps) {
    auto r = sampled_rows(sampled_bps, sampled_jobs, !json, &econ);
    if (!r.ok())
      return report(r.error());
    rows.insert(rows.end(), r->begin(), r->end());
  }
  if (json) {
    nlohmann::json j;
    j["scenarios"] = nlohmann::json::array();
    for (const Row& r : rows)
      j["scenarios"].push_back(row_json(r));
    if (sampled_bps)
      j["sampled_economics"] = {{"cost", econ.cost},
                                {"reward", econ.reward},
                                {"stake", econ.stake},
                                {"p_audit", econ.p_audit},
                                {"simulated_jobs", econ.jobs},
                                {"cheat_profit_per_job", econ.cheat_per_job},
                                {"honest_profit_per_job", econ.honest_per_job},
                                {"breakeven_stake", econ.breakeven_stake}};
    print_json(j);
    return 0;
  }
  print_rows(rows);
  if (mode.empty() || mode == "proof")
    std::printf("proof: MNIST MLP, batch %u; cost = (inference + proving) / inference\n", batch);
  if (mode.empty() || mode == "optimistic")
    std::printf(
        "optimistic: cost = node-inferences per job (worker + watcher); latency in "
        "blocks from post to settlement; rounds <= ceil(log2 steps) + ceil(log2 chunks) + 2\n");
  if (quorum_n)
    std::printf(
        "quorum:%u: cost = node-inferences per job; latency in blocks from post to settlement; "
        "caught = every seated cheater slashed and the right output won\n",
        quorum_n);
  if (sampled_bps) {
    std::printf(
        "sampled:%g: cost = node-inferences per job (worker + audits + disputes), %u jobs per "
        "scenario; caught = no audited cheat got through\n",
        sampled_bps / 10000.0, sampled_jobs);
    std::printf(
        "sampled economics (C = %g assumed, R = %g, S = stake %g): an honest auditor draws a job "
        "with p = %.4f; always cheating earns %.2f per job (simulated, %llu jobs) against %.2f "
        "honest; cheating pays only below a stake of %.1f\n",
        econ.cost, econ.reward, econ.stake, econ.p_audit, econ.cheat_per_job,
        static_cast<unsigned long long>(econ.jobs), econ.honest_per_job, econ.breakeven_stake);
  }
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo", "Every verification mode so far, honest and cheating workers, one table");
  static std::string mode;
  static bool json = false;
  static std::uint32_t batch = 16;
  static std::string model_path, substitute_path;
  static bool matrix = false;
  static std::uint32_t sampled_jobs = 200;
  cmd->add_option("mode", mode,
                  "only this mode: proof, optimistic, quorum:N, sampled:P (default: all, with "
                  "quorum:5 and sampled:0.1)");
  cmd->add_option("--model", model_path,
                  "optimistic mode: the job's model (default: models/kjv-large.gguf)");
  cmd->add_option("--substitute", substitute_path,
                  "optimistic mode: what the substitute-model cheater runs (default: "
                  "models/kjv-small.gguf)");
  cmd->add_option("--batch", batch, "proof mode: digits per job")
      ->default_val(16)
      ->check(CLI::Range(1u, 1024u));
  cmd->add_flag("--matrix", matrix,
                "optimistic mode: the whole adversary matrix (every cheater x first, middle "
                "and last step), on both kjv models unless --model is given");
  cmd->add_option("--jobs", sampled_jobs, "sampled mode: jobs per scenario")
      ->default_val(200)
      ->check(CLI::Range(1u, 10000u));
  cmd->add_flag("--json", json,
                "print {\"scenarios\": [...]} (DESIGN §7 schema; sampled mode adds "
                "\"sampled_economics\")");
  cmd->callback([] {
    std::exit(demo(mode, json, batch, model_path, substitute_path, matrix, sampled_jobs));
  });
}

}  // namespace vinfer::cli
