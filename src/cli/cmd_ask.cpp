// `vinfer ask` and `vinfer certificate verify` (issue 7): the client side of a node's API.
// ask sends one prompt to a node (--node, or the running devnet's first node), waits for
// the verified answer, checks its certificate against the ledger itself, and prints the
// text and the certificate. certificate verify re-checks a saved certificate later.
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "common.hpp"
#include "devnet_state.hpp"
#include "vinfer/node/certificate.hpp"
#include "vinfer/node/remote_ledger.hpp"

namespace vinfer::cli {
namespace {

using nlohmann::json;

struct AskOptions {
  std::string prompt;
  std::string mode = "quorum:3";
  std::string node;
  std::string devnet_dir;
  uint32_t max_tokens = 32;
  std::string temperature = "0.8";
  std::string top_p = "0.9";
  std::optional<uint64_t> seed;
  bool chat = false;
  uint32_t wait_s = 120;
  std::string cert_out;
  std::string ledger;
  bool no_verify = false;
  bool json_out = false;
};

// "http://host:port" split for httplib.
Result<std::unique_ptr<httplib::Client>> client_for(const std::string& url, uint32_t wait_s) {
  if (url.rfind("http://", 0) != 0)
    return fail(Errc::invalid_argument, "--node " + url + ": only http:// URLs are served");
  auto c = std::make_unique<httplib::Client>(url);
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(static_cast<time_t>(wait_s) + 30, 0);
  return c;
}

Result<std::string> node_url(const AskOptions& o) {
  if (!o.node.empty())
    return o.node;
  const std::filesystem::path dir = o.devnet_dir.empty() ? default_devnet_dir()
                                                         : std::filesystem::absolute(o.devnet_dir);
  if (!std::filesystem::exists(devnet_state_path(dir)))
    return fail(Errc::invalid_argument,
                "no devnet in " + dir.string() +
                    ": start one with `vinfer devnet up`, or name a node with --node URL");
  VINFER_TRY(DevnetState s, read_devnet_state(dir));
  for (const DevnetNode& n : s.nodes)
    if (!n.api_url.empty() && process_running(n.pid))
      return n.api_url;
  return fail(Errc::invalid_argument, "the devnet in " + dir.string() +
                                          " has no running node with an API (`vinfer devnet "
                                          "status`)");
}

// The API's error message, or the HTTP status.
std::string api_error(const httplib::Result& r) {
  if (!r)
    return "no answer (" + httplib::to_string(r.error()) + ")";
  const json j = json::parse(r->body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].contains("message"))
    return "HTTP " + std::to_string(r->status) + ": " + j["error"]["message"].get<std::string>();
  return "HTTP " + std::to_string(r->status) + ": " + r->body.substr(0, 200);
}

// Checks a certificate: consistent by itself, and confirmed by the ledger (`url`).
Status verify_with_ledger(const node::Certificate& c, const std::string& url) {
  VINFER_CHECK(node::check_certificate(c));
  if (url.empty())
    return fail(Errc::invalid_argument,
                "the certificate names no ledger: pass --ledger URL to check it against one");
  VINFER_TRY(auto ledger, node::RemoteLedger::connect(url));
  return node::verify_certificate(c, *ledger);
}

std::string seats_summary(const node::Certificate& c) {
  size_t agreed = 0;
  for (const auto& s : c.tally.seats)
    agreed += s.outcome == quorum::Outcome::agreed;
  return std::to_string(agreed) + " of " + std::to_string(c.tally.seats.size()) +
         " seats agreed, stake " + std::to_string(c.tally.winning_stake) + " of " +
         std::to_string(c.tally.total_stake);
}

int ask(const AskOptions& o) {
  if (auto m = node::parse_mode(o.mode); !m)
    return report(fail(m.error().code, "--mode: " + m.error().message));
  auto url = node_url(o);
  if (!url)
    return report(url.error());
  auto client = client_for(*url, o.wait_s);
  if (!client)
    return report(client.error());

  json body = {{"max_tokens", o.max_tokens},
               {"temperature", o.temperature},
               {"top_p", o.top_p},
               {"verification", {{"mode", o.mode}, {"wait_s", o.wait_s}}}};
  if (o.chat)
    body["messages"] = json::array({{{"role", "user"}, {"content", o.prompt}}});
  else
    body["prompt"] = o.prompt;
  if (o.seed)
    body["seed"] = *o.seed;
  const std::string path = o.chat ? "/v1/chat/completions" : "/v1/completions";
  if (!o.json_out)
    std::fprintf(stderr, "asking %s (%s) ...\n", url->c_str(), o.mode.c_str());
  const auto t0 = std::chrono::steady_clock::now();
  auto r = (*client)->Post(path, body.dump(), "application/json");
  if (!r || (r->status != 200 && r->status != 202))
    return report(fail(Errc::io, "ask " + *url + path + ": " + api_error(r)));
  json answer = json::parse(r->body, nullptr, false);
  // 202: still running when the node's wait ran out; poll the job.
  const auto end = t0 + std::chrono::seconds(o.wait_s);
  while (r->status == 202 && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const std::string id = answer["verification"]["job_id"].get<std::string>();
    auto g = (*client)->Get("/v1/jobs/" + id);
    if (!g || g->status != 200)
      return report(fail(Errc::io, "ask: GET /v1/jobs/" + id + ": " + api_error(g)));
    const json j = json::parse(g->body, nullptr, false);
    if (j["state"] == "failed")
      return report(fail(Errc::mismatch, "ask: job " + id + " failed: " +
                                             j["verification"].value("error", std::string("?"))));
    if (j["state"] == "settled") {
      answer["verification"] = j["verification"];
      answer["choices"] = json::array({o.chat ? json{{"message", {{"role", "assistant"},
                                                                  {"content", j["text"]}}}}
                                              : json{{"text", j["text"]}}});
      break;
    }
  }
  if (!answer.is_object() || !answer["verification"].contains("certificate"))
    return report(fail(
        Errc::io, "ask: no certificate within " + std::to_string(o.wait_s) + " s: job " +
                      answer["verification"].value("job_id", std::string("?")) + " is " +
                      answer["verification"].value("state", std::string("?")) +
                      " (a queued job waits for enough free staked nodes; GET /v1/jobs/<id> on " +
                      *url + " follows it)"));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const json& cj = answer["verification"]["certificate"];
  auto cert = node::parse_certificate(cj.dump());
  if (!cert)
    return report(fail(cert.error().code, "ask: the node's certificate: " + cert.error().message));
  const std::string text = o.chat ? answer["choices"][0]["message"]["content"].get<std::string>()
                                  : answer["choices"][0]["text"].get<std::string>();
  std::string verified = "not checked (--no-verify)";
  if (!o.no_verify) {
    const std::string ledger = o.ledger.empty() ? cert->ledger : o.ledger;
    if (auto v = verify_with_ledger(*cert, ledger); !v)
      return report(fail(v.error().code, "ask: the answer's certificate does not hold: " +
                                             v.error().message));
    verified = "confirmed by the ledger at " + ledger;
  }
  if (!o.cert_out.empty()) {
    std::ofstream f(o.cert_out);
    f << cj.dump(2) << "\n";
    if (!f)
      return report(fail(Errc::io, "ask: cannot write " + o.cert_out));
  }
  if (o.json_out) {
    answer["verification"]["client_check"] = verified;
    answer["wall_s"] = seconds;
    std::printf("%s\n", answer.dump(2).c_str());
    return 0;
  }
  std::printf("%s\n\n", text.c_str());
  std::printf("verification: %s, job %s\n", cert->mode.text().c_str(),
              commit::to_hex(cert->job_id).c_str());
  std::printf("  model root   %s\n", commit::to_hex(cert->job.model_root).c_str());
  std::printf("  output hash  %s (%zu tokens)\n", commit::to_hex(cert->output_hash).c_str(),
              cert->tokens.size());
  std::printf("  tally        %s, reveals closed at block %llu\n", seats_summary(*cert).c_str(),
              static_cast<unsigned long long>(cert->reveal_deadline));
  std::printf("  certificate  %s%s\n", verified.c_str(),
              o.cert_out.empty() ? "" : (", saved to " + o.cert_out).c_str());
  std::printf("  %.2f s\n", seconds);
  return 0;
}

struct VerifyOptions {
  std::string file;
  std::string ledger;
  bool json_out = false;
};

int verify(const VerifyOptions& o) {
  std::ifstream in(o.file);
  if (!in)
    return report(fail(Errc::io, o.file + ": cannot be read"));
  std::stringstream ss;
  ss << in.rdbuf();
  auto cert = node::parse_certificate(ss.str());
  Status s = cert ? ok_status() : Status(cert.error());
  std::string ledger;
  if (cert) {
    ledger = o.ledger.empty() ? cert->ledger : o.ledger;
    s = verify_with_ledger(*cert, ledger);
  }
  if (o.json_out) {
    json j = {{"file", o.file}, {"valid", s.ok()}, {"ledger", ledger}};
    if (cert) {
      j["job_id"] = commit::to_hex(cert->job_id);
      j["mode"] = cert->mode.text();
      j["output_hash"] = commit::to_hex(cert->output_hash);
    }
    if (!s.ok())
      j["error"] = s.error().to_string();
    std::printf("%s\n", j.dump(2).c_str());
    return s.ok() ? 0 : 1;
  }
  if (!s.ok())
    return report(fail(s.error().code, o.file + ": " + s.error().message));
  std::printf("%s: valid: %s job %s, output %s, %s; confirmed by the ledger at %s\n",
              o.file.c_str(), cert->mode.text().c_str(), commit::to_hex(cert->job_id).c_str(),
              commit::to_hex(cert->output_hash).c_str(), seats_summary(*cert).c_str(),
              ledger.c_str());
  return 0;
}

}  // namespace

