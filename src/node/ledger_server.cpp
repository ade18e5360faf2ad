// The ledger's HTTP server (ledger_server.hpp, docs/ledger-http.md): one table of
// transactions and one of queries, each entry reading its arguments, then calling the
// ledger once under the lock.
#include "vinfer/node/ledger_server.hpp"

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "node/ledger_wire.hpp"
#include "vinfer/dispute/move_codec.hpp"
#include "vinfer/ledger/codec.hpp"

namespace vinfer::node {
namespace {

using ledger::Address;
using ledger::Amount;
using ledger::Hash;
using wire::Fields;
using wire::json;

// One request: its arguments in, and either a reply or the reason it was not run.
struct Call {
  ledger::Ledger& l;
  Fields& in;
  std::optional<Error> bad_request;  // 400: never reached the ledger
  std::optional<Error> refused;      // 422: the ledger's error
  json value;

  // After the arguments are read: false (and the request is refused) if one was wrong.
  bool ready() {
    if (Status s = in.finish(); !s) {
      bad_request = s.error();
      return false;
    }
    return true;
  }
  void reply(const Status& s) {
    if (!s)
      refused = s.error();
  }
  template <class T, class F>
  void reply(const Result<T>& r, F&& to_json) {
    if (r)
      value = to_json(*r);
    else
      refused = r.error();
  }
  template <class T>
  void reply(const Result<T>& r) {
    reply(r, [](const T& v) { return json(v); });
  }
};

// Connections served at once (each holds a thread while open).
constexpr size_t kThreads = 64;
// How long an idle connection stays open; RemoteLedger reconnects after half as long
// idle, so it never sends on a connection the server is closing.
constexpr time_t kKeepAliveSeconds = 2;

using Handler = void (*)(Call&);
struct Endpoint {
  const char* name;
  Handler run;
};

json hash_json(const Hash& h) {
  return commit::to_hex(h);
}

Result<model::Job> decode_job(std::span<const uint8_t> b) {
  return model::Job::from_bytes(b);
}

// POST /tx/<name>: the ledger's transactions, argument names as in ledger.hpp.
const Endpoint kTransactions[] = {
    {"advance",
     [](Call& c) {
       const uint64_t n = c.in.u64("n");
       if (c.ready())
         c.reply(c.l.advance(n));
     }},
    {"deposit",
     [](Call& c) {
       const Address to = c.in.address("to");
       const Amount amount = c.in.u64("amount");
       if (c.ready())
         c.reply(c.l.deposit(to, amount));
     }},
    {"withdraw",
     [](Call& c) {
       const Address from = c.in.address("from");
       const Amount amount = c.in.u64("amount");
       if (c.ready())
         c.reply(c.l.withdraw(from, amount));
     }},
    {"stake",
     [](Call& c) {
       const Address from = c.in.address("from");
       const Amount amount = c.in.u64("amount");
       if (c.ready())
         c.reply(c.l.stake(from, amount));
     }},
    {"unbond",
     [](Call& c) {
       const Address from = c.in.address("from");
       const Amount amount = c.in.u64("amount");
       if (c.ready())
         c.reply(c.l.unbond(from, amount));
     }},
    {"withdraw_unbonded",
     [](Call& c) {
       const Address from = c.in.address("from");
       if (c.ready())
         c.reply(c.l.withdraw_unbonded(from));
     }},
    {"register_model",
     [](Call& c) {
       const Address owner = c.in.address("owner");
       const auto reg = c.in.object("registration", wire::read_registration);
       if (c.ready())
         c.reply(c.l.register_model(owner, reg));
     }},
    {"post_job",
     [](Call& c) {
       const Address client = c.in.address("client");
       const auto job = c.in.record<model::Job>("job", decode_job);
       const Amount payment = c.in.u64("payment");
       if (c.ready())
         c.reply(c.l.post_job(client, job, payment), hash_json);
     }},
    {"cancel_job",
     [](Call& c) {
       const Address client = c.in.address("client");
       const Hash job_id = c.in.hash("job_id");
       if (c.ready())
         c.reply(c.l.cancel_job(client, job_id));
     }},
    {"post_result",
     [](Call& c) {
       const Address worker = c.in.address("worker");
       const auto claim = c.in.record<dispute::Claim>("claim", ledger::decode_claim);
       const std::vector<Hash> peaks = c.in.hashes("last_peaks");
       if (c.ready())
         c.reply(c.l.post_result(worker, claim, peaks));
     }},
    {"challenge",
     [](Call& c) {
       const Address challenger = c.in.address("challenger");
       const Hash job_id = c.in.hash("job_id");
       if (c.ready())
         c.reply(c.l.challenge(challenger, job_id));
     }},
    {"move",
     [](Call& c) {
       const Address from = c.in.address("from");
       const uint64_t game_id = c.in.u64("game_id");
       const auto m = c.in.record<dispute::Move>("move", dispute::decode_move);
       if (c.ready())
         c.reply(c.l.move(from, game_id, m));
     }},
    {"resolve_timeout",
     [](Call& c) {
       const uint64_t game_id = c.in.u64("game_id");
       if (c.ready())
         c.reply(c.l.resolve_timeout(game_id));
     }},
    {"finalize",
     [](Call& c) {
       const Hash job_id = c.in.hash("job_id");
       if (c.ready())
         c.reply(c.l.finalize(job_id));
     }},
    {"register_key",
     [](Call& c) {
       const Address node = c.in.address("node");
       const ledger::NodeKey key = c.in.hash("key");  // 32 bytes, written as a hash is
       if (c.ready())
         c.reply(c.l.register_key(node, key));
     }},
    {"post_quorum_job",
     [](Call& c) {
       const Address client = c.in.address("client");
       const auto job = c.in.record<model::Job>("job", decode_job);
       const uint32_t n = c.in.u32("n");
       const Amount reward = c.in.u64("reward_per_node");
       if (c.ready())
         c.reply(c.l.post_quorum_job(client, job, n, reward), hash_json);
     }},
    {"quorum_commit",
     [](Call& c) {
       const Address node = c.in.address("node");
       const Hash job_id = c.in.hash("job_id");
       const Hash commitment = c.in.hash("commitment");
       if (c.ready())
         c.reply(c.l.quorum_commit(node, job_id, commitment));
     }},
    {"quorum_reveal",
     [](Call& c) {
       const Address node = c.in.address("node");
       const Hash job_id = c.in.hash("job_id");
       const Hash output_hash = c.in.hash("output_hash");
       const Hash salt = c.in.hash("salt");
       if (c.ready())
         c.reply(c.l.quorum_reveal(node, job_id, output_hash, salt));
     }},
    {"quorum_settle",
     [](Call& c) {
       const Hash job_id = c.in.hash("job_id");
       if (c.ready())
         c.reply(c.l.quorum_settle(job_id));
     }},
    {"register_auditor",
     [](Call& c) {
       const Address node = c.in.address("node");
       const Hash commitment = c.in.hash("commitment");
       if (c.ready())
         c.reply(c.l.register_auditor(node, commitment));
     }},
    {"retire_auditor",
     [](Call& c) {
       const Address node = c.in.address("node");
       if (c.ready())
         c.reply(c.l.retire_auditor(node));
     }},
    {"post_sampled_job",
     [](Call& c) {
       const Address client = c.in.address("client");
       const Hash job_id = c.in.hash("job_id");
       const Hash model_root = c.in.hash("model_root");
       const auto offer = c.in.object("offer", wire::read_offer);
       if (c.ready())
         c.reply(c.l.post_sampled_job(client, job_id, model_root, offer), hash_json);
     }},
    {"sampled_deliver",
     [](Call& c) {
       const Address client = c.in.address("client");
       const Hash job_id = c.in.hash("job_id");
       const auto envelopes = wire::read_array(c.in, "envelopes", wire::read_envelope);
       if (c.ready())
         c.reply(c.l.sampled_deliver(client, job_id, envelopes));
     }},
    {"sampled_cancel",
     [](Call& c) {
       const Address caller = c.in.address("caller");
       const Hash job_id = c.in.hash("job_id");
       if (c.ready())
         c.reply(c.l.sampled_cancel(caller, job_id));
     }},
    {"sampled_refuse",
     [](Call& c) {
       const Address worker = c.in.address("worker");
       const Hash job_id = c.in.hash("job_id");
       if (c.ready())
         c.reply(c.l.sampled_refuse(worker, job_id));
     }},
    {"sampled_commit",
     [](Call& c) {
       const Address worker = c.in.address("worker");
       const Hash job_id = c.in.hash("job_id");
       const Hash commitment = c.in.hash("commitment");
       if (c.ready())
         c.reply(c.l.sampled_commit(worker, job_id, commitment));
     }},
    {"audit_commit",
     [](Call& c) {
       const Address auditor = c.in.address("auditor");
       const Hash job_id = c.in.hash("job_id");
       const Hash commitment = c.in.hash("commitment");
       if (c.ready())
         c.reply(c.l.audit_commit(auditor, job_id, commitment));
     }},
    {"sampled_reveal",
     [](Call& c) {
       const Address worker = c.in.address("worker");
       const Hash job_id = c.in.hash("job_id");
       const Hash output_hash = c.in.hash("output_hash");
       const Hash salt = c.in.hash("salt");
       if (c.ready())
         c.reply(c.l.sampled_reveal(worker, job_id, output_hash, salt));
     }},
    {"audit_reveal",
     [](Call& c) {
       const Address auditor = c.in.address("auditor");
       const Hash job_id = c.in.hash("job_id");
       const Hash output_hash = c.in.hash("output_hash");
       const Hash salt = c.in.hash("salt");
       const Hash secret = c.in.hash("secret");
       if (c.ready())
         c.reply(c.l.audit_reveal(auditor, job_id, output_hash, salt, secret));
     }},
    {"sampled_settle",
     [](Call& c) {
       const Hash job_id = c.in.hash("job_id");
       if (c.ready())
         c.reply(c.l.sampled_settle(job_id));
     }},
    {"sampled_defend",
     [](Call& c) {
       const Address worker = c.in.address("worker");
       const auto job = c.in.record<model::Job>("job", decode_job);
       const auto claim = c.in.record<dispute::Claim>("claim", ledger::decode_claim);
       const std::vector<Hash> peaks = c.in.hashes("last_peaks");
       if (c.ready())
         c.reply(c.l.sampled_defend(worker, job, claim, peaks));
     }},
};

// GET /q/<name>?key=value: the ledger's reads.
const Endpoint kQueries[] = {
    {"params",
     [](Call& c) {
       if (c.ready())
         c.value = wire::hex(ledger::encode_params(c.l.params()));
     }},
    {"block",
     [](Call& c) {
       if (c.ready())
         c.value = c.l.block();
     }},
    {"balance",
     [](Call& c) {
       const Address who = c.in.address("who");
       if (c.ready())
         c.value = c.l.balance(who);
     }},
    {"staked",
     [](Call& c) {
       const Address who = c.in.address("who");
       if (c.ready())
         c.value = c.l.staked(who);
     }},
    {"unbonding",
     [](Call& c) {
       const Address who = c.in.address("who");
       if (c.ready())
         c.value = c.l.unbonding(who);
     }},
    {"model",
     [](Call& c) {
       const Hash root = c.in.hash("root");
       if (c.ready())
         c.reply(c.l.model(root), [](const auto& r) { return wire::to_json(r); });
     }},
    {"job",
     [](Call& c) {
       const Hash id = c.in.hash("id");
       if (c.ready())
         c.reply(c.l.job(id), [](const auto& r) { return wire::to_json(r); });
     }},
    {"game",
     [](Call& c) {
       const uint64_t id = c.in.u64("id");
       if (c.ready())
         c.reply(c.l.game(id), [](const auto& r) { return wire::to_json(r); });
     }},
    {"games_of",
     [](Call& c) {
       const Hash job_id = c.in.hash("job_id");
       if (c.ready())
         c.value = c.l.games_of(job_id);
     }},
    {"node_key",
     [](Call& c) {
       const Address node = c.in.address("node");
       if (c.ready())
         c.reply(c.l.node_key(node), hash_json);
     }},
    {"candidates",
     [](Call& c) {
       if (c.ready())
         c.value = wire::to_json_array(c.l.candidates());
     }},
    {"block_hash",
     [](Call& c) {
       const uint64_t block = c.in.u64("block");
       if (c.ready())
         c.reply(c.l.block_hash(block), hash_json);
     }},
    {"quorum_job",
     [](Call& c) {
       const Hash id = c.in.hash("id");
       if (c.ready())
         c.reply(c.l.quorum_job(id), [](const auto& r) { return wire::to_json(r); });
     }},
    {"auditors",
     [](Call& c) {
       if (c.ready())
         c.value = wire::to_json_array(c.l.auditors());
     }},
    {"sampled_job",
     [](Call& c) {
       const Hash id = c.in.hash("id");
       if (c.ready())
         c.reply(c.l.sampled_job(id), [](const ledger::SampledJobRecord& r) {
           return json(wire::hex(ledger::encode_sampled_job(r)));
         });
     }},
    {"events",
     [](Call& c) {
       const uint64_t since = c.in.u64("since");
       if (c.ready())
         c.value = wire::to_json_array(c.l.events(since));
     }},
    {"totals",
     [](Call& c) {
       if (c.ready())
         c.value = wire::to_json(c.l.totals());
     }},
};

template <size_t N>
const Endpoint* find(const Endpoint (&table)[N], const std::string& name) {
  for (const Endpoint& e : table)
    if (name == e.name)
      return &e;
  return nullptr;
}

// A query names each parameter once: which of two values would the caller mean?
Error repeated_parameter(const std::string& query, const std::string& key) {
  return fail(Errc::parse, "query " + query + ": parameter '" + key + "' twice");
}

void send_error(httplib::Response& res, int status, const Error& e) {
  res.status = status;
  res.set_content(wire::dump({{"error", wire::to_json(e)}}), "application/json");
}

}  // namespace

struct LedgerServer::Impl {
  explicit Impl(ledger::Ledger& l) : ledger(l) {}
  ledger::Ledger& ledger;
  std::mutex mu;  // one ledger call at a time
  httplib::Server http;
  std::thread thread;
  uint16_t port = 0;
  std::string host;
  size_t max_body = 0;

