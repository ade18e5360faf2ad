// The Ledger conformance suite, quorum mode (conformance.hpp): node keys and candidates,
// posting a quorum job (selection and escrow), rounds with honest nodes, liars, silent
// nodes, copied and replayed commitments, a colluding majority and no majority, the
// settlement's checks, the collateral rule, and a round across reopening. Every
// transaction through the harness (money identity after each; a failed one changes
// nothing). conformance_params(): rounds of 4 commit + 3 reveal blocks, slash 60 %,
// bounty share 25 %, min_stake 100.
#include <algorithm>
#include <map>
#include <set>

#include "ledger/conformance.hpp"
#include "ledger/harness.hpp"
#include "ledger/scenario.hpp"
#include "vinfer/quorum/beacon.hpp"
#include "vinfer/quorum/commitment.hpp"
#include "vinfer/quorum/selection.hpp"

namespace vinfer::ledger::testing {
namespace {

const Actors& a = kActors;
constexpr Amount kReward = 70;  // per node
// A round posted at block 0: commits in blocks 1..4, reveals in 5..7, settled from 8 on.
constexpr uint64_t kCommitAt = 1, kRevealAt = 5, kSettleAt = 8;

// The honest output.
const Hash& honest_output() {
  return world().honest.output_hash;
}

// A second job on the same model (another sampler seed: another id, same output).
model::Job other_job() {
  model::Job j = world().job;
  j.seed = 99;
  return j;
}

// Funds the client, registers the world's model and makes one node per stake
// ("node-0", ...), each funded, staked and with its key registered.
std::vector<Address> setup_nodes(Ledger& l, const std::vector<Amount>& stakes) {
  TX_OK(l, l.deposit(a.client, kFunds));
  TX_OK(l, l.register_model(a.owner, world().registration));
  std::vector<Address> nodes;
  for (size_t i = 0; i < stakes.size(); ++i) {
    const Address n = address_of("node-" + std::to_string(i));
    TX_OK(l, l.deposit(n, kFunds));
    TX_OK(l, l.stake(n, stakes[i]));
    TX_OK(l, l.register_key(n, key_of(n)));
    nodes.push_back(n);
  }
  return nodes;
}

// The seated nodes of a quorum job, in seat order.
std::vector<Address> seats_of(const Ledger& l, const Hash& id) {
  const QuorumJobRecord q = l.quorum_job(id).value();
  std::vector<Address> out;
  for (const quorum::Seat& s : q.round.seats)
    out.push_back(to_address(s.node));
  return out;
}

// Every node in `outputs` commits to its output.
void commit_all(Ledger& l, const Hash& id, const std::map<Address, Hash>& outputs) {
  for (const auto& kv : outputs) {  // clang 14 cannot capture a structured binding
    const Address& node = kv.first;
    TX_OK(l, l.quorum_commit(node, id, commitment_of(id, node, kv.second)));
  }
}

// Every node in `outputs` reveals its output.
void reveal_all(Ledger& l, const Hash& id, const std::map<Address, Hash>& outputs) {
  for (const auto& kv : outputs) {
    const Address& node = kv.first;
    TX_OK(l, l.quorum_reveal(node, id, kv.second, salt_of(node, id)));
  }
}


// Commits, reveals and settles a round posted at block 0.
void play_round(Ledger& l,
                const Hash& id,
                const std::map<Address, Hash>& commits,
                const std::map<Address, Hash>& reveals) {
  go_to(l, kCommitAt);
  commit_all(l, id, commits);
  go_to(l, kRevealAt);
  reveal_all(l, id, reveals);
  go_to(l, kSettleAt);
  TX_OK(l, l.quorum_settle(id));
}

const Event* find_event(const std::vector<Event>& ev, EventKind k, const Address& who) {
  for (const Event& e : ev)
    if (e.kind == k && e.who == who)
      return &e;
  return nullptr;
}

TEST_P(LedgerConformance, KeysAndCandidates) {
  const Address n0 = address_of("node-0"), n1 = address_of("node-1"), n2 = address_of("node-2");
  TX_FAILS(l(), l().node_key(n0), "no key registered");
  TX_FAILS(l(), l().register_key(n0, NodeKey{}), "all-zero key");
  TX_OK(l(), l().register_key(n0, key_of(n1)));
  TX_OK(l(), l().register_key(n0, key_of(n0)));  // replacing is allowed
  EXPECT_EQ(TX_OK(l(), l().node_key(n0)), key_of(n0));
  const std::vector<Event> ev = l().events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, EventKind::key_registered);
  EXPECT_EQ(ev[1].who, n0);
  EXPECT_NE(ev[1].detail.find("replaces 0x" + commit::to_hex(key_of(n1))), std::string::npos)
      << ev[1].detail;

