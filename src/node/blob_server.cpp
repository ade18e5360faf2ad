// The blob routes (blob_server.hpp, docs/blobs.md) on cpp-httplib, set up as the ledger's
// server is (ledger_server.cpp): no SO_REUSEPORT, kept-alive connections, JSON errors.
#include "vinfer/node/blob_server.hpp"

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <thread>

#include "node/ledger_wire.hpp"
#include "vinfer/node/blob_path.hpp"

namespace vinfer::node {
namespace {

using wire::json;

// Connections served at once (each holds a thread while open).
constexpr size_t kThreads = 16;
// How long an idle connection stays open.
constexpr time_t kKeepAliveSeconds = 2;
// A 64 MiB blob on a slow link: the default 5 s would cut it off.
constexpr time_t kBodySeconds = 60;

constexpr const char* kRoutes = "blobs are GET, HEAD and PUT /v1/blobs/<64 hex digits>";

void send_error(httplib::Response& res, int status, const Error& e) {
  res.status = status;
  res.set_content(wire::dump({{"error", wire::to_json(e)}}), "application/json");
}

// The HTTP status of a store's refusal of a PUT (blob_store.hpp).
int put_status(const Error& e) {
  switch (e.code) {
    case Errc::mismatch:
      return 400;  // the bytes are not the blob the path names
    case Errc::limit:
      return 413;
    default:
      return 500;  // the disk
  }
}

// ... and of a GET: absent, or a copy found corrupted (now moved aside) or unreadable.
int get_status(const Error& e) {
  return e.code == Errc::invalid_argument ? 404 : 500;
}

}  // namespace

struct BlobServer::Impl {
  explicit Impl(BlobStore& s) : store(s) {}
  BlobStore& store;
  httplib::Server http;
  std::thread thread;
  uint16_t port = 0;
  std::string host;
  bool accept_puts = true;

  void get(const httplib::Request& req, httplib::Response& res) {
    auto h = parse_blob_path(req.path);
    if (!h)
      return send_error(res, 400, h.error());
    // HEAD asks only whether it is here: the index answers, without reading the file.
    if (req.method == "HEAD") {
      auto n = store.size(*h);
      if (!n)
        return send_error(res, 404, n.error());
      res.set_header("Content-Length", std::to_string(*n));
      res.set_header("X-Blob-Bytes", std::to_string(*n));
      return;
    }
    auto bytes = store.get(*h);
    if (!bytes)
      return send_error(res, get_status(bytes.error()), bytes.error());
    res.set_content(reinterpret_cast<const char*>(bytes->data()), bytes->size(),
                    "application/octet-stream");
  }

  void put(const httplib::Request& req, httplib::Response& res) {
    auto h = parse_blob_path(req.path);
    if (!h)
      return send_error(res, 400, h.error());
    if (!accept_puts)
      return send_error(res, 405,
                        fail(Errc::unsupported, blob_name(*h) + ": this node does not accept PUT"));
    const bool had = store.has(*h);
    const auto* data = reinterpret_cast<const uint8_t*>(req.body.data());
    auto stored = store.put_expecting(*h, {data, req.body.size()});
    if (!stored)
      return send_error(res, put_status(stored.error()), stored.error());
    res.status = had ? 200 : 201;
    res.set_content(
        wire::dump({{"hash", commit::to_hex(*h)}, {"bytes", static_cast<uint64_t>(req.body.size())}}),
        "application/json");
  }

  void list(httplib::Response& res) {
    json blobs = json::array();
    for (const BlobInfo& b : store.list())
      blobs.push_back({{"hash", commit::to_hex(b.hash)}, {"bytes", b.bytes}});
    res.set_content(wire::dump({{"blobs", std::move(blobs)}}), "application/json");
  }

