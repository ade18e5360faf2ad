// JSON-RPC over libcurl (rpc.hpp).
#include "ledger/evm/rpc.hpp"

#include <curl/curl.h>

#include <mutex>
#include <utility>

namespace vinfer::ledger::evm {
namespace {

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

JsonRpc::JsonRpc(std::string url, long timeout_ms) : url_(std::move(url)), timeout_ms_(timeout_ms) {
  global_init();
  curl_ = curl_easy_init();
  VINFER_ASSERT(curl_ != nullptr);
}

JsonRpc::~JsonRpc() {
  if (curl_)
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

JsonRpc::JsonRpc(JsonRpc&& o) noexcept
    : url_(std::move(o.url_)),
      timeout_ms_(o.timeout_ms_),
      curl_(std::exchange(o.curl_, nullptr)),
      next_id_(o.next_id_),
      last_error_(std::move(o.last_error_)) {}

JsonRpc& JsonRpc::operator=(JsonRpc&& o) noexcept {
  if (this != &o) {
    if (curl_)
      curl_easy_cleanup(static_cast<CURL*>(curl_));
    url_ = std::move(o.url_);
    timeout_ms_ = o.timeout_ms_;
    curl_ = std::exchange(o.curl_, nullptr);
    next_id_ = o.next_id_;
    last_error_ = std::move(o.last_error_);
  }
  return *this;
}

Result<nlohmann::json> JsonRpc::call(const std::string& method, nlohmann::json params) {
  VINFER_ASSERT(curl_ != nullptr);
  CURL* c = static_cast<CURL*>(curl_);
  const long id = next_id_++;
  const std::string body =
      nlohmann::json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump();
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK)
    return fail(Errc::io, "json-rpc " + method + " to " + url_ + ": " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  nlohmann::json j = nlohmann::json::parse(response, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return fail(Errc::parse, "json-rpc " + method + ": HTTP " + std::to_string(status) +
                                 ", response is not a JSON object: " + response.substr(0, 200));
  if (j.contains("error")) {
    const nlohmann::json& e = j["error"];
    last_error_ = {};
    if (e.contains("code") && e["code"].is_number_integer())
      last_error_.code = e["code"].get<long>();
    if (e.contains("message") && e["message"].is_string())
      last_error_.message = e["message"].get<std::string>();
    if (e.contains("data") && e["data"].is_string())
      last_error_.data = e["data"].get<std::string>();
    return fail(
        Errc::mismatch,
        "json-rpc " + method + ": " + last_error_.message +
            (last_error_.data.empty() ? "" : " (data " + last_error_.data.substr(0, 74) + ")"));
  }
  if (!j.contains("result"))
    return fail(Errc::parse, "json-rpc " + method + ": response has neither result nor error");
  if (!j.contains("id") || j["id"] != id)
    return fail(Errc::mismatch, "json-rpc " + method + ": response id differs from request id " +
                                    std::to_string(id));
  return std::move(j["result"]);
}

}  // namespace vinfer::ledger::evm
