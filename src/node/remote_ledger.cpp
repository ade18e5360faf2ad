// RemoteLedger (remote_ledger.hpp): each call is one request of docs/ledger-http.md.
#include "vinfer/node/remote_ledger.hpp"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "node/ledger_wire.hpp"
#include "vinfer/dispute/move_codec.hpp"
#include "vinfer/ledger/codec.hpp"

namespace vinfer::node {

using ledger::Address;
using ledger::Amount;
using ledger::Hash;
using wire::Fields;
using wire::json;

namespace {

std::string addr(const Address& a) {
  return ledger::to_hex(a);
}
std::string hx(const Hash& h) {
  return commit::to_hex(h);
}
json hashes(std::span<const Hash> hs) {
  json a = json::array();
  for (const Hash& h : hs)
    a.push_back(commit::to_hex(h));
  return a;
}

// A read whose signature has no room for an error.
template <class T>
T must(Result<T> r, const char* call) {
  if (!r) {
    std::fprintf(stderr, "vinfer: RemoteLedger::%s failed and cannot return an error: %s\n", call,
                 r.error().to_string().c_str());
    std::abort();
  }
  return std::move(r).value();
}

}  // namespace

struct RemoteLedger::Impl {
  explicit Impl(const std::string& u) : url(u), http(u) {
    http.set_keep_alive(true);
    http.set_tcp_nodelay(true);     // one small request, one small reply: no Nagle delay
    http.set_read_timeout(120, 0);  // a refereed move recomputes one step
    http.set_write_timeout(120, 0);
  }

  std::string url;
  mutable std::mutex mu;  // httplib::Client is one connection: one request at a time
  mutable httplib::Client http;
  mutable std::chrono::steady_clock::time_point last_use{};
  ledger::Params params;

  // The server closes a connection idle for 2 s (ledger_server.cpp); one idle for 1 s is
  // closed here first, so that no request races that close (it would fail, and a
  // transaction cannot be retried blindly). Called under `mu`.
  void fresh_connection() const {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_use > std::chrono::seconds(1))
      http.stop();
    last_use = now;
  }

  Error broken(const std::string& call, const std::string& why) const {
    return fail(Errc::io, "ledger server " + url + ": " + call + ": " + why);
  }

  // The value of a reply, or the ledger's error (422), or what went wrong on the way.
  Result<json> reply(const std::string& call, const httplib::Result& r) const {
    if (!r)
      return broken(call, httplib::to_string(r.error()));
    json body;
    try {
      body = json::parse(r->body);
    } catch (const json::parse_error& e) {
      return broken(call,
                    "HTTP " + std::to_string(r->status) + ", reply is not JSON (" + e.what() + ")");
    }
    if (r->status == 200 && body.is_object() && body.contains("value"))
      return std::move(body["value"]);
    if (!body.is_object() || !body.contains("error"))
      return broken(call, "HTTP " + std::to_string(r->status) +
                              " without an error: " + wire::dump(body).substr(0, 200));
    auto e = wire::read_error(body["error"]);
    if (!e)
      return broken(call, "HTTP " + std::to_string(r->status) + ": " + e.error().message);
    if (r->status == 422)  // the ledger's own verdict, passed on unchanged
      return e->error;
    return broken(call, "HTTP " + std::to_string(r->status) + ": " + e->error.to_string());
  }

  Result<json> tx(const char* name, const json& args) const {
    const std::string path = std::string("/tx/") + name;
    std::lock_guard<std::mutex> lock(mu);
    fresh_connection();
    auto r = http.Post(path, wire::dump(args), "application/json");
    last_use = std::chrono::steady_clock::now();
    return reply("POST " + path, r);
  }

