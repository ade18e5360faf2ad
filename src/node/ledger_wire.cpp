// The ledger API's JSON (ledger_wire.hpp).
#include "node/ledger_wire.hpp"

#include <charconv>

#include "vinfer/ledger/codec.hpp"
#include "vinfer/model/weight_tensors.hpp"
#include "vinfer/wire.hpp"

namespace vinfer::node::wire {
namespace {

using vinfer::wire::hex_digit;

bool is_string(const json& j) {
  return j.is_string();
}
bool is_unsigned(const json& j) {
  return j.is_number_unsigned();
}
bool is_bool(const json& j) {
  return j.is_boolean();
}
bool is_array(const json& j) {
  return j.is_array();
}

const json& empty_array() {
  static const json a = json::array();
  return a;
}

// An enum written as its name: `name` is the layer's name function, which answers the
// same "invalid" for every value past the last one.
template <class E>
std::string enum_name(E v, const char* (*name)(E)) {
  return name(v);
}
template <class E>
E read_enum(Fields& f, const char* key, const char* (*name)(E), const char* what) {
  const std::string s = f.text(key);
  if (!f.ok())
    return E{};
  const std::string invalid = name(static_cast<E>(255));
  for (int i = 0; i < 255; ++i) {
    const E v = static_cast<E>(i);
    if (name(v) == invalid)
      break;
    if (s == name(v))
      return v;
  }
  f.set(fail(Errc::parse, std::string(what) + " '" + s + "' is not one this ledger knows"));
  return E{};
}

Result<model::Job> decode_job(std::span<const uint8_t> b) {
  return model::Job::from_bytes(b);
}

}  // namespace

std::string hex(std::span<const uint8_t> b) {
  return vinfer::wire::hex_of(b);
}

Result<std::vector<uint8_t>> unhex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.size() % 2 != 0)
    return fail(Errc::parse, "hex: odd number of digits (" + std::to_string(text.size()) + ")");
  std::vector<uint8_t> out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return fail(Errc::parse, "hex: character " + std::to_string(hi < 0 ? 2 * i : 2 * i + 1) +
                                   " is not a hex digit");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---- Fields ----

Fields::Fields(const json& obj, std::string what, bool from_query)
    : obj_(obj), what_(std::move(what)), from_query_(from_query) {
  if (!obj_.is_object())
    set(fail(Errc::parse, what_ + ": expected a JSON object, got " + obj_.type_name()));
}

std::string Fields::name(const char* key) const {
  return what_ + ": field '" + key + "'";
}

std::string Fields::element(const char* key, size_t i) const {
  return what_ + "." + key + "[" + std::to_string(i) + "]";
}

void Fields::set(Error e) {
  if (!error_)
    error_ = std::move(e);
}

const json* Fields::field(const char* key, const char* expect, bool (*is)(const json&)) {
  if (!ok())
    return nullptr;
  read_.insert(key);
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    set(fail(Errc::parse, name(key) + " is missing"));
    return nullptr;
  }
  if (!is(*it)) {
    set(fail(Errc::parse, name(key) + ": expected " + expect + ", got " + it->type_name()));
    return nullptr;
  }
  return &*it;
}

const json* Fields::optional(const char* key) {
  if (!ok())
    return nullptr;
  read_.insert(key);
  auto it = obj_.find(key);
  return it != obj_.end() && !it->is_null() ? &*it : nullptr;
}

std::string Fields::child(const char* key) const {
  return what_ + "." + key;
}

// A string field through `parse` (address_from_hex, hash_from_hex, unhex), its error under
// the field's name.
template <class T, class Parse>
T Fields::parsed(const char* key, const char* expect, Parse&& parse) {
  const json* j = field(key, expect, is_string);
  if (!j)
    return T{};
  auto v = parse(j->get_ref<const std::string&>());
  if (!v) {
    set(fail(Errc::parse, name(key) + ": " + v.error().message));
    return T{};
  }
  return std::move(v).value();
}

Address Fields::address(const char* key) {
  return parsed<Address>(key, "a hex address", ledger::address_from_hex);
}

Hash Fields::hash(const char* key) {
  return parsed<Hash>(key, "a hex hash", commit::hash_from_hex);
}

