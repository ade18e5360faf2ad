// `vinfer eval`: being written (fp32 engine comparison).
#include "common.hpp"

namespace vinfer::cli {
void add_eval_command(CLI::App& app) { (void)app; }
}  // namespace vinfer::cli