  // `query` is "k=v&..." of hex and decimal values (nothing to escape).
  Result<json> get(const char* name, const std::string& query = "") const {
    const std::string path = std::string("/q/") + name + (query.empty() ? "" : "?" + query);
    std::lock_guard<std::mutex> lock(mu);
    fresh_connection();
    auto r = http.Get(path);
    last_use = std::chrono::steady_clock::now();
    return reply("GET " + path, r);
  }

  Status status(const Result<json>& r) const {
    if (!r)
      return r.error();
    return ok_status();
  }

  // A reply's value read as an object with `read(Fields&)`.
  template <class Read>
  auto object(const char* call, const Result<json>& r, Read&& read) const
      -> Result<decltype(read(std::declval<Fields&>()))> {
    if (!r)
      return r.error();
    Fields f(*r, "reply to " + std::string(call));
    auto v = read(f);
    if (Status s = f.finish(); !s)
      return broken(call, s.error().message);
    return v;
  }

  template <class Read>
  auto array(const char* call, const Result<json>& r, Read&& read) const
      -> Result<std::vector<decltype(read(std::declval<Fields&>()))>> {
    if (!r)
      return r.error();
    const json wrapped = {{"items", *r}};
    Fields f(wrapped, "reply to " + std::string(call));
    auto v = wire::read_array(f, "items", read);
    if (Status s = f.finish(); !s)
      return broken(call, s.error().message);
    return v;
  }

  Result<uint64_t> u64(const char* call, const Result<json>& r) const {
    if (!r)
      return r.error();
    if (!r->is_number_unsigned())
      return broken(call, std::string("expected an unsigned integer, got ") + r->type_name());
    return r->get<uint64_t>();
  }

  Result<Hash> hash(const char* call, const Result<json>& r) const {
    if (!r)
      return r.error();
    if (!r->is_string())
      return broken(call, std::string("expected a hex hash, got ") + r->type_name());
    auto h = commit::hash_from_hex(r->get_ref<const std::string&>());
    if (!h)
      return broken(call, h.error().message);
    return *h;
  }

  // A hex value through a codec.
  template <class T, class Decode>
  Result<T> record(const char* call, const Result<json>& r, Decode&& decode) const {
    if (!r)
      return r.error();
    const json wrapped = {{"value", *r}};
    Fields f(wrapped, "reply to " + std::string(call));
    T v = f.record<T>("value", decode);
    if (Status s = f.finish(); !s)
      return broken(call, s.error().message);
    return v;
  }
};

RemoteLedger::RemoteLedger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RemoteLedger::~RemoteLedger() = default;

Result<std::unique_ptr<RemoteLedger>> RemoteLedger::connect(const std::string& url) {
  // httplib throws on a scheme it does not know; only plain http is served (loopback).
  if (url.rfind("http://", 0) != 0)
    return fail(Errc::invalid_argument, "ledger server: '" + url + "' is not an http:// URL");
  auto impl = std::make_unique<Impl>(url);
  if (!impl->http.is_valid())
    return fail(Errc::invalid_argument, "ledger server: '" + url + "' is not an http:// URL");
  VINFER_TRY(impl->params,
             impl->record<ledger::Params>("params", impl->get("params"), ledger::decode_params));
  return std::unique_ptr<RemoteLedger>(new RemoteLedger(std::move(impl)));
}

const std::string& RemoteLedger::url() const {
  return impl_->url;
}

const ledger::Params& RemoteLedger::params() const {
  return impl_->params;
}

// ---- time ----

uint64_t RemoteLedger::block() const {
  return must(impl_->u64("block", impl_->get("block")), "block");
}

Status RemoteLedger::advance(uint64_t n) {
  return impl_->status(impl_->tx("advance", {{"n", n}}));
}

// ---- money ----

Status RemoteLedger::deposit(const Address& to, Amount amount) {
  return impl_->status(impl_->tx("deposit", {{"to", addr(to)}, {"amount", amount}}));
}

Status RemoteLedger::withdraw(const Address& from, Amount amount) {
  return impl_->status(impl_->tx("withdraw", {{"from", addr(from)}, {"amount", amount}}));
}

