// A local anvil chain as a child process: started on 127.0.0.1 with a port the OS picks (no
// race between parallel tests), stopped by its PID when the handle goes away.
#pragma once

#include <sys/types.h>
#include <string>
#include <vector>

#include "vinfer/result.hpp"

namespace vinfer::ledger::evm {

class Anvil {
 public:
  /// Starts `binary` (node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil) with
  /// `--host 127.0.0.1 --port 0` and `extra_args`, and waits (up to `timeout_ms`) for the
  /// "Listening on 127.0.0.1:PORT" line of its log. The child is killed when the thread
  /// that started it exits (PR_SET_PDEATHSIG), so start it from a thread that outlives it
  /// (the main thread in tests and the demo).
  static Result<Anvil> start(const std::string& binary,
                             const std::vector<std::string>& extra_args = {},
                             int timeout_ms = 10000);

  Anvil(Anvil&& o) noexcept;
  Anvil& operator=(Anvil&& o) noexcept;
  Anvil(const Anvil&) = delete;
  Anvil& operator=(const Anvil&) = delete;
  /// stop().
  ~Anvil();

  /// SIGTERM, then SIGKILL after 2 s; reaps the child and removes its log. Idempotent.
  void stop();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// "http://127.0.0.1:PORT".
  std::string url() const;
  /// Path of the child's stdout/stderr log (kept until stop()).
  const std::string& log_path() const { return log_; }

 private:
  Anvil(pid_t pid, int port, std::string log) : pid_(pid), port_(port), log_(std::move(log)) {}
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_;
};

}  // namespace vinfer::ledger::evm
