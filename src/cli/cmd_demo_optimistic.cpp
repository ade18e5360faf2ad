// `vinfer demo optimistic`: the optimistic mode's scenarios on MemoryLedger (demo_rows.hpp).
// The job runs on kjv-large; the cheaters lie at the start, middle or end of its trace.
#include <cstdio>

#include "common.hpp"
#include "demo_rows.hpp"
#include "vinfer/roles/optimistic.hpp"

namespace vinfer::cli {

Result<std::vector<Row>> optimistic_rows(const std::string& model_path,
                                         const std::string& substitute_path,
                                         bool matrix,
                                         bool progress) {
  VINFER_TRY(roles::LocalModel claimed, demo_model(model_path, "kjv-large.gguf"));
  VINFER_TRY(roles::LocalModel other, demo_model(substitute_path, "kjv-small.gguf"));
  const model::Job job = demo_job(claimed);
  VINFER_TRY(auto sched, model::Schedule::create(claimed.m.cfg, job));
  const std::string model_label =
      (model_path.empty() ? std::string("kjv-large")
                          : std::filesystem::path(model_path).stem().string());
  const uint64_t n = sched.size();

  const std::vector<roles::OptimisticScenario> scenarios =
      matrix ? roles::adversary_matrix(n, other) : roles::demo_scenarios(n, other);

  std::vector<Row> rows;
  for (const auto& sc : scenarios) {
    if (progress)
      std::fprintf(stderr, "demo optimistic: %s ...\n", sc.name.c_str());
    VINFER_TRY(roles::OptimisticOutcome o, roles::run_optimistic(claimed, job, sc));
    if (!o.money_identity)
      return fail(Errc::mismatch, "demo optimistic: money identity broken in '" + sc.name + "'");
    Row r;
    r.mode = "optimistic";
    r.scenario = matrix ? model_label + ": " + sc.name : sc.name;
    r.cheater = o.cheater;
    r.caught = o.caught;
    r.honest_slashed = o.honest_slashed;
    r.cost_multiplier = o.cost_multiplier;
    r.latency = static_cast<double>(o.latency_blocks);
    r.latency_unit = "blocks";
    r.rounds = o.rounds;
    r.referee_macs = o.refereed ? std::optional<uint64_t>(o.referee_macs) : std::nullopt;
    r.wall_s = o.wall_s;
    if (o.rejected_at_post) {
      r.note = "rejected at post: " + o.reason;
    } else if (o.refereed) {
      r.note = o.disputed_step_desc + " (whole step: " + std::to_string(o.step_macs) +
               " MACs; rounds bound " + std::to_string(o.max_rounds) + "): " + o.reason;
    } else if (o.disputed) {
      r.note = (o.reached_step ? o.disputed_step_desc + ": " : std::string()) + o.reason;
    } else {
      r.note = std::string("no dispute; ") + ledger::job_status_name(o.status);
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace vinfer::cli
