// MemoryLedger: the conformance suite in memory and on SQLite (where every test ends by
// reopening the file), and the persistence round trips.
#include "vinfer/ledger/memory_ledger.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "ledger/conformance.hpp"
#include "ledger/harness.hpp"
#include "ledger/scenario.hpp"
#include "vinfer/ledger/codec.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::ledger::testing {
namespace {

namespace fs = std::filesystem;

const Actors& a = kActors;

// One folder per test process, removed when the process ends.
class TempDir : public ::testing::Environment {
 public:
  static fs::path path() {
    static const fs::path dir = [] {
      fs::path d = fs::temp_directory_path() / ("vinfer_ledger_test_" + std::to_string(getpid()));
      fs::create_directories(d);
      return d;
    }();
    return dir;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(path(), ec);
  }
};
[[maybe_unused]] auto* const kTempDir = ::testing::AddGlobalTestEnvironment(new TempDir);

// A database path for `tag`, with any earlier file of that name removed.
std::string fresh_db(const std::string& tag) {
  const fs::path p = TempDir::path() / (tag + ".db");
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(p.string() + suffix);
  return p.string();
}

// The current test's database name ("LedgerConformance_DepositAndWithdraw_sqlite").
std::string test_db_tag() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name)
    if (c == '/')
      c = '_';
  return name;
}

std::unique_ptr<Ledger> make_memory(const Params& p) {
  return std::make_unique<MemoryLedger>(p);
}

std::unique_ptr<Ledger> open_as_ledger(const std::string& path, const Params& p) {
  auto l = MemoryLedger::open(path, p);
  EXPECT_TRUE(l.ok()) << l.error().to_string();
  return l ? std::unique_ptr<Ledger>(std::move(l).value()) : nullptr;
}

std::unique_ptr<Ledger> make_sqlite(const Params& p) {
  return open_as_ledger(fresh_db(test_db_tag()), p);
}

std::unique_ptr<Ledger> reopen_sqlite(std::unique_ptr<Ledger> old, const Params& p) {
  old.reset();  // closes the file (and releases its lock)
  return open_as_ledger((TempDir::path() / (test_db_tag() + ".db")).string(), p);
}

INSTANTIATE_TEST_SUITE_P(MemoryLedger,
                         LedgerConformance,
                         ::testing::Values(LedgerFactory{"memory", make_memory, {}},
                                           LedgerFactory{"sqlite", make_sqlite, reopen_sqlite}),
                         factory_name);

std::unique_ptr<MemoryLedger> open_ok(const std::string& path, const Params& p) {
  auto l = MemoryLedger::open(path, p);
  if (!l.ok()) {
    ADD_FAILURE() << l.error().to_string();
    throw TxAborted("open");
  }
  return std::move(l).value();
}

TEST(MemoryLedger, InMemoryByDefault) {
  MemoryLedger l;
  EXPECT_FALSE(l.persistent());
  EXPECT_EQ(l.block(), 0u);
  EXPECT_EQ(l.params(), Params{});
  EXPECT_TRUE(l.events().empty());
  EXPECT_TRUE(identity_holds(l));
}

