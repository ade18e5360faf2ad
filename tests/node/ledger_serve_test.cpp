// `vinfer ledger serve` as a real process: started on a free port (--port 0, the URL read
// from its first line), used through RemoteLedger, stopped by PID with SIGTERM or SIGINT
// (exit 0), and with --db restarted on the same file with nothing lost.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinfer/ledger/address.hpp"
#include "node/child.hpp"
#include "vinfer/node/remote_ledger.hpp"

namespace vinfer::node {
namespace {

namespace fs = std::filesystem;
using ledger::address_of;
using testing::Child;

// "listening on http://127.0.0.1:PORT (...)" -> the URL.
std::string url_of(const std::string& line) {
  const auto at = line.find("http://");
  if (at == std::string::npos)
    return "";
  return line.substr(at, line.find(' ', at) - at);
}

fs::path db_path() {
  fs::path p =
      fs::temp_directory_path() / ("vinfer_ledger_serve_" + std::to_string(getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(p.string() + suffix);
  return p;
}

TEST(LedgerServe, ServesOnAFreePortAndStopsOnSigterm) {
  Child c({"ledger", "serve", "--port", "0"});
  ASSERT_GT(c.pid(), 0);
  const std::string line = c.first_line();
  const std::string url = url_of(line);
  ASSERT_NE(url, "") << "first line: '" << line << "'";
  EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  {
    auto l = RemoteLedger::connect(url);
    ASSERT_TRUE(l.ok()) << l.error().to_string();
    EXPECT_EQ((*l)->params(), ledger::Params{});
    ASSERT_TRUE((*l)->deposit(address_of("alice"), 40).ok());
    EXPECT_EQ((*l)->balance(address_of("alice")), 40u);
    const Status refused = (*l)->withdraw(address_of("alice"), 41);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("balance 40 is less than 41"), std::string::npos)
        << refused.error().message;
    EXPECT_TRUE((*l)->totals().holds());
  }
  EXPECT_EQ(c.stop(SIGTERM), 0);
  EXPECT_NE(c.err().find("stopped on SIGTERM"), std::string::npos);
  EXPECT_FALSE(RemoteLedger::connect(url).ok()) << "still answering after SIGTERM";
}

TEST(LedgerServe, TheBlockClockAdvancesByItselfBetweenRequests) {
  Child c({"ledger", "serve", "--port", "0", "--block-ms", "20"});
  const std::string url = url_of(c.first_line());
  ASSERT_NE(url, "");
  auto l = RemoteLedger::connect(url);
  ASSERT_TRUE(l.ok()) << l.error().to_string();
  const uint64_t start = (*l)->block();
  bool moved = false;
  for (int i = 0; i < 500 && !moved; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    moved = (*l)->block() >= start + 3;
  }
  EXPECT_TRUE(moved) << "still at block " << (*l)->block();
  ASSERT_TRUE((*l)->deposit(address_of("alice"), 5).ok());  // requests still go through
  EXPECT_TRUE((*l)->totals().holds());
  EXPECT_EQ(c.stop(SIGTERM), 0);
}

TEST(LedgerServe, ADatabaseSurvivesARestart) {
  const fs::path db = db_path();
  std::string url;
  {
    Child c({"ledger", "serve", "--port", "0", "--db", db.string(), "--json"});
    const std::string line = c.first_line();
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "first line: '" << line << "'";
    EXPECT_EQ(j["pid"], c.pid());
    EXPECT_EQ(j["db"], db.string());
    url = j["url"];
    {
      auto l = RemoteLedger::connect(url);
      ASSERT_TRUE(l.ok()) << l.error().to_string();
      ASSERT_TRUE((*l)->deposit(address_of("bob"), 500).ok());
      ASSERT_TRUE((*l)->stake(address_of("bob"), 200).ok());
      ASSERT_TRUE((*l)->advance(3).ok());
    }
    EXPECT_EQ(c.stop(SIGINT), 0);
    EXPECT_NE(c.err().find("stopped on SIGINT"), std::string::npos) << c.err();
  }
  Child c({"ledger", "serve", "--port", "0", "--db", db.string()});
  const std::string line = c.first_line();
  auto l = RemoteLedger::connect(url_of(line));
  ASSERT_TRUE(l.ok()) << "first line: '" << line << "'";
  EXPECT_EQ((*l)->block(), 3u);
  EXPECT_EQ((*l)->balance(address_of("bob")), 300u);
  EXPECT_EQ((*l)->staked(address_of("bob")), 200u);
  EXPECT_EQ((*l)->events().size(), 2u);
  // With a client still connected: the server waits out that idle connection's keep-alive
  // (2 s), no longer.
  EXPECT_EQ(c.stop(SIGTERM), 0);
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(db.string() + suffix);
}

TEST(LedgerServe, APortInUseIsAClearError) {
  Child first({"ledger", "serve", "--port", "0"});
  const std::string url = url_of(first.first_line());
  ASSERT_NE(url, "");
  const std::string port = url.substr(url.rfind(':') + 1);
  Child second({"ledger", "serve", "--port", port});
  EXPECT_EQ(second.wait(), 1);
  EXPECT_NE(second.err().find("vinfer: io: ledger server: cannot listen on 127.0.0.1:" + port),
            std::string::npos)
      << second.err();
  EXPECT_EQ(first.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace vinfer::node
