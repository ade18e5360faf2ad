// A Ledger served over HTTP to other processes (issue 7: `vinfer ledger serve`), so that
// separate node processes settle on one MemoryLedger. The protocol is docs/ledger-http.md:
// POST /tx/<name> and GET /q/<name>, JSON with the ledger's binary record encodings in hex.
//
// One ledger call runs at a time (a mutex around every call: MemoryLedger is not
// thread-safe); a ledger error comes back with its Errc and message unchanged (HTTP 422);
// a request the server cannot read gets a 4xx whose message names what is wrong, and
// reaches the ledger not at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "vinfer/ledger/ledger.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node {

/// Where and how a LedgerServer listens.
struct LedgerServerOptions {
  std::string host = "127.0.0.1";            ///< loopback unless told otherwise
  uint16_t port = 0;                         ///< 0: the OS picks a free port (see port())
  size_t max_body_bytes = size_t{16} << 20;  ///< larger requests get 413
};

/// An HTTP server in front of one ledger, answering on its own threads.
class LedgerServer {
 public:
  /// Binds and starts serving `ledger`, which must outlive the server.
  static Result<std::unique_ptr<LedgerServer>> start(ledger::Ledger& ledger,
                                                     const LedgerServerOptions& opts = {});
  /// Stops (as stop()).
  ~LedgerServer();
  LedgerServer(const LedgerServer&) = delete;
  LedgerServer& operator=(const LedgerServer&) = delete;

  /// The port it listens on (the OS's choice when asked for 0).
  uint16_t port() const;
  /// "http://127.0.0.1:PORT".
  std::string url() const;
  /// Stops listening and waits for the requests in flight; idempotent.
  void stop();
  /// Calls `f` on the ledger under the lock the requests take, so that the serving process
  /// can act on the ledger between them (its block clock: `vinfer ledger serve --block-ms`).
  Status with_ledger(const std::function<Status(ledger::Ledger&)>& f);

  struct Impl;

 private:
  explicit LedgerServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinfer::node
