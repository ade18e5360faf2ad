// `vinfer demo quorum:N`: quorum mode's scenarios on MemoryLedger (demo_rows.hpp): n staked
// nodes run one kjv-large job, commit, reveal; the stake majority wins, the odd ones out
// are slashed — and a colluding majority wins too, which the table shows as it is.
#include <cstdio>

#include "common.hpp"
#include "demo_rows.hpp"
#include "vinfer/roles/quorum_scenario.hpp"

namespace vinfer::cli {

Result<std::vector<Row>> quorum_rows(uint32_t n, bool progress) {
  VINFER_TRY(roles::LocalModel claimed, demo_model("", "kjv-large.gguf"));
  VINFER_TRY(roles::LocalModel other, demo_model("", "kjv-small.gguf"));
  const model::Job job = demo_job(claimed);

  std::vector<Row> rows;
  for (const roles::QuorumScenario& sc : roles::quorum_scenarios(n, other)) {
    if (progress)
      std::fprintf(stderr, "demo quorum:%u: %s ...\n", n, sc.name.c_str());
    VINFER_TRY(roles::QuorumOutcome o, roles::run_quorum(claimed, job, sc));
    if (!o.money_identity)
      return fail(Errc::mismatch, "demo quorum: money identity broken in '" + sc.name + "'");
    Row r;
    r.mode = "quorum:" + std::to_string(n);
    r.scenario = sc.name;
    r.cheater = o.cheater;
    r.caught = o.caught;
    r.honest_slashed = o.honest_slashed;
    r.cost_multiplier = o.cost_multiplier;
    r.latency = static_cast<double>(o.latency_blocks);
    r.latency_unit = "blocks";
    r.wall_s = o.wall_s;
    r.note = o.verdict + "; " +
             (o.honest_output_won ? "the right output won" : "a WRONG output won") + "; " +
             std::to_string(o.slashed) + " slashed";
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace vinfer::cli