void add_ask_commands(CLI::App& app) {
  auto o = std::make_shared<AskOptions>();
  auto* ask_cmd = app.add_subcommand(
      "ask",
      "Ask a node's API (docs/api.md) for a verified completion: prints the text and its "
      "certificate, which it checks against the ledger itself first");
  ask_cmd->add_option("prompt", o->prompt, "the prompt")->required();
  ask_cmd->add_option("--mode", o->mode,
                      "verification: quorum:N (served today); proof, optimistic and sampled:P "
                      "are refused by the API until it serves them")
      ->capture_default_str();
  ask_cmd->add_option("--node", o->node,
                      "the node's API URL; default: the first running node of the devnet");
  ask_cmd->add_option("--devnet", o->devnet_dir,
                      "the devnet directory to find a node in (default: $VINFER_DEVNET_DIR or "
                      "./vinfer-devnet)");
  ask_cmd->add_option("--max-tokens", o->max_tokens, "tokens to generate")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  ask_cmd->add_option("--temperature", o->temperature, "sampling temperature (0: greedy)")
      ->capture_default_str();
  ask_cmd->add_option("--top-p", o->top_p, "nucleus sampling mass")->capture_default_str();
  ask_cmd->add_option("--seed", o->seed, "the sampler's seed (default: the node picks one)");
  ask_cmd->add_flag("--chat", o->chat, "use /v1/chat/completions with the prompt as a user message");
  ask_cmd->add_option("--wait", o->wait_s, "seconds to wait for the certificate")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
  ask_cmd->add_option("--cert", o->cert_out, "write the certificate to this file");
  ask_cmd->add_option("--ledger", o->ledger,
                      "ledger URL to check the certificate against (default: the one it names)");
  ask_cmd->add_flag("--no-verify", o->no_verify, "do not check the certificate against the ledger");
  ask_cmd->add_flag("--json", o->json_out, "print the API's whole response as JSON");
  ask_cmd->callback([o] { std::exit(ask(*o)); });

  auto* cert = app.add_subcommand("certificate", "Verification certificates");
  cert->require_subcommand(1);
  auto v = std::make_shared<VerifyOptions>();
  auto* verify_cmd = cert->add_subcommand(
      "verify",
      "Check a certificate (vinfer ask --cert) against the ledger, without the node that "
      "answered: the job's bytes give its id, the tokens give the output hash, and the ledger "
      "settled that job with that tally; exit 1 if it does not hold");
  verify_cmd->add_option("file", v->file, "the certificate (JSON)")->required();
  verify_cmd->add_option("--ledger", v->ledger,
                         "ledger URL (default: the one the certificate names)");
  verify_cmd->add_flag("--json", v->json_out, "print {\"file\", \"valid\", \"ledger\", ...}");
  verify_cmd->callback([v] { std::exit(verify(*v)); });
}

}  // namespace vinfer::cli