  // A key without stake, stake without a key, and both.
  EXPECT_TRUE(l().candidates().empty());
  for (const Address& n : {n0, n1, n2})
    TX_OK(l(), l().deposit(n, kFunds));
  TX_OK(l(), l().stake(n1, 250));
  EXPECT_TRUE(l().candidates().empty());
  TX_OK(l(), l().stake(n0, 100));  // exactly min_stake
  TX_OK(l(), l().register_key(n1, key_of(n1)));
  TX_OK(l(), l().stake(n2, 300));
  TX_OK(l(), l().register_key(n2, key_of(n2)));
  std::vector<quorum::Candidate> want = {
      {to_node_id(n0), 100}, {to_node_id(n1), 250}, {to_node_id(n2), 300}};
  std::sort(want.begin(), want.end(),
            [](const quorum::Candidate& x, const quorum::Candidate& y) { return x.id < y.id; });
  EXPECT_EQ(l().candidates(), want);  // in address order
  TX_OK(l(), l().unbond(n1, 250));
  std::erase_if(want, [&](const quorum::Candidate& c) { return c.id == to_node_id(n1); });
  EXPECT_EQ(l().candidates(), want);
}

TEST_P(LedgerConformance, BlockHashesAreFixedWhenTheBlockCloses) {
  // The current block is open: its hash is nobody's to know yet.
  TX_FAILS(l(), l().block_hash(0), "block 0 has not closed");
  TX_FAILS(l(), l().block_hash(1), "block 1 has not closed");
  TX_OK(l(), l().advance(4));
  TX_FAILS(l(), l().block_hash(4), "block 4 has not closed");
  std::set<Hash> seen;
  for (uint64_t b = 0; b < 4; ++b)
    seen.insert(TX_OK(l(), l().block_hash(b)));
  EXPECT_EQ(seen.size(), 4u);
  const Hash h3 = TX_OK(l(), l().block_hash(3));
  // What happens in the open block does not move a closed block's hash.
  TX_OK(l(), l().deposit(a.client, 5));
  EXPECT_EQ(TX_OK(l(), l().block_hash(3)), h3);
  reopen();
  EXPECT_EQ(TX_OK(l(), l().block_hash(3)), h3);
}

TEST_P(LedgerConformance, PostQuorumJobEscrowsAndTheSeatsAreDrawnWhenItsBlockCloses) {
  const std::vector<Address> nodes = setup_nodes(l(), {100, 200, 300, 400, 500});
  const std::vector<quorum::Candidate> before = l().candidates();
  ASSERT_EQ(before.size(), 5u);
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  EXPECT_EQ(id, world().job.id());
  EXPECT_EQ(l().balance(a.client), kFunds - 3 * kReward);
  EXPECT_EQ(l().totals().escrow, 3 * kReward);

  // Posted, nobody seated: the seed is the hash of the post's block, which is not fixed
  // until the block closes, so the client could not know it when it chose the job.
  QuorumJobRecord q = TX_OK(l(), l().quorum_job(id));
  EXPECT_EQ(q.id, id);
  EXPECT_EQ(q.job, world().job);
  EXPECT_EQ(q.client, a.client);
  EXPECT_EQ(q.n, 3u);
  EXPECT_EQ(q.reward_per_node, kReward);
  EXPECT_EQ(q.escrow, 3 * kReward);
  EXPECT_FALSE(q.settled);
  EXPECT_FALSE(q.tally.has_value());
  EXPECT_FALSE(q.payout.has_value());
  EXPECT_EQ(q.block, 0u);
  EXPECT_TRUE(q.round.seats.empty());
  TX_FAILS(l(), l().block_hash(q.block), "has not closed");
  EXPECT_EQ(count_events(l(), EventKind::quorum_job_posted, id), 1u);
  EXPECT_EQ(count_events(l(), EventKind::quorum_seated, id), 0u);
  TX_FAILS(l(), l().quorum_commit(nodes[0], id, commitment_of(id, nodes[0], honest_output())),
           "nobody is seated yet: the quorum is drawn when block 0 closes");
  TX_FAILS(l(), l().quorum_settle(id), "nobody is seated yet");
  // The job's three seats are spoken for: a second job in the same block cannot count
  // on them.
  EXPECT_EQ(l().candidates().size(), 5u);
  TX_FAILS(l(), l().post_quorum_job(a.client, other_job(), 3, kReward),
           "n = 3 but only 5 candidates (bonded stake of at least 100 and a registered key), "
           "3 of them wanted by jobs posted earlier in this block");

  TX_OK(l(), l().advance(1));
  q = TX_OK(l(), l().quorum_job(id));
  EXPECT_EQ(q.round.opened_at, 0u);  // the phases still count from the post
  EXPECT_EQ(q.round.commit_deadline, 4u);
  EXPECT_EQ(q.round.reveal_deadline, 7u);
  // The selection is select_quorum's from the job id and the post block's hash, over the
  // candidates when that block closed: anyone can redo it.
  const Hash bh = TX_OK(l(), l().block_hash(0));
  const auto want = quorum::select_quorum(quorum::selection_seed(id, bh), before, 3).value();
  ASSERT_EQ(q.round.seats.size(), 3u);
  std::set<quorum::NodeId> distinct;
  Amount total = 0;
  for (size_t i = 0; i < 3; ++i) {
    const quorum::Seat& s = q.round.seats[i];
    EXPECT_EQ(s.node, want[i].id);
    EXPECT_EQ(s.stake, l().staked(to_address(s.node)));
    EXPECT_FALSE(s.committed);
    distinct.insert(s.node);
    total += s.stake;
  }
  EXPECT_EQ(distinct.size(), 3u);
  EXPECT_EQ(q.round.total_stake, total);
  EXPECT_EQ(count_events(l(), EventKind::quorum_seated, id), 3u);
  for (const Address& s : seats_of(l(), id)) {
    const std::vector<Event> events = l().events();
    const Event* e = find_event(events, EventKind::quorum_seated, s);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->amount, l().staked(s));
    EXPECT_EQ(e->block, 1u);  // the first thing in the next block
  }
  // The seated nodes' stake is this round's: they are no candidates for another.
  EXPECT_EQ(l().candidates().size(), 2u);

