// The node's OpenAI-style API (issue 7, docs/api.md) in one process: three NodeDaemons on a
// MemoryLedger, driven by one thread that ticks them and advances the block (the only
// thread that touches the ledger), and an HTTP client. A completion comes back with the
// text a local run gives and a certificate the ledger confirms; a tampered certificate is
// refused, naming what is wrong; malformed requests get a 4xx naming the problem; a full
// queue answers 429; a quorum of liars gets no answer.
#include <httplib.h>

#include <atomic>
#include <iostream>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "node/blob_testing.hpp"
#include "vinfer/ledger/memory_ledger.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/node/api_request.hpp"
#include "vinfer/node/certificate.hpp"
#include "vinfer/node/daemon.hpp"
#include "vinfer/node/identity.hpp"
#include "vinfer/node/node_config.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::node {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::TempDir;

fs::path model_file() {
  const char* s = std::getenv("VINFER_SOURCE_DIR");
  return fs::path(s ? s : ".") / "models" / "kjv-small.gguf";
}

const roles::LocalModel& local_model() {
  static const roles::LocalModel m = [] {
    roles::LocalModel l;
    l.m = model::load_any(model_file().string()).value();
    l.c = model::commit_model(l.m);
    return l;
  }();
  return m;
}

// Three nodes (optionally some cheating) and the thread that drives them.
class Network {
 public:
  Network(const TempDir& tmp, size_t nodes, uint32_t queue = 8, size_t cheaters = 0,
          bool drive = true) {
    for (size_t i = 0; i < nodes; ++i) {
      const std::string dir = tmp.path() + "/n" + std::to_string(i);
      EXPECT_TRUE(create_identity(dir).ok());
      NodeConfig c;
      c.ledger = "memory";
      c.model = model_file().string();
      c.api_queue = queue;
      c.poll_ms = 1;
      if (i < cheaters)
        c.cheat = roles::Cheat::random_output;
      EXPECT_TRUE(write_node_config(dir, c).ok());
      auto d = NodeDaemon::start(dir, ledger);
      EXPECT_TRUE(d.ok()) << d.error().to_string();
      daemons.push_back(std::move(d).value());
    }
    if (drive)
      driver = std::thread([this] {
        while (!stop) {
          for (auto& d : daemons)
            if (auto t = d->tick(); !t)
              errors.push_back(t.error().to_string());
          (void)ledger.advance(1);
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      });
  }
  ~Network() { halt(); }
  // Stops the driver: the ledger is the caller's from then on.
  void halt() {
    stop = true;
    if (driver.joinable())
      driver.join();
  }
  httplib::Client client(size_t i = 0) {
    httplib::Client c(daemons[i]->api_url());
    c.set_read_timeout(120, 0);
    return c;
  }

  ledger::MemoryLedger ledger;
  std::vector<std::unique_ptr<NodeDaemon>> daemons;
  std::vector<std::string> errors;  // read after halt()
  std::atomic<bool> stop{false};
  std::thread driver;
};

json post(httplib::Client& c, const std::string& path, const json& body, int* status) {
  auto r = c.Post(path, body.dump(), "application/json");
  if (!r) {
    *status = -1;
    return {};
  }
  *status = r->status;
  return json::parse(r->body, nullptr, false);
}

TEST(NodeApi, ACompletionComesWithTheLocalTextAndACertificateTheLedgerConfirms) {
  TempDir tmp;
  Network net(tmp, 3);
  auto c = net.client(1);
  int status = 0;
  const json body = {{"prompt", "In the beginning"},
                     {"max_tokens", 12},
                     {"temperature", 0.8},
                     {"seed", 42},
                     {"verification", {{"mode", "quorum:3"}}}};
  const json r = post(c, "/v1/completions", body, &status);
  ASSERT_EQ(status, 200) << r.dump();
  EXPECT_EQ(r["object"], "text_completion");
  EXPECT_EQ(r["model"], "kjv-small");
  const json& v = r["verification"];
  EXPECT_EQ(v["mode"], "quorum:3");
  EXPECT_EQ(v["status"], "settled");
  EXPECT_EQ(v["model_root"], commit::to_hex(local_model().c.root));

  // The text is what this process computes for the same job.
  model::Job job;
  job.model_root = local_model().c.root;
  job.tokens = local_model().m.tokenizer.encode("In the beginning");
  job.max_tokens = 12;
  job.temperature_q16 = 52429;
  job.top_p_q16 = 58982;
  job.seed = 42;
  auto x = roles::execute(local_model(), job, 1);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(r["choices"][0]["text"], local_model().m.tokenizer.decode(x->tokens));
  EXPECT_EQ(v["job_id"], commit::to_hex(job.id()));
  EXPECT_EQ(r["usage"]["completion_tokens"], 12);

  // GET /v1/jobs/<id> says the same.
  auto g = c.Get("/v1/jobs/" + commit::to_hex(job.id()));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status, 200);
  EXPECT_EQ(json::parse(g->body)["text"], r["choices"][0]["text"]);