  // Runs `e` on `args`: 200 with {"value": ...}, 422 with the ledger's error, 400 if the
  // arguments were wrong.
  void run(const Endpoint& e, const json& args, bool from_query, httplib::Response& res) {
    Fields in(args, std::string(from_query ? "query " : "transaction ") + e.name, from_query);
    Call c{ledger, in, std::nullopt, std::nullopt, nullptr};
    {
      std::lock_guard<std::mutex> lock(mu);
      e.run(c);
    }
    if (c.bad_request)
      return send_error(res, 400, *c.bad_request);
    if (c.refused)
      return send_error(res, 422, *c.refused);
    res.set_content(wire::dump({{"value", std::move(c.value)}}), "application/json");
  }
};

LedgerServer::LedgerServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LedgerServer::~LedgerServer() {
  stop();
}

Result<std::unique_ptr<LedgerServer>> LedgerServer::start(ledger::Ledger& ledger,
                                                          const LedgerServerOptions& opts) {
  auto impl = std::make_unique<Impl>(ledger);
  Impl* m = impl.get();
  m->host = opts.host;
  m->max_body = opts.max_body_bytes;
  httplib::Server& http = m->http;
  http.set_payload_max_length(opts.max_body_bytes);
  // httplib's default also sets SO_REUSEPORT, with which a second server on a port in use
  // binds too and the kernel splits the clients between two ledgers. Not that.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // A node keeps one connection for its whole life; httplib's default closes it after 5
  // requests. An idle connection holds a worker thread until its keep-alive timeout (and
  // stop() waits for it), hence a short timeout and more threads than httplib's 8: a
  // client whose connection was closed simply opens a new one.
  http.set_keep_alive_max_count(std::numeric_limits<int>::max());
  http.set_keep_alive_timeout(kKeepAliveSeconds);
  http.set_tcp_nodelay(true);  // else Nagle and delayed ACKs add 40 ms to every reply
  http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };

