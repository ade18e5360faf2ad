// Error names and the assertion handler: the few definitions every layer shares.
#include <cstdio>
#include <cstdlib>

#include "vinfer/result.hpp"

namespace vinfer {

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::invalid_argument:
      return "invalid argument";
    case Errc::io:
      return "io";
    case Errc::parse:
      return "parse";
    case Errc::truncated:
      return "truncated";
    case Errc::unsupported:
      return "unsupported";
    case Errc::overflow:
      return "overflow";
    case Errc::mismatch:
      return "mismatch";
    case Errc::limit:
      return "limit";
  }
  return "error";
}

namespace detail {
void assert_fail(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "vinfer: assertion failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}
}  // namespace detail
}  // namespace vinfer
