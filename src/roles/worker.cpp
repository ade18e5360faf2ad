// The worker role (worker.hpp).
#include "vinfer/roles/worker.hpp"

namespace vinfer::roles {

Result<dispute::RefereeContext> context_of(const ledger::Ledger& l, const model::Job& job) {
  VINFER_TRY(auto m, l.model(job.model_root));
  return dispute::RefereeContext::create(m.cfg, m.norm_eps_q24, m.weights_root, job);
}

Worker::Worker(ledger::Ledger& ledger,
               ledger::Address self,
               const LocalModel& model,
               WorkerConfig cfg)
    : ledger_(ledger), self_(self), model_(model), cfg_(cfg) {}

Status Worker::serve(const Hash& job_id) {
  VINFER_TRY(auto rec, ledger_.job(job_id));
  VINFER_TRY(Execution x, cheat_execution(cfg_.cheat, model_, cfg_.substitute, rec.job,
                                          cfg_.at_step, cfg_.threads));
  VINFER_TRY(auto ctx, context_of(ledger_, rec.job));
  VINFER_CHECK(ledger_.post_result(self_, x.claim(), x.last_peaks()));
  return adopt(std::move(x), std::move(ctx));
}

Status Worker::resume(const Hash& job_id) {
  VINFER_TRY(auto rec, ledger_.job(job_id));
  if (!rec.claim || rec.claim->worker != self_)
    return fail(Errc::invalid_argument,
                "worker resume: job " + ledger::short_hex(job_id) + " has no claim of " +
                    ledger::to_hex(self_));
  VINFER_TRY(Execution x, cheat_execution(cfg_.cheat, model_, cfg_.substitute, rec.job,
                                          cfg_.at_step, cfg_.threads));
  if (x.claim() != rec.claim->claim)
    return fail(Errc::mismatch, "worker resume: job " + ledger::short_hex(job_id) +
                                    ": re-running it does not give the claim on the ledger");
  VINFER_TRY(auto ctx, context_of(ledger_, rec.job));
  return adopt(std::move(x), std::move(ctx));
}

Status Worker::defend_sampled(Execution x) {
  VINFER_TRY(auto ctx, context_of(ledger_, x.job));
  VINFER_CHECK(ledger_.sampled_defend(self_, x.job, x.claim(), x.last_peaks()));
  return adopt(std::move(x), std::move(ctx));
}

Status Worker::adopt(Execution x, dispute::RefereeContext ctx) {
  const Hash job_id = x.job.id();
  Served s;
  s.exec = std::move(x);
  s.ctx = std::make_unique<dispute::RefereeContext>(std::move(ctx));
  auto [it, fresh] = served_.insert_or_assign(job_id, std::move(s));
  it->second.player =
      std::make_unique<dispute::Player>(*it->second.ctx, it->second.exec.party(model_));
  return ok_status();
}

Result<uint32_t> Worker::play() {
  uint32_t made = 0;
  for (auto& [job_id, s] : served_) {
    for (uint64_t id : ledger_.games_of(job_id)) {
      if (s.given_up.count(id))
        continue;
      VINFER_TRY(auto g, ledger_.game(id));
      // Its own moves, possibly several in a row (the hop is followed by the children).
      while (g.status == ledger::GameStatus::open && !g.state.resolved() &&
             g.state.turn == dispute::Side::defender && s.moves < cfg_.silent_after) {
        auto m = s.player->next_move(g.state, dispute::Side::defender);
        if (!m.ok() || !ledger_.move(self_, id, *m).ok()) {
          // Its data supports no move the rules accept (a rejected move is recorded by the
          // ledger): nothing better to offer, its clock will run out.
          s.given_up.insert(id);
          break;
        }
        ++s.moves;
        ++made;
        VINFER_TRY(g, ledger_.game(id));
      }
    }
  }
  return made;
}

std::vector<uint32_t> Worker::tokens(const Hash& job_id) const {
  auto it = served_.find(job_id);
  return it == served_.end() ? std::vector<uint32_t>{} : it->second.exec.tokens;
}

const Execution* Worker::execution(const Hash& job_id) const {
  auto it = served_.find(job_id);
  return it == served_.end() ? nullptr : &it->second.exec;
}

}  // namespace vinfer::roles