Amount RemoteLedger::balance(const Address& a) const {
  return must(impl_->u64("balance", impl_->get("balance", "who=" + addr(a))), "balance");
}

// ---- staking ----

Status RemoteLedger::stake(const Address& from, Amount amount) {
  return impl_->status(impl_->tx("stake", {{"from", addr(from)}, {"amount", amount}}));
}

Status RemoteLedger::unbond(const Address& from, Amount amount) {
  return impl_->status(impl_->tx("unbond", {{"from", addr(from)}, {"amount", amount}}));
}

Result<Amount> RemoteLedger::withdraw_unbonded(const Address& from) {
  return impl_->u64("withdraw_unbonded", impl_->tx("withdraw_unbonded", {{"from", addr(from)}}));
}

Amount RemoteLedger::staked(const Address& a) const {
  return must(impl_->u64("staked", impl_->get("staked", "who=" + addr(a))), "staked");
}

Amount RemoteLedger::unbonding(const Address& a) const {
  return must(impl_->u64("unbonding", impl_->get("unbonding", "who=" + addr(a))), "unbonding");
}

// ---- model registry ----

Status RemoteLedger::register_model(const Address& owner, const ledger::ModelRegistration& reg) {
  return impl_->status(
      impl_->tx("register_model", {{"owner", addr(owner)}, {"registration", wire::to_json(reg)}}));
}

Result<ledger::ModelRecord> RemoteLedger::model(const Hash& root) const {
  return impl_->object("model", impl_->get("model", "root=" + hx(root)), wire::read_model);
}

// ---- jobs ----

Result<Hash> RemoteLedger::post_job(const Address& client, const model::Job& job, Amount payment) {
  return impl_->hash("post_job", impl_->tx("post_job", {{"client", addr(client)},
                                                        {"job", wire::hex(job.canonical_bytes())},
                                                        {"payment", payment}}));
}

Status RemoteLedger::cancel_job(const Address& client, const Hash& job_id) {
  return impl_->status(impl_->tx("cancel_job", {{"client", addr(client)}, {"job_id", hx(job_id)}}));
}

Result<ledger::JobRecord> RemoteLedger::job(const Hash& id) const {
  return impl_->object("job", impl_->get("job", "id=" + hx(id)), wire::read_job);
}

// ---- optimistic mode ----

Status RemoteLedger::post_result(const Address& worker,
                                 const dispute::Claim& claim,
                                 std::span<const Hash> last_peaks) {
  return impl_->status(impl_->tx("post_result", {{"worker", addr(worker)},
                                                 {"claim", wire::hex(ledger::encode_claim(claim))},
                                                 {"last_peaks", hashes(last_peaks)}}));
}

Result<uint64_t> RemoteLedger::challenge(const Address& challenger, const Hash& job_id) {
  return impl_->u64("challenge", impl_->tx("challenge", {{"challenger", addr(challenger)},
                                                         {"job_id", hx(job_id)}}));
}

Status RemoteLedger::move(const Address& from, uint64_t game_id, const dispute::Move& m) {
  return impl_->status(impl_->tx(
      "move",
      {{"from", addr(from)}, {"game_id", game_id}, {"move", wire::hex(dispute::encode_move(m))}}));
}

Status RemoteLedger::resolve_timeout(uint64_t game_id) {
  return impl_->status(impl_->tx("resolve_timeout", {{"game_id", game_id}}));
}

Status RemoteLedger::finalize(const Hash& job_id) {
  return impl_->status(impl_->tx("finalize", {{"job_id", hx(job_id)}}));
}

Result<ledger::GameRecord> RemoteLedger::game(uint64_t id) const {
  return impl_->object("game", impl_->get("game", "id=" + std::to_string(id)), wire::read_game);
}

