// Reading a ledger back from SQLite (sqlite_store.hpp): every row is checked (sizes,
// enums, blob layouts, references between tables) and a damaged one is named.
#include <cstring>

#include "ledger/sqlite_store.hpp"
#include "vinfer/ledger/codec.hpp"
#include "vinfer/model/weight_tensors.hpp"
#include "vinfer/wire.hpp"

namespace vinfer::ledger::detail {

using wire::ByteReader;
using wire::ByteWriter;
namespace {

template <size_t N>
Status fixed(const Stmt& s, int col, std::array<uint8_t, N>& out, const std::string& where) {
  const auto b = s.blob(col);
  if (b.size() != N)
    return fail(Errc::parse, "open: " + where + ": " + std::to_string(b.size()) + " bytes, not " +
                                 std::to_string(N));
  std::memcpy(out.data(), b.data(), N);
  return ok_status();
}

Error damaged(const std::string& where, const Error& e) {
  return fail(e.code, "open: " + where + ": " + e.message);
}

Result<std::vector<Unbonding>> decode_unbonding(std::span<const uint8_t> b,
                                                const std::string& what) {
  ByteReader r(b, what);
  VINFER_TRY(uint32_t n, r.u32("count"));
  if (n > b.size() / 16)
    return r.bad("count", std::to_string(n) + " entries do not fit");
  std::vector<Unbonding> out(n);
  for (Unbonding& x : out) {
    VINFER_TRY(x.amount, r.u64("amount"));
    VINFER_TRY(x.release_block, r.u64("release_block"));
  }
  VINFER_CHECK(r.finish());
  return out;
}

// Steps through every row of `sql`, calling row(stmt) -> Status.
template <class F>
Status each_row(Result<Stmt*> q, F&& row) {
  if (!q)
    return q.error();
  Stmt& s = **q;
  for (;;) {
    auto more = s.step();
    if (!more) {
      s.reset();
      return more.error();
    }
    if (!*more)
      break;
    Status st = row(s);
    if (!st) {
      s.reset();
      return st;
    }
  }
  s.reset();
  return ok_status();
}

}  // namespace

Status SqliteStore::load_accounts(State& s) {
  return each_row(stmt("SELECT address, balance, stake, unbonding FROM accounts"),
                  [&](const Stmt& q) -> Status {
                    Address a;
                    VINFER_CHECK(fixed(q, 0, a, "accounts: address"));
                    const std::string where = "accounts " + to_hex(a);
                    Account acc;
                    acc.balance = q.u64(1);
                    acc.stake = q.u64(2);
                    VINFER_TRY(acc.unbonding, decode_unbonding(q.blob(3), where + ": unbonding"));
                    s.accounts[a] = std::move(acc);
                    return ok_status();
                  });
}

Status SqliteStore::load_models(State& s) {
  return each_row(
      stmt("SELECT root, arch, arith_leaf, tokenizer_leaf, weights_root, owner, block FROM models"),
      [&](const Stmt& q) -> Status {
        ModelRecord m;
        VINFER_CHECK(fixed(q, 0, m.root, "models: root"));
        const std::string where = "models " + short_hex(m.root);
        const auto arch = q.blob(1);
        m.arch.assign(arch.begin(), arch.end());
        auto info = model::parse_arch_encoding(m.arch);
        if (!info)
          return damaged(where + ": arch", info.error());
        m.cfg = info->cfg;
        m.norm_eps_q24 = info->norm_eps_q24;
        VINFER_CHECK(fixed(q, 2, m.arith_leaf, where + ": arith_leaf"));
        VINFER_CHECK(fixed(q, 3, m.tokenizer_leaf, where + ": tokenizer_leaf"));
        VINFER_CHECK(fixed(q, 4, m.weights_root, where + ": weights_root"));
        VINFER_CHECK(fixed(q, 5, m.owner, where + ": owner"));
        m.block = q.u64(6);
        s.models[m.root] = std::move(m);
        return ok_status();
      });
}

Status SqliteStore::load_jobs(State& s) {
  VINFER_CHECK(each_row(
      stmt("SELECT id, job, client, payment, escrow, status, block FROM jobs"),
      [&](const Stmt& q) -> Status {
        JobRecord j;
        VINFER_CHECK(fixed(q, 0, j.id, "jobs: id"));
        const std::string where = "jobs " + short_hex(j.id);
        auto job = model::Job::from_bytes(q.blob(1));
        if (!job)
          return damaged(where + ": job", job.error());
        j.job = std::move(job).value();
        if (j.job.id() != j.id)
          return fail(Errc::mismatch, "open: " + where + ": the job's bytes hash to another id");
        VINFER_CHECK(fixed(q, 2, j.client, where + ": client"));
        j.payment = q.u64(3);
        j.escrow = q.u64(4);
        const uint64_t status = q.u64(5);
        if (status > static_cast<uint64_t>(JobStatus::cancelled))
          return fail(Errc::parse, "open: " + where + ": status " + std::to_string(status));
        j.status = static_cast<JobStatus>(status);
        j.block = q.u64(6);
        s.jobs[j.id] = std::move(j);
        return ok_status();
      }));
  return each_row(stmt("SELECT job_id, worker, claim, bond, block, window_end FROM claims"),
                  [&](const Stmt& q) -> Status {
                    Hash id;
                    VINFER_CHECK(fixed(q, 0, id, "claims: job_id"));
                    const std::string where = "claims " + short_hex(id);
                    auto it = s.jobs.find(id);
                    if (it == s.jobs.end())
                      return fail(Errc::mismatch, "open: " + where + ": no such job");
                    ClaimRecord c;
                    VINFER_CHECK(fixed(q, 1, c.worker, where + ": worker"));
                    auto claim = decode_claim(q.blob(2));
                    if (!claim)
                      return damaged(where, claim.error());
                    c.claim = *claim;
                    c.bond = q.u64(3);
                    c.block = q.u64(4);
                    c.window_end = q.u64(5);
                    it->second.claim = c;
                    return ok_status();
                  });
}

Status SqliteStore::load_games(State& s) {
  return each_row(
      stmt("SELECT id, job_id, challenger, bond, status, block, state FROM games ORDER BY id"),
      [&](const Stmt& q) -> Status {
        GameRecord g;
        g.id = q.u64(0);
        const std::string where = "games " + std::to_string(g.id);
        VINFER_CHECK(fixed(q, 1, g.job_id, where + ": job_id"));
        auto it = s.jobs.find(g.job_id);
        if (it == s.jobs.end() || !it->second.claim)
          return fail(Errc::mismatch, "open: " + where + ": no claimed job " + short_hex(g.job_id));
        g.worker = it->second.claim->worker;
        VINFER_CHECK(fixed(q, 2, g.challenger, where + ": challenger"));
        g.bond = q.u64(3);
        const uint64_t status = q.u64(4);
        if (status > static_cast<uint64_t>(GameStatus::closed))
          return fail(Errc::parse, "open: " + where + ": status " + std::to_string(status));
        g.status = static_cast<GameStatus>(status);
        g.block = q.u64(5);
        auto state = decode_game_state(q.blob(6));
        if (!state)
          return damaged(where, state.error());
        g.state = std::move(state).value();
        it->second.games.push_back(g.id);
        s.games[g.id] = std::move(g);
        return ok_status();
      });
}

Status SqliteStore::load_keys(State& s) {
  return each_row(stmt("SELECT address, key FROM keys"), [&](const Stmt& q) -> Status {
    Address a;
    VINFER_CHECK(fixed(q, 0, a, "keys: address"));
    NodeKey k;
    VINFER_CHECK(fixed(q, 1, k, "keys " + to_hex(a) + ": key"));
    if (k == NodeKey{})
      return fail(Errc::parse, "open: keys " + to_hex(a) + ": the all-zero key");
    s.keys[a] = k;
    return ok_status();
  });
}

Status SqliteStore::load_quorum_jobs(State& s) {
  return each_row(
      stmt("SELECT id, job, client, n, reward_per_node, escrow, settled, block, round, tally, "
           "payout FROM quorum_jobs"),
      [&](const Stmt& q) -> Status {
        QuorumJobRecord j;
        VINFER_CHECK(fixed(q, 0, j.id, "quorum_jobs: id"));
        const std::string where = "quorum_jobs " + short_hex(j.id);
        auto job = model::Job::from_bytes(q.blob(1));
        if (!job)
          return damaged(where + ": job", job.error());
        j.job = std::move(job).value();
        if (j.job.id() != j.id)
          return fail(Errc::mismatch, "open: " + where + ": the job's bytes hash to another id");
        if (s.jobs.count(j.id))
          return fail(Errc::mismatch, "open: " + where + ": the id is an optimistic job's too");
        VINFER_CHECK(fixed(q, 2, j.client, where + ": client"));
        const uint64_t n = q.u64(3);
        j.reward_per_node = q.u64(4);
        j.escrow = q.u64(5);
        const uint64_t settled = q.u64(6);
        if (settled > 1)
          return fail(Errc::parse, "open: " + where + ": settled " + std::to_string(settled));
        j.settled = settled == 1;
        j.block = q.u64(7);
        const auto round_bytes = q.blob(8);
        const bool seated = !round_bytes.empty();
        if (seated) {
          auto round = decode_quorum_round(round_bytes);
          if (!round)
            return damaged(where, round.error());
          j.round = std::move(round).value();
          if (j.round.job_id != j.id || j.round.opened_at != j.block)
            return fail(Errc::mismatch, "open: " + where + ": the round is another job's");
          if (n != j.round.seats.size())
            return fail(Errc::mismatch, "open: " + where + ": n " + std::to_string(n) +
                                            ", but " + std::to_string(j.round.seats.size()) +
                                            " seats");
        } else if (n == 0) {
          return fail(Errc::parse, "open: " + where + ": n 0");
        }
        j.n = static_cast<uint32_t>(n);
        const auto payment = quorum::checked_mul(j.reward_per_node, j.n);
        if (!payment)
          return fail(Errc::overflow, "open: " + where + ": n × reward_per_node overflows");
        const auto tally = q.blob(9);
        const auto payout = q.blob(10);
        if (!j.settled) {
          if (j.escrow != *payment || !tally.empty() || !payout.empty())
            return fail(Errc::mismatch, "open: " + where +
                                            ": an unsettled job holds n × reward_per_node in "
                                            "escrow and has no tally or payout");
          if (!seated && j.block != s.block)
            return fail(Errc::mismatch, "open: " + where + ": nobody is seated, but its " +
                                            "post's block " + std::to_string(j.block) +
                                            " has closed");
        } else if (!seated) {
          if (j.escrow != 0 || !tally.empty() || !payout.empty())
            return fail(Errc::mismatch, "open: " + where +
                                            ": a job refunded unseated holds no escrow and has "
                                            "no tally or payout");
        } else {
          auto t = decode_quorum_tally(tally);
          if (!t)
            return damaged(where, t.error());
          auto p = decode_quorum_payout(payout);
          if (!p)
            return damaged(where, p.error());
          if (j.escrow != 0 || p->payment != *payment)
            return fail(Errc::mismatch, "open: " + where +
                                            ": a settled job has paid out n × reward_per_node "
                                            "and holds no escrow");
          j.tally = std::move(t).value();
          j.payout = std::move(p).value();
        }
        s.quorum_jobs[j.id] = std::move(j);
        return ok_status();
      });
}

Status SqliteStore::load_sampled(State& s) {
  VINFER_CHECK(each_row(stmt("SELECT address, commitment FROM auditors"),
                        [&](const Stmt& q) -> Status {
                          Address a{};
                          Hash c{};
                          VINFER_CHECK(fixed(q, 0, a, "auditors: address"));
                          VINFER_CHECK(fixed(q, 1, c, "auditors " + to_hex(a) + ": commitment"));
                          if (c == Hash{})
                            return fail(Errc::parse,
                                        "open: auditors " + to_hex(a) + ": the zero commitment");
                          s.auditors[a] = c;
                          return ok_status();
                        }));
  return each_row(stmt("SELECT id, record FROM sampled_jobs"), [&](const Stmt& q) -> Status {
    Hash id{};
    VINFER_CHECK(fixed(q, 0, id, "sampled_jobs: id"));
    const std::string where = "sampled_jobs " + short_hex(id);
    auto j = decode_sampled_job(q.blob(1));
    if (!j)
      return damaged(where, j.error());
    if (j->id != id)
      return fail(Errc::mismatch, "open: " + where + ": the record is another job's");
    if (s.quorum_jobs.count(id))
      return fail(Errc::mismatch, "open: " + where + ": the id is a quorum job's too");
    if (s.jobs.count(id) != (j->status == SampledStatus::disputed ? 1u : 0u))
      return fail(Errc::mismatch, "open: " + where +
                                      ": an optimistic job shares its id exactly when it is "
                                      "disputed");
    s.sampled_jobs[id] = std::move(j).value();
    return ok_status();
  });
}

Status SqliteStore::load_events(State& s) {
  return each_row(
      stmt("SELECT seq, block, kind, job_id, game, who, amount, detail FROM events ORDER BY seq"),
      [&](const Stmt& q) -> Status {
        Event e;
        e.seq = q.u64(0);
        const std::string where = "events " + std::to_string(e.seq);
        if (e.seq != s.events.size())
          return fail(Errc::parse,
                      "open: " + where + ": expected seq " + std::to_string(s.events.size()));
        e.block = q.u64(1);
        const uint64_t kind = q.u64(2);
        if (kind >= kEventKindCount)
          return fail(Errc::parse, "open: " + where + ": kind " + std::to_string(kind));
        e.kind = static_cast<EventKind>(kind);
        VINFER_CHECK(fixed(q, 3, e.job_id, where + ": job_id"));
        e.game = q.u64(4);
        VINFER_CHECK(fixed(q, 5, e.who, where + ": who"));
        e.amount = q.u64(6);
        e.detail = q.text(7);
        s.events.push_back(std::move(e));
        return ok_status();
      });
}

}  // namespace vinfer::ledger::detail
