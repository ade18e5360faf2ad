// The local model registry (registry.hpp).
#include "registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace vinfer::cli {
namespace {

constexpr const char* kFormat = "vinfer-registry-v1";

Result<commit::Hash> hash_field(const nlohmann::json& j,
                                const char* key,
                                const std::string& where) {
  if (!j.contains(key) || !j[key].is_string())
    return fail(Errc::parse, where + ": '" + key + "' is missing or not a string");
  auto h = commit::hash_from_hex(j[key].get<std::string>());
  if (!h.ok())
    return fail(Errc::parse, where + ": '" + key + "': " + h.error().message);
  return *h;
}

}  // namespace

std::filesystem::path default_registry_path() {
  if (const char* env = std::getenv("VINFER_REGISTRY"); env != nullptr && *env != '\0')
    return env;
  return std::filesystem::path(VINFER_SOURCE_DIR) / "models" / "registry.json";
}

Result<std::vector<RegistryEntry>> read_registry(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in)
    return std::vector<RegistryEntry>{};
  std::stringstream ss;
  ss << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  const std::string where = "registry " + path.string();
  if (j.is_discarded() || !j.is_object())
    return fail(Errc::parse, where + ": not a JSON object");
  if (!j.contains("format") || j["format"] != kFormat)
    return fail(Errc::unsupported, where + ": 'format' is not " + kFormat);
  if (!j.contains("models") || !j["models"].is_array())
    return fail(Errc::parse, where + ": 'models' is missing or not an array");
  std::vector<RegistryEntry> out;
  for (std::size_t i = 0; i < j["models"].size(); ++i) {
    const nlohmann::json& m = j["models"][i];
    const std::string at = where + ": models[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("name") || !m["name"].is_string() || !m.contains("file") ||
        !m["file"].is_string())
      return fail(Errc::parse, at + ": needs string 'name' and 'file'");
    RegistryEntry e;
    e.name = m["name"].get<std::string>();
    e.file = m["file"].get<std::string>();
    VINFER_TRY(e.model_root, hash_field(m, "model_root", at));
    VINFER_TRY(e.weights_pcs_root, hash_field(m, "weights_pcs_root", at));
    out.push_back(std::move(e));
  }
  return out;
}

Status write_registry(const std::filesystem::path& path, std::vector<RegistryEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const RegistryEntry& a, const RegistryEntry& b) { return a.name < b.name; });
  nlohmann::json j;
  j["format"] = kFormat;
  j["models"] = nlohmann::json::array();
  for (const RegistryEntry& e : entries) {
    nlohmann::json m;
    m["name"] = e.name;
    m["file"] = e.file;
    m["model_root"] = commit::to_hex(e.model_root);
    m["weights_pcs_root"] = commit::to_hex(e.weights_pcs_root);
    m["pcs"] = "ligero-rs4-keccak";
    j["models"].push_back(m);
  }
  std::ofstream out(path);
  if (!out)
    return fail(Errc::io, "registry " + path.string() + ": cannot write");
  out << j.dump(2) << "\n";
  if (!out)
    return fail(Errc::io, "registry " + path.string() + ": write failed");
  return ok_status();
}

std::optional<RegistryEntry> find_entry(const std::vector<RegistryEntry>& entries,
                                        const commit::Hash& root) {
  for (const RegistryEntry& e : entries)
    if (e.model_root == root)
      return e;
  return std::nullopt;
}

}  // namespace vinfer::cli
