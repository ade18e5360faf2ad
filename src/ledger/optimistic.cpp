// MemoryLedger: optimistic mode (DESIGN §5, ledger.hpp) — result claims, challenges, the
// games' moves and timeouts, settlement of a resolved game, and finalization.
#include <string>

#include "ledger/impl.hpp"
#include "vinfer/dispute/claim.hpp"
#include "vinfer/model/schedule.hpp"

namespace vinfer::ledger {

using detail::game_subject;
using detail::job_subject;
using detail::tx_error;

namespace {

// Why a job that is not claimed cannot take a challenge, a finalize, ...
std::string not_claimed(const JobRecord& j) {
  if (j.status == JobStatus::open)
    return "no result has been posted";
  return std::string("the job is ") + job_status_name(j.status);
}

// The job a challenge or a finalize acts on: it must exist and hold a live claim.
Result<const JobRecord*> claimed_job(const MemoryLedger::Impl& m,
                                     const char* tx,
                                     const std::string& subject,
                                     const Hash& job_id) {
  const JobRecord* j = m.find_job(job_id);
  if (!j)
    return tx_error(Errc::invalid_argument, tx, subject, "no such job");
  if (j->status != JobStatus::claimed)
    return tx_error(Errc::invalid_argument, tx, subject, not_claimed(*j));
  return j;
}

// The game a move or a timeout acts on: it must exist and still be played.
Result<const GameRecord*> open_game(const MemoryLedger::Impl& m,
                                    const char* tx,
                                    const std::string& subject,
                                    uint64_t game_id) {
  const GameRecord* g = m.find_game(game_id);
  if (!g)
    return tx_error(Errc::invalid_argument, tx, subject, "no such game");
  if (g->status != GameStatus::open)
    return tx_error(Errc::invalid_argument, tx, subject,
                    std::string("the game is ") + game_status_name(g->status));
  return g;
}

}  // namespace

Result<uint64_t> MemoryLedger::Impl::admit_claim(const char* tx,
                                                 const std::string& subject,
                                                 const model::Job& job,
                                                 const Address& worker,
                                                 const dispute::Claim& claim,
                                                 std::span<const Hash> last_peaks) const {
  const ModelRecord& model = st.models.at(job.model_root);
  auto sched = model::Schedule::create(model.cfg, job);
  if (!sched)
    return tx_error(sched.error().code, tx, subject, sched.error().message);
  if (auto ok = dispute::check_claim(claim, *sched, last_peaks); !ok)
    return tx_error(ok.error().code, tx, subject, ok.error().message);
  const Amount bond = params.worker_bond;
  const Amount bal = balance_of(worker);
  if (bal < bond)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "worker " + to_hex(worker) + " has balance " + std::to_string(bal) +
                        ", less than the bond " + std::to_string(bond));
  const auto window_end = checked_add(st.block, params.challenge_window);
  if (!window_end)
    return tx_error(Errc::overflow, tx, subject, "the challenge window's end overflows");
  return *window_end;
}

void MemoryLedger::Impl::slash(const Address& loser,
                               Amount bond,
                               const Address& winner,
                               const GameRecord& g) {
  const Amount share = percent_of(bond, params.winner_share_pct);
  const Amount burn = bond - share;
  credit(winner, share);
  st.burned += burn;  // <= bond, which the identity bounds
  emit(EventKind::bond_slashed, g.job_id, g.id, loser, bond);
  emit(EventKind::reward, g.job_id, g.id, winner, share);
  if (burn)
    emit(EventKind::burn, g.job_id, g.id, kNoAddress, burn);
}

