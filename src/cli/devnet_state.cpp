#include "devnet_state.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <system_error>

namespace vinfer::cli {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path default_devnet_dir() {
  if (const char* env = std::getenv("VINFER_DEVNET_DIR"); env != nullptr && *env != '\0')
    return fs::absolute(env).lexically_normal();
  return (fs::current_path() / "vinfer-devnet").lexically_normal();
}

fs::path devnet_state_path(const fs::path& dir) {
  return dir / "devnet.json";
}

json devnet_state_json(const DevnetState& s) {
  json nodes = json::array();
  for (const DevnetNode& n : s.nodes) {
    json j = {{"index", n.index},
              {"dir", n.dir},
              {"address", n.address},
              {"blob_url", n.blob_url},
              {"roles", n.roles},
              {"pid", static_cast<int64_t>(n.pid)}};
    if (!n.api_url.empty())
      j["api_url"] = n.api_url;
    if (!n.cheat.is_null())
      j["cheat"] = n.cheat;
    nodes.push_back(std::move(j));
  }
  return {{"format", "vinfer-devnet-v1"},
          {"dir", s.dir},
          {"ledger", {{"url", s.ledger_url}, {"pid", static_cast<int64_t>(s.ledger_pid)}}},
          {"nodes", std::move(nodes)},
          {"block_ms", s.block_ms},
          {"model", s.model}};
}

namespace {

Error bad(const std::string& field, const std::string& what) {
  return fail(Errc::parse, "devnet.json: " + field + " " + what);
}

Result<std::string> string_field(const json& j, const std::string& key, const std::string& at) {
  if (!j.contains(key) || !j[key].is_string())
    return bad(at + key, "is missing or not a string");
  return j[key].get<std::string>();
}

Result<int64_t> number_field(const json& j, const std::string& key, const std::string& at) {
  if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<int64_t>() < 0)
    return bad(at + key, "is missing or not a non-negative integer");
  return j[key].get<int64_t>();
}

}  // namespace

Result<DevnetState> parse_devnet_state(const json& j) {
  if (!j.is_object())
    return bad("", "is not a JSON object");
  VINFER_TRY(std::string format, string_field(j, "format", ""));
  if (format != "vinfer-devnet-v1")
    return bad("format", "is \"" + format + "\", not \"vinfer-devnet-v1\"");
  DevnetState s;
  VINFER_TRY(s.dir, string_field(j, "dir", ""));
  VINFER_TRY(s.model, string_field(j, "model", ""));
  VINFER_TRY(int64_t block_ms, number_field(j, "block_ms", ""));
  s.block_ms = static_cast<uint32_t>(block_ms);
  if (!j.contains("ledger") || !j["ledger"].is_object())
    return bad("ledger", "is missing or not an object");
  VINFER_TRY(s.ledger_url, string_field(j["ledger"], "url", "ledger."));
  VINFER_TRY(int64_t ledger_pid, number_field(j["ledger"], "pid", "ledger."));
  s.ledger_pid = static_cast<pid_t>(ledger_pid);
  if (!j.contains("nodes") || !j["nodes"].is_array())
    return bad("nodes", "is missing or not an array");
  for (size_t i = 0; i < j["nodes"].size(); ++i) {
    const json& jn = j["nodes"][i];
    const std::string at = "nodes[" + std::to_string(i) + "].";
    if (!jn.is_object())
      return bad(at, "is not an object");
    DevnetNode n;
    VINFER_TRY(int64_t index, number_field(jn, "index", at));
    n.index = static_cast<uint32_t>(index);
    VINFER_TRY(n.dir, string_field(jn, "dir", at));
    VINFER_TRY(n.address, string_field(jn, "address", at));
    VINFER_TRY(n.blob_url, string_field(jn, "blob_url", at));
    if (jn.contains("api_url")) {
      VINFER_TRY(n.api_url, string_field(jn, "api_url", at));
    }
    if (!jn.contains("roles") || !jn["roles"].is_array())
      return bad(at + "roles", "is missing or not an array");
    n.roles = jn["roles"];
    if (jn.contains("cheat"))
      n.cheat = jn["cheat"];
    VINFER_TRY(int64_t pid, number_field(jn, "pid", at));
    n.pid = static_cast<pid_t>(pid);
    s.nodes.push_back(std::move(n));
  }
  return s;
}

Result<DevnetState> read_devnet_state(const fs::path& dir) {
  const fs::path path = devnet_state_path(dir);
  std::ifstream in(path);
  if (!in)
    return fail(Errc::io, "cannot read " + path.string());
  const json j = json::parse(in, nullptr, false);
  if (j.is_discarded())
    return fail(Errc::parse, path.string() + " is not JSON");
  auto s = parse_devnet_state(j);
  if (!s)
    return fail(s.error().code, path.string() + ": " + s.error().message);
  return s;
}

Status write_devnet_state(const fs::path& dir, const DevnetState& s) {
  const fs::path path = devnet_state_path(dir);
  const fs::path tmp = dir / ("devnet.json.tmp." + std::to_string(getpid()));
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << devnet_state_json(s).dump(2) << '\n';
    out.flush();
    if (!out)
      return fail(Errc::io, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail(Errc::io, "cannot rename " + tmp.string() + " to " + path.string());
  }
  return ok_status();
}

bool process_running(pid_t pid) {
  if (pid <= 0)
    return false;
  // A zombie keeps its /proc entry until reaped, but runs nothing.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line))
    return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z' &&
         line[close + 2] != 'X';
}

std::vector<std::string> process_args(pid_t pid) {
  if (!process_running(pid))
    return {};
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0'))
    args.push_back(arg);
  return args;
}

namespace {

// argv[0] is a `vinfer` binary and `words` follow it in order.
bool runs_vinfer(const std::vector<std::string>& args, std::initializer_list<const char*> words) {
  if (args.size() < 1 + words.size() || fs::path(args[0]).filename() != "vinfer")
    return false;
  size_t i = 1;
  for (const char* w : words)
    if (args[i++] != w)
      return false;
  return true;
}

}  // namespace

bool is_devnet_ledger(pid_t pid) {
  return runs_vinfer(process_args(pid), {"ledger", "serve"});
}

bool is_devnet_node(pid_t pid, const std::string& node_dir) {
  const std::vector<std::string> args = process_args(pid);
  if (!runs_vinfer(args, {"node", "run"}))
    return false;
  for (size_t i = 3; i + 1 < args.size(); ++i)
    if (args[i] == "--dir" && args[i + 1] == node_dir)
      return true;
  return false;
}

size_t devnet_running(const DevnetState& s) {
  size_t n = is_devnet_ledger(s.ledger_pid) ? 1 : 0;
  for (const DevnetNode& node : s.nodes)
    n += is_devnet_node(node.pid, node.dir) ? 1 : 0;
  return n;
}

}  // namespace vinfer::cli
