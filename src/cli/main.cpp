// `vinfer`: verifiable decentralized inference. Each subcommand lives in its own file.
#include <cstdio>

#include "common.hpp"
#include "graph_commands.hpp"

namespace vinfer::cli {
void add_ledger_command(CLI::App& app);  // cmd_ledger.cpp
void add_node_command(CLI::App& app);    // cmd_node.cpp
void add_ask_commands(CLI::App& app);    // cmd_ask.cpp: ask, certificate verify
void add_devnet_command(CLI::App& app);  // cmd_devnet.cpp
}  // namespace vinfer::cli

int main(int argc, char** argv) {
  CLI::App app{
      "vinfer: verifiable decentralized inference with a bit-exact int8 engine.\n"
      "Default model: models/kjv-large.gguf (override with --model or $VINFER_MODEL)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vinfer 0.1.0");
  vinfer::cli::add_run_command(app);
  vinfer::cli::add_model_commands(app);
  vinfer::cli::add_eval_command(app);
  vinfer::cli::add_infer_command(app);
  vinfer::cli::add_bench_command(app);
  vinfer::cli::add_bench_tolerance_command(*app.get_subcommand("bench"));
  vinfer::cli::add_prove_commands(app);
  vinfer::cli::add_demo_command(app);
  vinfer::cli::add_econ_command(app);
  vinfer::cli::add_ledger_command(app);
  vinfer::cli::add_node_command(app);
  vinfer::cli::add_ask_commands(app);
  vinfer::cli::add_devnet_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
