// A `vinfer` child process for the node tests (VINFER_BIN): stdout on a pipe (first_line),
// stderr on a pipe or, for a long-running process that may write a lot, into a file.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace vinfer::node::testing {

// A `vinfer` child process with its stdout on a pipe; killed (by PID) if still running
// when it goes out of scope.
class Child {
 public:
  /// `err_file` non-empty: stderr is appended to that file instead of a pipe.
  explicit Child(const std::vector<std::string>& args, const std::string& err_file = "") {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0)
      return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      if (!err_file.empty()) {
        const int fd = open(err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(fd >= 0 ? fd : err[1], STDERR_FILENO);
      } else {
        dup2(err[1], STDERR_FILENO);
      }
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

}  // namespace vinfer::node::testing
