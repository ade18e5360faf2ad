// LedgerServer on requests no RemoteLedger sends: bad JSON, an unknown transaction or
// field, a truncated record, a body over the limit, wrong types and methods. Each gets a
// 4xx whose message names the problem, and leaves the ledger exactly as it was.
#include "vinfer/node/ledger_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "ledger/conformance.hpp"
#include "ledger/harness.hpp"
#include "ledger/scenario.hpp"
#include "vinfer/ledger/codec.hpp"
#include "vinfer/ledger/memory_ledger.hpp"

namespace vinfer::node {
namespace {

using namespace ledger;
using namespace ledger::testing;
using nlohmann::json;

const Actors& a = kActors;

std::string hex(std::span<const uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t v : b)
    s += {d[v >> 4], d[v & 15]};
  return s;
}

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_job(ledger_);
    LedgerServerOptions o;
    o.max_body_bytes = 4096;
    auto s = LedgerServer::start(ledger_, o);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    server_ = std::move(s).value();
    http_ = std::make_unique<httplib::Client>(server_->url());
    before_ = observe(ledger_);
  }
  void TearDown() override {
    EXPECT_EQ(observe(ledger_), before_) << "a refused request changed the ledger";
  }

  // The status and the error's message of a POST; the reply must be {"error": {...}}.
  std::pair<int, std::string> post(const std::string& path, const std::string& body) {
    return answer(http_->Post(path, body, "application/json"));
  }
  std::pair<int, std::string> get(const std::string& path) { return answer(http_->Get(path)); }
  std::pair<int, std::string> answer(const httplib::Result& r) {
    if (!r) {
      ADD_FAILURE() << "no reply: " << httplib::to_string(r.error());
      return {0, ""};
    }
    const json j = json::parse(r->body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error")) << r->body;
    if (!j.is_object() || !j.contains("error"))
      return {r->status, ""};
    EXPECT_TRUE(j["error"]["errc"].is_number_unsigned()) << r->body;
    return {r->status, j["error"]["message"].get<std::string>()};
  }
  // A valid post_result body with `claim` as its claim's hex.
  std::string post_result_body(const std::string& claim) {
    json peaks = json::array();
    for (const Hash& h : world().honest.last_peaks())
      peaks.push_back(commit::to_hex(h));
    return json{{"worker", to_hex(a.worker)}, {"claim", claim}, {"last_peaks", peaks}}.dump();
  }

  MemoryLedger ledger_{conformance_params()};
  std::unique_ptr<LedgerServer> server_;
  std::unique_ptr<httplib::Client> http_;
  std::string before_;
};

#define EXPECT_REFUSED(reply, status, needle)             \
  do {                                                    \
    const auto [st_, msg_] = (reply);                     \
    EXPECT_EQ(st_, (status)) << msg_;                     \
    EXPECT_NE(msg_.find(needle), std::string::npos)       \
        << "'" << msg_ << "' lacks '" << (needle) << "'"; \
  } while (0)

TEST_F(Hostile, BodyThatIsNotJson) {
  EXPECT_REFUSED(post("/tx/deposit", "{\"to\": \"0x00"), 400,
                 "transaction deposit: the body is not JSON");
  EXPECT_REFUSED(post("/tx/deposit", ""), 400, "not JSON");
  EXPECT_REFUSED(post("/tx/deposit", "[1, 2]"), 400, "expected a JSON object, got array");
}

