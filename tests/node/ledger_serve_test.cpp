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
#include "vinfer/node/remote_ledger.hpp"

namespace vinfer::node {
namespace {

namespace fs = std::filesystem;
using ledger::address_of;

// A `vinfer` child process with its stdout on a pipe; killed (by PID) if still running
// when it goes out of scope.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0)
      return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(err[1], STDERR_FILENO);
      for (int fd : {out[0], out[1], err[0], err[1]})
        close(fd);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(VINFER_BIN));
      for (const std::string& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(VINFER_BIN, argv.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
    fcntl(err_, F_SETFL, O_NONBLOCK);  // err() never waits for a child still running
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    for (int fd : {out_, err_})
      if (fd >= 0)
        close(fd);
  }
  pid_t pid() const { return pid_; }

  // The first line of stdout, waiting at most `ms`; empty if none came.
  std::string first_line(int ms = 10000) {
    std::string line;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0)
        continue;
      char c;
      if (read(out_, &c, 1) != 1)
        break;
      if (c == '\n')
        return line;
      line.push_back(c);
    }
    return "";
  }

  // Sends `sig` and waits (at most 10 s) for the exit; the exit code, or -1.
  int stop(int sig) {
    kill(pid_, sig);
    return wait();
  }
  // Waits (at most 10 s) for the exit; the exit code, or -1.
  int wait() {
    for (int i = 0; i < 1000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  // What it has written to stderr so far (all of it once it has exited).
  std::string err() {
    std::string s;
    char buf[4096];
    for (ssize_t n; (n = read(err_, buf, sizeof buf)) > 0;)
      s.append(buf, static_cast<size_t>(n));
    return s;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  bool reaped_ = false;
};

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