  http.Post(R"(/tx/([^/]+))", [m](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    const Endpoint* e = find(kTransactions, name);
    if (!e)
      return send_error(res, 404,
                        fail(Errc::invalid_argument, "unknown transaction '" + name + "'"));
    json args;
    try {
      args = json::parse(req.body);
    } catch (const json::parse_error& err) {
      return send_error(
          res, 400,
          fail(Errc::parse, "transaction " + name + ": the body is not JSON (" + err.what() + ")"));
    }
    m->run(*e, args, false, res);
  });
  http.Get(R"(/q/([^/]+))", [m](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    const Endpoint* e = find(kQueries, name);
    if (!e)
      return send_error(res, 404, fail(Errc::invalid_argument, "unknown query '" + name + "'"));
    json args = json::object();
    for (const auto& [k, v] : req.params) {
      if (args.contains(k))
        return send_error(res, 400, repeated_parameter(name, k));
      args[k] = v;
    }
    m->run(*e, args, true, res);
  });
  // Whatever httplib answers by itself (no route, a body over the limit) gets a message.
  http.set_error_handler([m](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty())
      return;
    std::string why;
    // httplib caps a form-urlencoded body (what curl -d sends) far below max_body.
    const std::string length = req.get_header_value("Content-Length");
    size_t n = 0;
    std::from_chars(length.data(), length.data() + length.size(), n);
    if (res.status == 413 && n <= m->max_body &&
        req.get_header_value("Content-Type") == "application/x-www-form-urlencoded")
      why = "a form-urlencoded request body is limited to " +
            std::to_string(CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH) +
            " bytes (curl -d sends that type): send Content-Type: application/json";
    else if (res.status == 413)
      why = "request body over the limit of " + std::to_string(m->max_body) + " bytes";
    else if (res.status == 404)
      why = "no endpoint " + req.method + " " + req.path +
            " (transactions are POST /tx/<name>, queries GET /q/<name>)";
    else
      why = "HTTP " + std::to_string(res.status) + " on " + req.method + " " + req.path;
    const int status = res.status;
    send_error(res, status, fail(status == 413 ? Errc::limit : Errc::invalid_argument, why));
  });
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
                "ledger server: cannot listen on " + opts.host + ":" + std::to_string(opts.port));
  m->port = static_cast<uint16_t>(port);
  m->thread = std::thread([m] { m->http.listen_after_bind(); });
  // stop() only reaches a server that is running: wait for the loop to start.
  for (int i = 0; !http.is_running(); ++i) {
    if (i == 5000) {
      http.stop();
      m->thread.join();
      return fail(Errc::io,
                  "ledger server: the listener on port " + std::to_string(port) + " did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<LedgerServer>(new LedgerServer(std::move(impl)));
}

Status LedgerServer::with_ledger(const std::function<Status(ledger::Ledger&)>& f) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return f(impl_->ledger);
}

uint16_t LedgerServer::port() const {
  return impl_->port;
}

std::string LedgerServer::url() const {
  return "http://" + impl_->host + ":" + std::to_string(impl_->port);
}

void LedgerServer::stop() {
  if (!impl_ || !impl_->thread.joinable())
    return;
  impl_->http.stop();
  impl_->thread.join();
}

}  // namespace vinfer::node