TEST(MemoryLedgerPersistence, ReopenRestoresEverythingAndTheGameContinues) {
  const std::string path = fresh_db("roundtrip");
  const Params p = conformance_params();
  const Hash id = world().job.id();
  uint64_t g = 0;
  std::string seen;
  std::vector<Event> events;
  JobRecord job;
  std::vector<uint8_t> state;
  {
    auto l = open_ok(path, p);
    EXPECT_TRUE(l->persistent());
    setup_job(*l);
    TX_OK(*l, l->deposit(a.stranger, 500));
    TX_OK(*l, l->stake(a.stranger, 300));
    TX_OK(*l, l->unbond(a.stranger, 100));
    post_claim(*l, cheat_trace());
    TX_OK(*l, l->advance(2));
    g = TX_OK(*l, l->challenge(a.alice, id));
    const GameRecord mid = play(*l, g, cheat_trace(), world().honest, 7);
    ASSERT_EQ(mid.status, GameStatus::open);
    TX_REJECTED_MOVE(*l, l->move(a.worker, g, dispute::Move{dispute::Choose{true}}), "turn");
    seen = observe(*l);
    events = l->events();
    job = TX_OK(*l, l->job(id));
    state = encode_game_state(mid.state);
  }
  {
    auto l = open_ok(path, p);
    EXPECT_EQ(observe(*l), seen);
    EXPECT_EQ(l->events(), events);
    EXPECT_EQ(TX_OK(*l, l->job(id)), job);
    EXPECT_EQ(encode_game_state(TX_OK(*l, l->game(g)).state), state);
    EXPECT_EQ(TX_OK(*l, l->model(world().registration.root)).cfg, world().model.cfg);
    EXPECT_EQ(l->block(), 2u);
    EXPECT_EQ(l->staked(a.stranger), 200u);
    EXPECT_EQ(l->unbonding(a.stranger), 100u);
    // The game goes on where it stopped, and settles.
    const GameRecord end = play(*l, g, cheat_trace(), world().honest);
    EXPECT_EQ(end.status, GameStatus::challenger_won);
    EXPECT_EQ(l->balance(a.alice), kFunds + 400);
    TX_OK(*l, l->advance(10));
    EXPECT_EQ(TX_OK(*l, l->withdraw_unbonded(a.stranger)), 100u);
    seen = observe(*l);
    events = l->events();
  }
  auto l = open_ok(path, p);
  EXPECT_EQ(observe(*l), seen);
  EXPECT_EQ(l->events(), events);
  EXPECT_EQ(l->block(), 12u);
}

TEST(MemoryLedgerPersistence, ReopeningWithOtherParamsIsRejected) {
  const std::string path = fresh_db("params");
  open_ok(path, conformance_params());
  Params other = conformance_params();
  other.worker_bond += 1;
  auto l = MemoryLedger::open(path, other);
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.error().message.find("created with other params"), std::string::npos)
      << l.error().message;
  Params other_slash = conformance_params();
  other_slash.slash_bps += 1;
  EXPECT_FALSE(MemoryLedger::open(path, other_slash).ok());
  Params other_round = conformance_params();
  other_round.round.commit_blocks += 1;
  EXPECT_FALSE(MemoryLedger::open(path, other_round).ok());
  Params bad;
  bad.winner_share_pct = 101;
  auto b = MemoryLedger::open(fresh_db("bad_params"), bad);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("winner_share_pct 101 above 100"), std::string::npos);
}

TEST(MemoryLedgerPersistence, ASecondLedgerOnTheSameFileIsRejected) {
  const std::string path = fresh_db("locked");
  auto first = open_ok(path, conformance_params());
  TX_OK(*first, first->deposit(a.alice, 5));
  auto second = MemoryLedger::open(path, conformance_params());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("locked"), std::string::npos) << second.error().message;
  TX_OK(*first, first->deposit(a.alice, 5));
  first.reset();
  auto third = open_ok(path, conformance_params());
  EXPECT_EQ(third->balance(a.alice), 10u);
}

TEST(MemoryLedgerPersistence, ADamagedRowIsNamed) {
  const std::string path = fresh_db("damaged");
  {
    auto l = open_ok(path, conformance_params());
    setup_job(*l);
    post_claim(*l, world().honest);
    TX_OK(*l, l->challenge(a.alice, world().job.id()));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "UPDATE games SET state = x'5647414d000100'", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto l = MemoryLedger::open(path, conformance_params());
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.error().message.find("games 1: game state: claim.job_id at offset 6"),
            std::string::npos)
      << l.error().message;
}

