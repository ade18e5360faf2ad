// `vinfer devnet` as real processes: up starts a ledger and three quorum nodes on
// kjv-small, detached; status sees them and the block clock moving; the nodes are on the
// ledger; a second up is refused; down stops every PID and removes the state. Whatever a
// failed case leaves running is killed by PID in TearDown.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/devnet_state.hpp"
#include "vinfer/ledger/address.hpp"
#include "vinfer/node/remote_ledger.hpp"

namespace vinfer::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Ran {
  int rc = -1;
  std::string out, err;
};

// Runs `vinfer ARGS` to completion (at most `ms`, then SIGKILL): exit code, stdout, stderr.
Ran run(const std::vector<std::string>& args, int ms = 90'000) {
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0)
    return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    for (int fd : {out[0], out[1], err[0], err[1]})
      close(fd);
    std::vector<char*> argv{const_cast<char*>(VINFER_BIN)};
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(VINFER_BIN, argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  Ran r;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  pollfd p[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* into[2] = {&r.out, &r.err};
  int open_fds = 2;
  while (open_fds > 0 && std::chrono::steady_clock::now() < end) {
    if (poll(p, 2, 100) <= 0)
      continue;
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || (p[i].revents & (POLLIN | POLLHUP)) == 0)
        continue;
      char buf[4096];
      const ssize_t n = read(p[i].fd, buf, sizeof buf);
      if (n > 0) {
        into[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(p[i].fd);
        p[i].fd = -1;
        --open_fds;
      }
    }
  }
  if (open_fds > 0)
    kill(pid, SIGKILL);
  for (pollfd& q : p)
    if (q.fd >= 0)
      close(q.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool gone_within(pid_t pid, int ms) {
  for (int i = 0; i < ms / 20; ++i) {
    if (!process_running(pid))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !process_running(pid);
}

class Devnet : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vinfer_devnet_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  // Kills (by PID) whatever a failed case left running, only processes that still run
  // this devnet's ledger or nodes.
  void TearDown() override {
    if (auto s = read_devnet_state(dir_)) {
      for (const DevnetNode& n : s->nodes)
        if (is_devnet_node(n.pid, n.dir))
          kill(n.pid, SIGKILL);
      if (is_devnet_ledger(s->ledger_pid))
        kill(s->ledger_pid, SIGKILL);
    }
    if (!HasFailure())
      fs::remove_all(dir_);
  }
  std::string model() const {
    return (fs::path(VINFER_SOURCE_DIR) / "models" / "kjv-small.gguf").string();
  }
  fs::path dir_;
};

uint64_t block_of(const Ran& status) {
  const json j = json::parse(status.out, nullptr, false);
  if (j.is_discarded() || !j["ledger"]["block"].is_number_unsigned())
    return 0;
  return j["ledger"]["block"].get<uint64_t>();
}

TEST_F(Devnet, UpStatusDown) {
  const std::string d = dir_.string();
  const Ran up = run({"devnet", "up", "--dir", d, "--nodes", "3", "--model", model(),
                      "--block-ms", "100", "--json"});
  ASSERT_EQ(up.rc, 0) << up.err;
  EXPECT_NE(up.err.find("starting node 3/3"), std::string::npos) << up.err;

  auto s = read_devnet_state(dir_);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(json::parse(up.out), devnet_state_json(*s));  // --json prints the state file
  EXPECT_EQ(s->dir, d);
  EXPECT_EQ(s->block_ms, 100u);
  ASSERT_EQ(s->nodes.size(), 3u);
  EXPECT_TRUE(is_devnet_ledger(s->ledger_pid));
  for (uint32_t k = 0; k < 3; ++k) {
    const DevnetNode& n = s->nodes[k];
    EXPECT_EQ(n.index, k);
    EXPECT_EQ(n.dir, (dir_ / ("node-" + std::to_string(k))).string());
    EXPECT_TRUE(is_devnet_node(n.pid, n.dir)) << "node-" << k << " pid " << n.pid;
    EXPECT_EQ(n.roles, json::array({"quorum"}));
    EXPECT_TRUE(n.cheat.is_null());
    EXPECT_EQ(n.blob_url.rfind("http://127.0.0.1:", 0), 0u) << n.blob_url;
  }

  // status: every process running, the block clock moving.
  const Ran st1 = run({"devnet", "status", "--dir", d, "--json"});
  ASSERT_EQ(st1.rc, 0) << st1.err;
  const json j1 = json::parse(st1.out);
  EXPECT_EQ(j1["running"], 4);
  EXPECT_EQ(j1["ledger"]["running"], true);
  for (const json& n : j1["nodes"])
    EXPECT_EQ(n["running"], true);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const Ran st2 = run({"devnet", "status", "--dir", d, "--json"});
  ASSERT_EQ(st2.rc, 0) << st2.err;
  EXPECT_GT(block_of(st2), block_of(st1)) << st1.out << st2.out;
  const Ran table = run({"devnet", "status", "--dir", d});
  EXPECT_EQ(table.rc, 0) << table.err;
  EXPECT_NE(table.out.find("4 of 4 processes running"), std::string::npos) << table.out;

  // The nodes joined the ledger: bonded (candidates) and registered their keys.
  {
    auto l = node::RemoteLedger::connect(s->ledger_url);
    ASSERT_TRUE(l.ok()) << l.error().to_string();
    std::vector<std::string> on_ledger, in_state;
    for (const quorum::Candidate& c : (*l)->candidates())
      on_ledger.push_back(ledger::to_hex(c.id));
    for (const DevnetNode& n : s->nodes) {
      in_state.push_back(n.address);
      auto a = ledger::address_from_hex(n.address);
      ASSERT_TRUE(a.ok()) << n.address;
      EXPECT_TRUE((*l)->node_key(*a).ok()) << n.address;
    }
    std::sort(on_ledger.begin(), on_ledger.end());
    std::sort(in_state.begin(), in_state.end());
    EXPECT_EQ(on_ledger, in_state);
  }

  // A second up on a running devnet is refused and changes nothing.
  const Ran again = run({"devnet", "up", "--dir", d, "--nodes", "3", "--model", model()});
  EXPECT_NE(again.rc, 0);
  EXPECT_NE(again.err.find("vinfer devnet down"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find(d), std::string::npos) << again.err;
  EXPECT_EQ(devnet_running(*s), 4u);

  // down stops every process and removes the state; the logs stay.
  const Ran down = run({"devnet", "down", "--dir", d, "--json"});
  ASSERT_EQ(down.rc, 0) << down.err;
  EXPECT_EQ(json::parse(down.out)["stopped"], 4) << down.out;
  EXPECT_TRUE(gone_within(s->ledger_pid, 2000));
  for (const DevnetNode& n : s->nodes)
    EXPECT_TRUE(gone_within(n.pid, 2000)) << "node-" << n.index << " pid " << n.pid;
  EXPECT_FALSE(fs::exists(devnet_state_path(dir_)));
  EXPECT_TRUE(fs::exists(dir_ / "ledger.log"));
  EXPECT_TRUE(fs::exists(dir_ / "node-0" / "node.log"));
  EXPECT_NE(read_devnet_state(dir_).ok(), true);
}

TEST_F(Devnet, AStoppedDevnetIsReplaced) {
  const std::string d = dir_.string();
  const Ran first = run({"devnet", "up", "--dir", d, "--nodes", "1", "--model", model()});
  ASSERT_EQ(first.rc, 0) << first.err;
  auto old = read_devnet_state(dir_);
  ASSERT_TRUE(old.ok()) << old.error().to_string();
  kill(old->nodes[0].pid, SIGKILL);
  kill(old->ledger_pid, SIGKILL);
  ASSERT_TRUE(gone_within(old->nodes[0].pid, 2000));
  ASSERT_TRUE(gone_within(old->ledger_pid, 2000));

  // status reports the dead ledger instead of failing on it.
  const Ran st = run({"devnet", "status", "--dir", d, "--json"});
  ASSERT_EQ(st.rc, 0) << st.err;
  const json j = json::parse(st.out);
  EXPECT_EQ(j["running"], 0);
  EXPECT_EQ(j["ledger"]["running"], false);
  EXPECT_TRUE(j["ledger"]["block"].is_null());

  const Ran second = run({"devnet", "up", "--dir", d, "--nodes", "2", "--model", model()});
  ASSERT_EQ(second.rc, 0) << second.err;
  auto s = read_devnet_state(dir_);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_EQ(s->nodes.size(), 2u);
  EXPECT_NE(s->nodes[0].address, old->nodes[0].address);  // fresh keys
  EXPECT_EQ(devnet_running(*s), 3u);
  const Ran down = run({"devnet", "down", "--dir", d});
  EXPECT_EQ(down.rc, 0) << down.err;
  EXPECT_NE(down.out.find("stopped 3 of 3"), std::string::npos) << down.out;
}

TEST_F(Devnet, AFailedStartStopsWhatItStarted) {
  // node init refuses the strategy for node 1, after the ledger and node 0's directory.
  const Ran up = run({"devnet", "up", "--dir", dir_.string(), "--nodes", "2", "--model", model(),
                      "--cheaters", "1:no-such-cheat"});
  EXPECT_NE(up.rc, 0);
  EXPECT_NE(up.err.find("no-such-cheat"), std::string::npos) << up.err;
  auto s = read_devnet_state(dir_);  // the stopped devnet, for its logs and the next up
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_TRUE(gone_within(s->ledger_pid, 2000));
  EXPECT_EQ(devnet_running(*s), 0u);
}

TEST_F(Devnet, CheaterOfAMissingNodeIsRefused) {
  const Ran up = run({"devnet", "up", "--dir", dir_.string(), "--nodes", "3", "--model", model(),
                      "--cheaters", "7:perturb-element"});
  EXPECT_NE(up.rc, 0);
  EXPECT_NE(up.err.find("\"7:perturb-element\""), std::string::npos) << up.err;
  EXPECT_FALSE(fs::exists(devnet_state_path(dir_)));
  EXPECT_FALSE(fs::exists(dir_ / "ledger.out"));  // refused before anything started

  const Ran malformed = run({"devnet", "up", "--dir", dir_.string(), "--model", model(),
                             "--cheaters", "0:perturb-element,x"});
  EXPECT_NE(malformed.rc, 0);
  EXPECT_NE(malformed.err.find("\"x\""), std::string::npos) << malformed.err;
}

TEST_F(Devnet, DownWithoutADevnetSaysSo) {
  const Ran down = run({"devnet", "down", "--dir", dir_.string()});
  EXPECT_EQ(down.rc, 0) << down.err;
  EXPECT_NE(down.out.find("no devnet in " + dir_.string()), std::string::npos) << down.out;
  const Ran status = run({"devnet", "status", "--dir", dir_.string()});
  EXPECT_NE(status.rc, 0);
  EXPECT_NE(status.err.find("no devnet in"), std::string::npos) << status.err;
}

// The client side over real processes (docs/api.md): `vinfer ask` finds the devnet's node,
// gets a verified answer and checks its certificate against the ledger; `vinfer
// certificate verify` re-checks the saved certificate, and refuses a tampered one.
TEST_F(Devnet, AskGetsAVerifiedAnswerAndItsCertificateVerifies) {
  const std::string d = dir_.string();
  const Ran up = run({"devnet", "up", "--dir", d, "--nodes", "3", "--model", model(),
                      "--block-ms", "50"});
  ASSERT_EQ(up.rc, 0) << up.err;
  const std::string cert = (dir_ / "answer.json").string();
  const Ran ask = run({"ask", "--devnet", d, "--max-tokens", "16", "--seed", "3", "--cert", cert,
                       "--json", "In the beginning"});
  ASSERT_EQ(ask.rc, 0) << ask.err;
  const json a = json::parse(ask.out, nullptr, false);
  ASSERT_TRUE(a.is_object()) << ask.out;
  EXPECT_EQ(a["verification"]["status"], "settled");
  EXPECT_EQ(a["verification"]["mode"], "quorum:3");
  EXPECT_NE(a["verification"]["client_check"].get<std::string>().find("confirmed by the ledger"),
            std::string::npos);
  EXPECT_FALSE(a["choices"][0]["text"].get<std::string>().empty());

  const Ran ok = run({"certificate", "verify", cert});
  EXPECT_EQ(ok.rc, 0) << ok.err;
  EXPECT_NE(ok.out.find("valid: quorum:3"), std::string::npos) << ok.out;
  // One output token changed: refused, naming why.
  json c = json::parse(std::ifstream(cert), nullptr, false);
  c["output_tokens"][0] = c["output_tokens"][0].get<uint32_t>() + 1;
  const std::string bad = (dir_ / "tampered.json").string();
  std::ofstream(bad) << c.dump();
  const Ran refused = run({"certificate", "verify", bad});
  EXPECT_EQ(refused.rc, 1);
  EXPECT_NE(refused.err.find("do not hash to its output_hash"), std::string::npos) << refused.err;
  // A mode the API does not serve yet is refused by the node, and ask says so.
  const Ran proof = run({"ask", "--devnet", d, "--mode", "proof", "x"});
  EXPECT_EQ(proof.rc, 1);
  EXPECT_NE(proof.err.find("HTTP 501"), std::string::npos) << proof.err;
  EXPECT_EQ(run({"devnet", "down", "--dir", d}).rc, 0);
  const Ran none = run({"ask", "--devnet", d, "x"});
  EXPECT_EQ(none.rc, 1);
  EXPECT_NE(none.err.find("vinfer devnet up"), std::string::npos) << none.err;
}

// Two of three nodes reveal made-up outputs: no output has a majority, and the client gets
// an error, not an answer.
TEST_F(Devnet, AskToAQuorumOfLiarsGetsNoAnswer) {
  const std::string d = dir_.string();
  const Ran up = run({"devnet", "up", "--dir", d, "--nodes", "3", "--model", model(),
                      "--block-ms", "50", "--cheaters", "1:random-output,2:random-output"});
  ASSERT_EQ(up.rc, 0) << up.err;
  const Ran ask = run({"ask", "--devnet", d, "--max-tokens", "4", "In the beginning"});
  EXPECT_EQ(ask.rc, 1) << ask.out;
  EXPECT_NE(ask.err.find("HTTP 502"), std::string::npos) << ask.err;
  EXPECT_NE(ask.err.find("strict stake majority"), std::string::npos) << ask.err;
  EXPECT_EQ(run({"devnet", "down", "--dir", d}).rc, 0);
}

}  // namespace
}  // namespace vinfer::cli
