// A node's configuration file, DIR/config.json (issue 7). Written by `vinfer node init`,
// read by `vinfer node run`:
//
//   {"format": "vinfer-node-v1",
//    "ledger": "http://127.0.0.1:PORT",     the ledger server (vinfer ledger serve)
//    "model": "/path/to/kjv-large.gguf",    the model it serves (any file model::load_any reads)
//    "roles": ["quorum"],                   any of quorum, worker, watcher, sampled, auditor
//    "stake": 1000,                         bonded at start if it has less
//    "blob_host": "127.0.0.1", "blob_port": 0,   its blob server (0: a free port)
//    "poll_ms": 50,                         how often it looks at the ledger
//    "threads": 1,                          engine threads per inference
//    "api": true, "api_port": 0,            its OpenAI-style API on blob_host (0: a free port)
//    "api_queue": 8,                        unfinished API jobs at most (more get 429)
//    "cheat": {"strategy": "perturb-element", "at_step": 900}}
//                                           optional, for test networks only: the worker
//                                           presents this made-up execution, the watcher
//                                           falsely challenges with it (roles::Cheat names)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinfer/ledger/types.hpp"
#include "vinfer/result.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::node {

inline constexpr const char* kNodeConfigFile = "config.json";
inline constexpr const char* kNodeConfigFormat = "vinfer-node-v1";

/// The roles a node can take.
enum class NodeRole : uint8_t {
  quorum,   ///< commits and reveals in the quorum rounds it is drawn for
  worker,   ///< serves optimistic jobs on its model and defends its claims
  watcher,  ///< re-runs other workers' claims on its model and challenges wrong ones
  sampled,  ///< answers the sampled jobs it is drawn for (sealed to it) and defends them
  auditor,  ///< draws itself secretly for sampled jobs, re-runs them, escalates a mismatch
};
const char* node_role_name(NodeRole r);

struct NodeConfig {
  std::string ledger;
  std::string model;
  std::vector<NodeRole> roles{NodeRole::quorum};
  ledger::Amount stake = 1000;
  std::string blob_host = "127.0.0.1";
  uint16_t blob_port = 0;
  uint32_t poll_ms = 50;
  unsigned threads = 1;
  roles::Cheat cheat = roles::Cheat::none;  ///< test networks only (see above)
  uint64_t cheat_at = 0;
  bool api = true;         ///< serve the API (api_server.hpp)
  uint16_t api_port = 0;   ///< 0: a free port
  uint32_t api_queue = 8;  ///< unfinished API jobs at most
  bool has(NodeRole r) const;
};

/// Parses config.json's text. Errc::parse naming the field that is missing, of the wrong
/// type or out of range; unknown fields are refused too (a typo must not pass silently).
Result<NodeConfig> parse_node_config(const std::string& text);
/// The JSON text of `c` (what parse_node_config reads back as `c`).
std::string node_config_json(const NodeConfig& c);

/// Reads DIR/config.json (errors prefixed with its path).
Result<NodeConfig> load_node_config(const std::string& dir);
/// Writes DIR/config.json; refuses to overwrite one (Errc::invalid_argument).
Status write_node_config(const std::string& dir, const NodeConfig& c);

}  // namespace vinfer::node