  TX_FAILS(l(), l().post_quorum_job(a.client, world().job, 3, kReward),
           "already posted at block 0");
  TX_FAILS(l(), l().post_job(a.client, world().job, kPayment),
           "already posted at block 0 as a quorum job");
  TX_FAILS(l(), l().post_quorum_job(a.client, other_job(), 3, kReward),
           "n = 3 but only 2 candidates (bonded stake of at least 100 and a registered key, and "
           "3 more seated in unsettled rounds)");
  TX_FAILS(l(), l().post_quorum_job(a.client, other_job(), 0, kReward), "n = 0");
  TX_FAILS(l(), l().post_quorum_job(a.client, other_job(), 2, UINT64_MAX), "overflows");
  TX_FAILS(l(), l().post_quorum_job(a.client, other_job(), 2, kFunds),
           "less than the escrow n × reward_per_node = 20000");
  model::Job unregistered = other_job();
  unregistered.model_root[0] ^= 1;
  TX_FAILS(l(), l().post_quorum_job(a.client, unregistered, 2, kReward), "is not registered");
  TX_FAILS(l(), l().quorum_job(other_job().id()), "no such quorum job");
  // Two nodes are left for a second round.
  const Hash id2 = TX_OK(l(), l().post_quorum_job(a.client, other_job(), 2, kReward));
  TX_OK(l(), l().advance(1));
  EXPECT_TRUE(l().candidates().empty());
  EXPECT_EQ(l().totals().escrow, 5 * kReward);
  std::set<Address> all;
  for (const Hash& j : {id, id2})
    for (const Address& s : seats_of(l(), j))
      all.insert(s);
  EXPECT_EQ(all, std::set<Address>(nodes.begin(), nodes.end()));
}

TEST_P(LedgerConformance, JobsPostedInOneBlockAreSeatedOnDistinctNodes) {
  const std::vector<Address> nodes = setup_nodes(l(), {100, 200, 300, 400, 500, 600});
  const Hash id1 = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  const Hash id2 = TX_OK(l(), l().post_quorum_job(a.client, other_job(), 3, kReward));
  TX_OK(l(), l().advance(1));
  std::set<Address> all;
  for (const Hash& j : {id1, id2})
    for (const Address& s : seats_of(l(), j))
      all.insert(s);
  EXPECT_EQ(all, std::set<Address>(nodes.begin(), nodes.end()));
}