  // The certificate, checked against the ledger once the driver is stopped.
  net.halt();
  EXPECT_TRUE(net.errors.empty()) << net.errors.front();
  auto cert = parse_certificate(v["certificate"].dump());
  ASSERT_TRUE(cert.ok()) << cert.error().to_string();
  EXPECT_EQ(cert->tokens, x->tokens);
  EXPECT_TRUE(verify_certificate(*cert, net.ledger).ok());
  // Round trip through the text form.
  auto again = parse_certificate(certificate_json(*cert));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *cert);

  // Tampered: each is refused, naming what is wrong.
  const auto refused = [&](Certificate t, const std::string& why) {
    auto s = verify_certificate(t, net.ledger);
    EXPECT_FALSE(s.ok()) << why;
    if (!s.ok()) {
      EXPECT_NE(s.error().message.find(why), std::string::npos) << s.error().message;
    }
  };
  Certificate t = *cert;
  t.tokens[3] ^= 1;
  refused(t, "do not hash to its output_hash");
  t = *cert;
  t.job.seed ^= 1;
  refused(t, "hash to");
  t = *cert;
  t.tally.seats[0].stake += 1;
  t.tally.total_stake += 1;
  t.tally.winning_stake += 1;
  refused(t, "tally differs");
  t = *cert;
  t.tally.seats[0].outcome = quorum::Outcome::dissented;
  refused(t, "strict majority");
  t = *cert;
  t.posted_block += 1;
  refused(t, "other blocks");
  // A job the ledger never saw, with a self-consistent certificate.
  t = *cert;
  t.job.seed = 43;
  t.job_id = t.job.id();
  refused(t, "no such quorum job");
  // Every hex digit and digit of the certificate's values changed, one at a time, except in
  // the ledger's URL (a hint: the verifier names its own ledger): each is refused, by the
  // parser, the consistency check or the ledger.
  const std::string text = certificate_json(*cert);
  // Which bytes are inside a key (a string followed by ':'), found by one scan.
  std::vector<bool> key(text.size(), false);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"')
      continue;
    const size_t end = text.find('"', i + 1);  // no escapes in a certificate's strings
    const size_t next = text.find_first_not_of(" \n", end + 1);
    if (next != std::string::npos && text[next] == ':')
      for (size_t k = i; k <= end; ++k)
        key[k] = true;
    i = end;
  }
  const size_t url_at = text.find("\"ledger\"");
  const size_t url_end = text.find('\n', url_at);
  size_t tried = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    const bool digit = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
    if (!digit || key[i] || (i > url_at && i < url_end))
      continue;
    std::string t2 = text;
    t2[i] = ch == '0' ? '1' : ch == 'f' ? 'e' : ch == '9' ? '8' : static_cast<char>(ch - 1);
    auto p2 = parse_certificate(t2);
    if (p2.ok() && verify_certificate(*p2, net.ledger).ok())
      ADD_FAILURE() << "byte " << i << " changed ('" << ch << "' -> '" << t2[i]
                    << "') and the certificate still verifies: ..."
                    << text.substr(i > 40 ? i - 40 : 0, 60);
    ++tried;
  }
  EXPECT_GT(tried, 500u);
  std::cout << "certificate: " << tried << " single-digit changes, each refused\n";
  // Bytes that are not a certificate.
  EXPECT_FALSE(parse_certificate("{}").ok());
  EXPECT_NE(parse_certificate(R"({"format":"vinfer-cert-v2"})").error().message.find("vinfer-cert-v1"),
            std::string::npos);
}