void MemoryLedger::Impl::settle(GameRecord& g) {
  VINFER_ASSERT(g.state.resolved() && g.status == GameStatus::open);
  JobRecord& j = job_mut(g.job_id);
  VINFER_ASSERT(j.claim.has_value() && j.status == JobStatus::claimed);
  ClaimRecord& c = *j.claim;
  const bool defender = g.state.winner == dispute::Side::defender;
  emit(EventKind::game_resolved, g.job_id, g.id, defender ? g.worker : g.challenger, 0,
       std::string(dispute::side_name(g.state.winner)) + " wins: " + g.state.reason);

  if (defender) {
    // The claim stands; the worker's bond stays locked until it finalizes (other games
    // on the same claim may still be open).
    g.status = GameStatus::defender_won;
    slash(g.challenger, g.bond, g.worker, g);
    g.bond = 0;
    return;
  }

  g.status = GameStatus::challenger_won;
  slash(c.worker, c.bond, g.challenger, g);
  c.bond = 0;
  credit(g.challenger, g.bond);
  emit(EventKind::bond_returned, g.job_id, g.id, g.challenger, g.bond);
  g.bond = 0;

  j.status = JobStatus::rejected;
  emit(EventKind::claim_rejected, g.job_id, g.id, c.worker, 0, "by game " + std::to_string(g.id));
  credit(j.client, j.escrow);
  emit(EventKind::refund, g.job_id, g.id, j.client, j.escrow);
  j.escrow = 0;
  sampled_claim_ended(j.id, /*rejected=*/true);
  for (uint64_t other : j.games) {
    if (other == g.id || st.games.at(other).status != GameStatus::open)
      continue;
    GameRecord& o = game_mut(other);
    o.status = GameStatus::closed;
    credit(o.challenger, o.bond);
    emit(EventKind::game_closed, o.job_id, o.id, o.challenger, o.bond,
         "the claim was rejected by game " + std::to_string(g.id));
    o.bond = 0;
  }
}

Status MemoryLedger::post_result(const Address& worker,
                                 const dispute::Claim& claim,
                                 std::span<const Hash> last_peaks) {
  Impl& m = *impl_;
  const char* tx = "post_result";
  const std::string subject = job_subject(claim.job_id);
  const JobRecord* j = m.find_job(claim.job_id);
  if (!j)
    return tx_error(Errc::invalid_argument, tx, subject, "no such job");
  if (j->status == JobStatus::claimed)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "already claimed by " + to_hex(j->claim->worker) + " at block " +
                        std::to_string(j->claim->block));
  if (j->status != JobStatus::open)
    return tx_error(Errc::invalid_argument, tx, subject,
                    std::string("the job is ") + job_status_name(j->status));
  VINFER_TRY(const uint64_t window_end,
             m.admit_claim(tx, subject, j->job, worker, claim, last_peaks));
  const Amount bond = m.params.worker_bond;
  m.debit(worker, bond);
  JobRecord& mut = m.job_mut(claim.job_id);
  mut.claim = ClaimRecord{worker, claim, bond, m.st.block, window_end};
  mut.status = JobStatus::claimed;
  m.emit(EventKind::result_posted, claim.job_id, 0, worker, bond,
         "challenge window ends at block " + std::to_string(window_end));
  return m.commit(tx);
}

Result<uint64_t> MemoryLedger::challenge(const Address& challenger, const Hash& job_id) {
  Impl& m = *impl_;
  const char* tx = "challenge";
  const std::string subject = job_subject(job_id);
  VINFER_TRY(const JobRecord* j, claimed_job(m, tx, subject, job_id));
  const ClaimRecord& c = *j->claim;
  if (m.st.block > c.window_end)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "challenge window closed at block " + std::to_string(c.window_end) + " (now " +
                        std::to_string(m.st.block) + ")");
  if (challenger == c.worker)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "the worker " + to_hex(c.worker) + " cannot challenge its own claim");
  for (uint64_t id : j->games) {
    const GameRecord& g = m.st.games.at(id);
    if (g.challenger == challenger && g.status == GameStatus::open)
      return tx_error(
          Errc::invalid_argument, tx, subject,
          to_hex(challenger) + " already plays game " + std::to_string(id) + " on this claim");
  }
  const Amount bond = m.params.challenger_bond;
  const Amount bal = m.balance_of(challenger);
  if (bal < bond)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "challenger " + to_hex(challenger) + " has balance " + std::to_string(bal) +
                        ", less than the bond " + std::to_string(bond));

  const uint64_t id = m.st.next_game++;
  m.debit(challenger, bond);
  GameRecord g;
  g.id = id;
  g.job_id = job_id;
  g.worker = c.worker;
  g.challenger = challenger;
  g.bond = bond;
  g.status = GameStatus::open;
  g.block = m.st.block;
  g.state = dispute::start_game(c.claim, m.params.game, m.st.block);
  m.st.games[id] = std::move(g);
  m.dirty.games.insert(id);
  m.job_mut(job_id).games.push_back(id);
  m.emit(EventKind::challenged, job_id, id, challenger, bond);
  VINFER_CHECK(m.commit(tx));
  return id;
}