  // What httplib answers by itself (no route, a body over the limit) gets a message.
  void error(const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty())
      return;
    const size_t limit = store.max_blob_bytes();
    std::string why;
    const std::string length = req.get_header_value("Content-Length");
    size_t n = 0;
    std::from_chars(length.data(), length.data() + length.size(), n);
    // httplib caps a form-urlencoded body (what curl --data-binary sends unless told) far
    // below the blob limit.
    if (res.status == 413 && n <= limit &&
        req.get_header_value("Content-Type") == "application/x-www-form-urlencoded")
      why = "a form-urlencoded request body is limited to " +
            std::to_string(CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH) +
            " bytes (curl --data-binary sends that type): send Content-Type: "
            "application/octet-stream";
    else if (res.status == 413)
      why = "request body over the blob limit of " + std::to_string(limit) + " bytes";
    else if (res.status == 404)
      why = "no endpoint " + req.method + " " + req.path + " (" + kRoutes + ")";
    else
      why = "HTTP " + std::to_string(res.status) + " on " + req.method + " " + req.path;
    if (res.status == 413)
      if (auto h = parse_blob_path(req.path))
        why = blob_name(*h) + ": " + why;
    const int status = res.status;
    send_error(res, status, fail(status == 413 ? Errc::limit : Errc::invalid_argument, why));
  }
};

BlobServer::BlobServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BlobServer::~BlobServer() {
  stop();
}

Result<std::unique_ptr<BlobServer>> BlobServer::start(BlobStore& store,
                                                      const BlobServerOptions& opts) {
  auto impl = std::make_unique<Impl>(store);
  Impl* m = impl.get();
  m->host = opts.host;
  m->accept_puts = opts.accept_puts;
  httplib::Server& http = m->http;
  http.set_payload_max_length(store.max_blob_bytes());
  // Not httplib's default SO_REUSEPORT: a second server on a port in use must fail to bind.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_keep_alive_timeout(kKeepAliveSeconds);
  http.set_read_timeout(kBodySeconds, 0);
  http.set_write_timeout(kBodySeconds, 0);
  http.set_tcp_nodelay(true);
  http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };

  // Any last segment, so that a malformed hash gets a 400 naming it rather than a 404.
  const std::string route = std::string(kBlobRoute) + "[^/]*";
  http.Get(route, [m](const httplib::Request& req, httplib::Response& res) { m->get(req, res); });
  http.Put(route, [m](const httplib::Request& req, httplib::Response& res) { m->put(req, res); });
  http.Get("/v1/blobs", [m](const httplib::Request&, httplib::Response& res) { m->list(res); });
  http.set_error_handler(
      [m](const httplib::Request& req, httplib::Response& res) { m->error(req, res); });
  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(std::move(ep));
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        send_error(res, 500, fail(Errc::io, req.path + ": internal error: " + what));
      });

  int port = opts.port;
  if (opts.port == 0)
    port = http.bind_to_any_port(opts.host);
  else if (!http.bind_to_port(opts.host, opts.port))
    port = -1;
  if (port <= 0)
    return fail(Errc::io,
                "blob server: cannot listen on " + opts.host + ":" + std::to_string(opts.port));
  m->port = static_cast<uint16_t>(port);
  m->thread = std::thread([m] { m->http.listen_after_bind(); });
  // stop() only reaches a server that is running: wait for the loop to start.
  for (int i = 0; !http.is_running(); ++i) {
    if (i == 5000) {
      http.stop();
      m->thread.join();
      return fail(Errc::io,
                  "blob server: the listener on port " + std::to_string(port) + " did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<BlobServer>(new BlobServer(std::move(impl)));
}

uint16_t BlobServer::port() const {
  return impl_->port;
}

std::string BlobServer::url() const {
  return "http://" + impl_->host + ":" + std::to_string(impl_->port);
}

void BlobServer::stop() {
  if (!impl_ || !impl_->thread.joinable())
    return;
  impl_->http.stop();
  impl_->thread.join();
}

}  // namespace vinfer::node
