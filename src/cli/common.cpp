#include "common.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "vinfer/model/load.hpp"

namespace vinfer::cli {

std::filesystem::path default_model_path() {
  if (const char* env = std::getenv("VINFER_MODEL"); env != nullptr && *env != '\0')
    return env;
  return std::filesystem::path(VINFER_SOURCE_DIR) / "models" / "kjv-large.gguf";
}

std::filesystem::path default_heldout_path() {
  return std::filesystem::path(VINFER_SOURCE_DIR) / "data" / "kjv-heldout.txt";
}

Result<LoadedModel> load_model(const std::filesystem::path& path) {
  const auto t0 = std::chrono::steady_clock::now();
  VINFER_TRY(model::CanonicalModel m, model::load_any(path));
  LoadedModel out;
  out.commitment = model::commit_model(m);
  out.model = std::move(m);
  out.path = path;
  out.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

int report(const Error& e) {
  std::fprintf(stderr, "vinfer: %s\n", e.to_string().c_str());
  return 1;
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2) << std::endl;
}

}  // namespace vinfer::cli
