// `vinfer register | prove | verify`: proof mode for graph models (ONNX MLPs).
//   register  computes a model's root and weight commitment into the local registry
//   prove     runs the canonical forward pass on an input batch and proves it
//   verify    checks a proof against a model root, an input and an output
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common.hpp"
#include "progress.hpp"
#include "registry.hpp"
#include "vinfer/engine/graph_engine.hpp"
#include "vinfer/model/graph_input.hpp"
#include "vinfer/model/onnx.hpp"
#include "vinfer/proof/circuit.hpp"
#include "vinfer/proof/graph_proof.hpp"
#include "vinfer/proof/proof_file.hpp"

namespace vinfer::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::filesystem::path data_dir() {
  return std::filesystem::path(VINFER_SOURCE_DIR) / "data";
}

Result<std::vector<std::uint8_t>> read_file(const std::filesystem::path& p, const char* what) {
  std::ifstream in(p, std::ios::binary);
  if (!in)
    return fail(Errc::io, std::string("cannot open ") + what + " " + p.string());
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
}

Status write_file(const std::filesystem::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out)
    return fail(Errc::io, "cannot write " + p.string());
  return ok_status();
}

struct GraphModel {
  model::QGraph graph;
  commit::Hash root{};
};

Result<GraphModel> load_graph(const std::filesystem::path& path) {
  if (!model::is_onnx_path(path))
    return fail(Errc::unsupported,
                "proof mode takes ONNX graph models (.onnx); " + path.string() + " is not one");
  VINFER_TRY(model::QGraph g, model::load_onnx_canonical(path, data_dir()));
  GraphModel m;
  m.root = model::commit_graph(g).root;
  m.graph = std::move(g);
  return m;
}

// The output tensor as `prove` prints it: one array per sample, or a flat array when the
// input file held one unbatched sample.
nlohmann::json output_json(const std::vector<std::int32_t>& out,
                           std::uint32_t batch,
                           bool batched) {
  const std::size_t per = out.size() / batch;
  if (!batched)
    return nlohmann::json(out);
  nlohmann::json j = nlohmann::json::array();
  for (std::uint32_t b = 0; b < batch; ++b)
    j.push_back(std::vector<std::int32_t>(out.begin() + b * per, out.begin() + (b + 1) * per));
  return j;
}

// Reads an output file: the JSON `prove` printed (its "output" key), or that value alone.
Result<std::vector<std::int32_t>> read_output(const std::filesystem::path& p,
                                              std::size_t per_sample) {
  VINFER_TRY(auto bytes, read_file(p, "output file"));
  const nlohmann::json j0 = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j0.is_discarded())
    return fail(Errc::parse, "output file " + p.string() + ": not JSON");
  const nlohmann::json& j = j0.is_object() && j0.contains("output") ? j0["output"] : j0;
  if (!j.is_array() || j.empty())
    return fail(Errc::parse, "output file " + p.string() + ": 'output' is not a non-empty array");
  std::vector<std::int32_t> out;
  auto take = [&](const nlohmann::json& row, std::size_t r) -> Status {
    if (!row.is_array() || row.size() != per_sample)
      return fail(Errc::mismatch, "output file " + p.string() + ": sample " + std::to_string(r) +
                                      " has " + std::to_string(row.is_array() ? row.size() : 0) +
                                      " values, the model gives " + std::to_string(per_sample));
    for (const auto& v : row) {
      if (!v.is_number_integer())
        return fail(Errc::parse, "output file " + p.string() + ": sample " + std::to_string(r) +
                                     " holds a non-integer");
      const auto x = v.get<std::int64_t>();
      if (x < INT32_MIN || x > INT32_MAX)
        return fail(Errc::parse, "output file " + p.string() + ": a value is outside int32");
      out.push_back(static_cast<std::int32_t>(x));
    }
    return ok_status();
  };
  if (j[0].is_array()) {
    for (std::size_t r = 0; r < j.size(); ++r)
      VINFER_CHECK(take(j[r], r));
  } else {
    VINFER_CHECK(take(j, 0));
  }
  return out;
}