// Every endpoint of docs/ledger-http.md with its first argument: an empty request gets a
// 400 naming it, so each one checks what it reads before anything reaches the ledger (and
// the table in the doc and the server's agree).
TEST_F(Hostile, EveryEndpointNamesItsFirstMissingArgument) {
  const std::pair<const char*, const char*> txs[] = {
      {"advance", "n"},
      {"deposit", "to"},
      {"withdraw", "from"},
      {"stake", "from"},
      {"unbond", "from"},
      {"withdraw_unbonded", "from"},
      {"register_model", "owner"},
      {"post_job", "client"},
      {"cancel_job", "client"},
      {"post_result", "worker"},
      {"challenge", "challenger"},
      {"move", "from"},
      {"resolve_timeout", "game_id"},
      {"finalize", "job_id"},
      {"register_key", "node"},
      {"post_quorum_job", "client"},
      {"quorum_commit", "node"},
      {"quorum_reveal", "node"},
      {"quorum_settle", "job_id"},
      {"register_auditor", "node"},
      {"retire_auditor", "node"},
      {"post_sampled_job", "client"},
      {"sampled_deliver", "client"},
      {"sampled_cancel", "caller"},
      {"sampled_refuse", "worker"},
      {"sampled_commit", "worker"},
      {"audit_commit", "auditor"},
      {"sampled_reveal", "worker"},
      {"audit_reveal", "auditor"},
      {"sampled_settle", "job_id"},
      {"sampled_defend", "worker"},
  };
  for (const auto& [name, first] : txs)
    EXPECT_REFUSED(post(std::string("/tx/") + name, "{}"), 400,
                   std::string("transaction ") + name + ": field '" + first + "' is missing");
  const std::pair<const char*, const char*> queries[] = {
      {"balance", "who"},      {"staked", "who"},    {"unbonding", "who"},   {"model", "root"},
      {"job", "id"},           {"game", "id"},       {"games_of", "job_id"}, {"node_key", "node"},
      {"block_hash", "block"}, {"quorum_job", "id"}, {"sampled_job", "id"},  {"events", "since"},
  };
  for (const auto& [name, first] : queries)
    EXPECT_REFUSED(get(std::string("/q/") + name), 400,
                   std::string("query ") + name + ": field '" + first + "' is missing");
  for (const char* name : {"params", "block", "candidates", "auditors", "totals"}) {
    EXPECT_REFUSED(get(std::string("/q/") + name + "?x=1"), 400,
                   std::string("query ") + name + ": unknown field 'x'");
    const auto r = http_->Get(std::string("/q/") + name);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << name << ": " << r->body;
  }
}

TEST_F(Hostile, UnknownTransactionQueryOrEndpoint) {
  EXPECT_REFUSED(post("/tx/mint", "{}"), 404, "unknown transaction 'mint'");
  EXPECT_REFUSED(get("/q/secrets"), 404, "unknown query 'secrets'");
  EXPECT_REFUSED(get("/tx/deposit"), 404, "no endpoint GET /tx/deposit");
  EXPECT_REFUSED(post("/deposit", "{}"), 404, "no endpoint POST /deposit");
}

TEST_F(Hostile, MissingWrongOrUnknownFields) {
  const std::string to = to_hex(a.alice);
  EXPECT_REFUSED(post("/tx/deposit", json{{"to", to}}.dump()), 400,
                 "transaction deposit: field 'amount' is missing");
  EXPECT_REFUSED(post("/tx/deposit", json{{"to", to}, {"amount", "5"}}.dump()), 400,
                 "field 'amount': expected an unsigned integer, got string");
  EXPECT_REFUSED(post("/tx/deposit", json{{"to", to}, {"amount", -5}}.dump()), 400,
                 "field 'amount': expected an unsigned integer");
  EXPECT_REFUSED(post("/tx/deposit", json{{"to", "0x12"}, {"amount", 5}}.dump()), 400,
                 "field 'to': address: 2 hex digits, expected 40");
  EXPECT_REFUSED(post("/tx/deposit", json{{"to", to}, {"amount", 5}, {"memo", "hi"}}.dump()), 400,
                 "transaction deposit: unknown field 'memo'");
  EXPECT_REFUSED(post("/tx/post_quorum_job", json{{"client", to},
                                                  {"job", hex(world().job.canonical_bytes())},
                                                  {"n", uint64_t{1} << 32},
                                                  {"reward_per_node", 1}}
                                                 .dump()),
                 400, "field 'n': 4294967296 does not fit in 32 bits");
  EXPECT_REFUSED(get("/q/balance"), 400, "query balance: field 'who' is missing");
  EXPECT_REFUSED(get("/q/balance?who=zz"), 400, "query balance: field 'who': address");
  EXPECT_REFUSED(get("/q/events?since=-1"), 400, "'-1' is not an unsigned 64-bit integer");
  EXPECT_REFUSED(get("/q/balance?who=" + to + "&who=" + to_hex(a.worker)), 400,
                 "query balance: parameter 'who' twice");
}

