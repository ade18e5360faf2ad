// `vinfer node`'s core (issue 7): one node's roles driven against a ledger, its blob store
// served over HTTP, its keys and configuration from its directory. The process around it
// (signals, printing) is src/cli/cmd_node.cpp.
//
// What a node has done is on the ledger (a quorum seat's commitment and reveal, a worker's
// claim, the moves of a game), and what it must redo after a restart it recomputes (an
// inference is deterministic, a quorum salt is derived from its role secret); a watcher's
// progress is in its SQLite file. So a node killed at any point and started again on the
// same directory carries on where it stopped. Directory layout: config.json
// (node_config.hpp), keys/ (identity.hpp), blobs/ (blob_store.hpp), watcher.db. Its API
// (api_server.hpp) posts the jobs clients send it as quorum jobs and answers with the
// certificate once the round settles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vinfer/ledger/ledger.hpp"
#include "vinfer/node/identity.hpp"
#include "vinfer/node/node_config.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node {

/// What one tick did.
struct NodeTick {
  uint32_t commits = 0, reveals = 0;           ///< quorum
  uint32_t claims = 0, resumed = 0, finalized = 0;  ///< worker: claims posted or taken up again
  uint32_t checked = 0, challenges = 0;        ///< watcher: claims re-run, games opened
  uint32_t moves = 0, timeouts = 0;            ///< dispute moves made, games closed by timeout
  uint32_t api_posted = 0, api_settled = 0;    ///< API jobs posted, answered with a certificate
  bool any() const {
    return commits || reveals || claims || resumed || finalized || checked || challenges ||
           moves || timeouts || api_posted || api_settled;
  }
};

class NodeDaemon {
 public:
  /// Loads the configuration, keys and model of `dir`, opens its blob store and starts its
  /// blob server, and makes sure the node can be drawn on `ledger`: the model registered
  /// (by the node, if nobody has), its stake bonded up to the configured amount (deposited
  /// first if its balance is short: on a MemoryLedger a deposit is a faucet) and its X25519
  /// key registered. `ledger` must outlive the daemon.
  static Result<std::unique_ptr<NodeDaemon>> start(const std::string& dir, ledger::Ledger& ledger);
  ~NodeDaemon();
  NodeDaemon(const NodeDaemon&) = delete;
  NodeDaemon& operator=(const NodeDaemon&) = delete;

  /// One look at the ledger: every role acts on what is due now. A transaction the ledger
  /// refuses (the phase moved on meanwhile) is an error the caller may log and retry on
  /// the next tick.
  Result<NodeTick> tick();

  const NodeConfig& config() const;
  const ledger::Address& address() const;
  const commit::Hash& model_root() const;
  /// "http://HOST:PORT" of its blob server.
  std::string blob_url() const;
  /// "http://HOST:PORT" of its OpenAI-style API (api_server.hpp); empty if it serves none.
  std::string api_url() const;

  struct Impl;

 private:
  explicit NodeDaemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinfer::node