// ---- register ----

int cmd_register(const std::string& model_path,
                 const std::string& registry,
                 bool check,
                 bool json) {
  auto m = load_graph(model_path);
  if (!m.ok())
    return report(m.error());
  auto c = proof::build_circuit(m->graph, 1);
  if (!c.ok())
    return report(c.error());
  const auto t0 = Clock::now();
  const proof::WeightCommitment w = proof::commit_weights(*c, m->graph);
  const double commit_s = seconds_since(t0);
  const std::filesystem::path reg =
      registry.empty() ? default_registry_path() : std::filesystem::path(registry);
  auto entries = read_registry(reg);
  if (!entries.ok())
    return report(entries.error());
  RegistryEntry e;
  e.name = m->graph.name;
  e.file = std::filesystem::relative(std::filesystem::absolute(model_path),
                                     std::filesystem::absolute(reg).parent_path())
               .string();
  e.model_root = m->root;
  e.weights_pcs_root = w.pcs.root;
  const auto found = find_entry(*entries, e.model_root);
  const bool matches = found.has_value() && found->weights_pcs_root == e.weights_pcs_root;
  if (check) {
    if (json) {
      print_json({{"model_root", commit::to_hex(e.model_root)},
                  {"weights_pcs_root", commit::to_hex(e.weights_pcs_root)},
                  {"registered", found.has_value()},
                  {"matches", matches}});
    } else {
      std::printf(
          "%s: %s\n", e.name.c_str(),
          matches ? "the registry entry matches the weights" : "NO matching registry entry");
    }
    return matches ? 0 : 1;
  }
  std::vector<RegistryEntry> next;
  for (const RegistryEntry& x : *entries)
    if (x.model_root != e.model_root && x.name != e.name)
      next.push_back(x);
  next.push_back(e);
  if (auto st = write_registry(reg, next); !st.ok())
    return report(st.error());
  if (json) {
    print_json({{"name", e.name},
                {"model_root", commit::to_hex(e.model_root)},
                {"weights_pcs_root", commit::to_hex(e.weights_pcs_root)},
                {"weights_commit_s", commit_s},
                {"registry", reg.string()}});
  } else {
    std::printf("registered %s in %s\n  model_root        %s\n  weights_pcs_root  %s\n",
                e.name.c_str(), reg.string().c_str(), commit::to_hex(e.model_root).c_str(),
                commit::to_hex(e.weights_pcs_root).c_str());
  }
  return 0;
}

// ---- prove ----

struct ProveOptions {
  std::string model, input, out;
  unsigned reps = 5;
  bool json = false;
};

