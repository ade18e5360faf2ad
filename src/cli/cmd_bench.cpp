// `vinfer bench`: being written (int8 vs fp32 decode speed).
#include "common.hpp"

namespace vinfer::cli {
void add_bench_command(CLI::App& app) { (void)app; }
}  // namespace vinfer::cli