TEST_P(LedgerConformance, AJobWhoseNodesLeaveBeforeItsBlockClosesIsRefunded) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400});
  const Amount client_before = l().balance(a.client);
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  // One node unbonds in the same block, before the draw: only two are left to seat.
  TX_OK(l(), l().unbond(nodes[1], 300));
  TX_OK(l(), l().advance(1));
  const QuorumJobRecord q = TX_OK(l(), l().quorum_job(id));
  EXPECT_TRUE(q.settled);
  EXPECT_TRUE(q.round.seats.empty());
  EXPECT_EQ(q.escrow, 0u);
  EXPECT_FALSE(q.tally.has_value());
  EXPECT_EQ(l().balance(a.client), client_before);
  EXPECT_EQ(l().totals().escrow, 0u);
  EXPECT_EQ(count_events(l(), EventKind::refund, id), 1u);
  EXPECT_EQ(count_events(l(), EventKind::quorum_seated, id), 0u);
  TX_FAILS(l(), l().quorum_settle(id), "nobody could be seated");
  TX_FAILS(l(), l().quorum_commit(nodes[0], id, commitment_of(id, nodes[0], honest_output())),
           "the job was refunded");
  reopen();
  EXPECT_TRUE(TX_OK(l(), l().quorum_job(id)).settled);
  EXPECT_EQ(l().candidates().size(), 2u);
}

TEST_P(LedgerConformance, PostQuorumJobRejectsMoreSeatsThanCandidates) {
  setup_nodes(l(), {100, 200});
  TX_FAILS(l(), l().post_quorum_job(a.client, world().job, 3, kReward),
           "n = 3 but only 2 candidates");
  // A staked node without a key is no candidate.
  TX_OK(l(), l().deposit(a.stranger, kFunds));
  TX_OK(l(), l().stake(a.stranger, 500));
  TX_FAILS(l(), l().post_quorum_job(a.client, world().job, 3, kReward),
           "n = 3 but only 2 candidates");
  TX_OK(l(), l().register_key(a.stranger, key_of(a.stranger)));
  TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
}

TEST_P(LedgerConformance, CommitAndRevealFollowTheRoundsRules) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  const Address x = nodes[0], y = nodes[1];
  const Hash cx = commitment_of(id, x, honest_output());
  TX_FAILS(l(), l().quorum_commit(x, other_job().id(), cx), "no such quorum job");
  TX_FAILS(l(), l().quorum_commit(x, id, cx), "nobody is seated yet");
  TX_OK(l(), l().advance(1));
  TX_FAILS(l(), l().quorum_commit(a.stranger, id, cx), "not selected");
  TX_OK(l(), l().quorum_commit(x, id, cx));
  TX_FAILS(l(), l().quorum_commit(x, id, commitment_of(id, x, lie())), "already committed");
  TX_FAILS(l(), l().quorum_reveal(x, id, honest_output(), salt_of(x, id)), "early");
  go_to(l(), 5);
  TX_FAILS(l(), l().quorum_commit(y, id, commitment_of(id, y, honest_output())), "late");
  TX_FAILS(l(), l().quorum_reveal(y, id, honest_output(), salt_of(y, id)), "it did not commit");
  TX_FAILS(l(), l().quorum_reveal(x, id, lie(), salt_of(x, id)), "does not open its commitment");
  TX_FAILS(l(), l().quorum_reveal(x, id, honest_output(), salt_of(y, id)),
           "does not open its commitment");
  TX_FAILS(l(), l().quorum_reveal(x, id, lie(), salt_of(x, id)),
           "quorum_reveal: job " + short_hex(id) + ": quorum round: reveal by node");
  TX_OK(l(), l().quorum_reveal(x, id, honest_output(), salt_of(x, id)));
  TX_FAILS(l(), l().quorum_reveal(x, id, honest_output(), salt_of(x, id)), "already revealed");
  go_to(l(), 8);
  TX_FAILS(l(), l().quorum_reveal(x, id, honest_output(), salt_of(x, id)), "late");
  const std::vector<Event> ev = l().events();
  const Event* c = find_event(ev, EventKind::quorum_commit, x);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->detail, "0x" + commit::to_hex(cx));
  const Event* r = find_event(ev, EventKind::quorum_reveal, x);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->detail, "0x" + commit::to_hex(honest_output()));
}

