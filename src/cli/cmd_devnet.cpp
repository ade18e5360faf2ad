// `vinfer devnet up / down / status` (issue 7): a local network of separate processes in
// one command — a `vinfer ledger serve` and N `vinfer node run`, each detached with its
// output in log files, so that they outlive the command; their PIDs and endpoints go to
// DIR/devnet.json (devnet_state.hpp; docs/devnet.md).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common.hpp"
#include "devnet_state.hpp"
#include "vinfer/node/remote_ledger.hpp"

namespace vinfer::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kLedgerStartMs = 10'000;
constexpr int kNodeStartMs = 60'000;  // a node loads its model before it prints
constexpr int kStopMs = 10'000;       // per process, from SIGTERM to SIGKILL

// Set by SIGINT or SIGTERM during `up`, which then stops what it started.
volatile sig_atomic_t g_stop = 0;

fs::path dir_or_default(const std::string& dir) {
  return dir.empty() ? default_devnet_dir() : fs::absolute(dir).lexically_normal();
}

// The path of this binary, for argv[0] of the processes it starts (what `down` checks).
std::string self_exe() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("vinfer") : p.string();
}

std::vector<char*> argv_of(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

std::string joined(const std::vector<std::string>& args) {
  std::string s;
  for (size_t i = 1; i < args.size(); ++i)
    s += (i > 1 ? " " : "") + args[i];
  return "vinfer " + s;
}

// Runs `args` (args[0] is this binary's path) to completion; its exit code and what it
// wrote on stdout and stderr together.
std::pair<int, std::string> run_to_end(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0)
    return {-1, "pipe failed"};
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {-1, "fork failed"};
  }
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close_range(3, ~0U, 0);
    std::vector<char*> argv = argv_of(args);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno != EINTR)
      break;
    if (n > 0)
      out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Starts `args` in a session of its own, stdin /dev/null, stdout to `out`, stderr to
