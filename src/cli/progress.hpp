// A one-line progress indicator for long CLI work. Internal to src/cli.
#pragma once

#include <unistd.h>

#include <cstdio>

namespace vinfer::cli {

// A `\r`-updated status line on stderr, only when stderr is a terminal.
class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO) != 0) {}
  ~Progress() { done(); }
  template <class... A>
  void update(const char* fmt, A... args) {
    if (!tty_) {
      return;
    }
    std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, fmt, args...);
    std::fflush(stderr);
    shown_ = true;
  }
  void done() {
    if (shown_) {
      std::fputc('\n', stderr);
    }
    shown_ = false;
  }

 private:
  bool tty_, shown_ = false;
};

}  // namespace vinfer::cli
