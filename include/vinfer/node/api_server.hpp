// A node's OpenAI-style API (issue 7, docs/api.md):
//
//   POST /v1/completions, POST /v1/chat/completions   the OpenAI shapes plus `verification`
//   GET  /v1/models                                   the model it serves, with its root
//   GET  /v1/jobs/<job id>                            a job's state and certificate
//   GET  /metrics                                     Prometheus text
//
// The server threads never touch the ledger. A request is parsed (api_request.hpp), turned
// into a model::Job with the node's tokenizer and queued; the node's own loop (daemon.cpp)
// takes the queued jobs (work()), posts them on the ledger, follows them and reports back
// (posted / settled / failed); the request waits for that up to its wait_s, then answers
// with the text and the certificate, or 202 and the job id to poll. The queue is bounded:
// when `queue` jobs are unfinished a new one is answered 429 (nothing is dropped).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vinfer/node/api_request.hpp"
#include "vinfer/node/certificate.hpp"
#include "vinfer/result.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::node {

struct ApiOptions {
  std::string host = "127.0.0.1";  ///< loopback unless told otherwise: no authentication
  uint16_t port = 0;               ///< 0: the OS picks a free port
  size_t queue = 8;                ///< unfinished jobs at most; more get 429
  size_t max_body_bytes = 64 * 1024;
};

/// Where a job accepted by the API is.
enum class ApiJobState : uint8_t { queued, posted, settled, failed };
const char* api_job_state_name(ApiJobState s);

/// A job the node's loop has to act on (work()).
struct ApiWork {
  ledger::Hash id{};
  model::Job job;
  ModeSpec mode;
  uint64_t reward = 0;
  ApiJobState state = ApiJobState::queued;
};

class ApiServer {
 public:
  /// Serves `model` (which must outlive the server) under the name `model_name`.
  static Result<std::unique_ptr<ApiServer>> start(const roles::LocalModel& model,
                                                  std::string model_name,
                                                  const ApiOptions& opts = {});
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  uint16_t port() const;
  std::string url() const;  ///< "http://127.0.0.1:PORT"
  void stop();              ///< stops listening, fails the waiting requests; idempotent

  // ---- the node's loop ----
  /// The jobs queued or posted, oldest first.
  std::vector<ApiWork> work() const;
  void posted(const ledger::Hash& id, uint64_t block);
  void settled(const ledger::Hash& id, Certificate cert, std::string text);
  /// `http_status`: what the request is answered (502: the network's answer is not one this
  /// node can vouch for; 503: the network cannot run it now).
  void failed(const ledger::Hash& id, int http_status, std::string why);
  /// The ledger's block and URL, for /metrics and the certificates' "ledger" hint.
  void set_ledger(uint64_t block, const std::string& url);

  struct Impl;

 private:
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinfer::node