TEST_P(LedgerConformance, HonestRoundPaysEveryone) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  std::map<Address, Hash> outputs;
  for (const Address& n : nodes)
    outputs[n] = honest_output();
  go_to(l(), kCommitAt);
  commit_all(l(), id, outputs);
  go_to(l(), kRevealAt);
  reveal_all(l(), id, outputs);
  TX_FAILS(l(), l().quorum_settle(id), "reveals are accepted until block 7");
  go_to(l(), 7);
  TX_FAILS(l(), l().quorum_settle(id), "reveals are accepted until block 7");
  go_to(l(), kSettleAt);
  TX_OK(l(), l().quorum_settle(id));

  for (size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(l().balance(nodes[i]), kFunds - (200 + 100 * i) + kReward);
    EXPECT_EQ(l().staked(nodes[i]), 200 + 100 * i);  // nobody slashed
  }
  EXPECT_EQ(l().balance(a.client), kFunds - 3 * kReward);  // nothing refunded
  const Totals t = l().totals();
  EXPECT_EQ(t.escrow, 0u);
  EXPECT_EQ(t.burned, 0u);
  const QuorumJobRecord q = TX_OK(l(), l().quorum_job(id));
  EXPECT_TRUE(q.settled);
  EXPECT_EQ(q.escrow, 0u);
  ASSERT_TRUE(q.tally && q.payout);
  EXPECT_TRUE(q.tally->decided());
  EXPECT_EQ(q.tally->output_hash, honest_output());
  EXPECT_TRUE(q.tally->dissenters.empty() && q.tally->non_revealers.empty());
  EXPECT_EQ(q.payout->payment, 3 * kReward);
  EXPECT_EQ(q.payout->client_refund, 0u);
  EXPECT_EQ(q.payout->slashed_total, 0u);
  EXPECT_EQ(count_events(l(), EventKind::node_paid, id), 3u);
  EXPECT_EQ(count_events(l(), EventKind::stake_slashed, id), 0u);
  EXPECT_EQ(count_events(l(), EventKind::refund, id), 0u);
  EXPECT_EQ(count_events(l(), EventKind::burn, id), 0u);
  const std::vector<Event> events = l().events();
  const Event* s = find_event(events, EventKind::quorum_settled, a.client);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->amount, 3 * kReward);
  EXPECT_NE(s->detail.find("majority for output 0x" + commit::to_hex(honest_output())),
            std::string::npos)
      << s->detail;
  EXPECT_EQ(l().candidates().size(), 3u);  // free again
}

TEST_P(LedgerConformance, SettleBeforeTheDeadlineAndSettlingTwiceAreRejected) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  TX_FAILS(l(), l().quorum_settle(other_job().id()), "no such quorum job");
  TX_FAILS(l(), l().quorum_settle(id), "nobody is seated yet");
  TX_OK(l(), l().advance(1));
  TX_FAILS(l(), l().quorum_settle(id), "tally at block 1, but reveals are accepted until block 7");
  go_to(l(), 7);
  TX_FAILS(l(), l().quorum_settle(id), "tally at block 7");
  go_to(l(), 8);
  // Nobody committed: every node is slashed, nobody is paid, the client gets it all back
  // and, with no majority to pay a bounty to, the whole slash is burned.
  TX_OK(l(), l().quorum_settle(id));
  TX_FAILS(l(), l().quorum_settle(id), "already settled (no_majority)");
  TX_FAILS(l(), l().quorum_commit(nodes[0], id, commitment_of(id, nodes[0], honest_output())),
           "the round is settled");
  TX_FAILS(l(), l().quorum_reveal(nodes[0], id, honest_output(), salt_of(nodes[0], id)),
           "the round is settled");
  EXPECT_EQ(l().balance(a.client), kFunds);
  EXPECT_EQ(l().totals().burned, 120u + 180u + 240u);
  for (size_t i = 0; i < nodes.size(); ++i)
    EXPECT_EQ(l().staked(nodes[i]), (200 + 100 * i) * 4 / 10);
  EXPECT_EQ(count_events(l(), EventKind::stake_slashed, id), 3u);
  EXPECT_EQ(count_events(l(), EventKind::node_paid, id), 0u);
  EXPECT_EQ(count_events(l(), EventKind::refund, id), 1u);
  EXPECT_EQ(count_events(l(), EventKind::burn, id), 1u);
}

