// Shared pieces of the `vinfer` command: model lookup, errors, JSON output.
// Internal to src/cli.
#pragma once

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "vinfer/model/canonical.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/result.hpp"

namespace vinfer::cli {

/// The embedded default model: $VINFER_MODEL, else models/kjv-large.gguf of the source tree.
std::filesystem::path default_model_path();
/// The held-out text of the embedded models.
std::filesystem::path default_heldout_path();

/// A canonical model plus its commitment, loaded from any supported file.
struct LoadedModel {
  model::CanonicalModel model;
  model::ModelCommitment commitment;
  std::filesystem::path path;
  double load_seconds = 0;
};
Result<LoadedModel> load_model(const std::filesystem::path& path);

/// Prints "vinfer: <error>" to stderr and returns the process exit code 1.
int report(const Error& e);
/// Prints a JSON object on stdout, one line per key, as scripts expect.
void print_json(const nlohmann::json& j);

/// Registers each subcommand (one file each).
void add_run_command(CLI::App& app);
void add_model_commands(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_prove_commands(CLI::App& app);
void add_demo_command(CLI::App& app);
/// `vinfer bench tolerance` (cmd_bench_tolerance.cpp), under the bench command.
void add_bench_tolerance_command(CLI::App& bench);
void add_econ_command(CLI::App& app);

}  // namespace vinfer::cli
