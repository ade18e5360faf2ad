// The adversary matrix of optimistic mode (issue 4): every cheating strategy, with its
// lie at the start, middle and end of the trace, on a synthetic model and on both kjv
// models. The honest party wins every game, an honest worker is never slashed (also not
// by a false challenger, who loses its bond), the game stays within its round bound, the
// money identity holds after every transaction, and a watcher rebuilt from its state file
// mid-game still wins.
#include <gtest/gtest.h>

#include <filesystem>

#include "roles/fixtures.hpp"
#include "vinfer/ledger/memory_ledger.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/synthetic.hpp"
#include "vinfer/roles/client.hpp"
#include "vinfer/roles/optimistic.hpp"
#include "vinfer/roles/watcher.hpp"
#include "vinfer/roles/worker.hpp"

#include <unistd.h>
#include <map>

namespace vinfer::roles {
namespace {

LocalModel make(model::CanonicalModel m) {
  LocalModel out{std::move(m), {}};
  out.c = model::commit_model(out.m);
  return out;
}

using testing::synthetic;

const LocalModel& kjv(const std::string& name) {
  static std::map<std::string, std::unique_ptr<LocalModel>> cache;
  auto& p = cache[name];
  if (!p) {
    auto m =
        model::load_any(std::filesystem::path(VINFER_SOURCE_DIR) / "models" / (name + ".gguf"));
    VINFER_ASSERT(m.ok());
    p = std::make_unique<LocalModel>(make(std::move(m).value()));
  }
  return *p;
}

model::Job job_on(const LocalModel& m, uint32_t max_tokens = 6) {
  return testing::job_on(m, max_tokens);
}

void expect_honest_wins(const OptimisticOutcome& o, const std::string& what) {
  SCOPED_TRACE(what + ": " + o.reason);
  EXPECT_TRUE(o.money_identity);
  EXPECT_FALSE(o.honest_slashed);
  EXPECT_LE(o.rounds, o.max_rounds);
  if (o.cheater == "none") {
    EXPECT_FALSE(o.disputed);
    EXPECT_EQ(o.status, ledger::JobStatus::finalized);
  } else {
    EXPECT_TRUE(o.caught);
  }
}

// The matrix on one claimed model; `other` is what a substitute-model cheater runs.
void matrix(const LocalModel& claimed, const LocalModel& other, uint32_t max_tokens) {
  const model::Job job = job_on(claimed, max_tokens);
  const uint64_t n = model::Schedule::create(claimed.m.cfg, job)->size();
  size_t games = 0;
  for (const OptimisticScenario& sc : adversary_matrix(n, other)) {
    auto o = run_optimistic(claimed, job, sc);
    ASSERT_TRUE(o.ok()) << sc.name << ": " << o.error().to_string();
    expect_honest_wins(*o, sc.name);
    const Cheat c = sc.worker.cheat;
    if (c == Cheat::wrong_trace_root && sc.worker.at_step == n - 1) {
      EXPECT_TRUE(o->rejected_at_post) << sc.name;  // the last leaf must be the output
      continue;
    }
    if (c == Cheat::perturb || c == Cheat::random_output || c == Cheat::wrong_trace_root) {
      // The game finds the very step the lie starts at.
      EXPECT_TRUE(o->disputed) << sc.name;
      EXPECT_TRUE(o->reached_step) << sc.name;
      EXPECT_EQ(o->disputed_step, sc.worker.at_step) << sc.name;
      EXPECT_EQ(o->winner, dispute::Side::challenger) << sc.name;
      // A made-up tensor loses at the referee; a leaf that is no tensor root at the hop.
      EXPECT_EQ(o->refereed, c != Cheat::wrong_trace_root) << sc.name;
    }
    if (sc.watcher.lie != Cheat::none) {
      EXPECT_EQ(o->status, ledger::JobStatus::finalized) << sc.name;
      EXPECT_EQ(o->winner, dispute::Side::defender) << sc.name;
      EXPECT_EQ(o->disputed_step, sc.watcher.lie_at) << sc.name;
    }
    games += o->disputed;
  }
  EXPECT_GE(games, 15u);
}

TEST(Optimistic, AdversaryMatrixSynthetic) {
  matrix(synthetic(7), synthetic(8), 6);
}

TEST(Optimistic, AdversaryMatrixKjvSmall) {
  matrix(kjv("kjv-small"), kjv("kjv-large"), 6);
}

TEST(Optimistic, AdversaryMatrixKjvLarge) {
  matrix(kjv("kjv-large"), kjv("kjv-small"), 6);
}

TEST(Optimistic, MatmulDisputeCostsTheRefereeOneRow) {
  const LocalModel& m = synthetic(7);
  const model::Job job = job_on(m);
  auto sched = model::Schedule::create(m.m.cfg, job);
  uint64_t k = 0;
  while (sched->at(k).op != model::Op::matmul || sched->at(k).weight != model::Weight::w1)
    ++k;
  OptimisticScenario sc{"perturbed matmul", {}, {}};
  sc.worker.cheat = Cheat::perturb;
  sc.worker.at_step = k;
  auto o = run_optimistic(m, job, sc);
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_TRUE(o->caught);
  EXPECT_EQ(o->disputed_step, k);
  EXPECT_EQ(o->referee_macs, m.m.cfg.dim);
  EXPECT_EQ(o->step_macs, uint64_t{m.m.cfg.dim} * m.m.cfg.hidden_dim);
}

TEST(Optimistic, WatcherRebuiltFromItsStateFileFinishesAndWins) {
  const LocalModel& m = synthetic(7);
  const model::Job job = job_on(m);
  const uint64_t n = model::Schedule::create(m.m.cfg, job)->size();
  const auto dir =
      std::filesystem::temp_directory_path() / ("vinfer-watcher-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (uint32_t at_round : {1u, 4u, 9u}) {
    OptimisticScenario sc{"restart", {}, {}};
    sc.worker.cheat = Cheat::perturb;
    sc.worker.at_step = n / 3;
    sc.restart_watcher_at_round = at_round;
    sc.watcher_db = (dir / ("w" + std::to_string(at_round) + ".db")).string();
    auto o = run_optimistic(m, job, sc);
    ASSERT_TRUE(o.ok()) << o.error().to_string();
    EXPECT_TRUE(o->restarted) << at_round;
    expect_honest_wins(*o, "restart at round " + std::to_string(at_round));
    EXPECT_EQ(o->disputed_step, n / 3);
  }
  std::filesystem::remove_all(dir);
}

// Killed between its challenge and writing the game down (or with its state file lost),
// a watcher finds its game on the ledger and plays it, instead of failing on a second
// challenge; a worker restarted with nothing in memory takes its claim up again.
TEST(Optimistic, RolesRestartedWithNothingInMemoryTakeUpTheirGameFromTheLedger) {
  const LocalModel& m = synthetic(7);
  ledger::MemoryLedger l;
  const auto c = ledger::address_of("c"), w = ledger::address_of("w"),
             v = ledger::address_of("v");
  for (const auto& a : {c, w, v})
    ASSERT_TRUE(l.deposit(a, 5000).ok());
  ASSERT_TRUE(l.register_model(c, registration_of(m)).ok());
  const model::Job job = job_on(m);
  const uint64_t n = model::Schedule::create(m.m.cfg, job)->size();
  auto id = Client(l, c).submit(job, 100);
  ASSERT_TRUE(id.ok());
  WorkerConfig wc;
  wc.cheat = Cheat::perturb;
  wc.at_step = n / 2;
  {
    Worker first(l, w, m, wc);
    ASSERT_TRUE(first.serve(*id).ok());
  }
  {
    auto first = Watcher::open(l, v, m, ":memory:", {});
    ASSERT_TRUE(first.ok());
    auto rep = (*first)->poll();
    ASSERT_TRUE(rep.ok()) << rep.error().to_string();
    EXPECT_EQ(rep->challenges, 1u);
  }
  auto watcher = Watcher::open(l, v, m, ":memory:", {});  // remembers nothing
  ASSERT_TRUE(watcher.ok());
  auto rep = (*watcher)->poll();
  ASSERT_TRUE(rep.ok()) << rep.error().to_string();
  EXPECT_EQ(rep->challenges, 0u);
  EXPECT_EQ((*watcher)->games(), l.games_of(*id));
  Worker worker(l, w, m, wc);
  WorkerConfig honest;
  EXPECT_FALSE(Worker(l, w, m, honest).resume(*id).ok());  // another execution: not its claim
  ASSERT_TRUE(worker.resume(*id).ok());
  for (int i = 0; i < 100 && l.job(*id)->status == ledger::JobStatus::claimed; ++i) {
    ASSERT_TRUE(worker.play().ok());
    ASSERT_TRUE((*watcher)->poll().ok());
  }
  EXPECT_EQ(l.job(*id)->status, ledger::JobStatus::rejected);
  EXPECT_TRUE(l.totals().holds());
}

TEST(Optimistic, ClientRejectsTokensThatAreNotTheClaim) {
  const LocalModel& m = synthetic(7);
  ledger::MemoryLedger l;
  const auto c = ledger::address_of("c"), w = ledger::address_of("w");
  ASSERT_TRUE(l.deposit(c, 5000).ok());
  ASSERT_TRUE(l.deposit(w, 5000).ok());
  ASSERT_TRUE(l.register_model(c, registration_of(m)).ok());
  Client client(l, c);
  const model::Job job = job_on(m);
  auto id = client.submit(job, 100);
  ASSERT_TRUE(id.ok());
  Worker worker(l, w, m, {});
  ASSERT_TRUE(worker.serve(*id).ok());
  auto tokens = worker.tokens(*id);
  EXPECT_FALSE(client.accept(*id, tokens).ok());  // not final yet
  ASSERT_TRUE(l.advance(l.params().challenge_window + 1).ok());
  ASSERT_TRUE(l.finalize(*id).ok());
  EXPECT_TRUE(client.accept(*id, tokens).ok());
  tokens[0] ^= 1;
  EXPECT_FALSE(client.accept(*id, tokens).ok());
}

}  // namespace
}  // namespace vinfer::roles