std::vector<uint64_t> RemoteLedger::games_of(const Hash& job_id) const {
  auto r = impl_->get("games_of", "job_id=" + hx(job_id));
  Result<std::vector<uint64_t>> ids = [&]() -> Result<std::vector<uint64_t>> {
    if (!r)
      return r.error();
    std::vector<uint64_t> out;
    if (!r->is_array())
      return impl_->broken("games_of", "expected an array of game ids");
    for (const json& v : *r) {
      if (!v.is_number_unsigned())
        return impl_->broken("games_of", "expected an array of game ids");
      out.push_back(v.get<uint64_t>());
    }
    return out;
  }();
  return must(std::move(ids), "games_of");
}

// ---- node keys ----

Status RemoteLedger::register_key(const Address& node, const ledger::NodeKey& x25519_pk) {
  return impl_->status(
      impl_->tx("register_key", {{"node", addr(node)}, {"key", commit::to_hex(x25519_pk)}}));
}

Result<ledger::NodeKey> RemoteLedger::node_key(const Address& node) const {
  return impl_->hash("node_key", impl_->get("node_key", "node=" + addr(node)));
}

// ---- quorum mode ----

std::vector<quorum::Candidate> RemoteLedger::candidates() const {
  return must(impl_->array("candidates", impl_->get("candidates"), wire::read_candidate),
              "candidates");
}

Result<Hash> RemoteLedger::block_hash(uint64_t block) const {
  return impl_->hash("block_hash", impl_->get("block_hash", "block=" + std::to_string(block)));
}

Result<Hash> RemoteLedger::post_quorum_job(const Address& client,
                                           const model::Job& job,
                                           uint32_t n,
                                           Amount reward_per_node) {
  return impl_->hash("post_quorum_job",
                     impl_->tx("post_quorum_job", {{"client", addr(client)},
                                                   {"job", wire::hex(job.canonical_bytes())},
                                                   {"n", n},
                                                   {"reward_per_node", reward_per_node}}));
}

Result<ledger::QuorumJobRecord> RemoteLedger::quorum_job(const Hash& id) const {
  return impl_->object("quorum_job", impl_->get("quorum_job", "id=" + hx(id)),
                       wire::read_quorum_job);
}

Status RemoteLedger::quorum_commit(const Address& node,
                                   const Hash& job_id,
                                   const Hash& commitment) {
  return impl_->status(
      impl_->tx("quorum_commit",
                {{"node", addr(node)}, {"job_id", hx(job_id)}, {"commitment", hx(commitment)}}));
}

Status RemoteLedger::quorum_reveal(const Address& node,
                                   const Hash& job_id,
                                   const Hash& output_hash,
                                   const Hash& salt) {
  return impl_->status(impl_->tx("quorum_reveal", {{"node", addr(node)},
                                                   {"job_id", hx(job_id)},
                                                   {"output_hash", hx(output_hash)},
                                                   {"salt", hx(salt)}}));
}

Status RemoteLedger::quorum_settle(const Hash& job_id) {
  return impl_->status(impl_->tx("quorum_settle", {{"job_id", hx(job_id)}}));
}

// ---- sampled mode ----

Status RemoteLedger::register_auditor(const Address& node, const Hash& commitment) {
  return impl_->status(
      impl_->tx("register_auditor", {{"node", addr(node)}, {"commitment", hx(commitment)}}));
}

Status RemoteLedger::retire_auditor(const Address& node) {
  return impl_->status(impl_->tx("retire_auditor", {{"node", addr(node)}}));
}

std::vector<quorum::RegisteredAuditor> RemoteLedger::auditors() const {
  return must(impl_->array("auditors", impl_->get("auditors"), wire::read_auditor), "auditors");
}

Result<Hash> RemoteLedger::post_sampled_job(const Address& client,
                                            const Hash& job_id,
                                            const Hash& model_root,
                                            const ledger::SampledOffer& offer) {
  return impl_->hash("post_sampled_job",
                     impl_->tx("post_sampled_job", {{"client", addr(client)},
                                                    {"job_id", hx(job_id)},
                                                    {"model_root", hx(model_root)},
                                                    {"offer", wire::to_json(offer)}}));
}

