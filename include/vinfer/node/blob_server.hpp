// A node's blobs over HTTP (issue 7, docs/blobs.md): GET, HEAD and PUT of
// /v1/blobs/<64 hex digits> in front of one BlobStore, so watchers, auditors and clients can
// fetch the models, inputs, outputs and trace chunks a job needs from whoever holds them.
//
// A GET serves only bytes the store has just checked against their hash; a PUT stores only
// bytes whose keccak is the hash in its path. Errors are JSON, {"error": {"errc", "code",
// "message"}}, as the ledger's HTTP API writes them (docs/ledger-http.md), and each message
// names the hash and the problem.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vinfer/node/blob_store.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node {

/// Where and how a BlobServer listens. A body is limited by the store's max_blob_bytes.
struct BlobServerOptions {
  std::string host = "127.0.0.1";  ///< loopback unless told otherwise: there is no authentication
  uint16_t port = 0;               ///< 0: the OS picks a free port (see port())
  bool accept_puts = true;         ///< false: PUT answers 405 (a node that only serves)
};

/// An HTTP server in front of one blob store, answering on its own threads.
class BlobServer {
 public:
  /// Binds and starts serving `store`, which must outlive the server.
  static Result<std::unique_ptr<BlobServer>> start(BlobStore& store,
                                                   const BlobServerOptions& opts = {});
  /// Stops (as stop()).
  ~BlobServer();
  BlobServer(const BlobServer&) = delete;
  BlobServer& operator=(const BlobServer&) = delete;

  /// The port it listens on (the OS's choice when asked for 0).
  uint16_t port() const;
  /// "http://127.0.0.1:PORT": the base URL a BlobFetcher is given.
  std::string url() const;
  /// Stops listening and waits for the requests in flight; idempotent.
  void stop();

  struct Impl;

 private:
  explicit BlobServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinfer::node
