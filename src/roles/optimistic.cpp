// One optimistic scenario, end to end (optimistic.hpp).
#include "vinfer/roles/optimistic.hpp"

#include <chrono>

#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/ledger/memory_ledger.hpp"
#include "vinfer/roles/client.hpp"

namespace vinfer::roles {

Result<OptimisticOutcome> run_optimistic(const LocalModel& claimed,
                                         const model::Job& job,
                                         const OptimisticScenario& sc,
                                         const ledger::Params& params) {
  const auto t0 = std::chrono::steady_clock::now();
  ledger::MemoryLedger l(params);
  OptimisticOutcome out;
  const bool worker_lies = sc.worker.cheat != Cheat::none;
  const bool watcher_lies = sc.watcher.lie != Cheat::none;
  out.cheater = worker_lies    ? std::string(cheat_name(sc.worker.cheat))
                : watcher_lies ? "false-challenger"
                               : "none";
  // Every ledger call goes through here: the money identity is checked after each.
  auto tx = [&](auto&& result) {
    ++out.transactions;
    out.money_identity = out.money_identity && l.totals().holds();
    return std::forward<decltype(result)>(result);
  };

  const auto client_a = ledger::address_of("client"), worker_a = ledger::address_of("worker"),
             watcher_a = ledger::address_of("watcher");
  for (const auto& a : {client_a, worker_a, watcher_a})
    VINFER_CHECK(tx(l.deposit(a, 10'000)));
  VINFER_CHECK(tx(l.register_model(ledger::address_of("registrar"), registration_of(claimed))));
  Client client(l, client_a);
  VINFER_TRY(const Hash job_id, tx(client.submit(job, 500)));
  const uint64_t posted = l.block();
  const ledger::Amount worker0 = l.balance(worker_a), watcher0 = l.balance(watcher_a);

  Worker worker(l, worker_a, claimed, sc.worker);
  VINFER_TRY(auto w, Watcher::open(l, watcher_a, claimed, sc.watcher_db, sc.watcher));
  VINFER_TRY(auto sched, model::Schedule::create(claimed.m.cfg, job));
  out.steps = sched.size();
  uint64_t max_chunks = 1;
  for (uint64_t k = 0; k < sched.size(); ++k) {
    const model::Step s = sched.at(k);
    max_chunks =
        std::max(max_chunks, commit::tensor_chunk_count(model::op_dtype(s.op), s.rows, s.cols));
  }
  out.max_rounds = dispute::max_rounds(out.steps, max_chunks);

  auto served = tx(worker.serve(job_id));
  out.cost_multiplier = 1;
  if (!served.ok()) {
    out.rejected_at_post = true;
    out.caught = worker_lies;
    out.honest_slashed = !worker_lies;
    out.reason = served.error().message;
    VINFER_CHECK(tx(l.cancel_job(client_a, job_id)));
    out.status = ledger::JobStatus::cancelled;
  } else {
    // Block by block until the job settles.
    for (int guard = 0; guard < 100'000; ++guard) {
      VINFER_TRY(auto rep, tx(w->poll()));
      if (rep.claims_checked)
        out.cost_multiplier += 1;  // the watcher's re-execution
      VINFER_TRY(auto made, tx(worker.play()));
      (void)made;
      for (uint64_t id : l.games_of(job_id)) {
        VINFER_TRY(auto g, l.game(id));
        if (g.status == ledger::GameStatus::open && dispute::timed_out(g.state, l.block()))
          VINFER_CHECK(tx(l.resolve_timeout(id)));
        if (sc.restart_watcher_at_round && !out.restarted &&
            g.state.rounds >= *sc.restart_watcher_at_round) {
          w.reset();  // dropped: no cleanup, only what its state file holds survives
          VINFER_TRY(w, Watcher::open(l, watcher_a, claimed, sc.watcher_db, sc.watcher));
          out.restarted = true;
        }
      }
      VINFER_TRY(auto rec, l.job(job_id));
      if (rec.status == ledger::JobStatus::claimed && l.block() > rec.claim->window_end) {
        bool open = false;
        for (uint64_t id : rec.games)
          open = open || l.game(id)->status == ledger::GameStatus::open;
        if (!open)
          VINFER_CHECK(tx(l.finalize(job_id)));
      }
      VINFER_TRY(rec, l.job(job_id));
      if (rec.status == ledger::JobStatus::finalized || rec.status == ledger::JobStatus::rejected) {
        out.status = rec.status;
        break;
      }
      VINFER_CHECK(tx(l.advance(1)));
    }
    VINFER_TRY(auto rec, l.job(job_id));
    out.latency_blocks = l.block() - posted;
    out.disputed = !rec.games.empty();
    for (uint64_t id : rec.games) {
      VINFER_TRY(auto g, l.game(id));
      out.rounds = std::max(out.rounds, g.state.rounds);
      out.winner = g.state.winner;
      out.reason = g.state.reason;
      // Phase 1 ended iff the interval narrowed to one step.
      if (g.state.hi - g.state.lo == 1) {
        out.reached_step = true;
        out.disputed_step = g.state.step;
        out.disputed_step_desc = sched.describe(g.state.step);
      }
      out.refereed = g.state.refereed;
      out.referee_macs = g.state.referee_macs;
    }
    if (out.reached_step) {
      VINFER_TRY(auto ctx, context_of(l, job));
      out.step_macs = dispute::step_macs(ctx, out.disputed_step);
    }
    const bool rejected = rec.status == ledger::JobStatus::rejected;
    if (worker_lies) {
      out.caught = rejected;
      out.honest_slashed = l.balance(watcher_a) < watcher0;
    } else if (watcher_lies) {
      out.caught = out.disputed && !rejected;
      out.honest_slashed = rejected || l.balance(worker_a) < worker0;
    } else {
      out.caught = false;
      out.honest_slashed =
          rejected || l.balance(worker_a) < worker0 || l.balance(watcher_a) < watcher0;
    }
    // The client takes the tokens only from a finalized claim whose output they are.
    if (rec.status == ledger::JobStatus::finalized &&
        !client.accept(job_id, worker.tokens(job_id)).ok())
      out.honest_slashed = true;  // a finalized claim the client cannot use: a failure
  }
  out.money_identity = out.money_identity && l.totals().holds();
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

namespace {

OptimisticScenario worker_lies(std::string name, Cheat c, uint64_t at) {
  OptimisticScenario s{std::move(name), {}, {}, {}};
  s.worker.cheat = c;
  s.worker.at_step = at;
  return s;
}

OptimisticScenario false_challenger(std::string name, uint64_t at) {
  OptimisticScenario s{std::move(name), {}, {}, {}};
  s.watcher.lie = Cheat::perturb;
  s.watcher.lie_at = at;
  return s;
}

}  // namespace

std::vector<OptimisticScenario> adversary_matrix(uint64_t steps, const LocalModel& other) {
  std::vector<OptimisticScenario> out;
  out.push_back(worker_lies("honest worker", Cheat::none, 0));
  const std::pair<const char*, uint64_t> where[] = {
      {"first", 0}, {"middle", steps / 2}, {"last", steps - 1}};
  for (Cheat c : {Cheat::perturb, Cheat::random_output, Cheat::wrong_trace_root}) {
    for (const auto& [label, at] : where) {
      out.push_back(worker_lies(
          std::string(cheat_name(c)) + " at the " + label + " step (" + std::to_string(at) + ")", c,
          at));
    }
  }
  for (uint32_t after : {0u, 3u, 12u}) {
    out.push_back(
        worker_lies("lies at the middle step, silent after " + std::to_string(after) + " moves",
                    Cheat::silent, steps / 2));
    out.back().worker.silent_after = after;
  }
  out.push_back(worker_lies("substitute model", Cheat::substitute_model, 0));
  out.back().worker.substitute = &other;
  for (const auto& [label, at] : where) {
    out.push_back(false_challenger("false challenger, its trace diverging at the " +
                                       std::string(label) + " step (" + std::to_string(at) + ")",
                                   at));
  }
  return out;
}

std::vector<OptimisticScenario> demo_scenarios(uint64_t steps, const LocalModel& other) {
  const uint64_t mid = steps / 2, last = steps - 1;
  std::vector<OptimisticScenario> out;
  out.push_back(worker_lies("honest worker, finalizes after the window", Cheat::none, 0));
  out.push_back(worker_lies("one element changed, first step", Cheat::perturb, 0));
  out.push_back(worker_lies("one element changed, middle step", Cheat::perturb, mid));
  out.push_back(worker_lies("one element changed, last step (the output)", Cheat::perturb, last));
  out.push_back(
      worker_lies("random output (steps from the middle made up)", Cheat::random_output, mid));
  out.push_back(
      worker_lies("right output, trace leaf in the middle wrong", Cheat::wrong_trace_root, mid));
  out.push_back(worker_lies("right output, last trace leaf wrong", Cheat::wrong_trace_root, last));
  out.push_back(worker_lies("lies, then silent after 3 moves", Cheat::silent, mid));
  out.back().worker.silent_after = 3;
  out.push_back(
      worker_lies("a smaller model served under the claimed root", Cheat::substitute_model, 0));
  out.back().worker.substitute = &other;
  out.push_back(false_challenger("false challenger disputes a correct result", mid));
  return out;
}

}  // namespace vinfer::roles
