// vinfer::Result<T> — the return type of every fallible call (parsers, loaders,
// verifiers). A value or an Error; no exceptions cross a layer boundary.
// Not std::expected: clang 14's libstdc++ lacks it and libFuzzer needs clang 14.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "vinfer/assert.hpp"

namespace vinfer {

/// What kind of failure; the layer is part of the name so a log line says where.
enum class Errc : std::uint16_t {
  invalid_argument = 1,  ///< a caller-supplied value is out of range
  io,                    ///< a file could not be opened, read or written
  parse,                 ///< bytes do not follow the format (names field and offset)
  truncated,             ///< the input ended early (names field and offset)
  unsupported,           ///< well-formed but not supported (type, architecture, op)
  overflow,              ///< an integer bound of the canonical arithmetic would be exceeded
  mismatch,              ///< two things that must agree do not (shapes, roots, versions)
  limit,                 ///< a size or count exceeds a configured limit
};

/// Human-readable name of an error code.
const char* errc_name(Errc c);

/// A failure: a code plus a message naming the field, offset or step that failed.
struct Error {
  Errc code;
  std::string message;

  /// "parse: tensor 'blk.0.attn_q.weight': offset 1234 past end of file"
  std::string to_string() const { return std::string(errc_name(code)) + ": " + message; }
};

/// Builds an Error; `return fail(Errc::parse, "...")` converts to any Result<T>.
inline Error fail(Errc code, std::string message) {
  return Error{code, std::move(message)};
}

/// A value of type T, or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    VINFER_ASSERT(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    VINFER_ASSERT(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    VINFER_ASSERT(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    VINFER_ASSERT(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

/// Result of a call that produces no value.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() {
  return Unit{};
}

}  // namespace vinfer

/// Propagates an error: `VINFER_TRY(auto x, parse(...));`
#define VINFER_TRY_CAT2(a, b) a##b
#define VINFER_TRY_CAT(a, b) VINFER_TRY_CAT2(a, b)
#define VINFER_TRY(decl, expr) VINFER_TRY_IMPL(VINFER_TRY_CAT(vinfer_try_, __LINE__), decl, expr)
// NOLINTBEGIN(bugprone-macro-parentheses): `decl` is a declaration, `tmp` a name.
#define VINFER_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                     \
  if (!tmp.ok())                         \
    return tmp.error();                  \
  decl = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
/// Propagates an error from a Status: `VINFER_CHECK(write(...));`
#define VINFER_CHECK(expr)        \
  do {                            \
    auto vinfer_chk_ = (expr);    \
    if (!vinfer_chk_.ok())        \
      return vinfer_chk_.error(); \
  } while (0)
