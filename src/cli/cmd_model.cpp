// `vinfer model info|convert|ops`: inspect a model, write the canonical file, list operators.
#include <cstdio>
#include <iostream>

#include "common.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/dispute/referee.hpp"
#include "vinfer/model/canonical_file.hpp"
#include "vinfer/model/graph.hpp"
#include "vinfer/model/onnx.hpp"
#include "vinfer/model/ops.hpp"
#include "vinfer/proof/prover_status.hpp"

namespace vinfer::cli {
namespace {

// A graph model (ONNX): its canonical nodes, parameters and root.
int graph_info(const std::string& file, bool json) {
  auto g = model::load_onnx_canonical(file, std::filesystem::path(VINFER_SOURCE_DIR) / "data");
  if (!g.ok())
    return report(g.error());
  const model::GraphCommitment mc = model::commit_graph(*g);
  std::uint64_t params = 0;
  for (const auto& n : g->nodes)
    params += n.w.size() + n.bias.size();
  if (json) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& n : g->nodes)
      nodes.push_back(
          {{"op", std::string(model::op_name(n.op))},
           {"name", n.name},
           {"out", model::shape_str(n.out_shape)},
           {"prover", std::string(proof::prover_status_name(proof::prover_status(n.op)))}});
    print_json({{"file", file},
                {"name", g->name},
                {"architecture", "graph"},
                {"input", model::shape_str(g->input_shape)},
                {"output", model::shape_str(g->output_shape)},
                {"params", params},
                {"nodes", nodes},
                {"arith_version", std::string(arith::kArithVersion)},
                {"model_root", commit::to_hex(mc.root)},
                {"weights_root", commit::to_hex(mc.weights_root)}});
    return 0;
  }
  std::printf("file          %s\nname          %s\narchitecture  graph: %s -> %s, %zu nodes\n",
              file.c_str(), g->name.c_str(), model::shape_str(g->input_shape).c_str(),
              model::shape_str(g->output_shape).c_str(), g->nodes.size());
  for (const auto& n : g->nodes)
    std::printf("  %-8s %-24s %-12s prover: %s\n", std::string(model::op_name(n.op)).c_str(),
                n.name.c_str(), model::shape_str(n.out_shape).c_str(),
                std::string(proof::prover_status_name(proof::prover_status(n.op))).c_str());
  std::printf("parameters    %llu\narithmetic    %s\nmodel_root    %s\n",
              static_cast<unsigned long long>(params), std::string(arith::kArithVersion).c_str(),
              commit::to_hex(mc.root).c_str());
  return 0;
}

int info(const std::string& file, bool json) {
  if (model::is_onnx_path(file))
    return graph_info(file, json);
  auto loaded = load_model(file);
  if (!loaded.ok())
    return report(loaded.error());
  const auto& m = loaded->model;
  const auto& c = m.cfg;
  const auto& mc = loaded->commitment;
  if (json) {
    nlohmann::json j;
    j["file"] = file;
    j["name"] = m.name;
    j["architecture"] = "llama";
    j["dim"] = c.dim;
    j["hidden_dim"] = c.hidden_dim;
    j["n_layers"] = c.n_layers;
    j["n_heads"] = c.n_heads;
    j["n_kv_heads"] = c.n_kv_heads;
    j["vocab_size"] = c.vocab_size;
    j["seq_len"] = c.seq_len;
    j["rope_theta"] = c.rope_theta;
    j["norm_eps"] = c.norm_eps;
    j["params"] = c.param_count();
    j["arith_version"] = std::string(arith::kArithVersion);
    j["model_root"] = commit::to_hex(mc.root);
    j["weights_root"] = commit::to_hex(mc.weights_root);
    j["tokenizer_leaf"] = commit::to_hex(mc.tokenizer_leaf);
    j["arith_leaf"] = commit::to_hex(mc.arith_leaf);
    j["tensors"] = mc.tensor_names.size();
    print_json(j);
    return 0;
  }
  std::printf("file          %s\n", file.c_str());
  std::printf("name          %s\n", m.name.c_str());
  std::printf(
      "architecture  llama: dim %u, hidden %u, %u layers, %u heads (%u kv), vocab %u, context %u\n",
      c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, c.vocab_size, c.seq_len);
  std::printf("parameters    %llu\n", static_cast<unsigned long long>(c.param_count()));
  std::printf("arithmetic    %s\n", std::string(arith::kArithVersion).c_str());
  std::printf("model_root    %s\n", commit::to_hex(mc.root).c_str());
  return 0;
}

int convert(const std::string& in, const std::string& out) {
  auto loaded = load_model(in);
  if (!loaded.ok())
    return report(loaded.error());
  if (auto st = model::write_canonical(loaded->model, out); !st.ok())
    return report(st.error());
  std::printf("wrote %s (model_root %s)\n", out.c_str(),
              commit::to_hex(loaded->commitment.root).c_str());
  return 0;
}

int ops(bool json) {
  nlohmann::json arr = nlohmann::json::array();
  for (size_t i = 0; i < model::kOpCount; ++i) {
    const auto op = static_cast<model::Op>(i);
    if (json) {
      arr.push_back({{"op", std::string(model::op_name(op))},
                     {"dtype", commit::dtype_name(model::op_dtype(op))},
                     {"element", std::string(model::op_doc(op))},
                     {"prover", std::string(proof::prover_status_name(proof::prover_status(op)))},
                     {"prover_note", std::string(proof::prover_status_note(op))},
                     {"referee", dispute::referee_kind_name(dispute::referee_rule(op).kind)},
                     {"referee_note", std::string(dispute::referee_rule(op).note)}});
    } else {
      std::printf("%-11s %-4s %-10s %-12s %s\n", std::string(model::op_name(op)).c_str(),
                  commit::dtype_name(model::op_dtype(op)),
                  std::string(proof::prover_status_name(proof::prover_status(op))).c_str(),
                  dispute::referee_kind_name(dispute::referee_rule(op).kind),
                  std::string(model::op_doc(op)).c_str());
    }
  }
  if (json)
    print_json({{"ops", arr}});
  return 0;
}

}  // namespace

void add_model_commands(CLI::App& app) {
  auto* model = app.add_subcommand("model", "Inspect and convert model files");
  model->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* i = model->add_subcommand("info", "Architecture, parameter count and model root");
  i->add_option("file", *file, "Model file")->required();
  i->add_flag("--json", *json, "Print one JSON object");
  i->callback([file, json] { std::exit(info(*file, *json)); });

  auto in = std::make_shared<std::string>(), out = std::make_shared<std::string>();
  auto* c = model->add_subcommand("convert", "Quantize any supported file into the canonical file");
  c->add_option("in", *in, "Input model (.gguf, llama2.c .bin)")->required();
  c->add_option("out", *out, "Output canonical .gguf")->required();
  c->callback([in, out] { std::exit(convert(*in, *out)); });

  auto ojson = std::make_shared<bool>(false);
  auto* o = model->add_subcommand(
      "ops",
      "List the canonical operators: dtype, prover status, referee rule, what an element reads");
  o->add_flag("--json", *ojson, "Print one JSON object");
  o->callback([ojson] { std::exit(ops(*ojson)); });
}

}  // namespace vinfer::cli