uint64_t Fields::u64(const char* key) {
  if (from_query_) {
    const json* j = field(key, "decimal digits", is_string);
    if (!j)
      return 0;
    const std::string& s = j->get_ref<const std::string&>();
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) {
      set(fail(Errc::parse, name(key) + ": '" + s + "' is not an unsigned 64-bit integer"));
      return 0;
    }
    return v;
  }
  const json* j = field(key, "an unsigned integer", is_unsigned);
  return j ? j->get<uint64_t>() : 0;
}

uint32_t Fields::u32(const char* key) {
  const uint64_t v = u64(key);
  if (v > UINT32_MAX) {
    set(fail(Errc::parse, name(key) + ": " + std::to_string(v) + " does not fit in 32 bits"));
    return 0;
  }
  return static_cast<uint32_t>(v);
}

bool Fields::flag(const char* key) {
  const json* j = field(key, "true or false", is_bool);
  return j && j->get<bool>();
}

std::string Fields::text(const char* key) {
  const json* j = field(key, "a string", is_string);
  return j ? j->get<std::string>() : std::string();
}

std::vector<uint8_t> Fields::bytes(const char* key) {
  return parsed<std::vector<uint8_t>>(key, "a hex string", unhex);
}

std::vector<Hash> Fields::hashes(const char* key) {
  std::vector<Hash> out;
  const json& a = array(key);
  for (size_t i = 0; ok() && i < a.size(); ++i) {
    if (!a[i].is_string()) {
      set(fail(Errc::parse, element(key, i) + ": expected a hex hash, got " + a[i].type_name()));
      break;
    }
    auto h = commit::hash_from_hex(a[i].get_ref<const std::string&>());
    if (!h) {
      set(fail(Errc::parse, element(key, i) + ": " + h.error().message));
      break;
    }
    out.push_back(*h);
  }
  return out;
}

const json& Fields::array(const char* key) {
  const json* j = field(key, "an array", is_array);
  return j ? *j : empty_array();
}

Status Fields::finish() {
  if (error_)
    return *error_;
  for (auto it = obj_.begin(); it != obj_.end(); ++it)
    if (!read_.count(it.key()))
      return fail(Errc::parse, what_ + ": unknown field '" + it.key() + "'");
  return ok_status();
}

// ---- records ----

json to_json(const ledger::ModelRegistration& r) {
  return {{"root", commit::to_hex(r.root)},
          {"arch", hex(r.arch)},
          {"arith_leaf", commit::to_hex(r.arith_leaf)},
          {"tokenizer_leaf", commit::to_hex(r.tokenizer_leaf)},
          {"weights_root", commit::to_hex(r.weights_root)}};
}

ledger::ModelRegistration read_registration(Fields& f) {
  ledger::ModelRegistration r;
  r.root = f.hash("root");
  r.arch = f.bytes("arch");
  r.arith_leaf = f.hash("arith_leaf");
  r.tokenizer_leaf = f.hash("tokenizer_leaf");
  r.weights_root = f.hash("weights_root");
  return r;
}

// The config is not sent: it is what the architecture encoding parses to.
json to_json(const ledger::ModelRecord& r) {
  return {{"root", commit::to_hex(r.root)},
          {"arch", hex(r.arch)},
          {"arith_leaf", commit::to_hex(r.arith_leaf)},
          {"tokenizer_leaf", commit::to_hex(r.tokenizer_leaf)},
          {"weights_root", commit::to_hex(r.weights_root)},
          {"owner", ledger::to_hex(r.owner)},
          {"block", r.block}};
}

ledger::ModelRecord read_model(Fields& f) {
  ledger::ModelRecord r;
  r.root = f.hash("root");
  r.arch = f.bytes("arch");
  r.arith_leaf = f.hash("arith_leaf");
  r.tokenizer_leaf = f.hash("tokenizer_leaf");
  r.weights_root = f.hash("weights_root");
  r.owner = f.address("owner");
  r.block = f.u64("block");
  if (f.ok()) {
    if (auto info = model::parse_arch_encoding(r.arch)) {
      r.cfg = info->cfg;
      r.norm_eps_q24 = info->norm_eps_q24;
    } else {
      f.set(Error{info.error().code, "model record: field 'arch': " + info.error().message});
    }
  }
  return r;
}

