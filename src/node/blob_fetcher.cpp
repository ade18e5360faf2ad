// BlobFetcher (blob_fetcher.hpp): one GET /v1/blobs/<hash> per peer, in order, until one
// serves the bytes of the hash.
#include "vinfer/node/blob_fetcher.hpp"

#include <httplib.h>

#include <charconv>
#include <optional>

#include <nlohmann/json.hpp>

#include "vinfer/node/blob_path.hpp"

namespace vinfer::node {
namespace {

using Clock = std::chrono::steady_clock;

// An error reply is a short JSON object; more than this is not one.
constexpr size_t kMaxErrorBody = 64 << 10;

// "http://host:port/prefix" -> {"http://host:port", "/prefix"}; the prefix may be empty.
struct BaseUrl {
  std::string origin, prefix;
};

Result<BaseUrl> split_url(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos || scheme == 0)
    return fail(Errc::invalid_argument, "not a base URL (expected http://HOST:PORT)");
  const size_t slash = url.find('/', scheme + 3);
  BaseUrl b{url.substr(0, slash), slash == std::string::npos ? "" : url.substr(slash)};
  while (!b.prefix.empty() && b.prefix.back() == '/')
    b.prefix.pop_back();
  return b;
}

// The message of a {"error": {...}} reply, or the start of whatever else came.
std::string error_message(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("message") && j["error"]["message"].is_string())
    return j["error"]["message"].get<std::string>();
  return body.substr(0, 200);
}

template <class Rep, class Period>
void split_seconds(std::chrono::duration<Rep, Period> d, time_t& sec, time_t& usec) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  sec = static_cast<time_t>(us / 1000000);
  usec = static_cast<time_t>(us % 1000000);
}

}  // namespace

BlobFetcher::BlobFetcher(BlobStore& store, const BlobFetcherOptions& opts)
    : store_(store), opts_(opts) {}

Result<Fetched> BlobFetcher::fetch(const commit::Hash& h, std::span<const std::string> peers) {
  if (store_.has(h)) {
    auto local = store_.get(h);
    if (local)
      return Fetched{std::move(local).value(), "", {}};
    // A corrupted copy has been moved aside: fetch a good one. Anything else is the disk.
    if (local.error().code != Errc::mismatch)
      return local.error();
  }
  if (peers.empty())
    return fail(Errc::invalid_argument, blob_name(h) + ": not in the store and no peer to ask");
  Fetched out;
  for (const std::string& peer : peers) {
    bool lied = false;
    auto bytes = fetch_from(h, peer, lied);
    if (!bytes) {
      out.skipped.push_back({peer, lied, bytes.error()});
      continue;
    }
    auto stored = store_.put_expecting(h, *bytes);
    if (!stored)
      return fail(stored.error().code, blob_name(h) + ": fetched from " + peer +
                                           " but not stored: " + stored.error().message);
    out.bytes = std::move(bytes).value();
    out.peer = peer;
    return out;
  }
  std::string why = blob_name(h) + ": no peer served it (" + std::to_string(peers.size()) +
                    (peers.size() == 1 ? " peer" : " peers") + " tried)";
  for (const PeerFailure& f : out.skipped)
    why += "; " + f.error.message;
  return fail(Errc::io, why);
}

Result<std::vector<uint8_t>> BlobFetcher::fetch_from(const commit::Hash& h,
                                                     const std::string& peer,
                                                     bool& lied) {
  const std::string who = "peer " + peer;
  auto base = split_url(peer);
  if (!base)
    return fail(Errc::invalid_argument, who + ": " + base.error().message);
  httplib::Client http(base->origin);
  if (!http.is_valid())
    return fail(Errc::invalid_argument, who + ": not a URL httplib can connect to");
  time_t sec = 0, usec = 0;
  split_seconds(opts_.connect_timeout, sec, usec);
  http.set_connection_timeout(sec, usec);
  split_seconds(opts_.read_timeout, sec, usec);
  http.set_read_timeout(sec, usec);
  http.set_write_timeout(sec, usec);

  const size_t limit = store_.max_blob_bytes();
  const Clock::time_point deadline = Clock::now() + opts_.total_timeout;
  int status = 0;
  std::string body;
  std::optional<Error> stopped;  // why the download was cut short, if it was
  auto on_response = [&](const httplib::Response& r) {
    status = r.status;
    const std::string length = r.get_header_value("Content-Length");
    uint64_t n = 0;
    std::from_chars(length.data(), length.data() + length.size(), n);
    if (status == 200 && n > limit) {
      stopped = fail(Errc::limit, who + ": the blob is " + length +
                                      " bytes, over the limit of " + std::to_string(limit));
      return false;
    }
    return true;
  };
  auto on_data = [&](const char* data, size_t n) {
    const size_t cap = status == 200 ? limit : kMaxErrorBody;
    if (body.size() + n > cap) {
      stopped = status == 200 ? fail(Errc::limit, who + ": sent more than the limit of " +
                                                      std::to_string(limit) + " bytes")
                              : fail(Errc::io, who + ": HTTP " + std::to_string(status) +
                                                   " with an error body over " +
                                                   std::to_string(cap) + " bytes");
      return false;
    }
    if (Clock::now() > deadline) {
      stopped = fail(Errc::io, who + ": not done after " +
                                   std::to_string(opts_.total_timeout.count()) + " ms");
      return false;
    }
    body.append(data, n);
    return true;
  };
  const std::string path = base->prefix + blob_path(h);
  auto r = http.Get(path, on_response, on_data);
  if (stopped)
    return *stopped;
  if (!r)
    return fail(Errc::io, who + ": GET " + path + ": " + httplib::to_string(r.error()));
  if (r->status != 200)
    return fail(Errc::io,
                who + ": HTTP " + std::to_string(r->status) + ": " + error_message(body));
  const auto* p = reinterpret_cast<const uint8_t*>(body.data());
  const commit::Hash got = commit::keccak256(std::span<const uint8_t>(p, body.size()));
  if (got != h) {
    lied = true;
    return fail(Errc::mismatch, who + ": served " + std::to_string(body.size()) +
                                    " bytes whose keccak is " + commit::to_hex(got));
  }
  return std::vector<uint8_t>(p, p + body.size());
}

}  // namespace vinfer::node
