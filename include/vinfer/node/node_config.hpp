// A node's configuration file, DIR/config.json (issue 7). Written by `vinfer node init`,
// read by `vinfer node run`:
//
//   {"format": "vinfer-node-v1",
//    "ledger": "http://127.0.0.1:PORT",     the ledger server (vinfer ledger serve)
//    "model": "/path/to/kjv-large.gguf",    the model it serves (any file model::load_any reads)
//    "roles": ["quorum"],                   what it does; quorum is the one wired so far
//    "stake": 1000,                         bonded at start if it has less
//    "blob_host": "127.0.0.1", "blob_port": 0,   its blob server (0: a free port)
//    "poll_ms": 50,                         how often it looks at the ledger
//    "threads": 1}                          engine threads per inference
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinfer/ledger/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node {

inline constexpr const char* kNodeConfigFile = "config.json";
inline constexpr const char* kNodeConfigFormat = "vinfer-node-v1";

/// The roles a node can take.
enum class NodeRole : uint8_t { quorum };

struct NodeConfig {
  std::string ledger;
  std::string model;
  std::vector<NodeRole> roles{NodeRole::quorum};
  ledger::Amount stake = 1000;
  std::string blob_host = "127.0.0.1";
  uint16_t blob_port = 0;
  uint32_t poll_ms = 50;
  unsigned threads = 1;
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
