// The state file of a local devnet (`vinfer devnet up`, docs/devnet.md): where it lives,
// how it is read and written, and whether the processes it names still run. Shared by
// `vinfer devnet` and the commands that find a running devnet (later `vinfer ask`).
// Internal to src/cli.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinfer/result.hpp"

namespace vinfer::cli {

/// The devnet directory when no --dir is given: $VINFER_DEVNET_DIR if set and non-empty,
/// else `vinfer-devnet` under the current directory; made absolute.
std::filesystem::path default_devnet_dir();

/// DIR/devnet.json.
std::filesystem::path devnet_state_path(const std::filesystem::path& dir);

/// One node process of a devnet.
struct DevnetNode {
  uint32_t index = 0;
  std::string dir;       ///< absolute: DIR/node-K
  std::string address;   ///< "0x" + 40 hex digits
  std::string blob_url;
  std::string api_url;   ///< empty where the node printed none
  nlohmann::json roles;  ///< the roles of its config.json (an array of names)
  nlohmann::json cheat;  ///< null, or {"strategy", "at_step"} as in its config.json
  pid_t pid = 0;
};

/// What DIR/devnet.json holds (format "vinfer-devnet-v1").
struct DevnetState {
  std::string dir;  ///< absolute
  std::string ledger_url;
  pid_t ledger_pid = 0;
  std::vector<DevnetNode> nodes;
  uint32_t block_ms = 0;
  std::string model;
};

nlohmann::json devnet_state_json(const DevnetState& s);
/// Errc::parse naming the field that is missing or of the wrong type.
Result<DevnetState> parse_devnet_state(const nlohmann::json& j);
/// Reads DIR/devnet.json; Errc::io when there is none (check devnet_state_path first to
/// tell "no devnet" from an unreadable one).
Result<DevnetState> read_devnet_state(const std::filesystem::path& dir);
/// Writes DIR/devnet.json atomically (a temporary file in DIR, then rename).
Status write_devnet_state(const std::filesystem::path& dir, const DevnetState& s);

/// Whether `pid` names a process that has not exited (a zombie has).
bool process_running(pid_t pid);
/// The arguments of a running process (/proc/PID/cmdline); empty if it is gone or a zombie.
std::vector<std::string> process_args(pid_t pid);
/// Whether `pid` runs `vinfer ledger serve`.
bool is_devnet_ledger(pid_t pid);
/// Whether `pid` runs `vinfer node run --dir NODE_DIR`.
bool is_devnet_node(pid_t pid, const std::string& node_dir);
/// How many of the state's processes are still running (as the state names them: a PID
/// reused by another program does not count).
size_t devnet_running(const DevnetState& s);

}  // namespace vinfer::cli
