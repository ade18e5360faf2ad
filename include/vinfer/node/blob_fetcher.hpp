// Fetching a blob by hash from peers (issue 7: watchers and auditors get what a dispute
// needs from the worker or any peer that has it). Peers are tried in the order given; the
// bytes a peer sends are hashed before anything else happens to them, so a peer that
// serves other bytes is skipped and named (its lie is evidence), and what is kept is
// always the blob asked for.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vinfer/node/blob_store.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node {

/// Timeouts of one attempt on one peer.
struct BlobFetcherOptions {
  std::chrono::milliseconds connect_timeout{2000};  ///< to open the connection
  std::chrono::milliseconds read_timeout{5000};     ///< between two reads of the reply
  std::chrono::milliseconds total_timeout{60000};   ///< for the whole reply of one peer
};

/// Why one peer did not deliver.
struct PeerFailure {
  std::string peer;   ///< the base URL as given
  bool lied = false;  ///< it answered 200 with bytes that do not hash to the blob
  Error error;        ///< names the peer and what happened
};

/// A blob that was fetched (or was already in the store).
struct Fetched {
  std::vector<uint8_t> bytes;
  std::string peer;                  ///< the peer that served it; empty if it was local
  std::vector<PeerFailure> skipped;  ///< the peers tried before it, and why each failed
};

/// Gets blobs into one local store from peers' BlobServers.
class BlobFetcher {
 public:
  /// Fetches into `store`, which must outlive the fetcher.
  explicit BlobFetcher(BlobStore& store, const BlobFetcherOptions& opts = {});

  /// Blob `h`: from the store if it holds a good copy, else from the first of `peers`
  /// (base URLs, "http://127.0.0.1:PORT") that serves bytes hashing to `h`, which are then
  /// stored. If none does: Errc::io whose message lists every peer and why it failed (a
  /// lying peer's message says what its bytes hashed to); Errc::invalid_argument if `peers`
  /// is empty. A blob over the store's limit is refused from every peer (Errc::limit in its
  /// failure) without being read to the end.
  Result<Fetched> fetch(const commit::Hash& h, std::span<const std::string> peers);

 private:
  Result<std::vector<uint8_t>> fetch_from(const commit::Hash& h, const std::string& peer,
                                          bool& lied);

  BlobStore& store_;
  BlobFetcherOptions opts_;
};

}  // namespace vinfer::node
