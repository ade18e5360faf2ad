// A node's configuration file (node_config.hpp).
#include "vinfer/node/node_config.hpp"

#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

namespace vinfer::node {
namespace {

using nlohmann::json;

const std::set<std::string> kFields = {"format",   "ledger",    "model",     "roles",
                                       "stake",    "blob_host", "blob_port", "poll_ms",
                                       "threads",  "cheat",     "api",       "api_port",
                                       "api_queue"};

constexpr NodeRole kRoles[] = {NodeRole::quorum, NodeRole::worker, NodeRole::watcher,
                               NodeRole::sampled, NodeRole::auditor};
constexpr roles::Cheat kCheats[] = {roles::Cheat::none,          roles::Cheat::substitute_model,
                                    roles::Cheat::perturb,       roles::Cheat::random_output,
                                    roles::Cheat::wrong_trace_root, roles::Cheat::silent};

Error bad(const std::string& field, const std::string& why) {
  return fail(Errc::parse, "config: \"" + field + "\" " + why);
}

Result<std::string> text_field(const json& j, const char* f, bool required) {
  if (!j.contains(f)) {
    if (required)
      return bad(f, "is missing");
    return std::string();
  }
  if (!j[f].is_string() || j[f].get<std::string>().empty())
    return bad(f, "must be a non-empty string");
  return j[f].get<std::string>();
}

Result<uint64_t> number_field(const json& j, const char* f, uint64_t lo, uint64_t hi,
                              uint64_t dflt) {
  if (!j.contains(f))
    return dflt;
  if (!j[f].is_number_unsigned())
    return bad(f, "must be a whole number >= 0");
  const uint64_t v = j[f].get<uint64_t>();
  if (v < lo || v > hi)
    return bad(f, "is " + std::to_string(v) + ", outside " + std::to_string(lo) + ".." +
                      std::to_string(hi));
  return v;
}

}  // namespace

const char* node_role_name(NodeRole r) {
  switch (r) {
    case NodeRole::quorum:
      return "quorum";
    case NodeRole::worker:
      return "worker";
    case NodeRole::watcher:
      return "watcher";
    case NodeRole::sampled:
      return "sampled";
    case NodeRole::auditor:
      return "auditor";
  }
  return "invalid";
}

bool NodeConfig::has(NodeRole r) const {
  for (NodeRole x : roles)
    if (x == r)
      return true;
  return false;
}

Result<NodeConfig> parse_node_config(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(Errc::parse, "config: not a JSON object");
  for (const auto& [k, v] : j.items())
    if (!kFields.count(k))
      return bad(k, "is not a field of " + std::string(kNodeConfigFormat));
  VINFER_TRY(const std::string format, text_field(j, "format", true));
  if (format != kNodeConfigFormat)
    return bad("format", "is \"" + format + "\", this build reads \"" + kNodeConfigFormat + "\"");
  NodeConfig c;
  VINFER_TRY(c.ledger, text_field(j, "ledger", true));
  VINFER_TRY(c.model, text_field(j, "model", true));
  if (j.contains("roles")) {
    if (!j["roles"].is_array() || j["roles"].empty())
      return bad("roles", "must be a non-empty array of role names");
    c.roles.clear();
    for (const json& r : j["roles"]) {
      if (!r.is_string())
        return bad("roles", "must hold strings");
      const std::string name = r.get<std::string>();
      bool known = false;
      for (NodeRole k : kRoles)
        if (name == node_role_name(k)) {
          if (c.has(k))
            return bad("roles", "names \"" + name + "\" twice");
          c.roles.push_back(k);
          known = true;
        }
      if (!known)
        return bad("roles", "names \"" + name + "\": the roles are quorum, worker, watcher, sampled, auditor");
    }
  }
  if (c.has(NodeRole::sampled) && c.has(NodeRole::auditor))
    return bad("roles", "names both sampled and auditor: an auditor is never a sampled job's "
                        "worker (it could audit itself)");
  if (j.contains("cheat")) {
    const json& ch = j["cheat"];
    if (!ch.is_object() || !ch.contains("strategy") || !ch["strategy"].is_string())
      return bad("cheat", "must be {\"strategy\": NAME, \"at_step\": N}");
    const std::string name = ch["strategy"].get<std::string>();
    bool known = false;
    for (roles::Cheat k : kCheats)
      if (name == roles::cheat_name(k)) {
        c.cheat = k;
        known = true;
      }
    if (!known)
      return bad("cheat", "names an unknown strategy \"" + name + "\"");
    if (c.cheat == roles::Cheat::substitute_model)
      return bad("cheat", "substitute-model needs a second model, which a node does not load");
    VINFER_TRY(c.cheat_at, number_field(ch, "at_step", 0, UINT64_MAX, 0));
    for (const auto& [k, v] : ch.items())
      if (k != "strategy" && k != "at_step")
        return bad("cheat." + k, "is not a field of cheat");
  }
  VINFER_TRY(c.stake, number_field(j, "stake", 1, std::numeric_limits<int64_t>::max(), c.stake));
  VINFER_TRY(const std::string host, text_field(j, "blob_host", false));
  if (!host.empty())
    c.blob_host = host;
  VINFER_TRY(const uint64_t port, number_field(j, "blob_port", 0, 65535, c.blob_port));
  c.blob_port = static_cast<uint16_t>(port);
  VINFER_TRY(const uint64_t poll, number_field(j, "poll_ms", 1, 60'000, c.poll_ms));
  c.poll_ms = static_cast<uint32_t>(poll);
  VINFER_TRY(const uint64_t threads, number_field(j, "threads", 1, 256, c.threads));
  c.threads = static_cast<unsigned>(threads);
  if (j.contains("api")) {
    if (!j["api"].is_boolean())
      return bad("api", "must be true or false");
    c.api = j["api"].get<bool>();
  }
  VINFER_TRY(const uint64_t api_port, number_field(j, "api_port", 0, 65535, c.api_port));
  c.api_port = static_cast<uint16_t>(api_port);
  VINFER_TRY(const uint64_t queue, number_field(j, "api_queue", 1, 4096, c.api_queue));
  c.api_queue = static_cast<uint32_t>(queue);
  return c;
}

std::string node_config_json(const NodeConfig& c) {
  json roles = json::array();
  for (NodeRole r : c.roles)
    roles.push_back(node_role_name(r));
  json j = {{"format", kNodeConfigFormat},  {"ledger", c.ledger},
            {"model", c.model},             {"roles", roles},
            {"stake", c.stake},             {"blob_host", c.blob_host},
            {"blob_port", c.blob_port},     {"poll_ms", c.poll_ms},
            {"threads", c.threads},         {"api", c.api},
            {"api_port", c.api_port},       {"api_queue", c.api_queue}};
  if (c.cheat != roles::Cheat::none)
    j["cheat"] = {{"strategy", std::string(roles::cheat_name(c.cheat))}, {"at_step", c.cheat_at}};
  return j.dump(2) + "\n";
}

Result<NodeConfig> load_node_config(const std::string& dir) {
  const std::string path = dir + "/" + kNodeConfigFile;
  std::ifstream in(path);
  if (!in)
    return fail(Errc::io, path + ": cannot be read (run `vinfer node init --dir " + dir + "`)");
  std::stringstream ss;
  ss << in.rdbuf();
  auto c = parse_node_config(ss.str());
  if (!c)
    return fail(c.error().code, path + ": " + c.error().message);
  return c;
}

Status write_node_config(const std::string& dir, const NodeConfig& c) {
  const std::string path = dir + "/" + kNodeConfigFile;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0)
    return fail(Errc::invalid_argument, path + " exists already");
  std::ofstream out(path);
  out << node_config_json(c);
  out.close();
  if (!out)
    return fail(Errc::io, path + ": cannot be written");
  return ok_status();
}

}  // namespace vinfer::node