json to_json(const ledger::JobRecord& r) {
  json j = {{"id", commit::to_hex(r.id)},
            {"job", hex(r.job.canonical_bytes())},
            {"client", ledger::to_hex(r.client)},
            {"payment", r.payment},
            {"escrow", r.escrow},
            {"status", enum_name(r.status, ledger::job_status_name)},
            {"block", r.block},
            {"claim", nullptr},
            {"games", r.games}};
  if (r.claim)
    j["claim"] = {{"worker", ledger::to_hex(r.claim->worker)},
                  {"claim", hex(ledger::encode_claim(r.claim->claim))},
                  {"bond", r.claim->bond},
                  {"block", r.claim->block},
                  {"window_end", r.claim->window_end}};
  return j;
}

ledger::JobRecord read_job(Fields& f) {
  ledger::JobRecord r;
  r.id = f.hash("id");
  r.job = f.record<model::Job>("job", decode_job);
  r.client = f.address("client");
  r.payment = f.u64("payment");
  r.escrow = f.u64("escrow");
  r.status = read_enum(f, "status", ledger::job_status_name, "job status");
  r.block = f.u64("block");
  const json& games = f.array("games");
  for (size_t i = 0; f.ok() && i < games.size(); ++i) {
    if (!games[i].is_number_unsigned()) {
      f.set(fail(Errc::parse, f.element("games", i) + ": expected a game id"));
      break;
    }
    r.games.push_back(games[i].get<uint64_t>());
  }
  if (const json* c = f.optional("claim")) {
    Fields cf(*c, f.child("claim"));
    ledger::ClaimRecord cr;
    cr.worker = cf.address("worker");
    cr.claim = cf.record<dispute::Claim>("claim", ledger::decode_claim);
    cr.bond = cf.u64("bond");
    cr.block = cf.u64("block");
    cr.window_end = cf.u64("window_end");
    if (Status s = cf.finish(); !s)
      f.set(s.error());
    r.claim = cr;
  }
  return r;
}

json to_json(const ledger::GameRecord& r) {
  return {{"id", r.id},
          {"job_id", commit::to_hex(r.job_id)},
          {"worker", ledger::to_hex(r.worker)},
          {"challenger", ledger::to_hex(r.challenger)},
          {"bond", r.bond},
          {"status", enum_name(r.status, ledger::game_status_name)},
          {"block", r.block},
          {"state", hex(ledger::encode_game_state(r.state))}};
}

ledger::GameRecord read_game(Fields& f) {
  ledger::GameRecord r;
  r.id = f.u64("id");
  r.job_id = f.hash("job_id");
  r.worker = f.address("worker");
  r.challenger = f.address("challenger");
  r.bond = f.u64("bond");
  r.status = read_enum(f, "status", ledger::game_status_name, "game status");
  r.block = f.u64("block");
  r.state = f.record<dispute::GameState>("state", ledger::decode_game_state);
  return r;
}

json to_json(const ledger::QuorumJobRecord& r) {
  return {{"id", commit::to_hex(r.id)},
          {"job", hex(r.job.canonical_bytes())},
          {"client", ledger::to_hex(r.client)},
          {"n", r.n},
          {"reward_per_node", r.reward_per_node},
          {"escrow", r.escrow},
          {"round", r.round.seats.empty() ? json(nullptr)  // nobody seated (yet)
                                          : json(hex(ledger::encode_quorum_round(r.round)))},
          {"settled", r.settled},
          {"tally", r.tally ? json(hex(ledger::encode_quorum_tally(*r.tally))) : json(nullptr)},
          {"payout", r.payout ? json(hex(ledger::encode_quorum_payout(*r.payout))) : json(nullptr)},
          {"block", r.block}};
}

ledger::QuorumJobRecord read_quorum_job(Fields& f) {
  ledger::QuorumJobRecord r;
  r.id = f.hash("id");
  r.job = f.record<model::Job>("job", decode_job);
  r.client = f.address("client");
  r.n = f.u32("n");
  r.reward_per_node = f.u64("reward_per_node");
  r.escrow = f.u64("escrow");
  if (f.optional("round"))
    r.round = f.record<quorum::Round>("round", ledger::decode_quorum_round);
  r.settled = f.flag("settled");
  if (f.optional("tally"))
    r.tally = f.record<quorum::Tally>("tally", ledger::decode_quorum_tally);
  if (f.optional("payout"))
    r.payout = f.record<quorum::Payout>("payout", ledger::decode_quorum_payout);
  r.block = f.u64("block");
  return r;
}

