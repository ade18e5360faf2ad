// A JSON-RPC 2.0 client over HTTP (libcurl): one request, one response, no batching. What
// the EvmLedger and the EVM tests use to talk to a node (anvil locally, any chain later).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "vinfer/result.hpp"

namespace vinfer::ledger::evm {

/// The error object of a JSON-RPC response ({"code", "message", "data"}), kept whole so a
/// caller can decode a revert's custom error from `data`.
struct RpcError {
  long code = 0;
  std::string message;
  std::string data;  ///< hex of the revert data ("0x..."), empty if none
};

/// One connection's worth of state (a curl easy handle, reused between calls). Not
/// thread-safe; one per thread.
class JsonRpc {
 public:
  /// `url` like "http://127.0.0.1:8545"; `timeout_ms` bounds each call.
  explicit JsonRpc(std::string url, long timeout_ms = 30000);
  ~JsonRpc();
  JsonRpc(JsonRpc&&) noexcept;
  JsonRpc& operator=(JsonRpc&&) noexcept;

  /// Calls `method` with `params` and returns the response's "result". A transport failure
  /// is Errc::io; a JSON-RPC error is Errc::mismatch with its message (and last_error()).
  Result<nlohmann::json> call(const std::string& method, nlohmann::json params);

  /// The error object of the last call that returned one.
  const RpcError& last_error() const { return last_error_; }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  long timeout_ms_;
  void* curl_ = nullptr;  // CURL*
  long next_id_ = 1;
  RpcError last_error_;
};

}  // namespace vinfer::ledger::evm