// Changes the file at `path` with one SQL statement, behind the ledger's back.
void damage(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

std::string open_error(const std::string& path) {
  auto l = MemoryLedger::open(path, conformance_params());
  EXPECT_FALSE(l.ok());
  return l.ok() ? std::string() : l.error().message;
}

TEST(MemoryLedgerPersistence, AFileOfAnotherSchemaVersionIsRejected) {
  const std::string path = fresh_db("schema1");
  open_ok(path, conformance_params());
  damage(path, "UPDATE meta SET value = x'0000000000000001' WHERE key = 'schema'");
  EXPECT_NE(open_error(path).find("schema version 1, this build reads 3"), std::string::npos);
}

// A ledger with one quorum job on three staked nodes; returns the job id.
Hash quorum_ledger(const std::string& path) {
  auto l = open_ok(path, conformance_params());
  TX_OK(*l, l->deposit(a.client, kFunds));
  TX_OK(*l, l->register_model(a.owner, world().registration));
  for (int i = 0; i < 3; ++i) {
    const Address n = address_of("node-" + std::to_string(i));
    TX_OK(*l, l->deposit(n, kFunds));
    TX_OK(*l, l->stake(n, 200));
    TX_OK(*l, l->register_key(n, NodeKey{1, static_cast<uint8_t>(i)}));
  }
  const Hash id = TX_OK(*l, l->post_quorum_job(a.client, world().job, 3, 50));
  TX_OK(*l, l->advance(1));  // seats the three when the post's block closes
  return id;
}

TEST(MemoryLedgerPersistence, ADamagedQuorumRowIsNamed) {
  const std::string path = fresh_db("damaged_quorum");
  const Hash id = quorum_ledger(path);
  const std::string where = "quorum_jobs " + short_hex(id) + ": ";
  // The round blob cut after its header.
  damage(path, "UPDATE quorum_jobs SET round = substr(round, 1, 6)");
  EXPECT_NE(open_error(path).find(where + "quorum round: job_id at offset 6"), std::string::npos)
      << open_error(path);

  const std::string path2 = fresh_db("damaged_quorum2");
  quorum_ledger(path2);
  damage(path2, "UPDATE quorum_jobs SET escrow = 149");
  EXPECT_NE(open_error(path2).find(where + "an unsettled job holds n × reward_per_node"),
            std::string::npos)
      << open_error(path2);

  // A seated node whose stake no longer covers its seat: settling would have to take
  // stake it does not have.
  const std::string path3 = fresh_db("damaged_quorum3");
  quorum_ledger(path3);
  damage(path3, "UPDATE accounts SET stake = 150 WHERE stake = 200");
  EXPECT_NE(open_error(path3).find("has stake 150, less than the 200 its seat in job"),
            std::string::npos)
      << open_error(path3);
}

TEST(MemoryLedgerPersistence, AQuorumJobNobodyIsSeatedInYetSurvivesReopening) {
  // Posted, not yet seated: the seats are drawn when the post's block closes, after the
  // reopening, exactly as on a ledger that was never closed.
  const auto post = [](Ledger& l) {
    TX_OK(l, l.deposit(a.client, kFunds));
    TX_OK(l, l.register_model(a.owner, world().registration));
    for (int i = 0; i < 5; ++i) {
      const Address n = address_of("node-" + std::to_string(i));
      TX_OK(l, l.deposit(n, kFunds));
      TX_OK(l, l.stake(n, 200 + 100 * static_cast<Amount>(i)));
      TX_OK(l, l.register_key(n, NodeKey{1, static_cast<uint8_t>(i)}));
    }
    return TX_OK(l, l.post_quorum_job(a.client, world().job, 3, 50));
  };
  MemoryLedger never_closed(conformance_params());
  const Hash id = post(never_closed);
  TX_OK(never_closed, never_closed.advance(1));

  const std::string path = fresh_db("unseated");
  {
    auto l = open_ok(path, conformance_params());
    EXPECT_EQ(post(*l), id);
    EXPECT_TRUE(TX_OK(*l, l->quorum_job(id)).round.seats.empty());
  }
  auto l = open_ok(path, conformance_params());
  EXPECT_TRUE(TX_OK(*l, l->quorum_job(id)).round.seats.empty());
  TX_OK(*l, l->advance(1));
  EXPECT_EQ(TX_OK(*l, l->quorum_job(id)).round, TX_OK(never_closed, never_closed.quorum_job(id)).round);
  EXPECT_EQ(TX_OK(*l, l->quorum_job(id)).round.seats.size(), 3u);
  EXPECT_EQ(l->block_hash(0).value(), never_closed.block_hash(0).value());

  // A job left unseated although its post's block has closed is a damaged file.
  const std::string path2 = fresh_db("unseated2");
  {
    auto l2 = open_ok(path2, conformance_params());
    post(*l2);
  }
  damage(path2, "UPDATE meta SET value = x'0000000000000009' WHERE key = 'block'");
  const std::string e = open_error(path2);
  EXPECT_NE(e.find("nobody is seated, but its post's block 0 has closed"), std::string::npos) << e;
}

TEST(MemoryLedgerBlockHashes, AChainOverTheBlocksEventsAcrossCheckpointsAndReopening) {
  // h_{-1} = keccak256("vinfer-memory-ledger-genesis"), h_b = keccak256("VBLK" || h_{b-1}
  // || be64(b) || d_b) with d_b = 0^32 for a block without events: recomputed here from
  // the definition for a ledger that logs nothing.
  Hash prev = commit::keccak256(std::string_view("vinfer-memory-ledger-genesis"));
  std::vector<Hash> want;
  for (uint64_t b = 0; b <= 2500; ++b) {
    std::vector<uint8_t> pre = {'V', 'B', 'L', 'K'};
    pre.insert(pre.end(), prev.begin(), prev.end());
    for (int i = 7; i >= 0; --i)
      pre.push_back(static_cast<uint8_t>(b >> (8 * i)));
    pre.insert(pre.end(), 32, 0);
    prev = commit::keccak256(pre);
    want.push_back(prev);
  }
  const std::string path = fresh_db("block_hashes");
  {
    auto l = open_ok(path, conformance_params());
    // The current block is open: its hash is not known yet.
    const auto open_block = l->block_hash(0);
    ASSERT_FALSE(open_block.ok());
    EXPECT_NE(open_block.error().message.find("block 0 has not closed"), std::string::npos)
        << open_block.error().message;
    TX_OK(*l, l->advance(2501));
    // Out of order, on both sides of the checkpoints at 1024 and 2048.
    for (uint64_t b : {2500u, 1u, 1023u, 1024u, 1025u, 2047u, 2048u, 2049u, 0u, 777u})
      EXPECT_EQ(l->block_hash(b).value(), want[b]) << b;
    EXPECT_FALSE(l->block_hash(2501).ok());
  }
  auto l = open_ok(path, conformance_params());
  for (uint64_t b : {2049u, 3u, 2500u})
    EXPECT_EQ(l->block_hash(b).value(), want[b]) << b;

  // A block's events change its hash and every later one, and no earlier one.
  MemoryLedger quiet, busy;
  TX_OK(quiet, quiet.advance(3));
  TX_OK(busy, busy.advance(3));
  TX_OK(busy, busy.deposit(a.alice, 1));  // in block 3
  TX_OK(quiet, quiet.advance(3));
  TX_OK(busy, busy.advance(3));
  for (uint64_t b = 0; b < 3; ++b)
    EXPECT_EQ(busy.block_hash(b).value(), want[b]) << b;
  for (uint64_t b = 3; b < 6; ++b) {
    EXPECT_EQ(quiet.block_hash(b).value(), want[b]) << b;
    EXPECT_NE(busy.block_hash(b).value(), want[b]) << b;
  }
}

}  // namespace
}  // namespace vinfer::ledger::testing
