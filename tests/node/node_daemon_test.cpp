// `vinfer node` as real processes (issue 7): a ledger server and three node processes
// with their own keys, found through the ledger; a client posts a quorum job and the
// nodes commit and reveal by themselves. One node is killed with SIGKILL after its commit
// and started again on its directory: it reveals what it committed to, nobody is slashed,
// the money identity holds. The driver advances the block clock only once every seated
// node has acted in the phase (or a timeout passes), so a slow machine slows the test
// down but cannot make it fail.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/child.hpp"
#include "vinfer/ledger/address.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/node/identity.hpp"
#include "vinfer/node/node_config.hpp"
#include "vinfer/node/remote_ledger.hpp"
#include "vinfer/roles/execution.hpp"
#include "vinfer/roles/sealed.hpp"

namespace vinfer::node {
namespace {

namespace fs = std::filesystem;
using testing::Child;

fs::path source_dir() {
  const char* s = std::getenv("VINFER_SOURCE_DIR");
  return s ? fs::path(s) : fs::path(VINFER_SOURCE_DIR);
}

fs::path fresh_dir(const std::string& name) {
  const fs::path p = fs::temp_directory_path() /
                     ("vinfer_node_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// Waits up to `seconds` for `done`, checking every 20 ms.
bool wait_for(const std::function<bool()>& done, int seconds = 120) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

TEST(NodeIdentity, KeysAreOwnerOnlyNeverOverwrittenAndRefusedWhenOthersCanRead) {
  const fs::path dir = fresh_dir("identity");
  auto made = create_identity((dir / "n").string());
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  for (const char* f : {kChainKeyFile, kSealingKeyFile, kRoleSecretFile}) {
    struct stat st {};
    ASSERT_EQ(stat((dir / "n" / f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  auto loaded = load_identity((dir / "n").string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  EXPECT_EQ(loaded->address, made->address);
  EXPECT_EQ(loaded->sealing.pk, made->sealing.pk);
  EXPECT_EQ(loaded->role_secret, made->role_secret);
  EXPECT_FALSE(create_identity((dir / "n").string()).ok());  // never over existing keys

  chmod((dir / "n" / kChainKeyFile).c_str(), 0640);
  auto open_to_group = load_identity((dir / "n").string());
  ASSERT_FALSE(open_to_group.ok());
  EXPECT_NE(open_to_group.error().message.find("has mode 0640"), std::string::npos)
      << open_to_group.error().message;
}

TEST(NodeIdentity, TheAddressIsTheEvmsForAKnownKey) {
  // Secret key 1: its public key is the generator G, whose address is well known.
  std::array<uint8_t, 32> one{};
  one[31] = 1;
  auto a = address_of_secret(one);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(ledger::to_hex(*a), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  EXPECT_FALSE(address_of_secret(std::array<uint8_t, 32>{}).ok());  // zero is no key
}

TEST(NodeConfig, RoundTripsAndNamesWhatIsWrong) {
  NodeConfig c;
  c.ledger = "http://127.0.0.1:1";
  c.model = "/m.gguf";
  c.stake = 777;
  c.poll_ms = 20;
  auto back = parse_node_config(node_config_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->stake, 777u);
  EXPECT_EQ(back->poll_ms, 20u);
  EXPECT_EQ(back->ledger, c.ledger);
  auto err = [](const std::string& text) {
    auto r = parse_node_config(text);
    return r.ok() ? std::string("accepted") : r.error().message;
  };
  const std::string head = R"({"format": "vinfer-node-v1", "ledger": "u", "model": "m")";
  EXPECT_NE(err("[1]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(err(R"({"format": "vinfer-node-v1", "model": "m"})").find("\"ledger\" is missing"),
            std::string::npos);
  EXPECT_NE(err(head + R"(, "stake": -1})").find("\"stake\" must be a whole number"),
            std::string::npos);
  EXPECT_NE(err(head + R"(, "blob_port": 70000})").find("\"blob_port\" is 70000"),
            std::string::npos);
  EXPECT_NE(err(head + R"(, "roles": ["referee"]})").find("the roles are quorum, worker, watcher"),
            std::string::npos);
  EXPECT_NE(err(head + R"(, "roles": ["sampled", "auditor"]})").find("could audit itself"),
            std::string::npos);
  EXPECT_NE(err(head + R"(, "roles": ["worker", "worker"]})").find("twice"), std::string::npos);
  EXPECT_NE(err(head + R"(, "cheat": {"strategy": "lie"}})").find("unknown strategy"),
            std::string::npos);
  EXPECT_NE(err(head + R"(, "cheat": {"strategy": "substitute-model"}})").find("second model"),
            std::string::npos);
  c.roles = {NodeRole::worker, NodeRole::watcher};
  c.cheat = roles::Cheat::perturb;
  c.cheat_at = 12;
  back = parse_node_config(node_config_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(back->has(NodeRole::worker) && back->has(NodeRole::watcher));
  EXPECT_FALSE(back->has(NodeRole::quorum));
  EXPECT_EQ(back->cheat, roles::Cheat::perturb);
  EXPECT_EQ(back->cheat_at, 12u);
  EXPECT_NE(err(head + R"(, "stak": 5})").find("\"stak\" is not a field"), std::string::npos);
}

TEST(NodeDaemon, NodeProcessesSettleAQuorumJobAndOneKilledAfterItsCommitRecovers) {
  const fs::path dir = fresh_dir("quorum");
  const fs::path model_file = source_dir() / "models" / "kjv-small.gguf";
  Child ledger_proc({"ledger", "serve", "--port", "0", "--json"}, (dir / "ledger.err").string());
  const auto lj = nlohmann::json::parse(ledger_proc.first_line(), nullptr, false);
  ASSERT_TRUE(lj.is_object() && lj.contains("url")) << "ledger serve did not start";
  const std::string url = lj["url"];
  auto connected = RemoteLedger::connect(url);
  ASSERT_TRUE(connected.ok()) << connected.error().to_string();
  RemoteLedger& l = **connected;

  constexpr int kNodes = 3;
  std::vector<std::string> dirs;
  for (int i = 0; i < kNodes; ++i) {
    dirs.push_back((dir / ("n" + std::to_string(i))).string());
    Child init({"node", "init", "--dir", dirs.back(), "--ledger", url, "--model",
                model_file.string(), "--poll-ms", "20", "--json"});
    ASSERT_EQ(init.wait(), 0) << init.err();
  }
  auto run_node = [&](int i) {
    return std::make_unique<Child>(std::vector<std::string>{"node", "run", "--dir", dirs[i], "--json"},
                                   dirs[i] + ".err");
  };
  std::vector<std::unique_ptr<Child>> nodes;
  std::vector<ledger::Address> addrs;
  std::string model_root;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(run_node(i));
    const auto j = nlohmann::json::parse(nodes.back()->first_line(60000), nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("address")) << "node " << i << " did not start";
    addrs.push_back(ledger::address_from_hex(j["address"].get<std::string>()).value());
    model_root = j["model_root"];
  }
  // Each joined by itself: model registered, stake bonded, key registered.
  ASSERT_EQ(l.candidates().size(), static_cast<size_t>(kNodes));

  // The client: the job on the model the nodes serve.
  auto m = model::load_any(model_file);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  roles::LocalModel local{std::move(m).value(), {}};
  local.c = model::commit_model(local.m);
  ASSERT_EQ(commit::to_hex(local.c.root), model_root);
  model::Job job;
  job.model_root = local.c.root;
  job.tokens = local.m.tokenizer.encode("In the beginning", true);
  job.max_tokens = 4;
  const auto client = ledger::address_of("client");
  ASSERT_TRUE(l.deposit(client, 10'000).ok());
  auto id = l.post_quorum_job(client, job, kNodes, 100);
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  ASSERT_TRUE(l.advance(1).ok());  // the post's block closes: the three are drawn
  auto rec = [&] { return l.quorum_job(*id).value(); };
  ASSERT_EQ(rec().round.seats.size(), static_cast<size_t>(kNodes));
  auto count = [&](bool quorum::Seat::*flag) {
    size_t n = 0;
    for (const quorum::Seat& s : rec().round.seats)
      n += s.*flag;
    return n;
  };

  // Node 0 is killed as soon as it has committed, before the reveal phase.
  const quorum::NodeId n0 = ledger::to_node_id(addrs[0]);
  ASSERT_TRUE(wait_for([&] {
    for (const quorum::Seat& s : rec().round.seats)
      if (s.node == n0)
        return s.committed;
    return false;
  })) << "node 0 never committed";
  nodes[0]->stop(SIGKILL);
  ASSERT_TRUE(wait_for([&] { return count(&quorum::Seat::committed) == kNodes; }))
      << "not every node committed";
  // To the reveal phase, with node 0 down; then it comes back.
  while (rec().round.phase(l.block()) == quorum::RoundPhase::commit)
    ASSERT_TRUE(l.advance(1).ok());
  nodes[0] = run_node(0);
  ASSERT_FALSE(nodes[0]->first_line(60000).empty()) << "node 0 did not restart";
  ASSERT_TRUE(wait_for([&] { return count(&quorum::Seat::revealed) == kNodes; }))
      << "not every node revealed";
  while (rec().round.phase(l.block()) != quorum::RoundPhase::tally)
    ASSERT_TRUE(l.advance(1).ok());
  ASSERT_TRUE(l.quorum_settle(*id).ok());

  const ledger::QuorumJobRecord q = rec();
  ASSERT_TRUE(q.settled && q.tally && q.payout);
  EXPECT_TRUE(q.tally->decided());
  auto honest = roles::execute(local, job, 1);
  ASSERT_TRUE(honest.ok());
  EXPECT_EQ(q.tally->output_hash, honest->output_hash);
  for (const auto& p : q.payout->nodes)
    EXPECT_FALSE(p.slashed);
  EXPECT_TRUE(l.totals().holds());
  for (auto& n : nodes)
    EXPECT_EQ(n->stop(SIGTERM), 0);
  EXPECT_EQ(ledger_proc.stop(SIGTERM), 0);
  fs::remove_all(dir);
}

// ---- optimistic mode across processes, with the honest party killed mid-job ----

// Who lies, and where the honest party is SIGKILLed: kill_round < 0 as soon as the claim
// is posted (before any challenge), else once the game has completed that many rounds
// (or ended, whichever is first).
struct OptimisticCrash {
  bool worker_lies;  // true: a perturbing worker, the honest watcher is killed
  int kill_round;
};

std::string crash_name(const ::testing::TestParamInfo<OptimisticCrash>& p) {
  return std::string(p.param.worker_lies ? "LyingWorkerWatcherKilled" : "FalseChallengerWorkerKilled") +
         (p.param.kill_round < 0 ? "AfterTheClaim" : "AtRound" + std::to_string(p.param.kill_round));
}

class NodeCrash : public ::testing::TestWithParam<OptimisticCrash> {};

TEST_P(NodeCrash, TheHonestPartyKilledMidJobRestartsAndWins) {
  const OptimisticCrash c = GetParam();
  const fs::path dir = fresh_dir("crash_" + std::to_string(c.worker_lies) + "_" +
                                 std::to_string(c.kill_round + 1));
  const fs::path model_file = source_dir() / "models" / "kjv-small.gguf";
  Child ledger_proc({"ledger", "serve", "--port", "0", "--json"}, (dir / "ledger.err").string());
  const auto lj = nlohmann::json::parse(ledger_proc.first_line(), nullptr, false);
  ASSERT_TRUE(lj.is_object() && lj.contains("url")) << "ledger serve did not start";
  const std::string url = lj["url"];
  auto connected = RemoteLedger::connect(url);
  ASSERT_TRUE(connected.ok()) << connected.error().to_string();
  RemoteLedger& l = **connected;

  // The made-up execution changes one element of a matmul step in the middle.
  const std::string lie_at = "40";
  const std::string wdir = (dir / "worker").string(), vdir = (dir / "watcher").string();
  std::vector<std::string> wargs = {"node", "init", "--dir", wdir, "--ledger", url, "--model",
                                    model_file.string(), "--poll-ms", "20", "--roles", "worker"};
  std::vector<std::string> vargs = {"node", "init", "--dir", vdir, "--ledger", url, "--model",
                                    model_file.string(), "--poll-ms", "20", "--roles", "watcher"};
  std::vector<std::string>& liar = c.worker_lies ? wargs : vargs;
  liar.insert(liar.end(), {"--cheat", "perturb-element", "--cheat-at", lie_at});
  for (const auto& args : {wargs, vargs}) {
    Child init(args);
    ASSERT_EQ(init.wait(), 0) << init.err();
  }
  auto run = [&](const std::string& d) {
    auto n = std::make_unique<Child>(std::vector<std::string>{"node", "run", "--dir", d, "--json"},
                                     d + ".err");
    EXPECT_FALSE(n->first_line(60000).empty()) << d << " did not start";
    return n;
  };
  std::unique_ptr<Child> worker = run(wdir), watcher = run(vdir);
  std::unique_ptr<Child>& honest = c.worker_lies ? watcher : worker;
  const std::string& honest_dir = c.worker_lies ? vdir : wdir;

  auto m = model::load_any(model_file);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  roles::LocalModel local{std::move(m).value(), {}};
  local.c = model::commit_model(local.m);
  model::Job job;
  job.model_root = local.c.root;
  job.tokens = local.m.tokenizer.encode("And God said", true);
  job.max_tokens = 3;
  const auto client = ledger::address_of("client");
  ASSERT_TRUE(l.deposit(client, 10'000).ok());
  auto id = l.post_job(client, job, 500);
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  auto rec = [&] { return l.job(*id).value(); };
  ASSERT_TRUE(wait_for([&] { return rec().claim.has_value(); })) << "nobody claimed the job";
  const ledger::Address worker_a = rec().claim->worker;

  auto game = [&]() -> std::optional<ledger::GameRecord> {
    const auto g = l.games_of(*id);
    if (g.empty())
      return std::nullopt;
    return l.game(g.front()).value();
  };
  if (c.kill_round >= 0) {
    ASSERT_TRUE(wait_for([&] {
      const auto g = game();
      return g && (g->state.rounds >= static_cast<uint32_t>(c.kill_round) ||
                   g->status != ledger::GameStatus::open);
    })) << "no game reached round " << c.kill_round;
  }
  honest->stop(SIGKILL);
  const uint32_t killed_at = game() ? game()->state.rounds : 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the other side moves on
  honest = run(honest_dir);

  // The challenge comes, the game ends; no block passes meanwhile, so no clock runs out.
  ASSERT_TRUE(wait_for([&] {
    const auto g = game();
    return g && g->status != ledger::GameStatus::open;
  })) << "the game did not end (killed at round " << killed_at << ")";
  // A correct claim is final only after its window: the worker node finalizes it.
  while (rec().status == ledger::JobStatus::claimed) {
    if (rec().claim->window_end >= l.block())
      ASSERT_TRUE(l.advance(1).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_LT(l.block(), 1000u);
  }
  const ledger::GameRecord g = *game();
  std::printf("kill point: the honest %s killed at round %u of %u\n",
              c.worker_lies ? "watcher" : "worker", killed_at, g.state.rounds);
  SCOPED_TRACE("killed at round " + std::to_string(killed_at) + ", game over after " +
               std::to_string(g.state.rounds) + ": " + g.state.reason);
  if (c.worker_lies) {
    EXPECT_EQ(g.status, ledger::GameStatus::challenger_won);
    EXPECT_EQ(rec().status, ledger::JobStatus::rejected);
  } else {
    EXPECT_EQ(g.status, ledger::GameStatus::defender_won);
    EXPECT_EQ(rec().status, ledger::JobStatus::finalized);
    EXPECT_EQ(rec().claim->worker, worker_a);
  }
  EXPECT_TRUE(l.totals().holds());
  EXPECT_EQ(worker->stop(SIGTERM), 0);
  EXPECT_EQ(watcher->stop(SIGTERM), 0);
  EXPECT_EQ(ledger_proc.stop(SIGTERM), 0);
  fs::remove_all(dir);
}

std::vector<OptimisticCrash> crash_points() {
  std::vector<OptimisticCrash> out;
  for (bool lies : {true, false})
    for (int k : {-1, 1, 3, 5, 7, 9, 10})
      out.push_back({lies, k});
  return out;
}

INSTANTIATE_TEST_SUITE_P(KillPoints, NodeCrash, ::testing::ValuesIn(crash_points()), crash_name);

// ---- sampled mode across processes: the worker or the auditor SIGKILLed ----

// Who is killed (the sampled job's worker or its auditor) and when: 0 right after the
// job is delivered, 1 after its commit, 2 after its reveal.
struct SampledCrash {
  bool auditor;
  int when;
};

std::string sampled_crash_name(const ::testing::TestParamInfo<SampledCrash>& p) {
  static const char* kWhen[] = {"AfterDelivery", "AfterItsCommit", "AfterItsReveal"};
  return std::string(p.param.auditor ? "Auditor" : "Worker") + kWhen[p.param.when];
}

class SampledNodeCrash : public ::testing::TestWithParam<SampledCrash> {};

TEST_P(SampledNodeCrash, KilledAndRestartedTheJobIsPaidAndNobodySlashed) {
  const SampledCrash c = GetParam();
  const fs::path dir = fresh_dir("sampled_" + std::to_string(c.auditor) + std::to_string(c.when));
  const fs::path model_file = source_dir() / "models" / "kjv-small.gguf";
  Child ledger_proc({"ledger", "serve", "--port", "0", "--json"}, (dir / "ledger.err").string());
  const auto lj = nlohmann::json::parse(ledger_proc.first_line(), nullptr, false);
  ASSERT_TRUE(lj.is_object() && lj.contains("url")) << "ledger serve did not start";
  const std::string url = lj["url"];
  auto connected = RemoteLedger::connect(url);
  ASSERT_TRUE(connected.ok()) << connected.error().to_string();
  RemoteLedger& l = **connected;

  const std::string wdir = (dir / "worker").string(), adir = (dir / "auditor").string();
  for (const auto& [d, role] : {std::pair{wdir, "sampled"}, std::pair{adir, "auditor"}}) {
    Child init({"node", "init", "--dir", d, "--ledger", url, "--model", model_file.string(),
                "--poll-ms", "20", "--roles", role});
    ASSERT_EQ(init.wait(), 0) << init.err();
  }
  auto run = [&](const std::string& d) {
    auto n = std::make_unique<Child>(std::vector<std::string>{"node", "run", "--dir", d, "--json"},
                                     d + ".err");
    EXPECT_FALSE(n->first_line(60000).empty()) << d << " did not start";
    return n;
  };
  std::unique_ptr<Child> worker = run(wdir), auditor = run(adir);
  ASSERT_TRUE(wait_for([&] { return l.auditors().size() == 1; })) << "the auditor did not register";

  auto m = model::load_any(model_file);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  roles::LocalModel local{std::move(m).value(), {}};
  local.c = model::commit_model(local.m);
  model::Job job;
  job.model_root = local.c.root;
  job.tokens = local.m.tokenizer.encode("In the beginning", true);
  job.max_tokens = 3;
  const commit::Hash id = job.id();
  const auto client = ledger::address_of("client");
  ASSERT_TRUE(l.deposit(client, 10'000).ok());
  // 10000 bps with one auditor: it draws itself for every job.
  ASSERT_TRUE(l.post_sampled_job(client, id, local.c.root, {100, 30, 10000}).ok());
  ASSERT_TRUE(l.advance(1).ok());  // the worker is drawn when the post's block closes
  ledger::SampledJobRecord rec = l.sampled_job(id).value();
  ASSERT_NE(rec.worker, ledger::Address{});
  std::vector<ledger::Envelope> envs;
  const std::vector<uint8_t> plain = job.canonical_bytes();
  for (const ledger::Address& to : {rec.worker, ledger::to_address(rec.auditors.at(0).id)})
    envs.push_back({to, roles::seal(plain, l.node_key(to).value(), id)});
  ASSERT_TRUE(l.sampled_deliver(client, id, envs).ok());
  ASSERT_TRUE(l.advance(1).ok());  // the commit phase counts from the block after delivery

  auto round = [&]() -> quorum::SampledRound { return *l.sampled_job(id).value().round; };
  std::unique_ptr<Child>& victim = c.auditor ? auditor : worker;
  const std::string& victim_dir = c.auditor ? adir : wdir;
  auto maybe_kill = [&](int when) {
    if (c.when != when)
      return;
    victim->stop(SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    victim = run(victim_dir);
  };
  auto phase = [&] { return round().phase(l.block()); };
  maybe_kill(0);
  ASSERT_TRUE(wait_for([&] { return round().worker_committed; })) << "the worker never committed";
  if (!c.auditor)
    maybe_kill(1);
  while (phase() == quorum::SampledPhase::commit)
    ASSERT_TRUE(l.advance(1).ok());
  ASSERT_TRUE(wait_for([&] { return round().auditors.at(0).committed; }))
      << "the auditor never committed";
  if (c.auditor)
    maybe_kill(1);
  while (phase() == quorum::SampledPhase::audit)
    ASSERT_TRUE(l.advance(1).ok());
  ASSERT_TRUE(wait_for([&] { return round().worker_revealed && round().auditors.at(0).revealed; }))
      << "not both revealed";
  maybe_kill(2);
  while (phase() != quorum::SampledPhase::settle)
    ASSERT_TRUE(l.advance(1).ok());
  // The worker node settles its job to be paid.
  ASSERT_TRUE(wait_for([&] { return l.sampled_job(id).value().status != ledger::SampledStatus::open; }))
      << "nobody settled the job";
  rec = l.sampled_job(id).value();
  EXPECT_EQ(rec.status, ledger::SampledStatus::paid);
  ASSERT_TRUE(rec.outcome.has_value());
  EXPECT_TRUE(rec.outcome->audited());
  EXPECT_EQ(l.staked(rec.worker), 1000u);
  EXPECT_EQ(l.staked(ledger::to_address(rec.auditors.at(0).id)), 1000u);
  EXPECT_TRUE(l.totals().holds());
  // The auditor's revealed secret is spent: it registers a fresh one.
  ASSERT_TRUE(wait_for([&] { return l.auditors().size() == 1; }));
  EXPECT_NE(l.auditors()[0].commitment, rec.auditors.at(0).commitment);
  EXPECT_EQ(worker->stop(SIGTERM), 0);
  EXPECT_EQ(auditor->stop(SIGTERM), 0);
  EXPECT_EQ(ledger_proc.stop(SIGTERM), 0);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(KillPoints, SampledNodeCrash,
                         ::testing::Values(SampledCrash{false, 0}, SampledCrash{false, 1},
                                           SampledCrash{false, 2}, SampledCrash{true, 0},
                                           SampledCrash{true, 1}, SampledCrash{true, 2}),
                         sampled_crash_name);

}  // namespace
}  // namespace vinfer::node