int cmd_prove(const ProveOptions& o) {
  Progress progress;
  progress.update("loading %s", o.model.c_str());
  auto m = load_graph(o.model);
  if (!m.ok())
    return report(m.error());
  auto in = model::load_graph_input(o.input, m->graph.input_shape);
  if (!in.ok())
    return report(in.error());
  const std::uint32_t batch = in->batch;
  // infer_s: the canonical forward pass alone, model loaded, best of several runs.
  double infer_s = 1e30;
  Result<engine::GraphRun> run = fail(Errc::invalid_argument, "no run");
  for (unsigned r = 0; r < std::max(1u, o.reps); ++r) {
    progress.update("inference %u/%u", r + 1, std::max(1u, o.reps));
    const auto t0 = Clock::now();
    run = engine::graph_forward(m->graph, in->values, batch);
    infer_s = std::min(infer_s, seconds_since(t0));
    if (!run.ok())
      return report(run.error());
  }
  auto c = proof::build_circuit(m->graph, batch);
  if (!c.ok())
    return report(c.error());
  progress.update("weight commitment (once per model)");
  auto t0 = Clock::now();
  const proof::WeightCommitment w = proof::commit_weights(*c, m->graph);
  const double weights_commit_s = seconds_since(t0);
  proof::GraphStatement st;
  st.model_root = m->root;
  st.weights_root = w.pcs.root;
  st.batch = batch;
  st.input = in->values;
  st.output = run->values[m->graph.output];
  progress.update("proving batch %u", batch);
  proof::ProveStats stats;
  t0 = Clock::now();
  auto body = proof::graph_prove(*c, m->graph, w, st, run->values, &stats);
  const double prove_s = seconds_since(t0);
  if (!body.ok())
    return report(body.error());
  progress.done();
  proof::ProofFile f;
  f.model_root = st.model_root;
  f.weights_root = st.weights_root;
  f.batch = batch;
  f.body = std::move(body).value();
  const std::vector<std::uint8_t> bytes = proof::write_proof_file(f);
  if (auto s = write_file(o.out, bytes); !s.ok())
    return report(s.error());
  const nlohmann::json output = output_json(st.output, batch, in->batched);
  if (o.json) {
    nlohmann::json j;
    j["model"] = o.model;
    j["model_root"] = commit::to_hex(st.model_root);
    j["weights_pcs_root"] = commit::to_hex(st.weights_root);
    j["batch"] = batch;
    j["prove_s"] = prove_s;
    j["infer_s"] = infer_s;
    j["ratio"] = prove_s / infer_s;
    j["weights_commit_s"] = weights_commit_s;
    j["proof_bytes"] = bytes.size();
    j["proof"] = o.out;
    j["steps_s"] = {{"witness", stats.witness_s}, {"commit", stats.commit_s},
                    {"lookups", stats.lookup_s},  {"identities", stats.zerocheck_s},
                    {"matmuls", stats.matmul_s},  {"openings", stats.open_s}};
    j["witness_entries"] = stats.witness_entries;
    j["lookups"] = stats.lookup_entries;
    j["output"] = output;
    std::cout << j.dump() << std::endl;
    return 0;
  }
  std::printf("proved %s on a batch of %u: %s (%zu bytes)\n", m->graph.name.c_str(), batch,
              o.out.c_str(), bytes.size());
  std::printf("  model_root  %s\n  prove %.3f s, inference %.6f s (%.0fx)\n",
              commit::to_hex(st.model_root).c_str(), prove_s, infer_s, prove_s / infer_s);
  std::printf("  output %s\n", output.dump().c_str());
  return 0;
}

// ---- verify ----

struct VerifyOptions {
  std::string model_root, input, output, proof, registry;
  bool json = false;
};

int verify_result(const VerifyOptions& o, bool ok, const std::string& reason, double verify_ms) {
  if (o.json) {
    nlohmann::json j;
    j["ok"] = ok;
    j["reason"] = ok ? "" : reason;
    j["verify_ms"] = verify_ms;
    std::cout << j.dump() << std::endl;
  } else if (ok) {
    std::printf(
        "ok: the proof shows this output is the canonical forward pass of model %s (%.2f ms)\n",
        o.model_root.c_str(), verify_ms);
  } else {
    std::fprintf(stderr, "vinfer: proof rejected: %s\n", reason.c_str());
  }
  return ok ? 0 : 1;
}

