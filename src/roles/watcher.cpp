// The watcher role and its SQLite state (watcher.hpp).
#include "vinfer/roles/watcher.hpp"

#include <optional>

#include "vinfer/ledger/sqlite_db.hpp"

#include "vinfer/roles/worker.hpp"

namespace vinfer::roles {

using ledger::sql::Stmt;

// The watcher's state file: how far it read the log, which claims it judged, which games
// it plays and how many moves it made in each. Every change is one statement (atomic).
struct Watcher::Db {
  ledger::sql::Db db;
  uint64_t next_seq = 0;
  std::set<Hash> judged;
  std::map<uint64_t, std::pair<Hash, uint32_t>> games;  // id -> (job, moves made)

  static Result<std::unique_ptr<Db>> open(const std::string& path) {
    VINFER_TRY(auto d, ledger::sql::Db::open(path));
    auto out = std::make_unique<Db>(Db{std::move(d), 0, {}, {}});
    VINFER_CHECK(out->db.exec(
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS judged(job_id BLOB PRIMARY KEY, challenged INTEGER);"
        "CREATE TABLE IF NOT EXISTS games(id INTEGER PRIMARY KEY, job_id BLOB NOT NULL,"
        " moves INTEGER NOT NULL);"));
    {
      VINFER_TRY(Stmt s, out->db.prepare("SELECT value FROM meta WHERE key = 'next_seq'"));
      VINFER_TRY(bool row, s.step());
      if (row)
        out->next_seq = s.u64(0);
    }
    {
      VINFER_TRY(Stmt s, out->db.prepare("SELECT job_id FROM judged"));
      for (;;) {
        VINFER_TRY(bool row, s.step());
        if (!row)
          break;
        out->judged.insert(hash_of(s.blob(0)));
      }
    }
    VINFER_TRY(Stmt s, out->db.prepare("SELECT id, job_id, moves FROM games"));
    for (;;) {
      VINFER_TRY(bool row, s.step());
      if (!row)
        break;
      out->games[s.u64(0)] = {hash_of(s.blob(1)), static_cast<uint32_t>(s.u64(2))};
    }
    return out;
  }
  static Hash hash_of(std::span<const uint8_t> b) {
    Hash h{};
    if (b.size() == h.size())
      std::copy(b.begin(), b.end(), h.begin());
    return h;
  }
  Status set_seq(uint64_t v) {
    VINFER_TRY(Stmt s, db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('next_seq', ?)"));
    VINFER_CHECK(s.bind(1, v).run());
    next_seq = v;
    return ok_status();
  }
  Status judge(const Hash& job, bool challenged) {
    VINFER_TRY(Stmt s,
               db.prepare("INSERT OR REPLACE INTO judged(job_id, challenged) VALUES(?, ?)"));
    VINFER_CHECK(s.bind(1, job).bind(2, uint64_t{challenged}).run());
    judged.insert(job);
    return ok_status();
  }
  Status game(uint64_t id, const Hash& job, uint32_t moves) {
    VINFER_TRY(Stmt s,
               db.prepare("INSERT OR REPLACE INTO games(id, job_id, moves) VALUES(?, ?, ?)"));
    VINFER_CHECK(s.bind(1, id).bind(2, job).bind(3, uint64_t{moves}).run());
    games[id] = {job, moves};
    return ok_status();
  }
};

Watcher::Watcher(ledger::Ledger& l, ledger::Address self, const LocalModel& m, WatcherConfig cfg)
    : ledger_(l), self_(self), model_(m), cfg_(cfg) {}

Watcher::~Watcher() = default;

Result<std::unique_ptr<Watcher>> Watcher::open(ledger::Ledger& ledger,
                                               ledger::Address self,
                                               const LocalModel& model,
                                               const std::string& db_path,
                                               WatcherConfig cfg) {
  std::unique_ptr<Watcher> w(new Watcher(ledger, self, model, cfg));
  VINFER_TRY(w->db_, Db::open(db_path));
  return w;
}

std::vector<uint64_t> Watcher::games() const {
  std::vector<uint64_t> out;
  for (const auto& [id, g] : db_->games)
    out.push_back(id);
  return out;
}

Result<Execution> Watcher::my_execution(const model::Job& job) const {
  return cheat_execution(cfg_.lie, model_, nullptr, job, cfg_.lie_at, cfg_.threads);
}

Result<Watcher::Playing*> Watcher::playing(const Hash& job_id) {
  auto& p = jobs_[job_id];
  if (!p) {
    VINFER_TRY(auto rec, ledger_.job(job_id));
    VINFER_TRY(Execution x, my_execution(rec.job));
    VINFER_TRY(auto ctx, context_of(ledger_, rec.job));
    auto fresh = std::make_unique<Playing>();
    fresh->exec = std::move(x);
    fresh->ctx = std::make_unique<dispute::RefereeContext>(std::move(ctx));
    fresh->player = std::make_unique<dispute::Player>(*fresh->ctx, fresh->exec.party(model_));
    p = std::move(fresh);
  }
  return p.get();
}

Result<WatchReport> Watcher::poll() {
  WatchReport rep;
  // New claims.
  for (const ledger::Event& ev : ledger_.events(db_->next_seq)) {
    if (ev.kind == ledger::EventKind::result_posted && !db_->judged.count(ev.job_id)) {
      VINFER_TRY(auto rec, ledger_.job(ev.job_id));
      bool challenge = false;
      if (rec.job.model_root == model_.c.root && rec.claim &&
          rec.status == ledger::JobStatus::claimed && rec.claim->worker != self_) {
        ++rep.claims_checked;
        VINFER_TRY(Playing * p, playing(ev.job_id));
        challenge = cfg_.lie != Cheat::none || p->exec.claim() != rec.claim->claim;
      }
      if (challenge) {
        // A watcher killed between its challenge and recording the game finds the game on
        // the ledger: it takes it up instead of challenging twice.
        std::optional<uint64_t> mine;
        for (uint64_t g : ledger_.games_of(ev.job_id)) {
          VINFER_TRY(auto gr, ledger_.game(g));
          if (gr.challenger == self_)
            mine = g;
        }
        if (!mine) {
          VINFER_TRY(mine, ledger_.challenge(self_, ev.job_id));
          ++rep.challenges;
        }
        VINFER_CHECK(db_->game(*mine, ev.job_id, 0));
      }
      VINFER_CHECK(db_->judge(ev.job_id, challenge));
    }
    VINFER_CHECK(db_->set_seq(ev.seq + 1));
  }
  // Its games.
  for (auto& [id, entry] : db_->games) {
    if (given_up_.count(id))
      continue;
    VINFER_TRY(auto g, ledger_.game(id));
    uint32_t moves = entry.second;
    while (g.status == ledger::GameStatus::open && !g.state.resolved() &&
           g.state.turn == dispute::Side::challenger && moves < cfg_.silent_after) {
      VINFER_TRY(Playing * p, playing(entry.first));
      auto m = p->player->next_move(g.state, dispute::Side::challenger);
      if (!m.ok() || !ledger_.move(self_, id, *m).ok()) {
        given_up_.insert(id);  // nothing acceptable to offer: its clock will run out
        break;
      }
      ++moves;
      ++rep.moves;
      VINFER_CHECK(db_->game(id, entry.first, moves));
      VINFER_TRY(g, ledger_.game(id));
    }
  }
  return rep;
}

}  // namespace vinfer::roles