TEST_P(LedgerConformance, LyingMinorityIsSlashed) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  const Address liar = nodes[0];
  std::map<Address, Hash> outputs;
  for (const Address& n : nodes)
    outputs[n] = n == liar ? lie() : honest_output();
  play_round(l(), id, outputs, outputs);

  // Slash 60 % of 200 = 120; pool 25 % of it = 30, split 300 : 400 -> 12 + 17; burned 91.
  EXPECT_EQ(l().staked(liar), 80u);
  EXPECT_EQ(l().balance(liar), kFunds - 200);
  EXPECT_EQ(l().staked(nodes[1]), 300u);
  EXPECT_EQ(l().staked(nodes[2]), 400u);
  EXPECT_EQ(l().balance(nodes[1]), kFunds - 300 + kReward + 12);
  EXPECT_EQ(l().balance(nodes[2]), kFunds - 400 + kReward + 17);
  EXPECT_EQ(l().balance(a.client), kFunds - 2 * kReward);  // the liar's reward came back
  EXPECT_EQ(l().totals().burned, 91u);
  const QuorumJobRecord q = TX_OK(l(), l().quorum_job(id));
  EXPECT_EQ(q.tally->output_hash, honest_output());
  EXPECT_EQ(q.tally->dissenters, std::vector<quorum::NodeId>{to_node_id(liar)});
  EXPECT_EQ(q.payout->slashed_total, 120u);
  EXPECT_EQ(q.payout->bounty_total, 29u);
  const std::vector<Event> ev = l().events();
  const Event* slashed = find_event(ev, EventKind::stake_slashed, liar);
  ASSERT_NE(slashed, nullptr);
  EXPECT_EQ(slashed->amount, 120u);
  EXPECT_NE(slashed->detail.find("dissented"), std::string::npos);
  const Event* paid = find_event(ev, EventKind::node_paid, nodes[2]);
  ASSERT_NE(paid, nullptr);
  EXPECT_EQ(paid->amount, kReward + 17);
  EXPECT_EQ(find_event(ev, EventKind::node_paid, liar), nullptr);
  const Event* refund = find_event(ev, EventKind::refund, a.client);
  ASSERT_NE(refund, nullptr);
  EXPECT_EQ(refund->amount, kReward);
  // Below min_stake now: no candidate until it tops up, and free to leave.
  EXPECT_EQ(l().candidates().size(), 2u);
  TX_FAILS(l(), l().unbond(liar, 30), "would be below the minimum");
  TX_OK(l(), l().unbond(liar, 80));
}

TEST_P(LedgerConformance, NodesThatDoNotRevealOrDoNotCommitAreSlashed) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 200, 200, 200, 200});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 5, kReward));
  const Address silent = nodes[3], absent = nodes[4];
  std::map<Address, Hash> commits, reveals;
  for (const Address& n : nodes) {
    if (n != absent)
      commits[n] = honest_output();
    if (n != absent && n != silent)
      reveals[n] = honest_output();
  }
  play_round(l(), id, commits, reveals);

  // 600 of 1000 agreed. Each silent node loses 120; pool 25 % of 240 = 60, 20 to each of
  // the three; burned 180.
  const QuorumJobRecord q = TX_OK(l(), l().quorum_job(id));
  EXPECT_TRUE(q.tally->decided());
  EXPECT_EQ(q.tally->non_revealers.size(), 2u);
  for (const quorum::SeatOutcome& s : q.tally->seats) {
    const Address n = to_address(s.node);
    if (n == silent)
      EXPECT_EQ(s.outcome, quorum::Outcome::not_revealed);
    else if (n == absent)
      EXPECT_EQ(s.outcome, quorum::Outcome::not_committed);
    else
      EXPECT_EQ(s.outcome, quorum::Outcome::agreed);
  }
  EXPECT_EQ(l().staked(silent), 80u);
  EXPECT_EQ(l().staked(absent), 80u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(l().staked(nodes[i]), 200u);
    EXPECT_EQ(l().balance(nodes[i]), kFunds - 200 + kReward + 20);
  }
  EXPECT_EQ(l().balance(a.client), kFunds - 3 * kReward);
  EXPECT_EQ(l().totals().burned, 180u);
  EXPECT_EQ(count_events(l(), EventKind::stake_slashed, id), 2u);
  const std::vector<Event> events = l().events();
  const Event* e = find_event(events, EventKind::stake_slashed, absent);
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->detail.find("not_committed"), std::string::npos);
}

