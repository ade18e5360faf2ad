// Quorum on anvil against src/quorum: a post seats nobody; the seating transaction, in a
// later block, draws select_quorum's seats on the seed of the post block's hash over the
// candidates free then; commitments are output_commitment's, and a round settles
// with exactly the payout settle_round computes for the C++ round replayed at the same
// blocks. Every rejected move reverts with its named error; the money identity holds
// after every transaction (the fixture checks it).
#include <algorithm>
#include <iostream>
#include <map>
#include <random>

#include "evm/settlement.hpp"
#include "vinfer/quorum/beacon.hpp"
#include "vinfer/quorum/commitment.hpp"
#include "vinfer/quorum/payout.hpp"
#include "vinfer/quorum/round.hpp"
#include "vinfer/quorum/selection.hpp"

namespace vinfer::ledger::evm {
namespace {

using commit::Hash;
using quorum::Candidate;
using quorum::NodeId;
using testing::Settlement;
using testing::tag;

constexpr const char* kPost = "postQuorumJob(bytes,uint32,uint64)";
constexpr const char* kCommit = "commit(bytes32,bytes32)";
constexpr const char* kReveal = "reveal(bytes32,bytes32,bytes32)";
constexpr const char* kSettle = "settle(bytes32)";
constexpr const char* kSeat = "seatQuorumJob(bytes32)";
constexpr const char* kCancel = "cancelUnseated(bytes32)";

// Account 0 is the client; accounts 1..9 are nodes with distinct stakes near 1000 (so any
// four seats outweigh any three).
constexpr size_t kClient = 0;
constexpr size_t kFirstNode = 1;
constexpr uint64_t kReward = 333;

// The fields of quorumJob(id), in the struct's order.
enum Field : size_t {
  kJobClient,
  kJobN,
  kJobSettled,
  kJobReward,
  kJobEscrow,
  kJobOpenedAt,
  kJobCommitDeadline,
  kJobRevealDeadline,
  kJobTotalStake,
  kJobDrawnAt,
  kJobSeed,
  kJobOutput,
};

uint64_t node_stake(size_t a) {
  return 1000 + 37 * a;
}

// What the contract says about one seat.
struct ChainSeat {
  NodeId node{};
  uint64_t stake = 0;
};

class EvmQuorum : public Settlement {
 protected:
  // Who sends the seating transactions: anyone may, so not the client.
  static constexpr size_t kSeater = kAccounts - 1;

  // The nodes staked and keyed, the client funded, a model registered.
  void SetUp() override {
    Settlement::SetUp();
    if (HasFatalFailure())
      return;
    for (size_t a = kFirstNode; a < kAccounts; ++a)
      make_node(a, node_stake(a), node_stake(a) + 500);
    tx(kClient, "deposit()", {}, 100000);
    model_ = register_model(kClient, "quorum-model");
  }

  // The candidates as MemoryLedger::candidates() would list them: every keyed node with a
  // stake of at least min_stake that sits in no unsettled round.
  std::vector<Candidate> candidates() {
    std::vector<Candidate> out;
    for (size_t a = kFirstNode; a < kAccounts; ++a) {
      const Hash seated = testing::h256(view("seatOf(address)", {abi::address(id(a))}), 0);
      const uint64_t s = stake(a);
      if (seated == Hash{} && s >= params().min_stake && s > 0)
        out.push_back({id(a), s});
    }
    return out;
  }

  size_t account_of(const NodeId& n) {
    for (size_t a = 0; a < kAccounts; ++a)
      if (id(a) == n)
        return a;
    ADD_FAILURE() << "no account " << quorum::short_hex(n);
    return 0;
  }

  std::vector<ChainSeat> seats(const Hash& job) {
    std::vector<ChainSeat> out;
    const uint64_t n = testing::u64(view("seatCount(bytes32)", {abi::bytes32(job)}), 0);
    for (uint64_t i = 0; i < n; ++i) {
      const auto s = view("seat(bytes32,uint256)", {abi::bytes32(job), abi::uint_(i)});
      out.push_back({testing::address_word(s, 0), testing::u64(s, 1)});
    }
    return out;
  }

  std::vector<uint8_t> job_record(const Hash& job) {
    return view("quorumJob(bytes32)", {abi::bytes32(job)});
  }

  // Posts `job` for n seats and checks the record: the escrow taken, the phases counted
  // from the post's block, nobody seated, no seed. Returns the post's block.
  uint64_t post_only(const model::Job& job, uint32_t n) {
    const uint64_t escrow_before = testing::u64(view("totalEscrow()", {}), 0);
    const Receipt r =
        tx(kClient, kPost, {abi::bytes(job.canonical_bytes()), abi::uint_(n), abi::uint_(kReward)});
    const auto q = job_record(job.id());
    EXPECT_EQ(testing::address_word(q, kJobClient), id(kClient));
    EXPECT_EQ(testing::u64(q, kJobN), n);
    EXPECT_EQ(testing::u64(q, kJobSettled), 0u);
    EXPECT_EQ(testing::u64(q, kJobEscrow), n * kReward);
    EXPECT_EQ(testing::u64(q, kJobOpenedAt), r.block_number);
    EXPECT_EQ(testing::u64(q, kJobCommitDeadline), r.block_number + params().commit_blocks);
    EXPECT_EQ(testing::u64(q, kJobRevealDeadline),
              r.block_number + params().commit_blocks + params().reveal_blocks);
    EXPECT_EQ(testing::u64(q, kJobDrawnAt), 0u);
    EXPECT_EQ(testing::h256(q, kJobSeed), Hash{}) << "no seed before the seating";
    EXPECT_EQ(testing::u64(view("seatCount(bytes32)", {abi::bytes32(job.id())}), 0), 0u);
    EXPECT_EQ(testing::u64(view("totalEscrow()", {}), 0), escrow_before + n * kReward);
    gas_["postQuorumJob n=" + std::to_string(n)] = r.gas_used;
    return r.block_number;
  }