TEST(NodeApi, AChatCompletionHasTheChatShape) {
  TempDir tmp;
  Network net(tmp, 3);
  auto c = net.client(0);
  int status = 0;
  const json r = post(c, "/v1/chat/completions",
                      {{"messages", {{{"role", "user"}, {"content", "And God said"}}}},
                       {"max_tokens", 8},
                       {"temperature", 0}},
                      &status);
  ASSERT_EQ(status, 200) << r.dump();
  EXPECT_EQ(r["object"], "chat.completion");
  EXPECT_EQ(r["choices"][0]["message"]["role"], "assistant");
  EXPECT_TRUE(r["choices"][0]["message"]["content"].is_string());
  EXPECT_EQ(r["verification"]["status"], "settled");
  auto m = c.Get("/v1/models");
  ASSERT_TRUE(m);
  const json models = json::parse(m->body);
  EXPECT_EQ(models["data"][0]["id"], "kjv-small");
  EXPECT_EQ(models["data"][0]["model_root"], commit::to_hex(local_model().c.root));
}

TEST(NodeApi, AQuorumOfLiarsGetsNoAnswer) {
  TempDir tmp;
  Network net(tmp, 3, 8, /*cheaters=*/2);  // two random outputs, one honest: no majority
  auto c = net.client(2);
  int status = 0;
  const json r = post(c, "/v1/completions",
                      {{"prompt", "In the beginning"}, {"max_tokens", 4}, {"seed", 1}}, &status);
  EXPECT_EQ(status, 502) << r.dump();
  EXPECT_NE(r["error"]["message"].get<std::string>().find("strict stake majority"),
            std::string::npos);
  EXPECT_EQ(r["verification"]["status"], "failed");
  EXPECT_FALSE(r["verification"].contains("certificate"));
}

TEST(NodeApi, MalformedRequestsGetA4xxNamingTheProblem) {
  TempDir tmp;
  Network net(tmp, 1, 8, 0, /*drive=*/false);  // nothing here reaches the ledger
  auto c = net.client();
  struct Case {
    const char* method;
    std::string path;
    std::string body;
    int status;
    const char* says;
  };
  const std::string big(70 * 1024, 'a');
  const Case cases[] = {
      {"POST", "/v1/completions", "not json", 400, "not JSON"},
      {"POST", "/v1/completions", "[1,2]", 400, "JSON object"},
      {"POST", "/v1/completions", "{}", 400, "'prompt' is missing"},
      {"POST", "/v1/completions", R"({"prompt": ""})", 400, "'prompt' is empty"},
      {"POST", "/v1/completions", R"({"prompt": 7})", 400, "'prompt' must be a string"},
      {"POST", "/v1/completions", R"({"prompt": "a", "max_tokens": 0})", 400, "'max_tokens'"},
      {"POST", "/v1/completions", R"({"prompt": "a", "max_tokens": -3})", 400, "'max_tokens'"},
      {"POST", "/v1/completions", R"({"prompt": "a", "max_tokens": 1000})", 400,
       "does not fit the model"},
      {"POST", "/v1/completions", R"({"prompt": "a", "temperature": "hot"})", 400,
       "'temperature'"},
      {"POST", "/v1/completions", R"({"prompt": "a", "top_p": 2})", 400, "top_p must be in (0, 1]"},
      {"POST", "/v1/completions", R"({"prompt": "a", "n": 2})", 400, "'n'"},
      {"POST", "/v1/completions", R"({"prompt": "a", "stream": true})", 400, "'stream'"},
      {"POST", "/v1/completions", R"({"prompt": "a", "stop": "\n"})", 400,
       "unknown field 'stop'"},
      {"POST", "/v1/completions", R"({"prompt": "a", "model": "gpt-4"})", 404,
       "'gpt-4' is not served here"},
      {"POST", "/v1/completions", R"({"prompt": "a", "verification": {"mode": "quorum:0"}})",
       400, "quorum:N needs N"},
      {"POST", "/v1/completions", R"({"prompt": "a", "verification": {"mode": "trust-me"}})",
       400, "is not a mode"},
      {"POST", "/v1/completions", R"({"prompt": "a", "verification": {"mode": "proof"}})", 501,
       "not served by this API yet"},
      {"POST", "/v1/completions", R"({"prompt": "a", "verification": {"job_id": "00"}})", 400,
       "part of the response"},
      {"POST", "/v1/completions", R"({"messages": []})", 400, "belongs to /v1/chat/completions"},
      {"POST", "/v1/chat/completions", R"({"messages": [{"role": "robot", "content": "x"}]})",
       400, "messages[0].role"},
      {"POST", "/v1/chat/completions", R"({"messages": [{"role": "user"}]})", 400,
       "messages[0].content' is missing"},
      {"POST", "/v1/completions", R"({"prompt": ")" + big + R"("})", 413, "over the limit"},
      {"GET", "/v1/completions", "", 405, "use POST"},
      {"GET", "/v1/jobs/xyz", "", 400, "job id 'xyz'"},
      {"GET", "/v1/jobs/" + std::string(64, '0'), "", 404, "was not accepted"},
      {"GET", "/v2/anything", "", 404, "no endpoint GET /v2/anything"},
  };
  for (const Case& k : cases) {
    auto r = std::string(k.method) == "GET" ? c.Get(k.path)
                                            : c.Post(k.path, k.body, "application/json");
    ASSERT_TRUE(r) << k.path << " " << k.body.substr(0, 80);
    EXPECT_EQ(r->status, k.status) << k.body.substr(0, 80) << " -> " << r->body.substr(0, 300);
    const json j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r->body.substr(0, 300);
    EXPECT_NE(j["error"]["message"].get<std::string>().find(k.says), std::string::npos)
        << k.body.substr(0, 80) << " -> " << j["error"]["message"];
  }
}

