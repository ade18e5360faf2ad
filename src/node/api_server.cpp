// The node's OpenAI-style API (api_server.hpp, docs/api.md) on cpp-httplib, set up as the
// blob and ledger servers are: no SO_REUSEPORT, a bounded thread pool, JSON errors, here in
// OpenAI's shape {"error": {"message", "type", "param", "code"}}.
#include "vinfer/node/api_server.hpp"

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "vinfer/ledger/address.hpp"

namespace vinfer::node {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;

// Connections served at once; a request waiting for its certificate holds one.
constexpr size_t kThreads = 32;
constexpr time_t kKeepAliveSeconds = 5;
// Finished jobs kept for GET /v1/jobs/<id>.
constexpr size_t kKeptFinished = 1024;

constexpr const char* kRoutes =
    "POST /v1/completions, POST /v1/chat/completions, GET /v1/models, GET /v1/jobs/<job id>, "
    "GET /metrics";

const char* error_type(int status) {
  switch (status) {
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 501:
      return "not_implemented";
    case 502:
    case 503:
      return "server_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

void send_error(httplib::Response& res, int status, const std::string& message,
                json extra = json::object()) {
  res.status = status;
  json j = {{"error",
             {{"message", message}, {"type", error_type(status)}, {"param", nullptr}, {"code", status}}}};
  for (auto& [k, v] : extra.items())
    j[k] = v;
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

// One job the API accepted.
struct Entry {
  ApiWork w;
  bool chat = false;
  uint64_t posted_block = 0;
  std::optional<Certificate> cert;
  std::string text;
  int http_status = 0;
  std::string error;
  int64_t created = 0;  // unix seconds
  bool finished() const { return w.state == ApiJobState::settled || w.state == ApiJobState::failed; }
};

// A label value for Prometheus text: quotes, backslashes and newlines escaped.
std::string label(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\')
      o += '\\';
    o += c == '\n' ? 'n' : c;
  }
  return o;
}

}  // namespace

const char* api_job_state_name(ApiJobState s) {
  switch (s) {
    case ApiJobState::queued:
      return "queued";
    case ApiJobState::posted:
      return "posted";
    case ApiJobState::settled:
      return "settled";
    case ApiJobState::failed:
      return "failed";
  }
  return "?";
}

struct ApiServer::Impl {
  Impl(const roles::LocalModel& m, std::string name, ApiOptions o)
      : model(m), model_name(std::move(name)), opts(std::move(o)) {}
  const roles::LocalModel& model;
  std::string model_name;
  ApiOptions opts;
  httplib::Server http;
  std::thread thread;
  uint16_t port = 0;

  mutable std::mutex mu;
  std::condition_variable changed;
  bool stopping = false;
  std::map<ledger::Hash, Entry> jobs;
  std::deque<ledger::Hash> order;  // acceptance order, for work() and eviction
  size_t unfinished = 0;
  uint64_t block = 0;
  std::string ledger_url;
  // Metrics.
  std::map<std::pair<std::string, int>, uint64_t> requests;  // (route, status) -> count
  std::map<std::string, std::pair<double, uint64_t>> seconds;  // route -> (sum, count)
  uint64_t settled_total = 0, failed_total = 0, rejected_full = 0;
  std::mt19937_64 seeds{std::random_device{}()};

  std::string root_hex() const { return commit::to_hex(model.c.root); }

  void count(const std::string& route, int status, clock_type::time_point t0) {
    const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
    std::lock_guard<std::mutex> lk(mu);
    ++requests[{route, status}];
    auto& [sum, n] = seconds[route];
    sum += s;
    ++n;
  }

  // The `verification` object of a response (mu held).
  json verification(const Entry& e) const {
    json v = {{"mode", e.w.mode.text()},
              {"job_id", commit::to_hex(e.w.id)},
              {"model_root", root_hex()},
              {"status", e.w.state == ApiJobState::queued || e.w.state == ApiJobState::posted
                             ? "pending"
                             : api_job_state_name(e.w.state)},
              {"state", api_job_state_name(e.w.state)}};
    if (e.posted_block)
      v["posted_block"] = e.posted_block;
    if (e.cert)
      v["certificate"] = json::parse(certificate_json(*e.cert));
    if (!e.error.empty())
      v["error"] = e.error;
    return v;
  }

  json completion(const Entry& e) const {
    const std::string id = commit::to_hex(e.w.id).substr(0, 24);
    json choice = {{"index", 0}, {"finish_reason", "length"}};
    if (e.chat)
      choice["message"] = {{"role", "assistant"}, {"content", e.text}};
    else
      choice["text"] = e.text, choice["logprobs"] = nullptr;
    const size_t prompt = e.w.job.tokens.size(), out = e.cert ? e.cert->tokens.size() : 0;
    return {{"id", (e.chat ? "chatcmpl-" : "cmpl-") + id},
            {"object", e.chat ? "chat.completion" : "text_completion"},
            {"created", e.created},
            {"model", model_name},
            {"choices", json::array({choice})},
            {"usage",
             {{"prompt_tokens", prompt}, {"completion_tokens", out}, {"total_tokens", prompt + out}}},
            {"verification", verification(e)}};
  }

  void complete(const httplib::Request& req, httplib::Response& res, bool chat) {
    auto req_or = parse_completion_request(req.body, chat);
    if (!req_or)
      return send_error(res, 400, req_or.error().message);
    CompletionRequest& r = *req_or;
    if (r.model && *r.model != model_name && *r.model != root_hex() &&
        *r.model != "0x" + root_hex())
      return send_error(res, 404,
                        "model '" + r.model->substr(0, 80) + "' is not served here: this node serves " +
                            model_name + " (root " + root_hex() + ")");
    if (r.mode.mode != VerifyMode::quorum)
      return send_error(res, 501,
                        "mode " + r.mode.text() +
                            " is not served by this API yet: ask for quorum:N (the modes are "
                            "all run by `vinfer demo`)");
    if (r.reward > UINT64_MAX / r.mode.n)
      return send_error(res, 400, "'verification.reward' × n overflows");

    model::Job job;
    job.model_root = model.c.root;
    job.tokens = model.m.tokenizer.encode(r.prompt);
    job.max_tokens = r.max_tokens;
    job.temperature_q16 = r.temperature_q16;
    job.top_p_q16 = r.top_p_q16;
    {
      std::lock_guard<std::mutex> lk(mu);
      job.seed = r.seed ? *r.seed : seeds();
    }
    if (auto v = model::validate(job, model.m.cfg); !v)
      return send_error(res, 400, "the job does not fit the model: " + v.error().message);
    const ledger::Hash id = job.id();

    std::unique_lock<std::mutex> lk(mu);
    if (stopping)
      return send_error(res, 503, "the node is stopping");
    auto it = jobs.find(id);
    if (it == jobs.end()) {
      if (unfinished >= opts.queue) {
        ++rejected_full;
        res.set_header("Retry-After", "1");
        return send_error(res, 429,
                          "the queue is full (" + std::to_string(unfinished) +
                              " jobs unfinished, the limit is " + std::to_string(opts.queue) +
                              "): retry later");
      }
      Entry e;
      e.w.id = id;
      e.w.job = job;
      e.w.mode = r.mode;
      e.w.reward = r.reward;
      e.chat = chat;
      e.created = static_cast<int64_t>(std::time(nullptr));
      it = jobs.emplace(id, std::move(e)).first;
      order.push_back(id);
      ++unfinished;
    }
    // An identical request (same seed) joins the job already accepted.
    const auto deadline = clock_type::now() + std::chrono::seconds(r.wait_s);
    changed.wait_until(lk, deadline, [&] { return stopping || jobs.at(id).finished(); });
    const Entry& e = jobs.at(id);
    if (e.w.state == ApiJobState::settled) {
      Entry shown = e;
      shown.chat = chat;
      res.set_content(completion(shown).dump(-1, ' ', false, json::error_handler_t::replace),
                      "application/json");
      return;
    }
    if (e.w.state == ApiJobState::failed)
      return send_error(res, e.http_status, e.error, {{"verification", verification(e)}});
    res.status = 202;
    res.set_header("Location", "/v1/jobs/" + commit::to_hex(id));
    json j = {{"id", (chat ? "chatcmpl-" : "cmpl-") + commit::to_hex(id).substr(0, 24)},
              {"object", chat ? "chat.completion" : "text_completion"},
              {"created", e.created},
              {"model", model_name},
              {"choices", json::array()},
              {"verification", verification(e)}};
    res.set_content(j.dump(), "application/json");
  }

  void job(const httplib::Request& req, httplib::Response& res) {
    const std::string hex = req.matches.size() > 1 ? std::string(req.matches[1]) : "";
    auto h = commit::hash_from_hex(hex);
    if (!h)
      return send_error(res, 400, "job id '" + hex.substr(0, 80) + "': " + h.error().message);
    std::lock_guard<std::mutex> lk(mu);
    auto it = jobs.find(*h);
    if (it == jobs.end())
      return send_error(res, 404, "job " + commit::to_hex(*h) + " was not accepted by this node's API "
                                  "(or is older than the last " + std::to_string(kKeptFinished) +
                                  " finished jobs)");
    json j = {{"job_id", commit::to_hex(*h)},
              {"state", api_job_state_name(it->second.w.state)},
              {"verification", verification(it->second)}};
    if (it->second.w.state == ApiJobState::settled)
      j["text"] = it->second.text;
    res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  }

  void models(httplib::Response& res) const {
    json m = {{"id", model_name},
              {"object", "model"},
              {"created", 0},
              {"owned_by", "vinfer"},
              {"model_root", root_hex()},
              {"vocab_size", model.m.cfg.vocab_size},
              {"context_length", model.m.cfg.seq_len}};
    res.set_content(json({{"object", "list"}, {"data", json::array({m})}}).dump(),
                    "application/json");
  }

  void metrics(httplib::Response& res) const {
    std::lock_guard<std::mutex> lk(mu);
    std::string o;
    o += "# HELP vinfer_api_requests_total API requests answered, by route and HTTP status.\n";
    o += "# TYPE vinfer_api_requests_total counter\n";
    for (const auto& [k, n] : requests)
      o += "vinfer_api_requests_total{route=\"" + label(k.first) + "\",code=\"" +
           std::to_string(k.second) + "\"} " + std::to_string(n) + "\n";
    o += "# HELP vinfer_api_request_seconds Time from request to answer, by route.\n";
    o += "# TYPE vinfer_api_request_seconds summary\n";
    for (const auto& [route, sn] : seconds) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6f", sn.first);
      o += "vinfer_api_request_seconds_sum{route=\"" + label(route) + "\"} " + buf + "\n";
      o += "vinfer_api_request_seconds_count{route=\"" + label(route) + "\"} " +
           std::to_string(sn.second) + "\n";
    }
    o += "# HELP vinfer_api_queue_jobs Jobs accepted and not finished.\n";
    o += "# TYPE vinfer_api_queue_jobs gauge\n";
    o += "vinfer_api_queue_jobs " + std::to_string(unfinished) + "\n";
    o += "# HELP vinfer_api_queue_capacity Unfinished jobs at most; more are answered 429.\n";
    o += "# TYPE vinfer_api_queue_capacity gauge\n";
    o += "vinfer_api_queue_capacity " + std::to_string(opts.queue) + "\n";
    o += "# HELP vinfer_api_jobs_total Jobs finished, by outcome.\n";
    o += "# TYPE vinfer_api_jobs_total counter\n";
    o += "vinfer_api_jobs_total{state=\"settled\"} " + std::to_string(settled_total) + "\n";
    o += "vinfer_api_jobs_total{state=\"failed\"} " + std::to_string(failed_total) + "\n";
    o += "# HELP vinfer_api_rejected_total Requests answered 429 because the queue was full.\n";
    o += "# TYPE vinfer_api_rejected_total counter\n";
    o += "vinfer_api_rejected_total " + std::to_string(rejected_full) + "\n";
    o += "# HELP vinfer_ledger_block The ledger's block as the node last read it.\n";
    o += "# TYPE vinfer_ledger_block gauge\n";
    o += "vinfer_ledger_block " + std::to_string(block) + "\n";
    res.set_content(o, "text/plain; version=0.0.4");
  }

  void error(const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty())
      return;
    if (res.status == 413)
      return send_error(res, 413, "request body over the limit of " +
                                      std::to_string(opts.max_body_bytes) + " bytes");
    if (res.status == 404)
      return send_error(res, 404, "no endpoint " + req.method + " " + req.path.substr(0, 200) +
                                      " (" + kRoutes + ")");
    const int status = res.status;
    send_error(res, status, "HTTP " + std::to_string(status) + " on " + req.method + " " +
                                req.path.substr(0, 200));
  }