int cmd_verify(const VerifyOptions& o) {
  auto reject = [&](const Error& e) { return verify_result(o, false, e.to_string(), 0); };
  auto root = commit::hash_from_hex(o.model_root);
  if (!root.ok())
    return reject(fail(Errc::invalid_argument, "--model-root: " + root.error().message));
  auto bytes = read_file(o.proof, "proof file");
  if (!bytes.ok())
    return reject(bytes.error());
  auto f = proof::parse_proof_file(*bytes);
  if (!f.ok())
    return reject(f.error());
  if (f->model_root != *root)
    return reject(fail(Errc::mismatch, "the proof is about model " + commit::to_hex(f->model_root) +
                                           ", not " + o.model_root));
  const std::filesystem::path reg =
      o.registry.empty() ? default_registry_path() : std::filesystem::path(o.registry);
  auto entries = read_registry(reg);
  if (!entries.ok())
    return reject(entries.error());
  const auto entry = find_entry(*entries, *root);
  if (!entry)
    return reject(fail(Errc::mismatch, "model root " + o.model_root + " is not in the registry " +
                                           reg.string() + " (vinfer register --model FILE)"));
  if (entry->weights_pcs_root != f->weights_root)
    return reject(
        fail(Errc::mismatch,
             "the proof opens a weight commitment other than the one registered for this model"));
  // The architecture (shapes, multipliers) comes from the registered file; the verifier
  // checks that file is the model the root names and never evaluates its weights.
  auto m = load_graph(reg.parent_path() / entry->file);
  if (!m.ok())
    return reject(m.error());
  if (m->root != *root)
    return reject(fail(Errc::mismatch,
                       "the registered file " + entry->file + " is not model " + o.model_root));
  auto in = model::load_graph_input(o.input, m->graph.input_shape);
  if (!in.ok())
    return reject(in.error());
  if (in->batch != f->batch)
    return reject(fail(Errc::mismatch, "the input holds " + std::to_string(in->batch) +
                                           " samples, the proof is for " +
                                           std::to_string(f->batch)));
  auto out = read_output(o.output, model::shape_elems(m->graph.output_shape));
  if (!out.ok())
    return reject(out.error());
  auto c = proof::build_circuit(m->graph, f->batch);
  if (!c.ok())
    return reject(c.error());
  proof::GraphStatement st;
  st.model_root = *root;
  st.weights_root = f->weights_root;
  st.batch = f->batch;
  st.input = in->values;
  st.output = std::move(out).value();
  const auto t0 = Clock::now();
  const Status s = proof::graph_verify(*c, st, f->body);
  const double ms = seconds_since(t0) * 1e3;
  return verify_result(o, s.ok(), s.ok() ? "" : s.error().to_string(), ms);
}

}  // namespace

void add_prove_commands(CLI::App& app) {
  auto* reg = app.add_subcommand(
      "register", "Record a graph model's root and weight commitment in the local registry");
  static std::string reg_model, reg_file;
  static bool reg_check = false, reg_json = false;
  reg->add_option("--model", reg_model, "ONNX model file")->required();
  reg->add_option("--registry", reg_file,
                  "registry file (default models/registry.json or $VINFER_REGISTRY)");
  reg->add_flag("--check", reg_check,
                "recompute and compare with the registry, write nothing (exit 1 on mismatch)");
  reg->add_flag("--json", reg_json, "print JSON");
  reg->callback([] { std::exit(cmd_register(reg_model, reg_file, reg_check, reg_json)); });

  auto* prove = app.add_subcommand(
      "prove", "Prove the canonical int8 forward pass of a graph model on an input batch");
  static ProveOptions po;
  prove
      ->add_option("--model", po.model,
                   "ONNX model file (Gemm/MatMul, Conv, Relu, 2x2 MaxPool, Flatten)")
      ->required();
  prove
      ->add_option("--input", po.input,
                   "JSON input: a flat array of numbers in input units, or an array of them")
      ->required();
  prove->add_option("-o,--out", po.out, "proof file to write")->required();
  prove->add_option("--reps", po.reps, "inference runs for infer_s (best of)")->default_val(5);
  prove->add_flag("--json", po.json,
                  "print JSON (prove_s, infer_s, batch, proof_bytes, model_root, output, ...)");
  prove->callback([] { std::exit(cmd_prove(po)); });

  auto* verify =
      app.add_subcommand("verify", "Check a proof against a model root, an input and an output");
  static VerifyOptions vo;
  verify->add_option("--model-root", vo.model_root, "the model's root (hex)")->required();
  verify->add_option("--input", vo.input, "the JSON input the proof is about")->required();
  verify
      ->add_option("--output", vo.output,
                   "JSON: the 'output' that prove printed (or prove's whole JSON)")
      ->required();
  verify->add_option("--registry", vo.registry,
                     "registry file (default models/registry.json or $VINFER_REGISTRY)");
  verify->add_option("proof", vo.proof, "proof file")->required();
  verify->add_flag("--json", vo.json, "print JSON (ok, verify_ms, reason)");
  verify->callback([] { std::exit(cmd_verify(vo)); });
}

}  // namespace vinfer::cli
