// RemoteLedger against a LedgerServer in this process on a free port: the whole Ledger
// conformance suite (in memory, and on SQLite where every test ends by restarting the
// server on the reopened file), every error the same Errc and message as MemoryLedger's
// own, and reads that come back identical.
#include "vinfer/node/remote_ledger.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "ledger/conformance.hpp"
#include "ledger/harness.hpp"
#include "ledger/scenario.hpp"
#include "vinfer/ledger/codec.hpp"
#include "vinfer/ledger/memory_ledger.hpp"
#include "vinfer/node/ledger_server.hpp"

namespace vinfer::node {
namespace {

namespace fs = std::filesystem;
using namespace ledger;
using namespace ledger::testing;

const Actors& a = kActors;

// The ledger and server behind the current test's RemoteLedger. The suite's factory
// returns only the client, so the backend lives here until the next test replaces it.
struct Backend {
  std::unique_ptr<LedgerServer> server;  // stopped before its ledger goes
  std::unique_ptr<MemoryLedger> memory;
  std::string db;

  void reset() {
    server.reset();
    memory.reset();
  }
  std::unique_ptr<Ledger> serve(std::unique_ptr<MemoryLedger> m) {
    memory = std::move(m);
    auto s = LedgerServer::start(*memory);
    EXPECT_TRUE(s.ok()) << s.error().to_string();
    if (!s)
      return nullptr;
    server = std::move(s).value();
    auto r = RemoteLedger::connect(server->url());
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r ? std::unique_ptr<Ledger>(std::move(r).value()) : nullptr;
  }
};
Backend& backend() {
  static Backend b;
  return b;
}

fs::path temp_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("vinfer_node_test_" + std::to_string(getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}
class TempDir : public ::testing::Environment {
 public:
  void TearDown() override {
    backend().reset();
    std::error_code ec;
    fs::remove_all(temp_dir(), ec);
  }
};
[[maybe_unused]] auto* const kTempDir = ::testing::AddGlobalTestEnvironment(new TempDir);

std::unique_ptr<Ledger> make_remote(const Params& p) {
  backend().reset();
  return backend().serve(std::make_unique<MemoryLedger>(p));
}

std::unique_ptr<MemoryLedger> open_db(const std::string& path, const Params& p) {
  auto l = MemoryLedger::open(path, p);
  EXPECT_TRUE(l.ok()) << l.error().to_string();
  return l ? std::move(l).value() : nullptr;
}

std::unique_ptr<Ledger> make_remote_sqlite(const Params& p) {
  backend().reset();
  static int n = 0;
  backend().db = (temp_dir() / ("ledger" + std::to_string(n++) + ".db")).string();
  auto m = open_db(backend().db, p);
  return m ? backend().serve(std::move(m)) : nullptr;
}

// What restarting `vinfer ledger serve --db` does: the client goes, the server stops, the
// file is closed and reopened by a new server, and a new client connects.
std::unique_ptr<Ledger> reopen_remote_sqlite(std::unique_ptr<Ledger> old, const Params& p) {
  old.reset();
  backend().reset();
  auto m = open_db(backend().db, p);
  return m ? backend().serve(std::move(m)) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(RemoteLedger,
                         LedgerConformance,
                         ::testing::Values(LedgerFactory{"remote_memory", make_remote, {}},
                                           LedgerFactory{"remote_sqlite", make_remote_sqlite,
                                                         reopen_remote_sqlite}),
                         factory_name);

// ---- the same errors, the same reads ----

// A MemoryLedger and a RemoteLedger in front of a second one with the same params: every
// call goes to both and must give the same answer.
class Twin : public ::testing::Test {
 protected:
  void SetUp() override {
    remote_ = make_remote(conformance_params());
    ASSERT_TRUE(remote_);
  }
  MemoryLedger local_{conformance_params()};
  std::unique_ptr<Ledger> remote_;

  // Runs `f` on both; their results (value or Errc and message) must agree.
  template <class F>
  void both(F&& f, const char* what) {
    auto x = f(static_cast<Ledger&>(local_));
    auto y = f(*remote_);
    ASSERT_EQ(x.ok(), y.ok()) << what << ": "
                              << (x.ok() ? y.error().to_string() : x.error().to_string());
    if (!x.ok()) {
      EXPECT_EQ(x.error().code, y.error().code) << what;
      EXPECT_EQ(x.error().message, y.error().message) << what;
    }
    EXPECT_EQ(observe(local_), observe(*remote_)) << "after " << what;
  }
};

#define BOTH(...) both([&](Ledger& l) { return (__VA_ARGS__); }, #__VA_ARGS__)

TEST_F(Twin, EveryKindOfRefusalComesBackWithTheLedgersCodeAndMessage) {
  const Hash job_id = world().job.id();
  const Hash nothing{};
  Hash other = job_id;
  other[0] ^= 1;
  BOTH(l.deposit(a.alice, 500));
  BOTH(l.withdraw(a.alice, 501));
  BOTH(l.withdraw(a.stranger, 1));
  BOTH(l.stake(a.alice, 99));
  BOTH(l.unbond(a.alice, 1));
  BOTH(l.withdraw_unbonded(a.alice));
  BOTH(l.model(world().registration.root));
  ModelRegistration bad = world().registration;
  bad.weights_root[3] ^= 1;
  BOTH(l.register_model(a.owner, bad));
  BOTH(l.register_model(a.owner, world().registration));
  BOTH(l.register_model(a.owner, world().registration));  // again: already registered
  BOTH(l.model(world().registration.root));
  BOTH(l.post_job(a.alice, world().job, 501));
  BOTH(l.post_job(a.alice, world().job, 300));
  BOTH(l.post_job(a.alice, world().job, 1));  // the same id again
  BOTH(l.cancel_job(a.stranger, job_id));
  BOTH(l.job(other));
  BOTH(l.challenge(a.mallory, job_id));  // no claim yet
  BOTH(l.post_result(a.worker, world().honest.claim(other), world().honest.last_peaks()));
  BOTH(l.move(a.alice, 7, dispute::Move{dispute::Choose{true}}));
  BOTH(l.resolve_timeout(7));
  BOTH(l.finalize(job_id));
  BOTH(l.game(7));
  BOTH(l.register_key(a.worker, NodeKey{}));
  BOTH(l.node_key(a.worker));
  BOTH(l.block_hash(l.block() + 1));
  BOTH(l.post_quorum_job(a.alice, world().job, 3, 10));
  BOTH(l.quorum_job(job_id));
  BOTH(l.quorum_commit(a.worker, job_id, job_id));
  BOTH(l.quorum_reveal(a.worker, job_id, job_id, job_id));
  BOTH(l.quorum_settle(other));
  BOTH(l.register_auditor(a.alice, nothing));
  BOTH(l.retire_auditor(a.alice));
  BOTH(l.post_sampled_job(a.alice, other, world().registration.root, SampledOffer{10, 1, 1000}));
  BOTH(l.sampled_deliver(a.alice, other, {Envelope{a.worker, {1, 2, 3}}}));
  BOTH(l.sampled_cancel(a.alice, other));
  BOTH(l.sampled_refuse(a.worker, other));
  BOTH(l.sampled_job(other));
  BOTH(l.sampled_commit(a.worker, other, job_id));
  BOTH(l.audit_commit(a.alice, other, job_id));
  BOTH(l.sampled_reveal(a.worker, other, job_id, job_id));
  BOTH(l.audit_reveal(a.alice, other, job_id, job_id, job_id));
  BOTH(l.sampled_settle(other));
  BOTH(l.sampled_defend(a.worker, world().job, world().honest.claim(job_id),
                        world().honest.last_peaks()));
  BOTH(l.advance(3));
  EXPECT_EQ(local_.events(), remote_->events());
  EXPECT_EQ(local_.events(5), remote_->events(5));
  EXPECT_EQ(local_.totals(), remote_->totals());
  EXPECT_EQ(local_.params(), remote_->params());
}

TEST_F(Twin, AGamePlayedThroughTheServerMatchesOnePlayedInProcessMoveForMove) {
  for (Ledger* l : {static_cast<Ledger*>(&local_), remote_.get()}) {
    setup_job(*l);
    post_claim(*l, cheat_trace());
    TX_OK(*l, l->advance(1));
    const uint64_t g = TX_OK(*l, l->challenge(a.alice, world().job.id()));
    play(*l, g, cheat_trace(), world().honest, 5);
  }
  // A move the rules reject is recorded the same way on both.
  BOTH(l.move(a.worker, 1, dispute::Move{dispute::Choose{true}}));
  const GameRecord x = TX_OK(local_, local_.game(1));
  const GameRecord y = TX_OK(*remote_, remote_->game(1));
  EXPECT_EQ(encode_game_state(x.state), encode_game_state(y.state));
  EXPECT_EQ(x.status, y.status);
  EXPECT_EQ(x.bond, y.bond);
  EXPECT_EQ(TX_OK(local_, local_.job(world().job.id())),
            TX_OK(*remote_, remote_->job(world().job.id())));
  EXPECT_EQ(TX_OK(local_, local_.model(world().registration.root)),
            TX_OK(*remote_, remote_->model(world().registration.root)));
  EXPECT_EQ(local_.events(), remote_->events());
}

// Eight clients at once, each on its own connection: every deposit lands exactly once and
// the ledger (not thread-safe by itself) stays whole, because the server runs one call at
// a time.
TEST(RemoteLedgerClients, ConcurrentClientsAreSerialized) {
  MemoryLedger m;
  auto s = LedgerServer::start(m);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  constexpr int kClients = 8, kDeposits = 50;
  std::vector<std::thread> threads;
  threads.reserve(kClients);
  std::atomic<int> failures{0};
  for (int t = 0; t < kClients; ++t)
    threads.emplace_back([&, t] {
      auto l = RemoteLedger::connect((*s)->url());
      if (!l) {
        ++failures;
        return;
      }
      for (int i = 0; i < kDeposits; ++i) {
        if (!(*l)->deposit(address_of("client-" + std::to_string(t % 3)), 1 + t).ok())
          ++failures;
        (*l)->balance(address_of("client-0"));  // reads interleave with the writes
      }
    });
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  Amount want = 0;
  for (int t = 0; t < kClients; ++t)
    want += kDeposits * (1 + t);
  EXPECT_EQ(m.totals().deposits, want);
  EXPECT_EQ(m.events().size(), size_t{kClients * kDeposits});
  EXPECT_TRUE(m.totals().holds());
}

// The server closes a connection idle for 2 s; the client must not send on it as it goes.
TEST(RemoteLedgerClients, AClientIdleLongerThanTheKeepAliveStillWorks) {
  MemoryLedger m;
  auto s = LedgerServer::start(m);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  auto l = RemoteLedger::connect((*s)->url());
  ASSERT_TRUE(l.ok()) << l.error().to_string();
  ASSERT_TRUE((*l)->deposit(a.alice, 5).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2300));
  const Status again = (*l)->deposit(a.alice, 6);
  EXPECT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ((*l)->balance(a.alice), 11u);
}

TEST(RemoteLedgerConnect, NoServerIsAnIoErrorNamingTheUrl) {
  // A port nobody listens on: bind one, note it, close it.
  auto m = std::make_unique<MemoryLedger>();
  auto s = LedgerServer::start(*m);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  const std::string url = (*s)->url();
  s->reset();
  auto r = RemoteLedger::connect(url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_NE(r.error().message.find(url), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("GET /q/params"), std::string::npos) << r.error().message;

  auto bad = RemoteLedger::connect("ftp://example");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace vinfer::node
