// RAII over the sqlite3 C API (sqlite_db.hpp).
#include "vinfer/ledger/sqlite_db.hpp"

#include <sqlite3.h>

namespace vinfer::ledger::sql {

Stmt::~Stmt() {
  if (s_)
    sqlite3_finalize(s_);
}

Stmt::Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_), sql_(std::move(o.sql_)) {
  o.s_ = nullptr;
}

Error Stmt::error(const char* what) const {
  return fail(Errc::io,
              std::string("sqlite: ") + what + " \"" + sql_ + "\": " + sqlite3_errmsg(db_));
}

Stmt& Stmt::bind(int i, std::span<const uint8_t> blob) {
  // A zero-length blob is still a blob, not NULL: give SQLite a non-null pointer.
  static const uint8_t kEmpty = 0;
  const int rc = sqlite3_bind_blob(s_, i, blob.empty() ? &kEmpty : blob.data(),
                                   static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  VINFER_ASSERT(rc == SQLITE_OK);  // a parameter index or size bug
  return *this;
}

Stmt& Stmt::bind(int i, uint64_t v) {
  const int rc = sqlite3_bind_int64(s_, i, static_cast<sqlite3_int64>(v));
  VINFER_ASSERT(rc == SQLITE_OK);
  return *this;
}

Stmt& Stmt::bind_text(int i, std::string_view text) {
  const int rc =
      sqlite3_bind_text(s_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  VINFER_ASSERT(rc == SQLITE_OK);
  return *this;
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  Error e = error("step");
  sqlite3_reset(s_);
  return e;
}

Status Stmt::run() {
  VINFER_TRY(bool row, step());
  reset();
  if (row)
    return fail(Errc::io, "sqlite: \"" + sql_ + "\" returned a row");
  return ok_status();
}

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

std::span<const uint8_t> Stmt::blob(int col) const {
  const void* p = sqlite3_column_blob(s_, col);
  const int n = sqlite3_column_bytes(s_, col);
  if (!p || n <= 0)
    return {};
  return {static_cast<const uint8_t*>(p), static_cast<size_t>(n)};
}

uint64_t Stmt::u64(int col) const {
  return static_cast<uint64_t>(sqlite3_column_int64(s_, col));
}

std::string Stmt::text(int col) const {
  const unsigned char* p = sqlite3_column_text(s_, col);
  const int n = sqlite3_column_bytes(s_, col);
  if (!p || n <= 0)
    return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

void Db::Close::operator()(sqlite3* db) const {
  sqlite3_close(db);  // every Stmt is finalized before its Db goes (the store owns both)
}

Result<Db> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Db db(raw);  // closes `raw` on every path below, also when the open failed
  if (rc != SQLITE_OK)
    return fail(Errc::io, "sqlite: cannot open " + path + ": " +
                              (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Status Db::exec(const std::string& sql) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string m = msg ? msg : sqlite3_errstr(rc);
    sqlite3_free(msg);
    return fail(Errc::io, "sqlite: \"" + sql + "\": " + m);
  }
  return ok_status();
}

Result<Stmt> Db::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &s, nullptr) !=
      SQLITE_OK)
    return fail(Errc::io, "sqlite: prepare \"" + sql + "\": " + sqlite3_errmsg(db_.get()));
  return Stmt(db_.get(), s, sql);
}

}  // namespace vinfer::ledger::sql
