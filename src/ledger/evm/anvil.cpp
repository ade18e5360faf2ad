// anvil as a child process (anvil.hpp).
#include "ledger/evm/anvil.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

namespace vinfer::ledger::evm {
namespace {

// The port of the "Listening on 127.0.0.1:PORT" line, or 0 while there is none.
int listening_port(const std::string& log) {
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::string key = "Listening on 127.0.0.1:";
  const std::size_t at = text.find(key);
  if (at == std::string::npos)
    return 0;
  const std::size_t begin = at + key.size();
  std::size_t end = begin;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9')
    ++end;
  if (end == begin || end == text.size())  // the line may still be being written
    return 0;
  return std::atoi(text.substr(begin, end - begin).c_str());
}

bool reap(pid_t pid, int wait_ms) {
  for (int waited = 0; waited <= wait_ms; waited += 10) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

Result<Anvil> Anvil::start(const std::string& binary,
                           const std::vector<std::string>& extra_args,
                           int timeout_ms) {
  if (access(binary.c_str(), X_OK) != 0)
    return fail(Errc::io, "anvil: " + binary + " is not an executable (run scripts/bootstrap.sh)");
  const char* tmp = std::getenv("TMPDIR");
  std::string log = std::string(tmp && *tmp ? tmp : "/tmp") + "/vinfer-anvil-XXXXXX";
  const int fd = mkstemp(log.data());
  if (fd < 0)
    return fail(Errc::io, "anvil: cannot create a log file " + log + ": " + std::strerror(errno));
  std::vector<std::string> args = {binary, "--host", "127.0.0.1", "--port", "0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fd);
    unlink(log.c_str());
    return fail(Errc::io, std::string("anvil: fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // The chain must not outlive a test that crashes or is killed.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
      dup2(devnull, STDIN_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fd);
  Anvil a(pid, 0, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    a.port_ = listening_port(log);
    if (a.port_ > 0)
      return a;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      a.pid_ = -1;
      std::ifstream in(log);
      std::stringstream ss;
      ss << in.rdbuf();
      unlink(log.c_str());
      return fail(Errc::io, "anvil exited before listening (status " + std::to_string(status) +
                                "): " + ss.str().substr(0, 500));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return fail(Errc::io, "anvil: no \"Listening on\" line in " + log + " after " +
                            std::to_string(timeout_ms) + " ms");
}

Anvil::Anvil(Anvil&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)), port_(o.port_), log_(std::move(o.log_)) {
  o.log_.clear();
}

Anvil& Anvil::operator=(Anvil&& o) noexcept {
  if (this != &o) {
    stop();
    pid_ = std::exchange(o.pid_, -1);
    port_ = o.port_;
    log_ = std::move(o.log_);
    o.log_.clear();
  }
  return *this;
}

Anvil::~Anvil() {
  stop();
}

void Anvil::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    if (!reap(pid_, 2000)) {
      kill(pid_, SIGKILL);
      reap(pid_, 2000);
    }
    pid_ = -1;
  }
  if (!log_.empty()) {
    unlink(log_.c_str());
    log_.clear();
  }
}

std::string Anvil::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

}  // namespace vinfer::ledger::evm
