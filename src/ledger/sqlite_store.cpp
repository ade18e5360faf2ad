// A MemoryLedger's State in SQLite (sqlite_store.hpp).
#include "ledger/sqlite_store.hpp"

#include "vinfer/ledger/codec.hpp"
#include "vinfer/wire.hpp"

namespace vinfer::ledger::detail {

using wire::ByteReader;
using wire::ByteWriter;
namespace {

constexpr uint64_t kSchemaVersion = 3;  // 2: node keys, quorum jobs, Params v2; 3: sampled

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS accounts(address BLOB PRIMARY KEY, balance INTEGER NOT NULL,
  stake INTEGER NOT NULL, unbonding BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS models(root BLOB PRIMARY KEY, arch BLOB NOT NULL,
  arith_leaf BLOB NOT NULL, tokenizer_leaf BLOB NOT NULL, weights_root BLOB NOT NULL,
  owner BLOB NOT NULL, block INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs(id BLOB PRIMARY KEY, job BLOB NOT NULL, client BLOB NOT NULL,
  payment INTEGER NOT NULL, escrow INTEGER NOT NULL, status INTEGER NOT NULL,
  block INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS claims(job_id BLOB PRIMARY KEY, worker BLOB NOT NULL,
  claim BLOB NOT NULL, bond INTEGER NOT NULL, block INTEGER NOT NULL,
  window_end INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS games(id INTEGER PRIMARY KEY, job_id BLOB NOT NULL,
  challenger BLOB NOT NULL, bond INTEGER NOT NULL, status INTEGER NOT NULL,
  block INTEGER NOT NULL, state BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS keys(address BLOB PRIMARY KEY, key BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS quorum_jobs(id BLOB PRIMARY KEY, job BLOB NOT NULL,
  client BLOB NOT NULL, n INTEGER NOT NULL, reward_per_node INTEGER NOT NULL,
  escrow INTEGER NOT NULL, settled INTEGER NOT NULL, block INTEGER NOT NULL,
  round BLOB NOT NULL, tally BLOB NOT NULL, payout BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS auditors(address BLOB PRIMARY KEY, commitment BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sampled_jobs(id BLOB PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, block INTEGER NOT NULL,
  kind INTEGER NOT NULL, job_id BLOB NOT NULL, game INTEGER NOT NULL, who BLOB NOT NULL,
  amount INTEGER NOT NULL, detail TEXT NOT NULL);
)sql";

std::vector<uint8_t> be64(uint64_t v) {
  ByteWriter w;
  w.u64(v);
  return w.take();
}

std::vector<uint8_t> encode_unbonding(const std::vector<Unbonding>& u) {
  ByteWriter w;
  w.u32(static_cast<uint32_t>(u.size()));
  for (const Unbonding& x : u) {
    w.u64(x.amount);
    w.u64(x.release_block);
  }
  return w.take();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  VINFER_TRY(Db db, Db::open(path));
  // The first write transaction takes the exclusive lock, held until close: a second
  // ledger on the same file fails here instead of diverging from this one.
  VINFER_CHECK(
      db.exec("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; "
              "PRAGMA synchronous=NORMAL;"));
  VINFER_CHECK(db.exec(std::string("BEGIN IMMEDIATE;") + kSchema + "COMMIT;"));
  std::unique_ptr<SqliteStore> s(new SqliteStore(std::move(db)));
  VINFER_TRY(Stmt * q, s->stmt("SELECT value FROM meta WHERE key = 'schema'"));
  VINFER_TRY(bool row, q->step());
  q->reset();
  s->fresh_ = !row;
  if (row) {
    VINFER_TRY(uint64_t v, s->get_meta_u64("schema"));
    if (v != kSchemaVersion)
      return fail(Errc::unsupported, "open: " + path + ": schema version " + std::to_string(v) +
                                         ", this build reads " + std::to_string(kSchemaVersion));
  }
  return s;
}

Result<Stmt*> SqliteStore::stmt(const std::string& sql) {
  auto& slot = stmts_[sql];
  if (!slot) {
    VINFER_TRY(Stmt s, db_.prepare(sql));
    slot = std::make_unique<Stmt>(std::move(s));
  }
  return slot.get();
}

Status SqliteStore::put_meta(const std::string& key, std::span<const uint8_t> value) {
  VINFER_TRY(Stmt * q, stmt("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)"));
  return q->bind_text(1, key).bind(2, value).run();
}

Status SqliteStore::put_meta_u64(const std::string& key, uint64_t v) {
  return put_meta(key, be64(v));
}

Result<uint64_t> SqliteStore::get_meta_u64(const std::string& key) {
  VINFER_TRY(Stmt * q, stmt("SELECT value FROM meta WHERE key = ?"));
  q->bind_text(1, key);
  VINFER_TRY(bool row, q->step());
  if (!row) {
    q->reset();
    return fail(Errc::parse, "open: meta lacks '" + key + "'");
  }
  ByteReader r(q->blob(0), "open: meta '" + key + "'");
  auto v = r.u64("value");
  const Status end = v ? r.finish() : Status(v.error());
  q->reset();
  if (!end)
    return end.error();
  return v;
}

Status SqliteStore::create(const Params& p, const State& s) {
  VINFER_CHECK(db_.exec("BEGIN IMMEDIATE"));
  Status st = put_meta_u64("schema", kSchemaVersion);
  if (st)
    st = put_meta("params", encode_params(p));
  if (st)
    st = write(s, Dirty{});
  if (!st) {
    (void)db_.exec("ROLLBACK");
    return st;
  }
  VINFER_CHECK(db_.exec("COMMIT"));
  fresh_ = false;
  return ok_status();
}

Result<Params> SqliteStore::load_params() {
  VINFER_TRY(Stmt * q, stmt("SELECT value FROM meta WHERE key = 'params'"));
  VINFER_TRY(bool row, q->step());
  if (!row) {
    q->reset();
    return fail(Errc::parse, "open: meta lacks 'params'");
  }
  auto p = decode_params(q->blob(0));
  q->reset();
  if (!p)
    return fail(p.error().code, "open: meta 'params': " + p.error().message);
  return p;
}

Status SqliteStore::save(const State& s, const Dirty& d) {
  VINFER_CHECK(db_.exec("BEGIN IMMEDIATE"));
  Status st = write(s, d);
  if (!st) {
    (void)db_.exec("ROLLBACK");
    return st;
  }
  return db_.exec("COMMIT");
}

Status SqliteStore::write(const State& s, const Dirty& d) {
  VINFER_CHECK(put_meta_u64("block", s.block));
  VINFER_CHECK(put_meta_u64("deposits", s.deposits));
  VINFER_CHECK(put_meta_u64("burned", s.burned));
  VINFER_CHECK(put_meta_u64("next_game", s.next_game));
  for (const Address& a : d.accounts) {
    VINFER_TRY(Stmt * q, stmt("INSERT OR REPLACE INTO accounts VALUES(?, ?, ?, ?)"));
    const Account& acc = s.accounts.at(a);
    VINFER_CHECK(q->bind(1, a)
                     .bind(2, acc.balance)
                     .bind(3, acc.stake)
                     .bind(4, encode_unbonding(acc.unbonding))
                     .run());
  }
  for (const Hash& root : d.models) {
    VINFER_TRY(Stmt * q, stmt("INSERT OR REPLACE INTO models VALUES(?, ?, ?, ?, ?, ?, ?)"));
    const ModelRecord& m = s.models.at(root);
    VINFER_CHECK(q->bind(1, m.root)
                     .bind(2, m.arch)
                     .bind(3, m.arith_leaf)
                     .bind(4, m.tokenizer_leaf)
                     .bind(5, m.weights_root)
                     .bind(6, m.owner)
                     .bind(7, m.block)
                     .run());
  }
  for (const Hash& id : d.jobs) {
    const JobRecord& j = s.jobs.at(id);
    VINFER_TRY(Stmt * q, stmt("INSERT OR REPLACE INTO jobs VALUES(?, ?, ?, ?, ?, ?, ?)"));
    VINFER_CHECK(q->bind(1, j.id)
                     .bind(2, j.job.canonical_bytes())
                     .bind(3, j.client)
                     .bind(4, j.payment)
                     .bind(5, j.escrow)
                     .bind(6, static_cast<uint64_t>(j.status))
                     .bind(7, j.block)
                     .run());
    if (j.claim) {
      const ClaimRecord& c = *j.claim;
      VINFER_TRY(Stmt * qc, stmt("INSERT OR REPLACE INTO claims VALUES(?, ?, ?, ?, ?, ?)"));
      VINFER_CHECK(qc->bind(1, j.id)
                       .bind(2, c.worker)
                       .bind(3, encode_claim(c.claim))
                       .bind(4, c.bond)
                       .bind(5, c.block)
                       .bind(6, c.window_end)
                       .run());
    }
  }
  for (uint64_t id : d.games) {
    const GameRecord& g = s.games.at(id);
    VINFER_TRY(Stmt * q, stmt("INSERT OR REPLACE INTO games VALUES(?, ?, ?, ?, ?, ?, ?)"));
    VINFER_CHECK(q->bind(1, g.id)
                     .bind(2, g.job_id)
                     .bind(3, g.challenger)
                     .bind(4, g.bond)
                     .bind(5, static_cast<uint64_t>(g.status))
                     .bind(6, g.block)
                     .bind(7, encode_game_state(g.state))
                     .run());
  }
  for (const Address& a : d.keys) {
    VINFER_TRY(Stmt * q, stmt("INSERT OR REPLACE INTO keys VALUES(?, ?)"));
    VINFER_CHECK(q->bind(1, a).bind(2, s.keys.at(a)).run());
  }
  for (const Hash& id : d.quorum_jobs) {
    const QuorumJobRecord& j = s.quorum_jobs.at(id);
    VINFER_TRY(Stmt * q,
               stmt("INSERT OR REPLACE INTO quorum_jobs VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    // An unsettled job has no tally or payout yet, a job nobody is seated in yet (or
    // ever: refunded) no round: an empty blob.
    const std::vector<uint8_t> tally =
        j.tally ? encode_quorum_tally(*j.tally) : std::vector<uint8_t>{};
    const std::vector<uint8_t> payout =
        j.payout ? encode_quorum_payout(*j.payout) : std::vector<uint8_t>{};
    VINFER_CHECK(q->bind(1, j.id)
                     .bind(2, j.job.canonical_bytes())
                     .bind(3, j.client)
                     .bind(4, uint64_t{j.n})
                     .bind(5, j.reward_per_node)
                     .bind(6, j.escrow)
                     .bind(7, uint64_t{j.settled ? 1u : 0u})
                     .bind(8, j.block)
                     .bind(9, j.round.seats.empty() ? std::vector<uint8_t>{}
                                                    : encode_quorum_round(j.round))
                     .bind(10, tally)
                     .bind(11, payout)
                     .run());
  }
  for (const Address& a : d.auditors) {
    auto it = s.auditors.find(a);
    if (it == s.auditors.end()) {
      VINFER_TRY(Stmt * q, stmt("DELETE FROM auditors WHERE address = ?"));
      VINFER_CHECK(q->bind(1, a).run());
    } else {
      VINFER_TRY(Stmt * q, stmt("INSERT OR REPLACE INTO auditors VALUES(?, ?)"));
      VINFER_CHECK(q->bind(1, a).bind(2, it->second).run());
    }
  }
  for (const Hash& id : d.sampled_jobs) {
    VINFER_TRY(Stmt * q, stmt("INSERT OR REPLACE INTO sampled_jobs VALUES(?, ?)"));
    VINFER_CHECK(q->bind(1, id).bind(2, encode_sampled_job(s.sampled_jobs.at(id))).run());
  }
  for (size_t i = d.events_from; i < s.events.size(); ++i) {
    const Event& e = s.events[i];
    VINFER_TRY(Stmt * q, stmt("INSERT INTO events VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    VINFER_CHECK(q->bind(1, e.seq)
                     .bind(2, e.block)
                     .bind(3, static_cast<uint64_t>(e.kind))
                     .bind(4, e.job_id)
                     .bind(5, e.game)
                     .bind(6, e.who)
                     .bind(7, e.amount)
                     .bind_text(8, e.detail)
                     .run());
  }
  return ok_status();
}

Result<State> SqliteStore::load() {
  State s;
  VINFER_TRY(s.block, get_meta_u64("block"));
  VINFER_TRY(s.deposits, get_meta_u64("deposits"));
  VINFER_TRY(s.burned, get_meta_u64("burned"));
  VINFER_TRY(s.next_game, get_meta_u64("next_game"));
  VINFER_CHECK(load_accounts(s));
  VINFER_CHECK(load_models(s));
  VINFER_CHECK(load_jobs(s));
  VINFER_CHECK(load_games(s));
  VINFER_CHECK(load_keys(s));
  VINFER_CHECK(load_quorum_jobs(s));
  VINFER_CHECK(load_sampled(s));
  VINFER_CHECK(load_events(s));
  if (auto seats = index_seats(s); !seats)
    return fail(seats.error().code, "open: quorum_jobs: " + seats.error().message);
  return s;
}

}  // namespace vinfer::ledger::detail
