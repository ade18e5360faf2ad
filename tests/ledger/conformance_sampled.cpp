// The Ledger conformance suite, sampled mode (conformance.hpp): the auditor registry,
// posting a sampled job (worker draw, auditor snapshot, escrow), sealed delivery, a round
// with agreeing audits, no audit, a silent worker, a silent auditor, refusal and
// cancellation, and an escalation into the dispute game — both when the worker lies (its
// claim loses, it loses its bond and stake) and when it does not defend. Every
// transaction through the harness. conformance_params(): phases of 4 (commit), 4 (audit)
// and 3 (reveal) blocks, slash 60 %, worker bond 1000, challenger bond 700.
#include <algorithm>

#include "ledger/conformance.hpp"
#include "ledger/harness.hpp"
#include "ledger/scenario.hpp"
#include "vinfer/quorum/audit.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::ledger::testing {
namespace {

const Actors& a = kActors;
constexpr Amount kStake = 1000, kReward = 100, kFee = 30;
// A job delivered at block 1: commit in 2..5, audit in 6..9, reveal in 10..12, settle 13.
constexpr uint64_t kDeliverAt = 1, kCommitAt = 2, kAuditAt = 6, kRevealAt = 10, kSettleAt = 13;

Hash secret_of(const Address& node) {
  std::vector<uint8_t> pre{'s'};
  pre.insert(pre.end(), node.begin(), node.end());
  return commit::keccak256(pre);
}



// A funded, staked node with a key.
Address join(Ledger& l, const std::string& name) {
  const Address n = address_of(name);
  TX_OK(l, l.deposit(n, kFunds));
  TX_OK(l, l.stake(n, kStake));
  TX_OK(l, l.register_key(n, key_of(n)));
  return n;
}

struct Nodes {
  Address worker;
  std::vector<Address> auditors;
};

// The client funded, the model registered, one worker candidate and `k` registered
// auditors (their secrets: secret_of).
Nodes setup(Ledger& l, size_t k) {
  TX_OK(l, l.deposit(a.client, kFunds));
  TX_OK(l, l.register_model(a.owner, world().registration));
  Nodes s;
  s.worker = join(l, "worker-node");
  for (size_t i = 0; i < k; ++i) {
    const Address n = join(l, "auditor-" + std::to_string(i));
    TX_OK(l, l.register_auditor(n, quorum::audit_commitment(to_node_id(n), secret_of(n))));
    s.auditors.push_back(n);
  }
  return s;
}

// Envelopes the ledger accepts (it stores them; only the recipients can read them).
std::vector<Envelope> envelopes(const SampledJobRecord& j) {
  std::vector<Envelope> out{{j.worker, {1, 2, 3}}};
  for (const quorum::RegisteredAuditor& r : j.auditors)
    out.push_back({to_address(r.id), {4, 5, 6}});
  return out;
}

// Posts the world's job sampled (at block 0) and delivers it at block 1.
Hash post_and_deliver(Ledger& l, uint32_t rate_bps) {
  const Hash id = world().job.id();
  TX_OK(l, l.post_sampled_job(a.client, id, world().job.model_root, {kReward, kFee, rate_bps}));
  go_to(l, kDeliverAt);
  TX_OK(l, l.sampled_deliver(a.client, id, envelopes(TX_OK(l, l.sampled_job(id)))));
  return id;
}

TEST_P(LedgerConformance, AuditorRegistry) {
  const Address n = address_of("auditor-x");
  const Hash c = quorum::audit_commitment(to_node_id(n), secret_of(n));
  TX_FAILS(l(), l().register_auditor(n, c), "no X25519 key");
  TX_OK(l(), l().register_key(n, key_of(n)));
  TX_FAILS(l(), l().register_auditor(n, c), "below the minimum");
  TX_OK(l(), l().deposit(n, kFunds));
  TX_OK(l(), l().stake(n, kStake));
  TX_FAILS(l(), l().register_auditor(n, Hash{}), "zero hash");
  TX_OK(l(), l().register_auditor(n, c));
  TX_FAILS(l(), l().register_auditor(n, c), "registered already");
  ASSERT_EQ(l().auditors().size(), 1u);
  EXPECT_EQ(l().auditors()[0].commitment, c);
  TX_FAILS(l(), l().unbond(n, kStake), "a registered auditor");
  TX_OK(l(), l().retire_auditor(n));
  TX_FAILS(l(), l().retire_auditor(n), "not a registered auditor");
  EXPECT_TRUE(l().auditors().empty());
  TX_OK(l(), l().unbond(n, kStake));
  reopen();
}

TEST_P(LedgerConformance, SampledPostDrawsANonAuditorWorkerAndEscrowsTheFees) {
  const Nodes s = setup(l(), 2);
  const Hash id = world().job.id();
  TX_FAILS(l(), l().post_sampled_job(a.client, id, Hash{}, {kReward, kFee, 1000}),
           "is not registered");
  TX_FAILS(l(), l().post_sampled_job(a.stranger, id, world().job.model_root, {kReward, kFee, 1000}),
           "less than the escrow");
  const Amount before = l().balance(a.client);
  TX_OK(l(), l().post_sampled_job(a.client, id, world().job.model_root, {kReward, kFee, 1000}));
  TX_FAILS(l(), l().post_sampled_job(a.client, id, world().job.model_root, {kReward, kFee, 1000}),
           "posted already");
  TX_FAILS(l(), l().post_job(a.client, world().job, 1), "as a sampled job");
  // The worker is drawn from the hash of the post's block, fixed when it closes: until
  // then there is nobody to deliver to.
  EXPECT_EQ(TX_OK(l(), l().sampled_job(id)).worker, Address{});
  TX_FAILS(l(), l().sampled_deliver(a.client, id, {{s.worker, {1}}}),
           "no worker yet: it is drawn when block 0 closes (deliver from block 1)");
  EXPECT_EQ(count_events(l(), EventKind::sampled_drawn, id), 0u);
  TX_OK(l(), l().advance(1));
  EXPECT_EQ(count_events(l(), EventKind::sampled_drawn, id), 1u);
  const SampledJobRecord j = TX_OK(l(), l().sampled_job(id));
  EXPECT_EQ(j.worker, s.worker);  // the only candidate that is not an auditor
  EXPECT_EQ(j.auditors.size(), 2u);
  EXPECT_EQ(j.p_bps, 500u);  // 1000 expected-audit bps over 2 auditors
  EXPECT_EQ(j.escrow, kReward + 2 * kFee);
  EXPECT_EQ(l().balance(a.client), before - j.escrow);
  EXPECT_EQ(j.status, SampledStatus::posted);
  // The worker's stake is the job's collateral.
  TX_FAILS(l(), l().unbond(s.worker, kStake), "the worker of sampled job");
  EXPECT_TRUE(l().candidates().size() == 2u);  // the two auditors; the worker is busy
  // Delivery: one envelope per recipient, in order.
  std::vector<Envelope> env = envelopes(j);
  TX_FAILS(l(), l().sampled_deliver(a.stranger, id, env), "not the job's client");
  std::vector<Envelope> short_env(env.begin(), env.end() - 1);
  TX_FAILS(l(), l().sampled_deliver(a.client, id, short_env), "2 envelopes for 3 recipients");
  std::vector<Envelope> swapped = env;
  std::swap(swapped[1], swapped[2]);
  TX_FAILS(l(), l().sampled_deliver(a.client, id, swapped), "expected auditor");
  std::vector<Envelope> empty = env;
  empty[0].sealed.clear();
  TX_FAILS(l(), l().sampled_deliver(a.client, id, empty), "envelope 0 has 0 bytes");
  TX_FAILS(l(), l().sampled_commit(s.worker, id, lie()), "the job is posted");
  TX_FAILS(l(), l().sampled_cancel(a.stranger, id), "anyone may cancel after block 4");
  TX_OK(l(), l().sampled_cancel(a.client, id));
  EXPECT_EQ(l().balance(a.client), before);
  TX_OK(l(), l().unbond(s.worker, kStake));  // free again
  reopen();
}

TEST_P(LedgerConformance, SampledJobWithoutAWorkerWhenItsBlockClosesIsRefunded) {
  const Nodes s = setup(l(), 1);
  const Hash id = world().job.id();
  const Amount before = l().balance(a.client);
  TX_OK(l(), l().post_sampled_job(a.client, id, world().job.model_root, {kReward, kFee, 1000}));
  TX_OK(l(), l().unbond(s.worker, kStake));  // the only worker candidate leaves in time
  TX_OK(l(), l().advance(1));
  const SampledJobRecord j = TX_OK(l(), l().sampled_job(id));
  EXPECT_EQ(j.status, SampledStatus::cancelled);
  EXPECT_EQ(j.worker, Address{});
  EXPECT_EQ(j.escrow, 0u);
  EXPECT_EQ(l().balance(a.client), before);
  EXPECT_EQ(count_events(l(), EventKind::refund, id), 1u);
  reopen();
  EXPECT_EQ(TX_OK(l(), l().sampled_job(id)).status, SampledStatus::cancelled);
}

TEST_P(LedgerConformance, SampledUndeliveredJobFreesItsWorkerAfterTheDeadline) {
  const Nodes s = setup(l(), 1);
  const Amount before = l().balance(a.client);
  const Hash id = world().job.id();
  TX_OK(l(), l().post_sampled_job(a.client, id, world().job.model_root, {kReward, kFee, 1000}));
  const SampledJobRecord j = TX_OK(l(), l().sampled_job(id));
  go_to(l(), 5);  // one commit phase (4 blocks) after the post
  TX_FAILS(l(), l().sampled_deliver(a.client, id, envelopes(j)), "delivery deadline was block 4");
  TX_OK(l(), l().sampled_cancel(a.stranger, id));
  EXPECT_EQ(l().balance(a.client), before);
  EXPECT_EQ(TX_OK(l(), l().sampled_job(id)).status, SampledStatus::cancelled);
  TX_OK(l(), l().unbond(s.worker, kStake));
  reopen();
}

TEST_P(LedgerConformance, SampledAgreeingAuditsPayEveryoneAndSpendTheSecrets) {
  const Nodes s = setup(l(), 2);
  const Amount client0 = l().balance(a.client);
  const Hash id = post_and_deliver(l(), 20000);  // p = 100 %: both auditors draw
  const Hash out = world().honest.output_hash;
  TX_FAILS(l(), l().sampled_commit(s.worker, id, lie()), "commit");  // at the open block
  go_to(l(), kCommitAt);
  TX_FAILS(l(), l().sampled_commit(s.auditors[0], id, lie()), "not this job's worker");
  const Hash wc = commitment_of(id, s.worker, out);
  TX_FAILS(l(), l().audit_commit(s.auditors[0], id, commitment_of(id, s.auditors[0], out)),
           "audit");  // the audit phase has not opened
  TX_OK(l(), l().sampled_commit(s.worker, id, wc));
  go_to(l(), kAuditAt);
  const SampledJobRecord j = TX_OK(l(), l().sampled_job(id));
  for (const Address& au : s.auditors) {
    EXPECT_TRUE(quorum::auditor_selected(secret_of(au), id, j.round->worker_commitment, j.p_bps));
    TX_FAILS(l(), l().audit_commit(au, id, wc), "cop");  // a copy of the worker's commitment
    TX_OK(l(), l().audit_commit(au, id, commitment_of(id, au, out)));
  }
  TX_FAILS(l(), l().audit_commit(s.auditors[0], id, commitment_of(id, s.auditors[0], out)),
           "already");
  TX_FAILS(l(), l().unbond(s.auditors[0], kStake), "a registered auditor");
  go_to(l(), kRevealAt);
  TX_OK(l(), l().sampled_reveal(s.worker, id, out, salt_of(s.worker, id)));
  TX_FAILS(l(), l().audit_reveal(s.auditors[0], id, out, salt_of(s.auditors[0], id),
                                 secret_of(s.auditors[1])),
           "secret");  // another auditor's
  for (const Address& au : s.auditors)
    TX_OK(l(), l().audit_reveal(au, id, out, salt_of(au, id), secret_of(au)));
  EXPECT_TRUE(l().auditors().empty());  // both secrets are spent
  TX_FAILS(l(), l().sampled_settle(id), "settle");
  go_to(l(), kSettleAt);
  TX_OK(l(), l().sampled_settle(id));
  TX_FAILS(l(), l().sampled_settle(id), "the job is paid");
  const SampledJobRecord done = TX_OK(l(), l().sampled_job(id));
  EXPECT_EQ(done.status, SampledStatus::paid);
  EXPECT_EQ(done.escrow, 0u);
  ASSERT_TRUE(done.outcome);
  EXPECT_EQ(done.outcome->audits.size(), 2u);
  EXPECT_EQ(l().balance(s.worker), kFunds - kStake + kReward);
  for (const Address& au : s.auditors) {
    EXPECT_EQ(l().balance(au), kFunds - kStake + kFee);
    EXPECT_EQ(l().staked(au), kStake);
  }
  EXPECT_EQ(l().balance(a.client), client0 - kReward - 2 * kFee);
  TX_OK(l(), l().unbond(s.worker, kStake));  // settled: free again
  reopen();
}

TEST_P(LedgerConformance, SampledWithoutAnAuditPaysTheWorkerAndRefundsTheFees) {
  const Nodes s = setup(l(), 3);
  const Amount client0 = l().balance(a.client);
  const Hash id = post_and_deliver(l(), 0);  // p = 0: nobody draws
  const Hash out = world().honest.output_hash;
  go_to(l(), kCommitAt);
  TX_OK(l(), l().sampled_commit(s.worker, id, commitment_of(id, s.worker, out)));
  go_to(l(), kAuditAt);
  // Not drawn: its reveal would fail the selection proof, so a commit only costs it.
  TX_OK(l(), l().audit_commit(s.auditors[0], id, commitment_of(id, s.auditors[0], out)));
  go_to(l(), kRevealAt);
  TX_OK(l(), l().sampled_reveal(s.worker, id, out, salt_of(s.worker, id)));
  TX_FAILS(l(), l().audit_reveal(s.auditors[0], id, out, salt_of(s.auditors[0], id),
                                 secret_of(s.auditors[0])),
           "draw");
  go_to(l(), kSettleAt);
  TX_OK(l(), l().sampled_settle(id));
  const SampledJobRecord done = TX_OK(l(), l().sampled_job(id));
  EXPECT_EQ(done.status, SampledStatus::paid);
  EXPECT_EQ(l().balance(a.client), client0 - kReward);
  // The unbacked audit commit is slashed (60 % of its stake, burned).
  EXPECT_EQ(l().staked(s.auditors[0]), kStake - kStake * 6 / 10);
  EXPECT_EQ(l().staked(s.auditors[1]), kStake);
  EXPECT_EQ(l().auditors().size(), 3u);  // no secret was revealed in an accepted reveal
  reopen();
}

TEST_P(LedgerConformance, SampledSilentWorkerIsSlashedAndTheClientRefunded) {
  const Nodes s = setup(l(), 1);
  const Amount client0 = l().balance(a.client);
  const Hash id = post_and_deliver(l(), 10000);
  const Hash out = world().honest.output_hash;
  go_to(l(), kCommitAt);
  TX_OK(l(), l().sampled_commit(s.worker, id, commitment_of(id, s.worker, out)));
  TX_FAILS(l(), l().sampled_refuse(s.worker, id), "has committed");
  go_to(l(), kAuditAt);
  TX_OK(l(), l().audit_commit(s.auditors[0], id, commitment_of(id, s.auditors[0], out)));
  go_to(l(), kRevealAt);
  TX_OK(l(), l().audit_reveal(s.auditors[0], id, out, salt_of(s.auditors[0], id),
                              secret_of(s.auditors[0])));
  go_to(l(), kSettleAt);
  TX_OK(l(), l().sampled_settle(id));
  const SampledJobRecord done = TX_OK(l(), l().sampled_job(id));
  EXPECT_EQ(done.status, SampledStatus::worker_slashed);
  EXPECT_EQ(l().staked(s.worker), kStake - kStake * 6 / 10);
  EXPECT_EQ(l().balance(a.client), client0 - kFee);  // the auditor did its work
  EXPECT_EQ(l().balance(s.auditors[0]), kFunds - kStake + kFee);
  reopen();
}

TEST_P(LedgerConformance, SampledRefusalBeforeTheCommitCostsNobody) {
  const Nodes s = setup(l(), 1);
  const Amount client0 = l().balance(a.client);
  const Hash id = post_and_deliver(l(), 10000);
  go_to(l(), kCommitAt);
  TX_FAILS(l(), l().sampled_refuse(s.auditors[0], id), "is not its worker");
  TX_OK(l(), l().sampled_refuse(s.worker, id));
  EXPECT_EQ(l().balance(a.client), client0);
  EXPECT_EQ(l().staked(s.worker), kStake);
  TX_FAILS(l(), l().sampled_commit(s.worker, id, lie()), "the job is refused");
  reopen();
}

TEST_P(LedgerConformance, SampledDisagreeingAuditEscalatesAndTheLyingWorkerLoses) {
  const Nodes s = setup(l(), 1);
  const Amount client0 = l().balance(a.client);
  const Hash id = post_and_deliver(l(), 10000);
  // The worker's trace is wrong at its last step, so its output is too.
  const Trace bad = tampered(world().honest, world().honest.steps() - 1, 0);
  const Hash good = world().honest.output_hash;
  ASSERT_NE(bad.output_hash, good);
  const Address au = s.auditors[0];
  go_to(l(), kCommitAt);
  TX_OK(l(), l().sampled_commit(s.worker, id, commitment_of(id, s.worker, bad.output_hash)));
  go_to(l(), kAuditAt);
  TX_OK(l(), l().audit_commit(au, id, commitment_of(id, au, good)));
  go_to(l(), kRevealAt);
  TX_OK(l(), l().sampled_reveal(s.worker, id, bad.output_hash, salt_of(s.worker, id)));
  TX_OK(l(), l().audit_reveal(au, id, good, salt_of(au, id), secret_of(au)));
  go_to(l(), kSettleAt);
  TX_OK(l(), l().sampled_settle(id));
  SampledJobRecord j = TX_OK(l(), l().sampled_job(id));
  ASSERT_EQ(j.status, SampledStatus::escalated);
  EXPECT_EQ(j.escrow, kReward);  // the reward awaits the game; the disagreeing fee went back
  EXPECT_EQ(l().balance(au), kFunds - kStake);
  TX_FAILS(l(), l().unbond(au, kStake), "disagreed with the worker");
  EXPECT_EQ(j.outcome->disagreeing.size(), 1u);
  TX_FAILS(l(), l().sampled_settle(id), "may defend until");
  // Defending: the job must be the posted one and the claim the revealed output.
  model::Job other = world().job;
  other.seed = 77;
  TX_FAILS(l(), l().sampled_defend(s.worker, other, bad.claim(other.id()), bad.last_peaks()),
           "no such sampled job");
  TX_FAILS(l(), l().sampled_defend(s.worker, world().job, world().honest.claim(id),
                                   world().honest.last_peaks()),
           "not for the output the worker revealed");
  TX_FAILS(l(), l().sampled_defend(au, world().job, bad.claim(id), bad.last_peaks()),
           "is not its worker");
  TX_OK(l(), l().sampled_defend(s.worker, world().job, bad.claim(id), bad.last_peaks()));
  j = TX_OK(l(), l().sampled_job(id));
  EXPECT_EQ(j.status, SampledStatus::disputed);
  EXPECT_EQ(j.escrow, 0u);
  const JobRecord opt = TX_OK(l(), l().job(id));
  EXPECT_EQ(opt.status, JobStatus::claimed);
  EXPECT_EQ(opt.escrow, kReward);
  reopen();  // mid-dispute: the worker's seat and the auditor's hold come back from disk
  TX_FAILS(l(), l().unbond(s.worker, kStake), "the worker of sampled job");
  TX_FAILS(l(), l().unbond(au, kStake), "disagreed with the worker");
  // The auditor challenges and plays its honest trace against the worker's.
  const uint64_t g = TX_OK(l(), l().challenge(au, id));
  const GameRecord end = play(l(), g, bad, world().honest);
  EXPECT_EQ(end.status, GameStatus::challenger_won);
  EXPECT_EQ(TX_OK(l(), l().job(id)).status, JobStatus::rejected);
  // The worker lost its bond and 60 % of its stake; the client paid nothing; the auditor
  // won 40 % of the worker's bond instead of a fee.
  EXPECT_EQ(l().staked(s.worker), kStake - kStake * 6 / 10);
  EXPECT_EQ(l().balance(s.worker), kFunds - kStake - 1000);
  EXPECT_EQ(l().balance(a.client), client0);
  EXPECT_EQ(l().balance(au), kFunds - kStake + 1000 * 4 / 10);
  EXPECT_EQ(l().staked(au), kStake);
  TX_OK(l(), l().unbond(au, kStake));  // its secret was spent and the dispute is over
  TX_OK(l(), l().unbond(s.worker, l().staked(s.worker)));  // the claim is over
  reopen();
}

TEST_P(LedgerConformance, SampledEscalatedWorkerThatDoesNotDefendIsSlashed) {
  const Nodes s = setup(l(), 1);
  const Amount client0 = l().balance(a.client);
  const Hash id = post_and_deliver(l(), 10000);
  const Address au = s.auditors[0];
  const Hash good = world().honest.output_hash;
  go_to(l(), kCommitAt);
  TX_OK(l(), l().sampled_commit(s.worker, id, commitment_of(id, s.worker, lie())));
  go_to(l(), kAuditAt);
  TX_OK(l(), l().audit_commit(au, id, commitment_of(id, au, good)));
  go_to(l(), kRevealAt);
  TX_OK(l(), l().sampled_reveal(s.worker, id, lie(), salt_of(s.worker, id)));
  TX_OK(l(), l().audit_reveal(au, id, good, salt_of(au, id), secret_of(au)));
  go_to(l(), kSettleAt);
  TX_OK(l(), l().sampled_settle(id));
  const SampledJobRecord j = TX_OK(l(), l().sampled_job(id));
  ASSERT_EQ(j.status, SampledStatus::escalated);
  // A made-up output has no trace whose last leaf it is: no defence is admitted.
  TX_FAILS(l(), l().sampled_defend(s.worker, world().job, world().honest.claim(id),
                                   world().honest.last_peaks()),
           "not for the output the worker revealed");
  go_to(l(), j.defend_deadline + 1);
  TX_OK(l(), l().sampled_settle(id));
  EXPECT_EQ(TX_OK(l(), l().sampled_job(id)).status, SampledStatus::worker_slashed);
  EXPECT_EQ(l().staked(s.worker), kStake - kStake * 6 / 10);
  EXPECT_EQ(l().balance(a.client), client0);
  EXPECT_EQ(l().staked(au), kStake);  // right, and not slashed
  reopen();
}

TEST_P(LedgerConformance, SampledFalseDisagreementLosesWhenTheWorkerDefends) {
  const Nodes s = setup(l(), 1);
  const Amount client0 = l().balance(a.client);
  const Hash id = post_and_deliver(l(), 10000);
  const Address au = s.auditors[0];
  const Hash good = world().honest.output_hash;
  go_to(l(), kCommitAt);
  TX_OK(l(), l().sampled_commit(s.worker, id, commitment_of(id, s.worker, good)));
  go_to(l(), kAuditAt);
  TX_OK(l(), l().audit_commit(au, id, commitment_of(id, au, lie())));  // a lying auditor
  go_to(l(), kRevealAt);
  TX_OK(l(), l().sampled_reveal(s.worker, id, good, salt_of(s.worker, id)));
  TX_OK(l(), l().audit_reveal(au, id, lie(), salt_of(au, id), secret_of(au)));
  go_to(l(), kSettleAt);
  TX_OK(l(), l().sampled_settle(id));
  ASSERT_EQ(TX_OK(l(), l().sampled_job(id)).status, SampledStatus::escalated);
  TX_OK(l(), l().sampled_defend(s.worker, world().job, world().honest.claim(id),
                                world().honest.last_peaks()));
  // The auditor never challenges: the claim finalizes after its window.
  const JobRecord opt = TX_OK(l(), l().job(id));
  TX_FAILS(l(), l().finalize(id), "window is open");
  go_to(l(), opt.claim->window_end + 1);
  TX_OK(l(), l().finalize(id));
  EXPECT_EQ(l().balance(s.worker), kFunds - kStake + kReward);  // paid, bond back
  EXPECT_EQ(l().staked(s.worker), kStake);
  EXPECT_EQ(l().staked(au), kStake - kStake * 6 / 10);  // the unproven disagreement
  EXPECT_EQ(l().balance(au), kFunds - kStake);          // and no fee
  EXPECT_EQ(l().balance(a.client), client0 - kReward);
  TX_OK(l(), l().unbond(au, l().staked(au)));
  reopen();
}

}  // namespace
}  // namespace vinfer::ledger::testing