TEST(NodeApi, AFullQueueAnswers429AndDropsNothing) {
  TempDir tmp;
  Network net(tmp, 1, /*queue=*/2, 0, /*drive=*/false);  // nobody takes the jobs yet
  auto c = net.client();
  int status = 0;
  std::vector<std::string> ids;
  for (int seed = 0; seed < 2; ++seed) {
    const json r = post(c, "/v1/completions",
                        {{"prompt", "a"},
                         {"max_tokens", 2},
                         {"seed", seed},
                         {"verification", {{"mode", "quorum:1"}, {"wait_s", 0}}}},
                        &status);
    EXPECT_EQ(status, 202) << r.dump();
    EXPECT_EQ(r["verification"]["status"], "pending");
    ids.push_back(r["verification"]["job_id"]);
  }
  auto full = c.Post("/v1/completions",
                     json({{"prompt", "a"}, {"seed", 9}, {"verification", {{"wait_s", 0}}}}).dump(),
                     "application/json");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 429);
  EXPECT_EQ(full->get_header_value("Retry-After"), "1");
  EXPECT_NE(full->body.find("the queue is full"), std::string::npos) << full->body;
  // An identical request joins its job rather than counting twice.
  const json same = post(c, "/v1/completions",
                         {{"prompt", "a"},
                          {"max_tokens", 2},
                          {"seed", 0},
                          {"verification", {{"mode", "quorum:1"}, {"wait_s", 0}}}},
                         &status);
  EXPECT_EQ(status, 202);
  EXPECT_EQ(same["verification"]["job_id"], ids[0]);
  auto job = c.Get("/v1/jobs/" + ids[1]);
  ASSERT_TRUE(job);
  EXPECT_EQ(json::parse(job->body)["state"], "queued");
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("vinfer_api_rejected_total 1\n"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("vinfer_api_queue_jobs 2\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("vinfer_api_requests_total{route=\"/v1/completions\",code=\"429\"} 1"),
            std::string::npos);

  // Now the node runs: both queued jobs are answered (quorum:1 on its one node: the second
  // waits in the queue until the first's round has freed it).
  for (int i = 0; i < 4000; ++i) {
    ASSERT_TRUE(net.daemons[0]->tick().ok());
    ASSERT_TRUE(net.ledger.advance(1).ok());
    auto a = c.Get("/v1/jobs/" + ids[0]), b = c.Get("/v1/jobs/" + ids[1]);
    if (json::parse(a->body)["state"] == "settled" && json::parse(b->body)["state"] == "settled")
      break;
  }
  for (const std::string& id : ids)
    EXPECT_EQ(json::parse(c.Get("/v1/jobs/" + id)->body)["state"], "settled") << id;
}

TEST(NodeApi, ModesParseOrSayWhy) {
  EXPECT_EQ(parse_mode("quorum:5")->n, 5u);
  EXPECT_EQ(parse_mode("sampled:0.1")->audit_bps, 1000u);
  EXPECT_EQ(parse_mode("sampled:0.1")->text(), "sampled:0.1");
  EXPECT_EQ(parse_mode("sampled:1")->audit_bps, 10000u);
  EXPECT_EQ(parse_mode("optimistic")->mode, VerifyMode::optimistic);
  for (const char* bad : {"quorum", "quorum:", "quorum:65", "quorum:3x", "sampled:0",
                          "sampled:1.5", "sampled:0.00001", "sampled:-1", "", "QUORUM:3"})
    EXPECT_FALSE(parse_mode(bad).ok()) << bad;
}

}  // namespace
}  // namespace vinfer::node