json to_json(const ledger::SampledOffer& o) {
  return {{"reward", o.reward}, {"audit_fee", o.audit_fee}, {"audit_rate_bps", o.audit_rate_bps}};
}

ledger::SampledOffer read_offer(Fields& f) {
  ledger::SampledOffer o;
  o.reward = f.u64("reward");
  o.audit_fee = f.u64("audit_fee");
  o.audit_rate_bps = f.u32("audit_rate_bps");
  return o;
}

json to_json(const ledger::Envelope& e) {
  return {{"to", ledger::to_hex(e.to)}, {"sealed", hex(e.sealed)}};
}

ledger::Envelope read_envelope(Fields& f) {
  ledger::Envelope e;
  e.to = f.address("to");
  e.sealed = f.bytes("sealed");
  return e;
}

json to_json(const ledger::Event& e) {
  return {{"seq", e.seq},
          {"block", e.block},
          {"kind", enum_name(e.kind, ledger::event_kind_name)},
          {"job_id", commit::to_hex(e.job_id)},
          {"game", e.game},
          {"who", ledger::to_hex(e.who)},
          {"amount", e.amount},
          {"detail", e.detail}};
}

ledger::Event read_event(Fields& f) {
  ledger::Event e;
  e.seq = f.u64("seq");
  e.block = f.u64("block");
  e.kind = read_enum(f, "kind", ledger::event_kind_name, "event kind");
  e.job_id = f.hash("job_id");
  e.game = f.u64("game");
  e.who = f.address("who");
  e.amount = f.u64("amount");
  e.detail = f.text("detail");
  return e;
}

json to_json(const ledger::Totals& t) {
  return {{"deposits", t.deposits},   {"balances", t.balances}, {"stakes", t.stakes},
          {"unbonding", t.unbonding}, {"bonds", t.bonds},       {"escrow", t.escrow},
          {"burned", t.burned}};
}

ledger::Totals read_totals(Fields& f) {
  ledger::Totals t;
  t.deposits = f.u64("deposits");
  t.balances = f.u64("balances");
  t.stakes = f.u64("stakes");
  t.unbonding = f.u64("unbonding");
  t.bonds = f.u64("bonds");
  t.escrow = f.u64("escrow");
  t.burned = f.u64("burned");
  return t;
}

json to_json(const quorum::Candidate& c) {
  return {{"id", ledger::to_hex(ledger::to_address(c.id))}, {"stake", c.stake}};
}

quorum::Candidate read_candidate(Fields& f) {
  quorum::Candidate c;
  c.id = ledger::to_node_id(f.address("id"));
  c.stake = f.u64("stake");
  return c;
}

json to_json(const quorum::RegisteredAuditor& a) {
  return {{"id", ledger::to_hex(ledger::to_address(a.id))},
          {"commitment", commit::to_hex(a.commitment)}};
}

quorum::RegisteredAuditor read_auditor(Fields& f) {
  quorum::RegisteredAuditor a;
  a.id = ledger::to_node_id(f.address("id"));
  a.commitment = f.hash("commitment");
  return a;
}

// ---- errors ----

json to_json(const Error& e) {
  return {
      {"errc", static_cast<uint16_t>(e.code)}, {"code", errc_name(e.code)}, {"message", e.message}};
}

Result<WireError> read_error(const json& j) {
  Fields f(j, "error");
  const uint32_t errc = f.u32("errc");
  f.text("code");  // for people; errc is what is read
  Error e{Errc::parse, f.text("message")};
  VINFER_CHECK(f.finish());
  const std::string unknown = errc_name(static_cast<Errc>(0));
  if (errc > UINT16_MAX || errc_name(static_cast<Errc>(errc)) == unknown)
    return fail(Errc::parse, "error: errc " + std::to_string(errc) + " is not an error code");
  e.code = static_cast<Errc>(errc);
  return WireError{e};
}

}  // namespace vinfer::node::wire