  // Seats job `id` (posted in `post_block` for n seats) from `kSeater`, in the next block,
  // and checks the seating against select_quorum over the candidates free now, on the seed
  // recomputed from the post block's hash; returns the C++ round opened like the chain's.
  quorum::Round seat(const Hash& id, uint32_t n, uint64_t post_block) {
    const std::vector<Candidate> cands = candidates();
    const Receipt r = tx(kSeater, kSeat, {abi::bytes32(id)});
    EXPECT_GT(r.block_number, post_block) << "the seating is mined after the post's block";
    const auto q = job_record(id);
    const Hash post_hash = testing::chain().client.block_hash(post_block).value();
    const Hash seed = quorum::selection_seed(id, post_hash);
    EXPECT_EQ(testing::h256(q, kJobSeed), seed)
        << "the seed is selection_seed(job_id, hash of the post's block)";
    EXPECT_EQ(testing::u64(q, kJobDrawnAt), r.block_number);
    EXPECT_EQ(testing::u64(q, kJobOpenedAt), post_block) << "the phases still count from the post";
    EXPECT_EQ(testing::u64(q, kJobSettled), 0u);
    auto expected = quorum::select_quorum(seed, cands, n);
    EXPECT_TRUE(expected.ok()) << expected.error().to_string();
    const std::vector<ChainSeat> got = seats(id);
    EXPECT_EQ(got.size(), n);
    uint64_t total = 0;
    for (size_t i = 0; i < got.size() && expected.ok() && i < expected->size(); ++i) {
      EXPECT_EQ(got[i].node, (*expected)[i].id) << "seat " << i;
      EXPECT_EQ(got[i].stake, (*expected)[i].stake) << "seat " << i;
      EXPECT_EQ(testing::h256(view("seatOf(address)", {abi::address(got[i].node)}), 0), id);
      total += got[i].stake;
    }
    EXPECT_EQ(testing::u64(q, kJobTotalStake), total);
    gas_["seatQuorumJob n=" + std::to_string(n)] = r.gas_used;
    auto round = quorum::Round::open(id, expected.ok() ? *expected : std::vector<Candidate>{},
                                     {params().commit_blocks, params().reveal_blocks}, post_block);
    EXPECT_TRUE(round.ok());
    return round.ok() ? *round : quorum::Round{};
  }

  // Posts `job` for n seats and seats it in the next block.
  quorum::Round post(const model::Job& job, uint32_t n) {
    const uint64_t b = post_only(job, n);
    return seat(job.id(), n, b);
  }

  // Job `id` was refunded without a round: settled, no escrow, no seats.
  void expect_refunded(const Hash& id) {
    const auto q = job_record(id);
    EXPECT_EQ(testing::u64(q, kJobSettled), 1u);
    EXPECT_EQ(testing::u64(q, kJobEscrow), 0u);
    EXPECT_EQ(testing::u64(view("seatCount(bytes32)", {abi::bytes32(id)}), 0), 0u);
    EXPECT_EQ(testing::h256(q, kJobOutput), Hash{});
  }

  // Seat `i` of `round` commits `output` (C++ and chain); returns the salt.
  Hash commit(quorum::Round& round, size_t i, const Hash& output) {
    const NodeId node = round.seats[i].node;
    const Hash salt = tag("salt" + std::to_string(i));
    const Hash c = quorum::output_commitment(round.job_id, output, salt, node);
    const Receipt r = tx(account_of(node), kCommit, {abi::bytes32(round.job_id), abi::bytes32(c)});
    EXPECT_TRUE(round.commit(node, c, r.block_number).ok());
    gas_["commit"] = r.gas_used;
    return salt;
  }

  void reveal(quorum::Round& round, size_t i, const Hash& output, const Hash& salt) {
    const NodeId node = round.seats[i].node;
    const Receipt r = tx(account_of(node), kReveal,
                         {abi::bytes32(round.job_id), abi::bytes32(output), abi::bytes32(salt)});
    EXPECT_TRUE(round.reveal(node, output, salt, r.block_number).ok());
    gas_["reveal"] = r.gas_used;
  }

  // Settles on chain and checks every stake, balance, the client's refund and the burn
  // against settle_round on the C++ round's tally at the same block.
  quorum::Tally settle_and_check(const quorum::Round& round) {
    std::map<size_t, std::pair<uint64_t, uint64_t>> before;  // account -> (balance, stake)
    for (size_t a = 0; a < kAccounts; ++a)
      before[a] = {balance(a), stake(a)};
    const uint64_t burned_before = burned();
    next_tx_in_block(round.reveal_deadline + 1);
    const Receipt r = tx(kClient, kSettle, {abi::bytes32(round.job_id)});
    gas_["settle n=" + std::to_string(round.seats.size())] = r.gas_used;
    auto tally = round.tally(r.block_number);
    EXPECT_TRUE(tally.ok());
    if (!tally.ok())
      return {};
    auto payout =
        quorum::settle_round(*tally, {kReward, params().slash_bps, params().majority_share_bps});
    EXPECT_TRUE(payout.ok());
    if (!payout.ok())
      return *tally;
    std::map<size_t, std::pair<uint64_t, uint64_t>> expect = before;
    for (const quorum::NodePayout& np : payout->nodes) {
      auto& [bal, stk] = expect[account_of(np.node)];
      bal += np.reward + np.bounty;
      stk -= np.slashed;
    }
    expect[kClient].first += payout->client_refund;
    for (size_t a = 0; a < kAccounts; ++a) {
      EXPECT_EQ(balance(a), expect[a].first) << "balance of account " << a;
      EXPECT_EQ(stake(a), expect[a].second) << "stake of account " << a;
    }
    EXPECT_EQ(burned() - burned_before, payout->burned);
    EXPECT_EQ(testing::u64(view("totalEscrow()", {}), 0), 0u);
    const auto q = view("quorumJob(bytes32)", {abi::bytes32(round.job_id)});
    EXPECT_EQ(testing::u64(q, kJobSettled), 1u);
    EXPECT_EQ(testing::h256(q, kJobOutput), tally->output_hash);
    for (const quorum::Seat& s : round.seats)  // every seat is free again
      EXPECT_EQ(testing::h256(view("seatOf(address)", {abi::address(s.node)}), 0), Hash{});
    return *tally;
  }