Status MemoryLedger::move(const Address& from, uint64_t game_id, const dispute::Move& mv) {
  Impl& m = *impl_;
  const char* tx = "move";
  const std::string subject = game_subject(game_id);
  VINFER_TRY(const GameRecord* g, open_game(m, tx, subject, game_id));
  dispute::Side side;
  if (from == g->worker)
    side = dispute::Side::defender;
  else if (from == g->challenger)
    side = dispute::Side::challenger;
  else
    return tx_error(Errc::invalid_argument, tx, subject,
                    to_hex(from) + " is neither its worker nor its challenger");
  auto ctx = m.referee(m.st.jobs.at(g->job_id));
  if (!ctx)
    return tx_error(ctx.error().code, tx, subject, "referee: " + ctx.error().message);

  // Played on a copy, so a rejected move cannot leave a half-changed game behind.
  dispute::GameState next = g->state;
  const Status played = dispute::apply_move(next, side, mv, m.st.block, **ctx);
  if (!played) {
    m.emit(EventKind::move_rejected, g->job_id, game_id, from, 0,
           std::string(dispute::side_name(side)) + " " + dispute::move_name(mv) + ": " +
               played.error().message);
    VINFER_CHECK(m.commit("move (rejected)"));
    return tx_error(played.error().code, tx, subject, played.error().message);
  }
  GameRecord& mut = m.game_mut(game_id);
  mut.state = std::move(next);
  m.emit(EventKind::move, mut.job_id, game_id, from, 0,
         std::string(dispute::side_name(side)) + " " + dispute::move_name(mv) + " -> " +
             dispute::phase_name(mut.state.phase));
  if (mut.state.resolved())
    m.settle(mut);
  return m.commit(tx);
}

Status MemoryLedger::resolve_timeout(uint64_t game_id) {
  Impl& m = *impl_;
  const char* tx = "resolve_timeout";
  const std::string subject = game_subject(game_id);
  VINFER_TRY(const GameRecord* g, open_game(m, tx, subject, game_id));
  dispute::GameState next = g->state;
  if (auto ok = dispute::resolve_timeout(next, m.st.block); !ok)
    return tx_error(ok.error().code, tx, subject, ok.error().message);
  GameRecord& mut = m.game_mut(game_id);
  mut.state = std::move(next);
  m.settle(mut);
  return m.commit(tx);
}

Status MemoryLedger::finalize(const Hash& job_id) {
  Impl& m = *impl_;
  const char* tx = "finalize";
  const std::string subject = job_subject(job_id);
  VINFER_TRY(const JobRecord* j, claimed_job(m, tx, subject, job_id));
  const ClaimRecord& c = *j->claim;
  if (m.st.block <= c.window_end)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "the challenge window is open until block " + std::to_string(c.window_end) +
                        " (now " + std::to_string(m.st.block) + ")");
  for (uint64_t id : j->games)
    if (m.st.games.at(id).status == GameStatus::open)
      return tx_error(Errc::invalid_argument, tx, subject,
                      "game " + std::to_string(id) + " is unresolved");

  JobRecord& mut = m.job_mut(job_id);
  ClaimRecord& cm = *mut.claim;
  m.credit(cm.worker, mut.escrow);
  m.emit(EventKind::payment, job_id, 0, cm.worker, mut.escrow);
  m.credit(cm.worker, cm.bond);
  m.emit(EventKind::bond_returned, job_id, 0, cm.worker, cm.bond);
  mut.escrow = 0;
  cm.bond = 0;
  mut.status = JobStatus::finalized;
  m.emit(EventKind::finalized, job_id, 0, cm.worker, 0);
  m.sampled_claim_ended(job_id, /*rejected=*/false);
  return m.commit(tx);
}

Result<GameRecord> MemoryLedger::game(uint64_t id) const {
  const GameRecord* g = impl_->find_game(id);
  if (!g)
    return tx_error(Errc::invalid_argument, "game", game_subject(id), "no such game");
  return *g;
}

std::vector<uint64_t> MemoryLedger::games_of(const Hash& job_id) const {
  const JobRecord* j = impl_->find_job(job_id);
  return j ? j->games : std::vector<uint64_t>{};
}

}  // namespace vinfer::ledger