Status RemoteLedger::sampled_deliver(const Address& client,
                                     const Hash& job_id,
                                     const std::vector<ledger::Envelope>& envelopes) {
  return impl_->status(
      impl_->tx("sampled_deliver", {{"client", addr(client)},
                                    {"job_id", hx(job_id)},
                                    {"envelopes", wire::to_json_array(envelopes)}}));
}

Status RemoteLedger::sampled_cancel(const Address& caller, const Hash& job_id) {
  return impl_->status(
      impl_->tx("sampled_cancel", {{"caller", addr(caller)}, {"job_id", hx(job_id)}}));
}

Status RemoteLedger::sampled_refuse(const Address& worker, const Hash& job_id) {
  return impl_->status(
      impl_->tx("sampled_refuse", {{"worker", addr(worker)}, {"job_id", hx(job_id)}}));
}

Result<ledger::SampledJobRecord> RemoteLedger::sampled_job(const Hash& id) const {
  return impl_->record<ledger::SampledJobRecord>(
      "sampled_job", impl_->get("sampled_job", "id=" + hx(id)), ledger::decode_sampled_job);
}

Status RemoteLedger::sampled_commit(const Address& worker, const Hash& job_id, const Hash& c) {
  return impl_->status(impl_->tx(
      "sampled_commit", {{"worker", addr(worker)}, {"job_id", hx(job_id)}, {"commitment", hx(c)}}));
}

Status RemoteLedger::audit_commit(const Address& auditor, const Hash& job_id, const Hash& c) {
  return impl_->status(impl_->tx(
      "audit_commit", {{"auditor", addr(auditor)}, {"job_id", hx(job_id)}, {"commitment", hx(c)}}));
}

Status RemoteLedger::sampled_reveal(const Address& worker,
                                    const Hash& job_id,
                                    const Hash& output_hash,
                                    const Hash& salt) {
  return impl_->status(impl_->tx("sampled_reveal", {{"worker", addr(worker)},
                                                    {"job_id", hx(job_id)},
                                                    {"output_hash", hx(output_hash)},
                                                    {"salt", hx(salt)}}));
}

Status RemoteLedger::audit_reveal(const Address& auditor,
                                  const Hash& job_id,
                                  const Hash& output_hash,
                                  const Hash& salt,
                                  const Hash& secret) {
  return impl_->status(impl_->tx("audit_reveal", {{"auditor", addr(auditor)},
                                                  {"job_id", hx(job_id)},
                                                  {"output_hash", hx(output_hash)},
                                                  {"salt", hx(salt)},
                                                  {"secret", hx(secret)}}));
}

Status RemoteLedger::sampled_settle(const Hash& job_id) {
  return impl_->status(impl_->tx("sampled_settle", {{"job_id", hx(job_id)}}));
}

Status RemoteLedger::sampled_defend(const Address& worker,
                                    const model::Job& job,
                                    const dispute::Claim& claim,
                                    std::span<const Hash> last_peaks) {
  return impl_->status(
      impl_->tx("sampled_defend", {{"worker", addr(worker)},
                                   {"job", wire::hex(job.canonical_bytes())},
                                   {"claim", wire::hex(ledger::encode_claim(claim))},
                                   {"last_peaks", hashes(last_peaks)}}));
}

// ---- observation ----

std::vector<ledger::Event> RemoteLedger::events(uint64_t since_seq) const {
  return must(impl_->array("events", impl_->get("events", "since=" + std::to_string(since_seq)),
                           wire::read_event),
              "events");
}

ledger::Totals RemoteLedger::totals() const {
  return must(impl_->object("totals", impl_->get("totals"), wire::read_totals), "totals");
}

}  // namespace vinfer::node
