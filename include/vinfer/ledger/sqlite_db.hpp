// RAII over the sqlite3 C API (the ledger's and the roles' state files) — a connection and its
// prepared statements — with errors as vinfer::Error naming the SQL that failed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "vinfer/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace vinfer::ledger::sql {

/// A prepared statement; finalized on destruction. Integers are bound and read as the
/// 64-bit pattern of a uint64_t (SQLite's INTEGER is signed: 2^63 and above read back
/// negative in the sqlite3 shell, and exactly in vinfer).
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* s, std::string sql) : db_(db), s_(s), sql_(std::move(sql)) {}
  ~Stmt();
  Stmt(Stmt&& o) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  /// Binds parameter i (1-based); the bytes are copied.
  Stmt& bind(int i, std::span<const uint8_t> blob);
  Stmt& bind(int i, uint64_t v);
  Stmt& bind_text(int i, std::string_view text);

  /// One step: true if a row is ready, false once done.
  Result<bool> step();
  /// Steps to the end (an INSERT, UPDATE or DELETE) and resets for the next use.
  Status run();
  /// Ready for new bindings.
  void reset();

  /// Column `col` (0-based) of the current row.
  std::span<const uint8_t> blob(int col) const;
  uint64_t u64(int col) const;
  std::string text(int col) const;

 private:
  Error error(const char* what) const;
  sqlite3* db_;
  sqlite3_stmt* s_;
  std::string sql_;
};

/// An open database connection; closed on destruction.
class Db {
 public:
  /// Opens (creating if missing) the file at `path`.
  static Result<Db> open(const std::string& path);
  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;

  /// Runs one or more statements that return no rows.
  Status exec(const std::string& sql);
  /// Prepares one statement.
  Result<Stmt> prepare(const std::string& sql);

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  explicit Db(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, Close> db_;
};

}  // namespace vinfer::ledger::sql
