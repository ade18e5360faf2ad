// Internal to src/ledger: a MemoryLedger's State in a SQLite file. One table per kind of
// record (accounts, keys, models, jobs, claims, games, quorum_jobs, events) and a
// key-value meta table (schema version, params, block, net deposits, burned, next game
// id). Records whose shape is the protocol's own (Job, Claim, GameState, and a quorum
// job's Round, Tally and Payout) are blobs in their versioned layouts (codec.hpp);
// amounts and counters are INTEGER columns. Block hashes are not stored: MemoryLedger's
// are a function of the block number (memory_ledger.hpp).
//
// Durability: WAL journal, synchronous=NORMAL, so a killed process loses nothing that a
// call returned for (a power cut may lose the last transactions, never consistency). The
// file is locked exclusively while open.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "ledger/state.hpp"
#include "vinfer/ledger/sqlite_db.hpp"
#include "vinfer/ledger/types.hpp"

namespace vinfer::ledger::detail {

using sql::Db;
using sql::Stmt;

/// A ledger database.
class SqliteStore {
 public:
  /// Opens or creates the file and its schema.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);

  /// True if the database holds no ledger yet (just created).
  bool fresh() const { return fresh_; }

  /// Writes the parameters and the initial state of a new ledger.
  Status create(const Params& p, const State& s);

  /// The parameters the ledger was created with.
  Result<Params> load_params();

  /// Reads everything back; the error names the table, row and field that is damaged.
  Result<State> load();

  /// Writes the records `d` names and the meta counters, in one SQL transaction; on
  /// failure the file keeps its previous state.
  Status save(const State& s, const Dirty& d);

 private:
  explicit SqliteStore(Db db) : db_(std::move(db)) {}
  Result<Stmt*> stmt(const std::string& sql);
  Status put_meta(const std::string& key, std::span<const uint8_t> value);
  Status put_meta_u64(const std::string& key, uint64_t v);
  Result<uint64_t> get_meta_u64(const std::string& key);
  Status write(const State& s, const Dirty& d);
  Status load_accounts(State& s);
  Status load_models(State& s);
  Status load_jobs(State& s);
  Status load_games(State& s);
  Status load_keys(State& s);
  Status load_quorum_jobs(State& s);
  Status load_sampled(State& s);  ///< the auditor registry and the sampled jobs
  Status load_events(State& s);

  Db db_;
  std::map<std::string, std::unique_ptr<Stmt>> stmts_;  // destroyed before db_
  bool fresh_ = false;
};

}  // namespace vinfer::ledger::detail