// `log` (both emptied here, before it starts, so that no old line is read as its own),
// holding none of this process's other descriptors: it outlives this command.
Result<pid_t> spawn_detached(const std::vector<std::string>& args,
                             const fs::path& out,
                             const fs::path& log) {
  const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const auto close_all = [&] {
    for (int fd : {out_fd, log_fd, in_fd})
      if (fd >= 0)
        close(fd);
  };
  if (out_fd < 0 || log_fd < 0 || in_fd < 0) {
    close_all();
    return fail(Errc::io, "cannot open " + out.string() + " and " + log.string());
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close_all();
    return fail(Errc::io, "fork failed starting `" + joined(args) + "`");
  }
  if (pid == 0) {
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    close_range(3, ~0U, 0);
    std::vector<char*> argv = argv_of(args);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close_all();
  return pid;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last `lines` lines of a log file, indented, for an error message.
std::string tail_of(const fs::path& p, size_t lines = 15) {
  const std::string text = read_file(p);
  if (text.empty())
    return "\n  (" + p.string() + " is empty)";
  size_t at = text.size();
  if (text.back() == '\n')
    --at;
  for (size_t n = 0; n < lines && at > 0; ++n) {
    const size_t nl = text.rfind('\n', at - 1);
    if (nl == std::string::npos) {
      at = 0;
      break;
    }
    at = nl;
  }
  std::string out = "\n  the end of " + p.string() + ":";
  std::istringstream in(text.substr(at == 0 ? 0 : at + 1));
  for (std::string line; std::getline(in, line);)
    out += "\n    " + line;
  return out;
}

// Reaps `pid` if it is our child and has exited (so that it does not linger as a zombie).
void reap(pid_t pid) {
  waitpid(pid, nullptr, WNOHANG);
}

// Waits for the first line `what` writes to `out` and parses it as a JSON object; fails
// naming `what` if it exits first, or prints nothing within `ms`.
Result<json> first_line(pid_t pid, const std::string& what, const fs::path& out,
                        const fs::path& log, int ms) {
  const auto end = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    const std::string text = read_file(out);
    if (const size_t nl = text.find('\n'); nl != std::string::npos) {
      json j = json::parse(text.substr(0, nl), nullptr, false);
      if (j.is_discarded() || !j.is_object())
        return fail(Errc::parse, what + " printed \"" + text.substr(0, nl) +
                                     "\", not a JSON object" + tail_of(log));
      return j;
    }
    int status = 0;
    const bool reaped = waitpid(pid, &status, WNOHANG) == pid;
    if (reaped || !process_running(pid)) {
      const std::string how =
          !reaped ? ""
          : WIFEXITED(status) ? " with code " + std::to_string(WEXITSTATUS(status))
          : WIFSIGNALED(status) ? " on signal " + std::to_string(WTERMSIG(status))
                                : "";
      return fail(Errc::io, what + " (pid " + std::to_string(pid) + ") exited" + how +
                                " before it printed its first line" + tail_of(log));
    }
    if (g_stop != 0)
      return fail(Errc::io, "interrupted while waiting for " + what);
    if (Clock::now() >= end)
      return fail(Errc::io, what + " (pid " + std::to_string(pid) + ") printed nothing in " +
                                std::to_string(ms / 1000) + " s" + tail_of(log));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// SIGTERMs every pid, waits up to kStopMs for each, then SIGKILLs what is left. The pids
// are the caller's to check (they must be ours). Returns how many needed SIGKILL.
size_t stop_all(const std::vector<pid_t>& pids) {
  for (pid_t p : pids)
    kill(p, SIGTERM);
  const auto end = Clock::now() + std::chrono::milliseconds(kStopMs);
  size_t killed = 0;
  for (pid_t p : pids) {
    for (;;) {
      reap(p);
      if (!process_running(p))
        break;
      if (Clock::now() >= end) {
        kill(p, SIGKILL);
        ++killed;
        for (int i = 0; i < 100 && (reap(p), process_running(p)); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return killed;
}

// "quorum,worker" from ["quorum", "worker"].
std::string roles_text(const json& roles) {
  std::string s;
  for (const json& r : roles)
    if (r.is_string())
      s += (s.empty() ? "" : ",") + r.get<std::string>();
  return s.empty() ? "-" : s;
}

// --- up ------------------------------------------------------------------------------

struct UpOptions {
  std::string dir;
  uint32_t nodes = 3;
  std::string model;
  std::string roles = "quorum";
  std::string stake;  // empty: node init's default
  uint32_t block_ms = 200;
  std::string cheaters;
  bool json = false;
};

struct CheatSpec {
  std::string strategy;
  std::string at_step;  // empty: node init's default
};

// "K:STRATEGY[@STEP],..." for `n` nodes; the strategy itself is node init's to check.
Result<std::map<uint32_t, CheatSpec>> parse_cheaters(const std::string& spec, uint32_t n) {
  std::map<uint32_t, CheatSpec> out;
  if (spec.empty())
    return out;
  std::istringstream in(spec);
  for (std::string item; std::getline(in, item, ',');) {
    const auto bad = [&](const std::string& why) {
      return fail(Errc::invalid_argument, "devnet up: --cheaters: item \"" + item + "\" " + why);
    };
    const size_t colon = item.find(':');
    const std::string k = item.substr(0, colon);
    if (colon == std::string::npos || k.empty() || k.size() > 9 ||
        k.find_first_not_of("0123456789") != std::string::npos)
      return bad("is not K:STRATEGY[@STEP] (K a node index)");
    const uint32_t index = static_cast<uint32_t>(std::stoul(k));
    if (index >= n)
      return bad("names node " + k + ", but there are " + std::to_string(n) + " nodes (0 to " +
                 std::to_string(n - 1) + ")");
    if (out.count(index) != 0)
      return bad("names node " + k + " a second time");
    std::string rest = item.substr(colon + 1);
    CheatSpec c;
    if (const size_t at = rest.find('@'); at != std::string::npos) {
      c.at_step = rest.substr(at + 1);
      rest.resize(at);
      if (c.at_step.empty() || c.at_step.size() > 19 ||
          c.at_step.find_first_not_of("0123456789") != std::string::npos)
        return bad("has a STEP that is not a number");
    }
    if (rest.empty())
      return bad("names no strategy");
    c.strategy = rest;
    out[index] = c;
  }
  return out;
}

int up(const UpOptions& o) {
  const fs::path dir = dir_or_default(o.dir);
  const fs::path model = fs::absolute(o.model.empty() ? default_model_path() : fs::path(o.model))
                             .lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(model, ec))
    return report(fail(Errc::io, "devnet up: model " + model.string() + " is not a file"));
  auto cheats = parse_cheaters(o.cheaters, o.nodes);
  if (!cheats)
    return report(cheats.error());

  // An old state: refuse a running devnet, replace a dead one (its node directories too).
  if (fs::exists(devnet_state_path(dir), ec)) {
    auto old = read_devnet_state(dir);
    if (!old)
      return report(fail(old.error().code,
                         "devnet up: " + old.error().message + "; remove it if no devnet runs"));
    if (const size_t n = devnet_running(*old); n > 0)
      return report(fail(Errc::invalid_argument,
                         "devnet up: a devnet is running in " + dir.string() + " (" +
                             std::to_string(n) + " of its processes); stop it with `vinfer "
                             "devnet down --dir " + dir.string() + "` first"));
    std::fprintf(stderr, "replacing the stopped devnet in %s\n", dir.c_str());
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory() && e.path().filename().string().rfind("node-", 0) == 0)
        fs::remove_all(e.path(), ec);
    fs::remove(devnet_state_path(dir), ec);
  } else if (fs::exists(dir / "node-0", ec)) {
    return report(fail(Errc::invalid_argument,
                       "devnet up: " + (dir / "node-0").string() + " exists but " + dir.string() +
                           " has no devnet.json; remove it or choose another --dir"));
  }
  fs::create_directories(dir, ec);
  if (ec)
    return report(fail(Errc::io, "devnet up: cannot create " + dir.string() + ": " + ec.message()));

  struct sigaction on_stop {};
  on_stop.sa_handler = [](int) { g_stop = 1; };
  sigemptyset(&on_stop.sa_mask);
  sigaction(SIGINT, &on_stop, nullptr);
  sigaction(SIGTERM, &on_stop, nullptr);

  const std::string exe = self_exe();
  DevnetState s;
  s.dir = dir.string();
  s.block_ms = o.block_ms;
  s.model = model.string();
  // On a failure: stop what was started, and leave the state of the stopped devnet, so
  // that its logs can be read, `status` shows it and the next `up` replaces it.
  std::vector<pid_t> started;
  const auto give_up = [&](const Error& e) {
    if (!started.empty()) {
      std::fprintf(stderr, "stopping the %zu processes already started\n", started.size());
      stop_all(started);
    }
    (void)write_devnet_state(dir, s);
    return report(e);
  };

  std::fprintf(stderr, "starting the ledger ...\n");
  {
    const std::vector<std::string> args{
        exe, "ledger", "serve", "--port", "0", "--block-ms", std::to_string(o.block_ms), "--json"};
    auto pid = spawn_detached(args, dir / "ledger.out", dir / "ledger.log");
    if (!pid)
      return give_up(pid.error());
    started.push_back(*pid);
    auto line = first_line(*pid, "the ledger", dir / "ledger.out", dir / "ledger.log",
                           kLedgerStartMs);
    if (!line)
      return give_up(fail(line.error().code, "devnet up: " + line.error().message));
    if (!line->contains("url") || !(*line)["url"].is_string())
      return give_up(fail(Errc::parse, "devnet up: the ledger's first line has no url"));
    s.ledger_url = (*line)["url"].get<std::string>();
    s.ledger_pid = *pid;
  }

  // Every node directory first (node init checks the roles, stake and cheat), then every
  // process, then their first lines: the nodes load their models side by side.
  for (uint32_t k = 0; k < o.nodes; ++k) {
    DevnetNode n;
    n.index = k;
    n.dir = (dir / ("node-" + std::to_string(k))).string();
    std::vector<std::string> args{exe,      "node",  "init",        "--dir", n.dir,
                                  "--ledger", s.ledger_url, "--model", model.string(),
                                  "--roles", o.roles};
    if (!o.stake.empty())
      args.insert(args.end(), {"--stake", o.stake});
    if (auto c = cheats->find(k); c != cheats->end()) {
      args.insert(args.end(), {"--cheat", c->second.strategy});
      if (!c->second.at_step.empty())
        args.insert(args.end(), {"--cheat-at", c->second.at_step});
    }
    n.roles = json::array();
    s.nodes.push_back(n);
    auto [rc, out] = run_to_end(args);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
      out.pop_back();
    if (g_stop != 0)
      return give_up(fail(Errc::io, "devnet up: interrupted"));
    if (rc != 0)
      return give_up(fail(Errc::invalid_argument, "devnet up: `" + joined(args) +
                                                      "` failed (exit " + std::to_string(rc) +
                                                      "): " + out));
    const json cfg = json::parse(read_file(fs::path(n.dir) / "config.json"), nullptr, false);
    if (cfg.is_object()) {
      s.nodes.back().roles = cfg.value("roles", json::array());
      s.nodes.back().cheat = cfg.value("cheat", json());
    }
  }
  for (DevnetNode& n : s.nodes) {
    if (g_stop != 0)
      return give_up(fail(Errc::io, "devnet up: interrupted"));
    std::fprintf(stderr, "starting node %u/%u (%s) ...\n", n.index + 1, o.nodes, n.dir.c_str());
    auto pid = spawn_detached({exe, "node", "run", "--dir", n.dir, "--json"},
                              fs::path(n.dir) / "out.log", fs::path(n.dir) / "node.log");
    if (!pid)
      return give_up(pid.error());
    started.push_back(*pid);
    n.pid = *pid;
  }
  const auto nodes_end = Clock::now() + std::chrono::milliseconds(kNodeStartMs);
  for (DevnetNode& n : s.nodes) {
    const int left = static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(nodes_end - Clock::now())
               .count()));
    auto line = first_line(n.pid, "node-" + std::to_string(n.index), fs::path(n.dir) / "out.log",
                           fs::path(n.dir) / "node.log", std::max(left, 1000));
    if (!line)
      return give_up(fail(line.error().code, "devnet up: " + line.error().message));
    n.address = line->value("address", "");
    n.blob_url = line->value("blob_url", "");
    n.api_url = line->value("api_url", "");
    if (n.address.empty())
      return give_up(fail(Errc::parse, "devnet up: node-" + std::to_string(n.index) +
                                           "'s first line has no address"));
  }

  if (auto w = write_devnet_state(dir, s); !w)
    return give_up(fail(w.error().code, "devnet up: " + w.error().message));

  if (o.json) {
    print_json(devnet_state_json(s));
    return 0;
  }
  std::printf("devnet in %s: model %s, a block every %u ms\n", s.dir.c_str(), s.model.c_str(),
              s.block_ms);
  std::printf("  ledger  %s  (pid %d)\n", s.ledger_url.c_str(), static_cast<int>(s.ledger_pid));
  for (const DevnetNode& n : s.nodes) {
    std::string extra;
    if (!n.api_url.empty())
      extra += "  api " + n.api_url;
    if (!n.cheat.is_null())
      extra += "  cheat " + n.cheat.value("strategy", std::string("?")) + "@" +
               std::to_string(n.cheat.value("at_step", uint64_t{0}));
    std::printf("  node-%u  %s  blobs %s%s  roles %s  (pid %d)\n", n.index, n.address.c_str(),
                n.blob_url.c_str(), extra.c_str(), roles_text(n.roles).c_str(),
                static_cast<int>(n.pid));
  }
  std::printf("logs: %s/ledger.log, %s/node-K/node.log; stop it with `vinfer devnet down --dir %s`\n",
              s.dir.c_str(), s.dir.c_str(), s.dir.c_str());
  return 0;
}

// --- down, status ----------------------------------------------------------------------

struct DirOptions {
  std::string dir;
  bool json = false;
};

int down(const DirOptions& o) {
  const fs::path dir = dir_or_default(o.dir);
  std::error_code ec;
  if (!fs::exists(devnet_state_path(dir), ec)) {
    if (o.json)
      print_json({{"dir", dir.string()}, {"devnet", false}, {"stopped", 0}});
    else
      std::printf("no devnet in %s\n", dir.c_str());
    return 0;
  }
  auto s = read_devnet_state(dir);
  if (!s)
    return report(fail(s.error().code, "devnet down: " + s.error().message));

  // Only processes that still run what the state says they run: a PID the system has
  // since given to another program is left alone.
  const auto stop_group = [&](const std::vector<std::pair<std::string, pid_t>>& group,
                              auto is_ours, size_t& stopped, size_t& gone) {
    std::vector<pid_t> ours;
    for (const auto& [name, pid] : group) {
      if (is_ours(name, pid)) {
        ours.push_back(pid);
      } else {
        ++gone;
        std::fprintf(stderr, "%s (pid %d) is not running\n", name.c_str(), static_cast<int>(pid));
      }
    }
    if (const size_t killed = stop_all(ours); killed > 0)
      std::fprintf(stderr, "%zu did not stop within %d s of SIGTERM: sent SIGKILL\n", killed,
                   kStopMs / 1000);
    stopped += ours.size();
  };
  size_t stopped = 0, gone = 0;
  std::vector<std::pair<std::string, pid_t>> nodes;
  std::map<pid_t, std::string> node_dirs;
  for (const DevnetNode& n : s->nodes) {
    nodes.emplace_back("node-" + std::to_string(n.index), n.pid);
    node_dirs[n.pid] = n.dir;
  }
  stop_group(nodes, [&](const std::string&, pid_t pid) { return is_devnet_node(pid, node_dirs[pid]); },
             stopped, gone);
  stop_group({{"the ledger", s->ledger_pid}},
             [](const std::string&, pid_t pid) { return is_devnet_ledger(pid); }, stopped, gone);
  fs::remove(devnet_state_path(dir), ec);
  if (o.json) {
    print_json({{"dir", dir.string()}, {"devnet", true}, {"stopped", stopped}, {"not_running", gone}});
  } else {
    std::printf("stopped %zu of %zu processes in %s", stopped, stopped + gone, dir.c_str());
    if (gone > 0)
      std::printf(" (%zu were not running)", gone);
    std::printf("; logs and node directories kept\n");
  }
  return 0;
}

int status(const DirOptions& o) {
  const fs::path dir = dir_or_default(o.dir);
  std::error_code ec;
  if (!fs::exists(devnet_state_path(dir), ec))
    return report(fail(Errc::invalid_argument,
                       "devnet status: no devnet in " + dir.string() + " (start one with "
                       "`vinfer devnet up`)"));
  auto s = read_devnet_state(dir);
  if (!s)
    return report(fail(s.error().code, "devnet status: " + s.error().message));

  const bool ledger_running = is_devnet_ledger(s->ledger_pid);
  json block = nullptr;
  std::string ledger_error;
  if (ledger_running) {
    auto l = node::RemoteLedger::connect(s->ledger_url);
    if (l)
      block = (*l)->block();
    else
      ledger_error = l.error().message;
  }
  json j = devnet_state_json(*s);
  j["ledger"]["running"] = ledger_running;
  j["ledger"]["block"] = block;
  if (!ledger_error.empty())
    j["ledger"]["error"] = ledger_error;
  size_t running = ledger_running ? 1 : 0;
  for (size_t i = 0; i < s->nodes.size(); ++i) {
    const bool r = is_devnet_node(s->nodes[i].pid, s->nodes[i].dir);
    j["nodes"][i]["running"] = r;
    running += r ? 1 : 0;
  }
  j["running"] = running;
  if (o.json) {
    print_json(j);
    return 0;
  }
  std::printf("devnet in %s: %zu of %zu processes running\n", s->dir.c_str(), running,
              s->nodes.size() + 1);
  std::printf("  ledger  %-7s  %s  (pid %d)", ledger_running ? "running" : "dead",
              s->ledger_url.c_str(), static_cast<int>(s->ledger_pid));
  if (!block.is_null())
    std::printf("  block %llu", static_cast<unsigned long long>(block.get<uint64_t>()));
  if (!ledger_error.empty())
    std::printf("  unreachable: %s", ledger_error.c_str());
  std::printf("\n");
  for (size_t i = 0; i < s->nodes.size(); ++i) {
    const DevnetNode& n = s->nodes[i];
    std::string extra;
    if (!n.api_url.empty())
      extra += "  api " + n.api_url;
    extra += "  roles " + roles_text(n.roles);
    if (!n.cheat.is_null())
      extra += "  cheat " + n.cheat.value("strategy", std::string("?"));
    std::printf("  node-%u  %-7s  %s  blobs %s%s  (pid %d)\n", n.index,
                j["nodes"][i]["running"].get<bool>() ? "running" : "dead", n.address.c_str(),
                n.blob_url.c_str(), extra.c_str(), static_cast<int>(n.pid));
  }
  return 0;
}

}  // namespace

void add_devnet_command(CLI::App& app) {
  auto* devnet = app.add_subcommand(
      "devnet", "A local network of separate processes: a ledger and N nodes (docs/devnet.md)");
  devnet->require_subcommand(1);
  const std::string dir_help =
      "the devnet's directory (state, logs, node directories); default: $VINFER_DEVNET_DIR, "
      "else ./vinfer-devnet";

  auto uo = std::make_shared<UpOptions>();
  auto* up_cmd = devnet->add_subcommand(
      "up",
      "Start `vinfer ledger serve` and N `vinfer node run` on 127.0.0.1 (OS-chosen ports), "
      "detached, each logging into DIR; write DIR/devnet.json and print the endpoints. "
      "Refused while DIR's devnet runs; a stopped one is replaced (its node directories "
      "with fresh keys)");
  up_cmd->add_option("--dir", uo->dir, dir_help);
  up_cmd->add_option("--nodes", uo->nodes, "how many nodes")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  up_cmd->add_option("--model", uo->model, "model file every node serves (default: the embedded "
                                           "kjv-large, or $VINFER_MODEL)");
  up_cmd->add_option("--roles", uo->roles,
                     "roles of every node, as `vinfer node init --roles` takes them (comma list "
                     "of quorum, worker, watcher, sampled, auditor)")
      ->capture_default_str();
  up_cmd->add_option("--stake", uo->stake, "stake each node bonds (default: node init's)");
  up_cmd->add_option("--block-ms", uo->block_ms, "the ledger's block clock: one block every MS; 0: only when a "
                                         "client calls advance")
      ->capture_default_str()
      ->check(CLI::Range(0, 3'600'000));
  up_cmd->add_option("--cheaters", uo->cheaters,
                     "test networks only: comma list K:STRATEGY[@STEP] — node K runs with "
                     "`--cheat STRATEGY --cheat-at STEP` (e.g. 2:perturb-element@40)");
  up_cmd->add_flag("--json", uo->json, "print the state (as DIR/devnet.json) instead of a table");
  up_cmd->callback([uo] { std::exit(up(*uo)); });

  auto dn = std::make_shared<DirOptions>();
  auto* down_cmd = devnet->add_subcommand(
      "down",
      "SIGTERM the nodes, then the ledger, of DIR/devnet.json (only processes that still run "
      "them; SIGKILL after 10 s) and remove devnet.json; logs and node directories stay");
  down_cmd->add_option("--dir", dn->dir, dir_help);
  down_cmd->add_flag("--json", dn->json, "print {\"dir\", \"devnet\", \"stopped\", ...}");
  down_cmd->callback([dn] { std::exit(down(*dn)); });

  auto st = std::make_shared<DirOptions>();
  auto* status_cmd = devnet->add_subcommand(
      "status", "Whether each process of DIR/devnet.json runs, its endpoints, the ledger's block");
  status_cmd->add_option("--dir", st->dir, dir_help);
  status_cmd->add_flag("--json", st->json,
                       "print the state with \"running\" per process and the ledger's \"block\"");
  status_cmd->callback([st] { std::exit(status(*st)); });
}

}  // namespace vinfer::cli