TEST_P(LedgerConformance, CopiedCommitmentIsRejected) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  const Address honest = nodes[2], copier = nodes[0];
  go_to(l(), kCommitAt);
  const Hash c = commitment_of(id, honest, honest_output());
  TX_OK(l(), l().quorum_commit(honest, id, c));
  TX_FAILS(l(), l().quorum_commit(copier, id, c), "a copied commitment");
  // Nor could the copier have opened it: the commitment binds the honest node's id.
  EXPECT_FALSE(
      quorum::check_reveal(c, id, honest_output(), salt_of(honest, id), to_node_id(copier)));
  // It commits for itself instead, and the round goes on.
  TX_OK(l(), l().quorum_commit(copier, id, commitment_of(id, copier, honest_output())));
}

TEST_P(LedgerConformance, CommitmentReplayedFromAnotherJobFailsItsReveal) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400});
  std::map<Address, Hash> outputs;
  for (const Address& n : nodes)
    outputs[n] = honest_output();
  const Hash first = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  play_round(l(), first, outputs, outputs);

  // The same three nodes sit in the second job; the replayer reuses its first commitment
  // (it never ran the second job). The ledger cannot tell a commitment's job, but the
  // reveal binds it: the old opening does not open under the new job's id.
  const uint64_t t0 = l().block();
  const Hash second = TX_OK(l(), l().post_quorum_job(a.client, other_job(), 3, kReward));
  const Address replayer = nodes[1];
  TX_OK(l(), l().advance(1));
  for (const Address& n : nodes) {
    const Hash c = n == replayer ? commitment_of(first, n, honest_output())
                                 : commitment_of(second, n, honest_output());
    TX_OK(l(), l().quorum_commit(n, second, c));
  }
  go_to(l(), t0 + 5);
  TX_FAILS(l(), l().quorum_reveal(replayer, second, honest_output(), salt_of(replayer, first)),
           "does not open its commitment for this job and node");
  TX_FAILS(l(), l().quorum_reveal(replayer, second, honest_output(), salt_of(replayer, second)),
           "does not open its commitment for this job and node");
  for (const Address& n : nodes)
    if (n != replayer)
      TX_OK(l(), l().quorum_reveal(n, second, honest_output(), salt_of(n, second)));
  go_to(l(), t0 + 8);
  TX_OK(l(), l().quorum_settle(second));
  const QuorumJobRecord q = TX_OK(l(), l().quorum_job(second));
  EXPECT_EQ(q.tally->non_revealers, std::vector<quorum::NodeId>{to_node_id(replayer)});
  EXPECT_EQ(l().staked(replayer), 300u - 180u);
}

// quorum:n holds only while a majority of the seated stake is honest (DESIGN §1). Two of
// three nodes agree on a lie: the lie wins, is paid, and the one honest node is slashed as
// a dissenter. This is the mode's weakness, shown so that nobody mistakes it for safety.
TEST_P(LedgerConformance, ColludingMajorityWinsTheModesStatedWeakness) {
  const std::vector<Address> nodes = setup_nodes(l(), {300, 300, 300});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  const Address honest = nodes[0];
  std::map<Address, Hash> outputs;
  for (const Address& n : nodes)
    outputs[n] = n == honest ? honest_output() : lie();
  play_round(l(), id, outputs, outputs);

  const QuorumJobRecord q = TX_OK(l(), l().quorum_job(id));
  EXPECT_TRUE(q.tally->decided());
  EXPECT_EQ(q.tally->output_hash, lie());
  EXPECT_EQ(q.tally->dissenters, std::vector<quorum::NodeId>{to_node_id(honest)});
  // The honest node loses 180; the colluders are paid and split the bounty 22 + 22.
  EXPECT_EQ(l().staked(honest), 120u);
  for (const Address& n : {nodes[1], nodes[2]}) {
    EXPECT_EQ(l().staked(n), 300u);
    EXPECT_EQ(l().balance(n), kFunds - 300 + kReward + 22);
  }
  EXPECT_EQ(l().totals().burned, 180u - 44u);
  const std::vector<Event> events = l().events();
  const Event* s = find_event(events, EventKind::quorum_settled, a.client);
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->detail.find("0x" + commit::to_hex(lie())), std::string::npos);
}