TEST_F(Hostile, TruncatedOrDamagedRecords) {
  std::vector<uint8_t> claim = encode_claim(world().honest.claim(world().job.id()));
  const std::vector<uint8_t> whole = claim;
  claim.resize(claim.size() - 5);
  // The codec's own message, under the field's name; the Errc is the codec's too.
  const auto r = http_->Post("/tx/post_result", post_result_body(hex(claim)), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  const json j = json::parse(r->body);
  EXPECT_EQ(j["error"]["errc"], static_cast<int>(Errc::truncated)) << r->body;
  EXPECT_NE(j["error"]["message"].get<std::string>().find(
                "transaction post_result: field 'claim': claim: claim.steps"),
            std::string::npos)
      << r->body;

  EXPECT_REFUSED(post("/tx/post_result", post_result_body(hex(whole) + "0")), 400,
                 "field 'claim': hex: odd number of digits");
  EXPECT_REFUSED(post("/tx/post_result", post_result_body(hex(whole) + "00")), 400,
                 "field 'claim': claim: 1 trailing bytes");
  EXPECT_REFUSED(post("/tx/post_result", post_result_body("zz" + hex(whole))), 400,
                 "field 'claim': hex: character 0 is not a hex digit");
  std::vector<uint8_t> job = world().job.canonical_bytes();
  job[0] = 'X';
  EXPECT_REFUSED(post("/tx/post_job",
                      json{{"client", to_hex(a.client)}, {"job", hex(job)}, {"payment", 1}}.dump()),
                 400, "field 'job'");
  EXPECT_REFUSED(
      post("/tx/move", json{{"from", to_hex(a.worker)}, {"game_id", 1}, {"move", "564d4f560001"}}
                           // "VMOV" v1, no tag
                           .dump()),
      400, "transaction move: field 'move'");
  EXPECT_REFUSED(post("/tx/register_model",
                      json{{"owner", to_hex(a.owner)}, {"registration", {{"root", "00"}}}}.dump()),
                 400, "transaction register_model.registration: field 'root': hash");
}

TEST_F(Hostile, BodyOverTheLimit) {
  const std::string big = json{{"to", std::string(5000, 'a')}, {"amount", 1}}.dump();
  EXPECT_REFUSED(post("/tx/deposit", big), 413, "request body over the limit of 4096 bytes");
}

// curl -d sends application/x-www-form-urlencoded, which httplib caps at 8192 bytes
// whatever the limit: the message says so instead of quoting the wrong limit.
TEST(HostileLimits, AFormEncodedBodyIsCappedLowerAndTheMessageSaysWhy) {
  MemoryLedger m;
  auto s = LedgerServer::start(m);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  httplib::Client http((*s)->url());
  const std::string body = json{{"to", std::string(9000, 'a')}, {"amount", 1}}.dump();
  const auto form = http.Post("/tx/deposit", body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 413);
  EXPECT_NE(form->body.find("form-urlencoded request body is limited to 8192 bytes"),
            std::string::npos)
      << form->body;
  const auto as_json = http.Post("/tx/deposit", body, "application/json");
  ASSERT_TRUE(as_json);
  EXPECT_EQ(as_json->status, 400) << as_json->body;  // read, and its address refused
  EXPECT_NE(as_json->body.find("field 'to': address"), std::string::npos) << as_json->body;
  EXPECT_TRUE(m.events().empty());
}

TEST_F(Hostile, ALedgerRefusalIs422WithItsOwnMessage) {
  const auto r = http_->Post(
      "/tx/withdraw", json{{"from", to_hex(a.stranger)}, {"amount", 1}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  const Status direct = ledger_.withdraw(a.stranger, 1);
  ASSERT_FALSE(direct.ok());
  const json j = json::parse(r->body);
  EXPECT_EQ(j["error"]["errc"], static_cast<int>(direct.error().code));
  EXPECT_EQ(j["error"]["code"], errc_name(direct.error().code));
  EXPECT_EQ(j["error"]["message"], direct.error().message);
}

TEST_F(Hostile, AWellFormedTransactionStillWorksAfterwards) {
  post("/tx/deposit", "{oops");
  const auto r = http_->Post("/tx/deposit", json{{"to", to_hex(a.stranger)}, {"amount", 7}}.dump(),
                             "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body), (json{{"value", nullptr}}));
  EXPECT_EQ(ledger_.balance(a.stranger), 7u);
  const auto b = http_->Get("/q/balance?who=" + to_hex(a.stranger));
  ASSERT_TRUE(b);
  EXPECT_EQ(json::parse(b->body), (json{{"value", 7}}));
  before_ = observe(ledger_);  // this one was meant to change it
}

}  // namespace
}  // namespace vinfer::node
