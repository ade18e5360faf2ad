// `vinfer demo`'s rows: the JSON schema and the table (demo_rows.hpp).
#include "demo_rows.hpp"

#include <cstdio>

#include "common.hpp"

namespace vinfer::cli {

Result<roles::LocalModel> demo_model(const std::string& path, const char* fallback) {
  const std::filesystem::path p =
      path.empty() ? std::filesystem::path(VINFER_SOURCE_DIR) / "models" / fallback
                   : std::filesystem::path(path);
  VINFER_TRY(LoadedModel m, load_model(p));
  return roles::LocalModel{std::move(m.model), std::move(m.commitment)};
}

model::Job demo_job(const roles::LocalModel& m) {
  model::Job job;
  job.model_root = m.c.root;
  job.tokens = m.m.tokenizer.encode("In the beginning", true);
  job.max_tokens = 8;
  return job;
}

nlohmann::json row_json(const Row& r) {
  nlohmann::json j;
  j["mode"] = r.mode;
  j["scenario"] = r.scenario;
  j["cheater"] = r.cheater;
  j["caught"] = r.caught;
  j["honest_slashed"] = r.honest_slashed;
  j["cost_multiplier"] = r.cost_multiplier;
  j["latency"] = r.latency;
  j["latency_unit"] = r.latency_unit;
  j["rounds"] = r.rounds ? nlohmann::json(*r.rounds) : nlohmann::json(nullptr);
  j["referee_macs"] = r.referee_macs ? nlohmann::json(*r.referee_macs) : nlohmann::json(nullptr);
  j["wall_s"] = r.wall_s;
  return j;
}

void print_rows(const std::vector<Row>& rows) {
  std::printf("%-10s %-52s %-16s %-6s %-7s %-5s %-10s %-6s %-8s %s\n", "mode", "scenario",
              "cheater", "caught", "slashed", "cost", "latency", "rounds", "ref_macs", "note");
  for (const Row& r : rows) {
    char lat[32];
    std::snprintf(lat, sizeof lat, "%.4g %s", r.latency, r.latency_unit.c_str());
    const std::string rounds = r.rounds ? std::to_string(*r.rounds) : "-";
    const std::string macs = r.referee_macs ? std::to_string(*r.referee_macs) : "-";
    std::printf("%-10s %-52s %-16s %-6s %-7s %-5.3g %-10s %-6s %-8s %s\n", r.mode.c_str(),
                r.scenario.substr(0, 52).c_str(), r.cheater.c_str(), r.caught ? "yes" : "no",
                r.honest_slashed ? "yes" : "no", r.cost_multiplier, lat, rounds.c_str(),
                macs.c_str(), r.note.substr(0, 80).c_str());
  }
}

}  // namespace vinfer::cli