TEST_P(LedgerConformance, NoMajorityRefundsTheClientAndRevealersKeepTheirStake) {
  const std::vector<Address> nodes = setup_nodes(l(), {300, 300, 300});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  // Two outputs of 300 each and a silent node: no output has more than half of 900.
  const Address silent = nodes[2];
  std::map<Address, Hash> commits = {
      {nodes[0], honest_output()}, {nodes[1], lie()}, {silent, honest_output()}};
  std::map<Address, Hash> reveals = {{nodes[0], honest_output()}, {nodes[1], lie()}};
  play_round(l(), id, commits, reveals);

  const QuorumJobRecord q = TX_OK(l(), l().quorum_job(id));
  EXPECT_FALSE(q.tally->decided());
  EXPECT_EQ(q.tally->output_hash, Hash{});
  EXPECT_EQ(l().balance(a.client), kFunds);  // all of it refunded
  EXPECT_EQ(l().staked(nodes[0]), 300u);
  EXPECT_EQ(l().staked(nodes[1]), 300u);
  EXPECT_EQ(l().balance(nodes[0]), kFunds - 300);  // not paid either
  EXPECT_EQ(l().staked(silent), 120u);             // the non-revealer is still slashed
  EXPECT_EQ(l().totals().burned, 180u);            // and, with no majority, all of it burned
  const std::vector<Event> events = l().events();
  const Event* s = find_event(events, EventKind::quorum_settled, a.client);
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->detail.find("no majority"), std::string::npos);
  const Event* refund = find_event(events, EventKind::refund, a.client);
  ASSERT_NE(refund, nullptr);
  EXPECT_EQ(refund->amount, 3 * kReward);
}

TEST_P(LedgerConformance, UnbondWhileSeatedIsRejected) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400, 500});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  // Not seated yet: unbonding in the post's block is still allowed (and would refund the
  // job if it left too few), so the round's stake is only locked from the draw on.
  TX_OK(l(), l().advance(1));
  const std::vector<Address> seated = seats_of(l(), id);
  const Address free = *std::find_if(nodes.begin(), nodes.end(), [&](const Address& n) {
    return std::find(seated.begin(), seated.end(), n) == seated.end();
  });
  TX_FAILS(l(), l().unbond(seated[0], l().staked(seated[0])),
           "seated in the quorum of job " + short_hex(id) + ", which is not settled");
  TX_OK(l(), l().stake(seated[0], 50));  // topping up is fine (the extra is not at risk)
  TX_OK(l(), l().unbond(free, l().staked(free)));
  std::map<Address, Hash> outputs;
  for (const Address& n : seated)
    outputs[n] = honest_output();
  play_round(l(), id, outputs, outputs);
  TX_OK(l(), l().unbond(seated[0], l().staked(seated[0])));
}

TEST_P(LedgerConformance, RoundSurvivesReopeningAndFinishes) {
  const std::vector<Address> nodes = setup_nodes(l(), {200, 300, 400});
  const Hash id = TX_OK(l(), l().post_quorum_job(a.client, world().job, 3, kReward));
  reopen();
  EXPECT_TRUE(TX_OK(l(), l().quorum_job(id)).round.seats.empty());  // still to be drawn
  go_to(l(), kCommitAt);
  reopen();
  EXPECT_TRUE(l().candidates().empty());  // the seats came back
  TX_FAILS(l(), l().unbond(nodes[0], 200), "seated in the quorum");
  TX_OK(l(), l().quorum_commit(nodes[0], id, commitment_of(id, nodes[0], honest_output())));
  reopen();
  TX_OK(l(), l().quorum_commit(nodes[1], id, commitment_of(id, nodes[1], honest_output())));
  TX_OK(l(), l().quorum_commit(nodes[2], id, commitment_of(id, nodes[2], lie())));
  TX_FAILS(l(), l().quorum_commit(nodes[0], id, commitment_of(id, nodes[0], lie())),
           "already committed");
  go_to(l(), kRevealAt);
  TX_OK(l(), l().quorum_reveal(nodes[0], id, honest_output(), salt_of(nodes[0], id)));
  reopen();
  TX_OK(l(), l().quorum_reveal(nodes[1], id, honest_output(), salt_of(nodes[1], id)));
  TX_OK(l(), l().quorum_reveal(nodes[2], id, lie(), salt_of(nodes[2], id)));
  go_to(l(), kSettleAt);
  reopen();
  TX_OK(l(), l().quorum_settle(id));
  reopen();
  const QuorumJobRecord q = TX_OK(l(), l().quorum_job(id));
  EXPECT_TRUE(q.settled);
  EXPECT_EQ(q.tally->output_hash, honest_output());
  EXPECT_EQ(q.tally->dissenters, std::vector<quorum::NodeId>{to_node_id(nodes[2])});
  EXPECT_EQ(l().staked(nodes[2]), 400u - 240u);
  EXPECT_EQ(l().candidates().size(), 3u);  // free again; the liar's 160 is above min_stake
}

}  // namespace
}  // namespace vinfer::ledger::testing
