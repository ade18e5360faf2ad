// `vinfer node init` and `vinfer node run` (issue 7): one node process of a local network.
// init writes a node directory (keys mode 0600, config.json); run serves it against the
// ledger named in the config until SIGTERM or SIGINT, printing one line about itself first
// (with --json, a JSON object), then a line on stderr per commit or reveal it makes.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "common.hpp"
#include "vinfer/node/daemon.hpp"
#include "vinfer/node/identity.hpp"
#include "vinfer/node/remote_ledger.hpp"
#include "vinfer/wire.hpp"

namespace vinfer::cli {
namespace {

struct InitOptions {
  std::string dir;
  node::NodeConfig cfg;
  std::vector<std::string> roles{"quorum"};
  std::string cheat;
  bool no_api = false;
  bool json = false;
};

int init(InitOptions o) {
  if (o.cfg.model.empty())
    o.cfg.model = default_model_path().string();
  // The roles and the cheat go through the config file's own parser: one set of rules.
  {
    nlohmann::json j = nlohmann::json::parse(node::node_config_json(o.cfg));
    j["roles"] = o.roles;
    j["api"] = !o.no_api;
    if (!o.cheat.empty())
      j["cheat"] = {{"strategy", o.cheat}, {"at_step", o.cfg.cheat_at}};
    auto c = node::parse_node_config(j.dump());
    if (!c)
      return report(fail(c.error().code, "node init: " + c.error().message));
    o.cfg = std::move(c).value();
  }
  auto id = node::create_identity(o.dir);
  if (!id)
    return report(fail(id.error().code, "node init: " + id.error().message));
  if (auto w = node::write_node_config(o.dir, o.cfg); !w)
    return report(fail(w.error().code, "node init: " + w.error().message));
  const std::string address = ledger::to_hex(id->address);
  const std::string pk = wire::hex_of(id->sealing.pk);
  if (o.json) {
    nlohmann::json j = {{"dir", o.dir}, {"address", address}, {"x25519_public_key", pk}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("node %s in %s (X25519 key %s); start it with `vinfer node run --dir %s`\n",
                address.c_str(), o.dir.c_str(), pk.c_str(), o.dir.c_str());
  }
  return 0;
}

struct RunOptions {
  std::string dir;
  bool json = false;
};

int run(const RunOptions& o) {
  // Blocked before any thread exists, so that the signals reach only the sigtimedwait
  // below, which is also the loop's sleep: a stop is handled between two ticks.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto cfg = node::load_node_config(o.dir);
  if (!cfg)
    return report(fail(cfg.error().code, "node run: " + cfg.error().message));
  auto ledger = node::RemoteLedger::connect(cfg->ledger);
  if (!ledger)
    return report(fail(ledger.error().code, "node run: " + ledger.error().message));
  auto d = node::NodeDaemon::start(o.dir, **ledger);
  if (!d)
    return report(fail(d.error().code, "node run: " + d.error().message));
  node::NodeDaemon& n = **d;
  const std::string address = ledger::to_hex(n.address());
  if (o.json) {
    nlohmann::json j = {{"address", address},
                        {"blob_url", n.blob_url()},
                        {"api_url", n.api_url().empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(n.api_url())},
                        {"ledger", cfg->ledger},
                        {"model_root", commit::to_hex(n.model_root())},
                        {"pid", static_cast<int64_t>(getpid())}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("node %s: ledger %s, blobs %s, api %s, model %s\n", address.c_str(),
                cfg->ledger.c_str(), n.blob_url().c_str(),
                n.api_url().empty() ? "off" : n.api_url().c_str(),
                commit::to_hex(n.model_root()).c_str());
  }
  std::fflush(stdout);

  const timespec pause{static_cast<time_t>(cfg->poll_ms / 1000),
                       static_cast<long>(cfg->poll_ms % 1000) * 1'000'000L};
  for (;;) {
    auto t = n.tick();
    if (!t)  // e.g. a phase that ended between reading and sending: the next tick retries
      std::fprintf(stderr, "vinfer node %s: %s\n", address.c_str(), t.error().to_string().c_str());
    else if (t->any())
      std::fprintf(stderr,
                   "vinfer node %s: block %llu: commits %u reveals %u claims %u resumed %u "
                   "finalized %u checked %u challenges %u moves %u timeouts %u api posted %u "
                   "answered %u\n",
                   address.c_str(), static_cast<unsigned long long>((*ledger)->block()),
                   t->commits, t->reveals, t->claims, t->resumed, t->finalized, t->checked,
                   t->challenges, t->moves, t->timeouts, t->api_posted, t->api_settled);
    const int sig = sigtimedwait(&stop_signals, nullptr, &pause);
    if (sig == SIGTERM || sig == SIGINT) {
      std::fprintf(stderr, "vinfer node %s: stopped on %s\n", address.c_str(),
                   sig == SIGINT ? "SIGINT" : "SIGTERM");
      return 0;
    }
  }
}

}  // namespace

void add_node_command(CLI::App& app) {
  auto* node = app.add_subcommand("node", "One node of a network: keys, roles, blob store");
  node->require_subcommand(1);

  auto io = std::make_shared<InitOptions>();
  auto* init_cmd = node->add_subcommand(
      "init", "Create a node directory: fresh keys (keys/, mode 0600) and config.json");
  init_cmd->add_option("--dir", io->dir, "the node's directory (created)")->required();
  init_cmd->add_option("--ledger", io->cfg.ledger, "URL of the ledger (vinfer ledger serve)")
      ->required();
  init_cmd->add_option("--model", io->cfg.model,
                       "model file it serves (default: the embedded kjv-large)");
  init_cmd->add_option("--stake", io->cfg.stake, "stake it bonds when it starts")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  init_cmd->add_option("--blob-port", io->cfg.blob_port,
                       "port of its blob server on 127.0.0.1; 0 lets the OS pick")
      ->capture_default_str();
  init_cmd->add_option("--poll-ms", io->cfg.poll_ms, "how often it looks at the ledger")
      ->capture_default_str()
      ->check(CLI::Range(1, 60'000));
  init_cmd->add_option("--threads", io->cfg.threads, "engine threads per inference")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  init_cmd->add_option("--roles", io->roles, "what it does: quorum, worker, watcher, sampled, auditor")
      ->delimiter(',')
      ->capture_default_str();
  init_cmd->add_option("--cheat", io->cheat,
                       "test networks only: the made-up execution its worker presents or its "
                       "watcher falsely challenges with (perturb-element, random-output, "
                       "wrong-trace-root, silent); as a quorum node, random-output reveals a "
                       "made-up output and silent never reveals");
  init_cmd->add_option("--cheat-at", io->cfg.cheat_at, "the step the cheat starts at")
      ->capture_default_str();
  init_cmd->add_option("--api-port", io->cfg.api_port,
                       "port of its OpenAI-style API on 127.0.0.1 (docs/api.md); 0 lets the OS pick")
      ->capture_default_str();
  init_cmd->add_option("--api-queue", io->cfg.api_queue,
                       "API jobs it keeps unfinished at most; more are answered 429")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  init_cmd->add_flag("--no-api", io->no_api, "serve no API (blobs and roles only)");
  init_cmd->add_flag("--json", io->json, "print {\"dir\", \"address\", \"x25519_public_key\"}");
  init_cmd->callback([io] { std::exit(init(*io)); });

  auto ro = std::make_shared<RunOptions>();
  auto* run_cmd = node->add_subcommand(
      "run",
      "Run the node of a directory until SIGTERM or SIGINT: joins the ledger (registers its "
      "model, bonds its stake, registers its key) and acts in its roles — commits and reveals "
      "in the quorums it is drawn for, serves and defends optimistic jobs, re-runs others' "
      "claims and challenges wrong ones, answers the sampled jobs sealed to it, audits "
      "sampled jobs it draws itself for, and serves the OpenAI-style API (docs/api.md); "
      "restarted on the same directory it carries on");
  run_cmd->add_option("--dir", ro->dir, "the node's directory (vinfer node init)")->required();
  run_cmd->add_flag("--json", ro->json,
                    "print {\"address\", \"blob_url\", \"api_url\", \"ledger\", \"model_root\", "
                    "\"pid\"} "
                    "as the first line");
  run_cmd->callback([ro] { std::exit(run(*ro)); });
}

}  // namespace vinfer::cli