  // Removes the oldest finished entries past kKeptFinished (mu held).
  void evict() {
    size_t finished = jobs.size() - unfinished;
    for (auto it = order.begin(); finished > kKeptFinished && it != order.end();) {
      auto j = jobs.find(*it);
      if (j != jobs.end() && j->second.finished()) {
        jobs.erase(j);
        it = order.erase(it);
        --finished;
      } else {
        ++it;
      }
    }
  }

  void finish(const ledger::Hash& id, const std::function<void(Entry&)>& f) {
    {
      std::lock_guard<std::mutex> lk(mu);
      auto it = jobs.find(id);
      if (it == jobs.end() || it->second.finished())
        return;
      f(it->second);
      if (it->second.finished()) {
        --unfinished;
        (it->second.w.state == ApiJobState::settled ? settled_total : failed_total)++;
        evict();
      }
    }
    changed.notify_all();
  }
};

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiServer::~ApiServer() {
  stop();
}

Result<std::unique_ptr<ApiServer>> ApiServer::start(const roles::LocalModel& model,
                                                    std::string model_name,
                                                    const ApiOptions& opts) {
  if (opts.queue == 0)
    return fail(Errc::invalid_argument, "api server: a queue of 0 jobs would refuse everything");
  auto impl = std::make_unique<Impl>(model, std::move(model_name), opts);
  Impl* m = impl.get();
  httplib::Server& http = m->http;
  http.set_payload_max_length(opts.max_body_bytes);
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_keep_alive_timeout(kKeepAliveSeconds);
  http.set_tcp_nodelay(true);
  http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };

  const auto timed = [m](const char* route, auto body) {
    return [m, route, body](const httplib::Request& req, httplib::Response& res) {
      const auto t0 = clock_type::now();
      body(req, res);
      m->count(route, res.status == -1 ? 200 : res.status, t0);
    };
  };
  const auto wrong_method = [](const char* allowed) {
    return [allowed](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allowed);
      send_error(res, 405, req.method + " " + req.path + " is not served: use " + allowed);
    };
  };
  http.Post("/v1/completions", timed("/v1/completions", [m](const auto& q, auto& s) {
              m->complete(q, s, false);
            }));
  http.Post("/v1/chat/completions", timed("/v1/chat/completions", [m](const auto& q, auto& s) {
              m->complete(q, s, true);
            }));
  http.Get("/v1/completions", wrong_method("POST"));
  http.Get("/v1/chat/completions", wrong_method("POST"));
  http.Get("/v1/models",
           timed("/v1/models", [m](const auto&, auto& s) { m->models(s); }));
  http.Get("/v1/jobs/([^/]*)", timed("/v1/jobs", [m](const auto& q, auto& s) { m->job(q, s); }));
  http.Get("/metrics", [m](const httplib::Request&, httplib::Response& res) { m->metrics(res); });
  http.Post("/v1/models", wrong_method("GET"));
  http.Post("/metrics", wrong_method("GET"));
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
        send_error(res, 500, req.path.substr(0, 200) + ": internal error: " + what);
      });

  int port = opts.port;
  if (opts.port == 0)
    port = http.bind_to_any_port(opts.host);
  else if (!http.bind_to_port(opts.host, opts.port))
    port = -1;
  if (port <= 0)
    return fail(Errc::io,
                "api server: cannot listen on " + opts.host + ":" + std::to_string(opts.port));
  m->port = static_cast<uint16_t>(port);
  m->thread = std::thread([m] { m->http.listen_after_bind(); });
  for (int i = 0; !http.is_running(); ++i) {
    if (i == 5000) {
      http.stop();
      m->thread.join();
      return fail(Errc::io, "api server: the listener on port " + std::to_string(port) +
                                " did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

uint16_t ApiServer::port() const {
  return impl_->port;
}
std::string ApiServer::url() const {
  return "http://" + impl_->opts.host + ":" + std::to_string(impl_->port);
}

void ApiServer::stop() {
  if (!impl_ || !impl_->thread.joinable())
    return;
  {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->stopping = true;
  }
  impl_->changed.notify_all();
  impl_->http.stop();
  impl_->thread.join();
}

std::vector<ApiWork> ApiServer::work() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  std::vector<ApiWork> out;
  for (const ledger::Hash& id : impl_->order) {
    auto it = impl_->jobs.find(id);
    if (it != impl_->jobs.end() && !it->second.finished())
      out.push_back(it->second.w);
  }
  return out;
}

void ApiServer::posted(const ledger::Hash& id, uint64_t block) {
  std::lock_guard<std::mutex> lk(impl_->mu);
  auto it = impl_->jobs.find(id);
  if (it != impl_->jobs.end() && it->second.w.state == ApiJobState::queued) {
    it->second.w.state = ApiJobState::posted;
    it->second.posted_block = block;
  }
}

void ApiServer::settled(const ledger::Hash& id, Certificate cert, std::string text) {
  impl_->finish(id, [&](Entry& e) {
    cert.ledger = impl_->ledger_url;
    e.cert = std::move(cert);
    e.text = std::move(text);
    e.w.state = ApiJobState::settled;
  });
}

void ApiServer::failed(const ledger::Hash& id, int http_status, std::string why) {
  impl_->finish(id, [&](Entry& e) {
    e.http_status = http_status;
    e.error = std::move(why);
    e.w.state = ApiJobState::failed;
  });
}

void ApiServer::set_ledger(uint64_t block, const std::string& url) {
  std::lock_guard<std::mutex> lk(impl_->mu);
  impl_->block = block;
  impl_->ledger_url = url;
}

}  // namespace vinfer::node
