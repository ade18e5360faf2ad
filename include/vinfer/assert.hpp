// VINFER_ASSERT: programmer errors (broken invariants), never bad input.
// Always on, also in release builds: a wrong integer is worse than a crash here.
#pragma once

namespace vinfer::detail {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line);
}  // namespace vinfer::detail

#define VINFER_ASSERT(cond) \
  ((cond) ? static_cast<void>(0) : ::vinfer::detail::assert_fail(#cond, __FILE__, __LINE__))