  Hash model_{};
  std::map<std::string, uint64_t> gas_;
};

TEST(EvmQuorumRules, test_selectQuorum_equalsCpp_succeeds) {
  std::mt19937_64 rng(6);
  int cases = 0;
  for (int round = 0; round < 80; ++round) {
    const size_t m = 1 + rng() % 12;
    // Half the rounds have stakes of 1..3, so draws land on the boundaries between nodes.
    const bool tiny = round % 2 == 1;
    std::vector<Candidate> cands(m);
    std::vector<abi::Value> nodes, stakes;
    for (Candidate& c : cands) {
      for (auto& b : c.id)
        b = static_cast<uint8_t>(rng());
      // Zero stakes are skipped; a few huge ones test the 64-bit total.
      const uint64_t kind = rng() % 8;
      c.stake = kind == 0 ? 0 : tiny ? 1 + rng() % 3 : kind == 1 ? (rng() >> 4) : 1 + rng() % 5000;
      nodes.push_back(abi::address(c.id));
      stakes.push_back(abi::uint_(c.stake));
    }
    Hash seed;
    for (auto& b : seed)
      b = static_cast<uint8_t>(rng());
    const uint32_t n = 1 + static_cast<uint32_t>(rng() % m);
    auto expected = quorum::select_quorum(seed, cands, n);
    testing::Chain& c = testing::chain();
    auto got = c.client.call(
        c.address("Harness"),
        abi::calldata("selectQuorum(bytes32,address[],uint64[],uint32)",
                      {abi::bytes32(seed), abi::array(nodes), abi::array(stakes), abi::uint_(n)}));
    if (!expected.ok()) {
      // Too few non-zero stakes: both reject.
      ASSERT_FALSE(got.ok()) << expected.error().to_string();
      EXPECT_EQ(c.client.rpc().last_error().data.substr(0, 10),
                testing::error_selector("NotEnoughCandidates(uint256,uint256)"));
      continue;
    }
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    // (address[] picked, uint64[] stakes): two offsets, then each array's length and items.
    const uint64_t off_a = testing::u64(*got, 0) / 32, off_s = testing::u64(*got, 1) / 32;
    ASSERT_EQ(testing::u64(*got, off_a), n);
    ASSERT_EQ(testing::u64(*got, off_s), n);
    for (uint32_t i = 0; i < n; ++i) {
      EXPECT_EQ(testing::address_word(*got, off_a + 1 + i), (*expected)[i].id) << round << " " << i;
      EXPECT_EQ(testing::u64(*got, off_s + 1 + i), (*expected)[i].stake) << round << " " << i;
    }
    ++cases;
  }
  EXPECT_GE(cases, 60);
}

TEST(EvmQuorumRules, test_selectQuorum_duplicate_reverts) {
  NodeId a{};
  a[0] = 7;
  const Candidate twice[2] = {{a, 10}, {a, 20}};
  EXPECT_FALSE(quorum::select_quorum(Hash{}, twice, 1).ok());
  testing::Chain& c = testing::chain();
  auto got = c.client.call(
      c.address("Harness"),
      abi::calldata("selectQuorum(bytes32,address[],uint64[],uint32)",
                    {abi::bytes32(Hash{}), abi::array({abi::address(a), abi::address(a)}),
                     abi::array({abi::uint_(10), abi::uint_(20)}), abi::uint_(1)}));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(c.client.rpc().last_error().data.substr(0, 10),
            testing::error_selector("DuplicateCandidate(address)"));
}

TEST(EvmQuorumRules, test_outputCommitment_equalsCpp_succeeds) {
  std::mt19937_64 rng(7);
  testing::Chain& c = testing::chain();
  for (int i = 0; i < 20; ++i) {
    Hash job, out, salt;
    NodeId node;
    for (Hash* h : {&job, &out, &salt})
      for (auto& b : *h)
        b = static_cast<uint8_t>(rng());
    for (auto& b : node)
      b = static_cast<uint8_t>(rng());
    auto got = c.client.call(c.address("Harness"),
                             abi::calldata("outputCommitment(bytes32,bytes32,bytes32,address)",
                                           {abi::bytes32(job), abi::bytes32(out),
                                            abi::bytes32(salt), abi::address(node)}));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(testing::h256(*got, 0), quorum::output_commitment(job, out, salt, node));
    auto seed = c.client.call(
        c.address("Harness"),
        abi::calldata("selectionSeed(bytes32,bytes32)", {abi::bytes32(job), abi::bytes32(out)}));
    ASSERT_TRUE(seed.ok());
    EXPECT_EQ(testing::h256(*seed, 0), quorum::selection_seed(job, out));
  }
}

TEST_F(EvmQuorum, test_seatQuorumJob_seatsSelectQuorum_succeeds) {
  // Two jobs in a row: the second draws from the nodes the first left unseated.
  const quorum::Round a = post(job_on(model_, 1), 4);
  const quorum::Round b = post(job_on(model_, 2), 5);
  for (const quorum::Seat& s : b.seats)
    for (const quorum::Seat& t : a.seats)
      EXPECT_NE(s.node, t.node);
  EXPECT_EQ(balance(kClient), 100000u - 9 * kReward);
  EXPECT_EQ(testing::u64(view("totalEscrow()", {}), 0), 9 * kReward);
  expect_revert(
      kClient, kPost,
      {abi::bytes(job_on(model_, 3).canonical_bytes()), abi::uint_(1), abi::uint_(kReward)},
      "NotEnoughCandidates(uint256,uint256)");
}

TEST_F(EvmQuorum, test_postQuorumJob_badJob_reverts) {
  const model::Job j = job_on(model_, 1);
  expect_revert(kClient, kPost,
                {abi::bytes(job_on(tag("unregistered"), 1).canonical_bytes()), abi::uint_(3),
                 abi::uint_(kReward)},
                "ModelNotRegistered(bytes32)");
  std::vector<uint8_t> bad = j.canonical_bytes();
  bad[4] = 2;  // version
  expect_revert(kClient, kPost, {abi::bytes(bad), abi::uint_(3), abi::uint_(kReward)},
                "BadJobBytes(uint256)");
  expect_revert(kClient, kPost,
                {abi::bytes(j.canonical_bytes()), abi::uint_(0), abi::uint_(kReward)},
                "QuorumEmpty()");
  expect_revert(kClient, kPost,
                {abi::bytes(j.canonical_bytes()), abi::uint_(3), abi::uint_(100000 / 3 + 1)},
                "InsufficientFunds(address,uint256,uint256)");
  post(j, 3);
  expect_revert(kClient, kPost,
                {abi::bytes(j.canonical_bytes()), abi::uint_(3), abi::uint_(kReward)},
                "JobExists(bytes32)");
}

// Seven seats: four honest, a liar, a node that commits and never reveals, a node that
// never commits. The honest majority wins; the other three are slashed; the bounty pool
// splits by stake with its floors; the rest is burned.
TEST_F(EvmQuorum, test_settle_honestLiarNonRevealer_succeeds) {
  quorum::Round round = post(job_on(model_, 11), 7);
  ASSERT_EQ(round.seats.size(), 7u);
  const Hash honest = tag("the output"), lie = tag("a lie");
  std::vector<Hash> salts;
  for (size_t i = 0; i < 6; ++i)
    salts.push_back(commit(round, i, i == 4 ? lie : honest));
  next_tx_in_block(round.commit_deadline + 1);
  for (size_t i = 0; i < 5; ++i)
    reveal(round, i, i == 4 ? lie : honest, salts[i]);
  const quorum::Tally t = settle_and_check(round);
  EXPECT_TRUE(t.decided());
  EXPECT_EQ(t.output_hash, honest);
  EXPECT_EQ(t.dissenters.size(), 1u);
  EXPECT_EQ(t.non_revealers.size(), 2u);
}

// The mode's stated weakness: three colluders outvote two honest nodes, win, and the
// honest pair is slashed — on chain exactly as settle_round says.
TEST_F(EvmQuorum, test_settle_colludingMajority_succeeds) {
  quorum::Round round = post(job_on(model_, 12), 5);
  const Hash honest = tag("the output"), agreed_lie = tag("the cartel's output");
  std::vector<Hash> salts;
  for (size_t i = 0; i < 5; ++i)
    salts.push_back(commit(round, i, i < 3 ? agreed_lie : honest));
  next_tx_in_block(round.commit_deadline + 1);
  for (size_t i = 0; i < 5; ++i)
    reveal(round, i, i < 3 ? agreed_lie : honest, salts[i]);
  const quorum::Tally t = settle_and_check(round);
  EXPECT_TRUE(t.decided());
  EXPECT_EQ(t.output_hash, agreed_lie);
  EXPECT_EQ(t.dissenters.size(), 2u);
}

// Nobody has a strict majority: no reward, the client refunded, revealers keep their
// stake, the non-revealer is still slashed and all of its slash is burned.
TEST_F(EvmQuorum, test_settle_noMajority_succeeds) {
  quorum::Round round = post(job_on(model_, 13), 3);
  std::vector<Hash> salts;
  for (size_t i = 0; i < 3; ++i)
    salts.push_back(commit(round, i, tag("out" + std::to_string(i))));
  next_tx_in_block(round.commit_deadline + 1);
  for (size_t i = 0; i < 2; ++i)
    reveal(round, i, tag("out" + std::to_string(i)), salts[i]);
  const quorum::Tally t = settle_and_check(round);
  EXPECT_FALSE(t.decided());
  EXPECT_EQ(balance(kClient), 100000u);  // the whole escrow came back
}

TEST_F(EvmQuorum, test_commit_wrongPhase_reverts) {
  quorum::Round round = post(job_on(model_, 21), 3);
  const NodeId n0 = round.seats[0].node;
  const Hash c = quorum::output_commitment(round.job_id, tag("o"), tag("s"), n0);
  next_tx_in_block(round.commit_deadline + 1);
  expect_revert(account_of(n0), kCommit, {abi::bytes32(round.job_id), abi::bytes32(c)},
                "WrongPhase(uint256,uint256,uint256)");
  EXPECT_FALSE(round.commit(n0, c, round.commit_deadline + 1).ok());  // the C++ round agrees
}

TEST_F(EvmQuorum, test_reveal_wrongPhase_reverts) {
  quorum::Round round = post(job_on(model_, 22), 3);
  const Hash salt = commit(round, 0, tag("o"));
  const NodeId n0 = round.seats[0].node;
  // During the commit phase: the output would be public while others can still commit.
  expect_revert(account_of(n0), kReveal,
                {abi::bytes32(round.job_id), abi::bytes32(tag("o")), abi::bytes32(salt)},
                "WrongPhase(uint256,uint256,uint256)");
  next_tx_in_block(round.reveal_deadline + 1);
  expect_revert(account_of(n0), kReveal,
                {abi::bytes32(round.job_id), abi::bytes32(tag("o")), abi::bytes32(salt)},
                "WrongPhase(uint256,uint256,uint256)");
}

TEST_F(EvmQuorum, test_commit_second_reverts) {
  quorum::Round round = post(job_on(model_, 23), 3);
  commit(round, 0, tag("o"));
  const NodeId n0 = round.seats[0].node;
  const Hash other = quorum::output_commitment(round.job_id, tag("p"), tag("s"), n0);
  expect_revert(account_of(n0), kCommit, {abi::bytes32(round.job_id), abi::bytes32(other)},
                "AlreadyCommitted(address)");
}

TEST_F(EvmQuorum, test_commit_copied_reverts) {
  quorum::Round round = post(job_on(model_, 24), 3);
  const Hash salt = tag("salt0");
  commit(round, 0, tag("o"));
  const Hash copied = quorum::output_commitment(round.job_id, tag("o"), salt, round.seats[0].node);
  const NodeId n1 = round.seats[1].node;
  expect_revert(account_of(n1), kCommit, {abi::bytes32(round.job_id), abi::bytes32(copied)},
                "CopiedCommitment(address)");
  EXPECT_FALSE(round.commit(n1, copied, round.opened_at + 2).ok());
}

TEST_F(EvmQuorum, test_commit_notSelected_reverts) {
  quorum::Round round = post(job_on(model_, 25), 3);
  size_t outsider = kFirstNode;
  while (std::any_of(round.seats.begin(), round.seats.end(),
                     [&](const quorum::Seat& s) { return s.node == id(outsider); }))
    ++outsider;
  expect_revert(outsider, kCommit, {abi::bytes32(round.job_id), abi::bytes32(tag("c"))},
                "NotSelected(bytes32,address)");
  expect_revert(outsider, kCommit, {abi::bytes32(tag("no job")), abi::bytes32(tag("c"))},
                "NoSuchJob(bytes32)");
}

TEST_F(EvmQuorum, test_reveal_bad_reverts) {
  quorum::Round round = post(job_on(model_, 26), 3);
  const Hash salt = commit(round, 0, tag("o"));
  const NodeId n0 = round.seats[0].node, n1 = round.seats[1].node;
  next_tx_in_block(round.commit_deadline + 1);
  const auto args = [&](const Hash& out, const Hash& s) {
    return std::vector<abi::Value>{abi::bytes32(round.job_id), abi::bytes32(out), abi::bytes32(s)};
  };
  expect_revert(account_of(n0), kReveal, args(tag("o"), tag("wrong salt")), "BadReveal(address)");
  expect_revert(account_of(n0), kReveal, args(tag("other output"), salt), "BadReveal(address)");
  expect_revert(account_of(n1), kReveal, args(tag("o"), salt), "NotCommitted(address)");
  reveal(round, 0, tag("o"), salt);
  expect_revert(account_of(n0), kReveal, args(tag("o"), salt), "AlreadyRevealed(address)");
}

TEST_F(EvmQuorum, test_unbond_seated_reverts) {
  quorum::Round round = post(job_on(model_, 27), 3);
  const size_t a = account_of(round.seats[0].node);
  expect_revert(a, "unbond(uint64)", {abi::uint_(stake(a))}, "StakeSeated(address,bytes32)");
  next_tx_in_block(round.reveal_deadline + 1);
  expect_revert(a, "unbond(uint64)", {abi::uint_(stake(a))}, "StakeSeated(address,bytes32)");
  settle_and_check(round);  // all three slashed as non-committers
  const uint64_t left = stake(a);
  EXPECT_LT(left, node_stake(a));
  tx(a, "unbond(uint64)", {abi::uint_(left)});  // free once settled
  EXPECT_EQ(stake(a), 0u);
}

TEST_F(EvmQuorum, test_settle_earlyOrTwice_reverts) {
  quorum::Round round = post(job_on(model_, 28), 3);
  expect_revert(kClient, kSettle, {abi::bytes32(round.job_id)},
                "WrongPhase(uint256,uint256,uint256)");
  next_tx_in_block(round.reveal_deadline);
  expect_revert(kClient, kSettle, {abi::bytes32(round.job_id)},
                "WrongPhase(uint256,uint256,uint256)");
  settle_and_check(round);
  expect_revert(kClient, kSettle, {abi::bytes32(round.job_id)}, "AlreadySettled(bytes32)");
  expect_revert(account_of(round.seats[0].node), kCommit,
                {abi::bytes32(round.job_id), abi::bytes32(tag("c"))}, "AlreadySettled(bytes32)");
  expect_revert(kSeater, kSeat, {abi::bytes32(round.job_id)}, "AlreadySettled(bytes32)");
  expect_revert(kSeater, kCancel, {abi::bytes32(round.job_id)}, "AlreadySettled(bytes32)");
}

// ---- the seating transaction ----

TEST_F(EvmQuorum, test_postQuorumJob_seatsNobody_succeeds) {
  const model::Job j = job_on(model_, 31);
  post_only(j, 5);
  for (size_t a = kFirstNode; a < kAccounts; ++a)
    EXPECT_EQ(testing::h256(view("seatOf(address)", {abi::address(id(a))}), 0), Hash{});
  EXPECT_EQ(candidates().size(), 9u) << "every node is still free";
  EXPECT_EQ(balance(kClient), 100000u - 5 * kReward);
  // Nobody is seated, so a node may still unbond; the post checked n against the nodes
  // free at the time, so a post of more seats than are free reverts as before.
  tx(kFirstNode, "unbond(uint64)", {abi::uint_(stake(kFirstNode))});
  expect_revert(
      kClient, kPost,
      {abi::bytes(job_on(model_, 32).canonical_bytes()), abi::uint_(9), abi::uint_(kReward)},
      "NotEnoughCandidates(uint256,uint256)");
}

// The seed is the hash of the post's block, which the EVM gives a transaction only from the
// next block on: a seating in the post's own block reverts. Automining is off for the two
// transactions, so that both land in one block; they come from one account, so the post
// comes first.
TEST_F(EvmQuorum, test_seatQuorumJob_postBlock_reverts) {
  const model::Job j = job_on(model_, 33);
  const std::string quorum = quorum_address();
  JsonRpc& rpc = testing::chain().client.rpc();
  const auto send_raw = [&](const std::vector<uint8_t>& data) {
    const nlohmann::json t = {{"from", clients()[kClient].from()},
                              {"to", quorum},
                              {"data", abi::to_hex(data)},
                              {"gas", "0x1000000"}};
    auto h = rpc.call("eth_sendTransaction", nlohmann::json::array({t}));
    EXPECT_TRUE(h.ok() && h->is_string()) << (h.ok() ? h->dump() : h.error().to_string());
    return h.ok() && h->is_string() ? h->get<std::string>() : std::string();
  };
  const auto receipt = [&](const std::string& hash) {
    auto r = rpc.call("eth_getTransactionReceipt", nlohmann::json::array({hash}));
    EXPECT_TRUE(r.ok() && r->is_object()) << hash << " has no receipt";
    return r.ok() && r->is_object() ? *r : nlohmann::json::object();
  };
  ASSERT_TRUE(rpc.call("evm_setAutomine", nlohmann::json::array({false})).ok());
  const std::string post_tx = send_raw(
      abi::calldata(kPost, {abi::bytes(j.canonical_bytes()), abi::uint_(3), abi::uint_(kReward)}));
  const std::string seat_tx = send_raw(abi::calldata(kSeat, {abi::bytes32(j.id())}));
  ASSERT_TRUE(rpc.call("evm_mine", nlohmann::json::array()).ok());
  ASSERT_TRUE(rpc.call("evm_setAutomine", nlohmann::json::array({true})).ok());
  const nlohmann::json rp = receipt(post_tx), rs = receipt(seat_tx);
  ASSERT_TRUE(rp.contains("blockNumber") && rs.contains("blockNumber"));
  EXPECT_EQ(rp["blockNumber"], rs["blockNumber"]) << "both in one block";
  EXPECT_EQ(rp["status"], "0x1") << "the post succeeds";
  EXPECT_EQ(rs["status"], "0x0") << "the seating in the post's block reverts";
  expect_money_identity("post and seating in one block");
  const uint64_t post_block = parse_quantity(rp["blockNumber"]).value();
  EXPECT_EQ(testing::u64(job_record(j.id()), kJobDrawnAt), 0u);
  // Which error: an eth_call on the latest block runs with that block's number, after the
  // post, as a second transaction of the block would.
  auto r = clients()[kSeater].call(quorum, abi::calldata(kSeat, {abi::bytes32(j.id())}), "latest");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(clients()[kSeater].rpc().last_error().data.substr(0, 10),
            testing::error_selector("WrongPhase(uint256,uint256,uint256)"));
  // One block later it seats.
  seat(j.id(), 3, post_block);
}

TEST_F(EvmQuorum, test_seatQuorumJob_twice_reverts) {
  const quorum::Round round = post(job_on(model_, 34), 3);
  expect_revert(kSeater, kSeat, {abi::bytes32(round.job_id)}, "AlreadySeated(bytes32,uint256)");
  expect_revert(kClient, kSeat, {abi::bytes32(round.job_id)}, "AlreadySeated(bytes32,uint256)");
}

TEST_F(EvmQuorum, test_seatQuorumJob_unknownJob_reverts) {
  expect_revert(kSeater, kSeat, {abi::bytes32(tag("no job"))}, "NoSuchJob(bytes32)");
  // A job id is keccak256 of the job's bytes; one not posted is unknown.
  expect_revert(kSeater, kSeat, {abi::bytes32(job_on(model_, 35).id())}, "NoSuchJob(bytes32)");
}

// The seating window ends at the commit deadline (with commitBlocks = 8 that is the bound;
// the 256 blocks of blockhash are tested below); after it, cancelUnseated refunds.
TEST_F(EvmQuorum, test_seatQuorumJob_tooLate_reverts) {
  const model::Job j = job_on(model_, 36);
  const uint64_t b = post_only(j, 3);
  const uint64_t last = b + params().commit_blocks;
  EXPECT_EQ(testing::u64(view("seatingDeadline(bytes32)", {abi::bytes32(j.id())}), 0), last);
  next_tx_in_block(last + 1);
  expect_revert(kSeater, kSeat, {abi::bytes32(j.id())}, "WrongPhase(uint256,uint256,uint256)");
  tx(kSeater, kCancel, {abi::bytes32(j.id())});
  expect_refunded(j.id());
  EXPECT_EQ(balance(kClient), 100000u);
  expect_revert(kSeater, kSeat, {abi::bytes32(j.id())}, "AlreadySettled(bytes32)");
}

// Seated in the last block of the window: the seating counts, and the phases still run
// from the post block. A commit can only land in a later block, so the seated nodes cannot
// commit at all and are slashed as non-committers; seating late costs them (docs/contracts.md).
TEST_F(EvmQuorum, test_seatQuorumJob_lastBlock_succeeds) {
  const model::Job j = job_on(model_, 37);
  const uint64_t b = post_only(j, 3);
  next_tx_in_block(b + params().commit_blocks);
  quorum::Round round = seat(j.id(), 3, b);
  const NodeId n0 = round.seats[0].node;
  expect_revert(account_of(n0), kCommit,
                {abi::bytes32(j.id()),
                 abi::bytes32(quorum::output_commitment(j.id(), tag("o"), tag("s"), n0))},
                "WrongPhase(uint256,uint256,uint256)");
  const quorum::Tally t = settle_and_check(round);
  EXPECT_EQ(t.non_revealers.size(), 3u);
}

// Stake left between the post and the seating (a node unbonded all of it): too few
// candidates, so the whole escrow goes back and the job is settled without a round.
TEST_F(EvmQuorum, test_seatQuorumJob_tooFewCandidates_succeeds) {
  const model::Job j = job_on(model_, 38);
  post_only(j, 9);
  tx(kFirstNode, "unbond(uint64)", {abi::uint_(stake(kFirstNode))});
  const uint64_t before = balance(kClient);
  const Receipt r = tx(kSeater, kSeat, {abi::bytes32(j.id())});
  gas_["seat refund"] = r.gas_used;
  expect_refunded(j.id());
  const auto q = job_record(j.id());
  EXPECT_EQ(testing::u64(q, kJobDrawnAt), r.block_number);
  EXPECT_NE(testing::h256(q, kJobSeed), Hash{}) << "the draw's seed is kept";
  EXPECT_EQ(balance(kClient), before + 9 * kReward);
  EXPECT_EQ(testing::u64(view("totalEscrow()", {}), 0), 0u);
  EXPECT_EQ(candidates().size(), 8u) << "nobody was seated";
  expect_revert(kSeater, kSeat, {abi::bytes32(j.id())}, "AlreadySettled(bytes32)");
  expect_revert(kSeater, kCancel, {abi::bytes32(j.id())}, "AlreadySettled(bytes32)");
  expect_revert(kClient, kSettle, {abi::bytes32(j.id())}, "AlreadySettled(bytes32)");
}

// Both jobs fit the nine free nodes when they are posted; the first seated takes five, so
// the second finds four and is refunded. (A post checks the nodes free at that moment, not
// what other unseated jobs will want.)
TEST_F(EvmQuorum, test_seatQuorumJob_takenByEarlierSeating_succeeds) {
  const model::Job a = job_on(model_, 39), b = job_on(model_, 40);
  const uint64_t ba = post_only(a, 5);
  post_only(b, 5);
  seat(a.id(), 5, ba);
  tx(kSeater, kSeat, {abi::bytes32(b.id())});
  expect_refunded(b.id());
  EXPECT_EQ(balance(kClient), 100000u - 5 * kReward);
  EXPECT_EQ(testing::u64(view("totalEscrow()", {}), 0), 5 * kReward);
}

// With a commit phase longer than 256 blocks, blockhash is the bound: the post block's hash
// is readable up to block t0 + 256 and no later.
TEST_F(EvmQuorum, test_seatQuorumJob_past256Blocks_reverts) {
  testing::SettlementParams p = params();
  p.commit_blocks = 300;
  const std::string saved = quorum_address();
  quorum_address() = deploy_quorum(p);
  struct Restore {
    const std::string& saved;
    ~Restore() { quorum_address() = saved; }
  } restore{saved};
  for (size_t a = kFirstNode; a < kFirstNode + 2; ++a)
    make_node(a, node_stake(a), node_stake(a) + 500);
  tx(kClient, "deposit()", {}, 100000);
  const Hash model = register_model(kClient, "quorum-model-long");
  const model::Job j = job_on(model, 41), k = job_on(model, 42);
  const Receipt rj =
      tx(kClient, kPost, {abi::bytes(j.canonical_bytes()), abi::uint_(1), abi::uint_(5)});
  const Receipt rk =
      tx(kClient, kPost, {abi::bytes(k.canonical_bytes()), abi::uint_(1), abi::uint_(5)});
  EXPECT_EQ(testing::u64(view("seatingDeadline(bytes32)", {abi::bytes32(j.id())}), 0),
            rj.block_number + 256);
  EXPECT_EQ(testing::u64(job_record(j.id()), kJobCommitDeadline), rj.block_number + 300);
  // Block t0 + 256: the hash is still there, and the seed is made of it.
  next_tx_in_block(rj.block_number + 256);
  const Receipt s = tx(kSeater, kSeat, {abi::bytes32(j.id())});
  EXPECT_EQ(s.block_number, rj.block_number + 256);
  EXPECT_EQ(
      testing::h256(job_record(j.id()), kJobSeed),
      quorum::selection_seed(j.id(), testing::chain().client.block_hash(rj.block_number).value()));
  EXPECT_EQ(seats(j.id()).size(), 1u);
  // Block t0 + 257 for the second job: too late, though before its commit deadline.
  next_tx_in_block(rk.block_number + 257);
  expect_revert(kSeater, kSeat, {abi::bytes32(k.id())}, "WrongPhase(uint256,uint256,uint256)");
  tx(kSeater, kCancel, {abi::bytes32(k.id())});
  expect_refunded(k.id());
}

// ---- a job nobody seated ----

TEST_F(EvmQuorum, test_cancelUnseated_afterSeatingDeadline_succeeds) {
  const model::Job j = job_on(model_, 43);
  const uint64_t b = post_only(j, 4);
  next_tx_in_block(b + params().commit_blocks + 1);
  const Receipt r = tx(kSeater, kCancel, {abi::bytes32(j.id())});  // anyone, not only the client
  gas_["cancelUnseated"] = r.gas_used;
  expect_refunded(j.id());
  EXPECT_EQ(balance(kClient), 100000u);
  EXPECT_EQ(testing::u64(view("totalEscrow()", {}), 0), 0u);
  expect_revert(kSeater, kCancel, {abi::bytes32(j.id())}, "AlreadySettled(bytes32)");
}

TEST_F(EvmQuorum, test_cancelUnseated_early_reverts) {
  const model::Job j = job_on(model_, 44);
  const uint64_t b = post_only(j, 4);
  expect_revert(kClient, kCancel, {abi::bytes32(j.id())}, "WrongPhase(uint256,uint256,uint256)");
  next_tx_in_block(b + params().commit_blocks);  // the last block it could still be seated
  expect_revert(kClient, kCancel, {abi::bytes32(j.id())}, "WrongPhase(uint256,uint256,uint256)");
  expect_revert(kClient, kCancel, {abi::bytes32(tag("no job"))}, "NoSuchJob(bytes32)");
}

TEST_F(EvmQuorum, test_cancelUnseated_seated_reverts) {
  const quorum::Round round = post(job_on(model_, 45), 3);
  next_tx_in_block(round.commit_deadline + 1);
  expect_revert(kClient, kCancel, {abi::bytes32(round.job_id)}, "AlreadySeated(bytes32,uint256)");
}

TEST_F(EvmQuorum, test_commit_notSeated_reverts) {
  const model::Job j = job_on(model_, 46);
  post_only(j, 3);
  const Hash c = quorum::output_commitment(j.id(), tag("o"), tag("s"), id(kFirstNode));
  expect_revert(kFirstNode, kCommit, {abi::bytes32(j.id()), abi::bytes32(c)},
                "NotSeated(bytes32,uint256)");
}

TEST_F(EvmQuorum, test_reveal_notSeated_reverts) {
  const model::Job j = job_on(model_, 47);
  const uint64_t b = post_only(j, 3);
  next_tx_in_block(b + params().commit_blocks + 1);
  expect_revert(kFirstNode, kReveal,
                {abi::bytes32(j.id()), abi::bytes32(tag("o")), abi::bytes32(tag("s"))},
                "NotSeated(bytes32,uint256)");
}

TEST_F(EvmQuorum, test_settle_notSeated_reverts) {
  const model::Job j = job_on(model_, 48);
  const uint64_t b = post_only(j, 3);
  next_tx_in_block(b + params().commit_blocks + params().reveal_blocks + 1);
  expect_revert(kClient, kSettle, {abi::bytes32(j.id())}, "NotSeated(bytes32,uint256)");
  tx(kClient, kCancel, {abi::bytes32(j.id())});  // what gets the client its escrow back
  expect_refunded(j.id());
}

// The gas of each transaction of a round (docs/contracts.md "Gas: staking and quorum"):
// a stake and a top-up, posting and seating 3 and 7 seats out of 9 candidates, a
// commit, a reveal, and settling a 3-seat round (no majority) and a 7-seat one, each
// with a liar and a non-committer.
TEST_F(EvmQuorum, test_gas_roundTransactions_succeeds) {
  gas_["stake"] = tx(kClient, "stake(uint64)", {abi::uint_(params().min_stake)}).gas_used;
  gas_["stake (top-up)"] = tx(kClient, "stake(uint64)", {abi::uint_(1)}).gas_used;
  for (uint32_t n : {3u, 7u}) {
    if (n == 7) {
      ASSERT_EQ(candidates().size(), 9u);  // the 3-seat round is settled: all nine are free
    }
    quorum::Round round = post(job_on(model_, 100 + n), n);
    std::vector<Hash> salts;
    for (size_t i = 0; i + 1 < n; ++i)
      salts.push_back(commit(round, i, i == 1 ? tag("lie") : tag("out")));
    next_tx_in_block(round.commit_deadline + 1);
    for (size_t i = 0; i + 1 < n; ++i)
      reveal(round, i, i == 1 ? tag("lie") : tag("out"), salts[i]);
    settle_and_check(round);
  }
  for (const auto& [what, gas] : gas_)
    std::cout << "gas " << what << ": " << gas << "\n";
  ASSERT_EQ(gas_.size(), 10u);
  // Bounds with room; the measured numbers are in docs/contracts.md.
  EXPECT_LT(gas_["commit"], 100'000u);
  EXPECT_LT(gas_["reveal"], 100'000u);
  EXPECT_LT(gas_["postQuorumJob n=7"], 1'500'000u);
  EXPECT_LT(gas_["seatQuorumJob n=7"], 1'500'000u);
  EXPECT_LT(gas_["postQuorumJob n=7"], gas_["seatQuorumJob n=7"]);
  EXPECT_LT(gas_["settle n=7"], 1'000'000u);
  EXPECT_LT(gas_["stake"], gas_["postQuorumJob n=3"]);
}

}  // namespace
}  // namespace vinfer::ledger::evm
