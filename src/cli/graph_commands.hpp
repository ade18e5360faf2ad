// The `vinfer` commands of graph models (ONNX MLP / CNN): `vinfer eval` on held-out digits
// and `vinfer infer` on an input file. Internal to src/cli.
#pragma once

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

namespace vinfer::cli {

/// Calibration and held-out digits: data/ of the source tree (the calibration digits are
/// part of the conversion rule, so every command quantizes with the same ones).
std::filesystem::path graph_data_dir();

/// `vinfer eval --model M.onnx [--data D] [--json]`: fp32 and canonical int8 top-1 on the
/// digits of D (default <data>/mnist-test.bin). Returns the exit code.
int eval_graph(const std::string& model, const std::string& data, bool json);

/// Registers `vinfer infer`.
void add_infer_command(CLI::App& app);

}  // namespace vinfer::cli
