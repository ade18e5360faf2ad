// `vinfer ledger serve`: a MemoryLedger (in memory, or on SQLite with --db) served over HTTP
// to the node processes of a local network (issue 7; protocol: docs/ledger-http.md).
// Prints the URL it listens on as its first line of output (with --port 0 the OS picks a
// free port), serves until SIGTERM or SIGINT, then stops and closes the database.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "common.hpp"
#include "vinfer/ledger/memory_ledger.hpp"
#include "vinfer/node/ledger_server.hpp"

namespace vinfer::cli {
namespace {

struct ServeOptions {
  node::LedgerServerOptions server;
  std::string db;
  uint32_t block_ms = 0;  // 0: the clock moves only when a client calls advance
  bool json = false;
};

int serve(const ServeOptions& o) {
  // Blocked before the server's threads exist, so they inherit the mask and the signals
  // reach only the sigwait below: shutdown runs here, in order, not in a handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<ledger::MemoryLedger> ledger;
  if (o.db.empty()) {
    ledger = std::make_unique<ledger::MemoryLedger>();
  } else {
    auto opened = ledger::MemoryLedger::open(o.db, ledger::Params{});
    if (!opened)
      return report(
          fail(opened.error().code, "ledger serve: --db " + o.db + ": " + opened.error().message));
    ledger = std::move(opened).value();
  }
  auto server = node::LedgerServer::start(*ledger, o.server);
  if (!server)
    return report(server.error());

  if (o.json) {
    nlohmann::json j;
    j["url"] = (*server)->url();
    j["port"] = (*server)->port();
    j["pid"] = static_cast<int64_t>(getpid());
    j["db"] = o.db.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.db);
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("listening on %s (%s, block %llu)\n", (*server)->url().c_str(),
                o.db.empty() ? "in memory" : o.db.c_str(),
                static_cast<unsigned long long>(ledger->block()));
  }
  std::fflush(stdout);

  int sig = 0;
  if (o.block_ms == 0) {
    sigwait(&stop_signals, &sig);
  } else {
    // The block clock: one block every block_ms, between two requests; the wait for it is
    // the wait for a stop signal.
    const timespec tick{static_cast<time_t>(o.block_ms / 1000),
                        static_cast<long>(o.block_ms % 1000) * 1'000'000L};
    while ((sig = sigtimedwait(&stop_signals, nullptr, &tick)) < 0) {
      auto advanced = (*server)->with_ledger([](ledger::Ledger& l) { return l.advance(1); });
      if (!advanced) {
        std::fprintf(stderr, "vinfer ledger: the block clock stopped: %s\n",
                     advanced.error().to_string().c_str());
        sigwait(&stop_signals, &sig);
        break;
      }
    }
  }
  (*server)->stop();  // waits for the requests in flight
  ledger.reset();     // closes the database
  std::fprintf(stderr, "vinfer ledger: stopped on %s\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  return 0;
}

}  // namespace

void add_ledger_command(CLI::App& app) {
  auto* ledger = app.add_subcommand("ledger", "The settlement ledger as a service");
  ledger->require_subcommand(1);
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = ledger->add_subcommand(
      "serve",
      "Serve a MemoryLedger over HTTP to other processes (docs/ledger-http.md) until SIGTERM "
      "or SIGINT; the first line printed is the URL");
  cmd->add_option("--host", o->server.host, "address to bind (loopback unless told otherwise)")
      ->capture_default_str();
  cmd->add_option("--port", o->server.port, "port to listen on; 0 lets the OS pick a free one")
      ->capture_default_str();
  cmd->add_option("--db", o->db,
                  "SQLite file to keep the ledger in (created with the default params, or "
                  "reopened); default: in memory, lost on exit");
  cmd->add_option("--max-body", o->server.max_body_bytes,
                  "largest request body accepted, in bytes (larger ones get 413)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1024}, size_t{1} << 30));
  cmd->add_option("--block-ms", o->block_ms,
                  "advance the block clock by one block every this many milliseconds; 0: only "
                  "when a client calls advance")
      ->capture_default_str()
      ->check(CLI::Range(0, 3'600'000));
  cmd->add_flag("--json", o->json, "print {\"url\", \"port\", \"pid\", \"db\"} as the first line");
  cmd->callback([o] { std::exit(serve(*o)); });
}

}  // namespace vinfer::cli
