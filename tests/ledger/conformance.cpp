// The Ledger conformance suite (conformance.hpp): money, staking, the registry, jobs and
// optimistic settlement, each transaction through the harness (harness.hpp).
#include "ledger/conformance.hpp"

#include "ledger/harness.hpp"
#include "ledger/scenario.hpp"
#include "vinfer/commit/merkle.hpp"

namespace vinfer::ledger::testing {

Params conformance_params() {
  Params p;
  p.worker_bond = 1000;
  p.challenger_bond = 700;
  p.challenge_window = 20;
  p.game.clock_blocks = 16;
  p.winner_share_pct = 40;
  p.min_stake = 100;
  p.unbonding_blocks = 10;
  p.round = {4, 3};  // commits in (t0, t0 + 4], reveals in (t0 + 4, t0 + 7]
  p.slash_bps = 6000;
  p.majority_share_bps = 2500;
  return p;
}

void LedgerConformance::reopen() {
  if (!GetParam().reopen || !ledger_)
    return;
  const std::string before = observe(*ledger_);
  const std::vector<Event> events = ledger_->events();
  ledger_ = GetParam().reopen(std::move(ledger_), conformance_params());
  if (!ledger_) {
    ADD_FAILURE() << "reopen failed";
    throw TxAborted("reopen");
  }
  EXPECT_EQ(observe(*ledger_), before) << "reopening changed the ledger";
  EXPECT_EQ(ledger_->events(), events);
  EXPECT_TRUE(identity_holds(*ledger_));
}

void LedgerConformance::TearDown() {
  reopen();
}

namespace {

const Actors& a = kActors;

std::vector<EventKind> kinds(const std::vector<Event>& ev) {
  std::vector<EventKind> k;
  k.reserve(ev.size());
  for (const Event& e : ev)
    k.push_back(e.kind);
  return k;
}

TEST_P(LedgerConformance, DepositAndWithdraw) {
  TX_OK(l(), l().deposit(a.alice, 500));
  TX_OK(l(), l().deposit(a.alice, 250));
  EXPECT_EQ(l().balance(a.alice), 750u);
  TX_OK(l(), l().withdraw(a.alice, 200));
  EXPECT_EQ(l().balance(a.alice), 550u);
  EXPECT_EQ(l().balance(a.stranger), 0u);
  const Totals t = l().totals();
  EXPECT_EQ(t.deposits, 550u);
  EXPECT_EQ(t.balances, 550u);
  EXPECT_EQ(kinds(l().events()),
            (std::vector<EventKind>{EventKind::deposit, EventKind::deposit, EventKind::withdraw}));
  const std::vector<Event> tail = l().events(2);
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].seq, 2u);
  EXPECT_EQ(tail[0].who, a.alice);
  EXPECT_EQ(tail[0].amount, 200u);
  EXPECT_TRUE(l().events(3).empty());
}

TEST_P(LedgerConformance, InsufficientBalanceIsRejectedAndChangesNothing) {
  TX_OK(l(), l().deposit(a.alice, 300));
  TX_FAILS(l(), l().withdraw(a.alice, 301), "balance 300 is less than 301");
  TX_FAILS(l(), l().withdraw(a.stranger, 1), "balance 0 is less than 1");
  TX_FAILS(l(), l().stake(a.alice, 400), "balance 300 is less than 400");
  TX_FAILS(l(), l().deposit(a.alice, 0), "amount must be positive");
  TX_FAILS(l(), l().withdraw(a.alice, 0), "amount must be positive");
  TX_OK(l(), l().register_model(a.owner, world().registration));
  TX_FAILS(l(), l().post_job(a.alice, world().job, 301), "less than the payment 301");
  EXPECT_EQ(l().balance(a.alice), 300u);
}

TEST_P(LedgerConformance, DepositThatWouldOverflowIsRejected) {
  TX_OK(l(), l().deposit(a.alice, UINT64_MAX - 10));
  TX_FAILS(l(), l().deposit(a.mallory, 11), "overflow");
  TX_OK(l(), l().deposit(a.mallory, 10));
  EXPECT_EQ(l().totals().deposits, UINT64_MAX);
}

TEST_P(LedgerConformance, RegistryChecksTheRootAndTheArchitecture) {
  const ModelRegistration& good = world().registration;
  auto with_root = [](ModelRegistration r) {
    const Hash leaves[4] = {commit::keccak256(r.arch), r.arith_leaf, r.tokenizer_leaf,
                            r.weights_root};
    r.root = commit::merkle_root(leaves);
    return r;
  };
  ModelRegistration wrong_root = good;
  wrong_root.root[0] ^= 1;
  TX_FAILS(l(), l().register_model(a.owner, wrong_root), "give root");
  ModelRegistration wrong_leaf = good;
  wrong_leaf.tokenizer_leaf[3] ^= 1;  // the root no longer matches the leaves
  TX_FAILS(l(), l().register_model(a.owner, wrong_leaf), "give root");
  ModelRegistration short_arch = good;
  short_arch.arch.resize(short_arch.arch.size() - 3);
  TX_FAILS(l(), l().register_model(a.owner, with_root(short_arch)), "architecture");
  ModelRegistration zero_dim = good;
  std::fill(zero_dim.arch.begin() + 9, zero_dim.arch.begin() + 13, 0);  // dim (after "llama")
  TX_FAILS(l(), l().register_model(a.owner, with_root(zero_dim)), "architecture");
  ModelRegistration other_arith = good;
  other_arith.arith_leaf[0] ^= 1;
  TX_FAILS(l(), l().register_model(a.owner, with_root(other_arith)), "arithmetic leaf");
  TX_FAILS(l(), l().model(good.root), "not registered");

  TX_OK(l(), l().register_model(a.owner, good));
  TX_FAILS(l(), l().register_model(a.mallory, good), "already registered at block 0");
  const ModelRecord m = TX_OK(l(), l().model(good.root));
  EXPECT_EQ(m.cfg, world().model.cfg);
  EXPECT_EQ(m.norm_eps_q24, world().model.norm_eps_q24);
  EXPECT_EQ(m.weights_root, world().commitment.weights_root);
  EXPECT_EQ(m.owner, a.owner);
}

TEST_P(LedgerConformance, StakingAndTheUnbondingDelay) {
  TX_OK(l(), l().deposit(a.alice, 1000));
  TX_FAILS(l(), l().stake(a.alice, 99), "below the minimum 100");
  TX_OK(l(), l().stake(a.alice, 150));
  TX_OK(l(), l().stake(a.alice, 10));  // the total reaches the minimum: small top-ups are fine
  EXPECT_EQ(l().staked(a.alice), 160u);
  EXPECT_EQ(l().balance(a.alice), 840u);
  TX_FAILS(l(), l().unbond(a.alice, 100), "remaining stake 60 would be below the minimum");
  TX_FAILS(l(), l().unbond(a.alice, 161), "stake 160 is less than 161");
  TX_FAILS(l(), l().withdraw_unbonded(a.alice), "nothing unbonding");
  TX_OK(l(), l().unbond(a.alice, 60));
  TX_OK(l(), l().advance(4));
  TX_OK(l(), l().unbond(a.alice, 100));
  EXPECT_EQ(l().staked(a.alice), 0u);
  EXPECT_EQ(l().unbonding(a.alice), 160u);
  EXPECT_EQ(l().totals().unbonding, 160u);
  TX_OK(l(), l().advance(5));  // block 9: the first release is at 10
  TX_FAILS(l(), l().withdraw_unbonded(a.alice), "next release at block 10");
  TX_OK(l(), l().advance(1));
  EXPECT_EQ(TX_OK(l(), l().withdraw_unbonded(a.alice)), 60u);
  EXPECT_EQ(l().unbonding(a.alice), 100u);
  TX_OK(l(), l().advance(4));
  EXPECT_EQ(TX_OK(l(), l().withdraw_unbonded(a.alice)), 100u);
  EXPECT_EQ(l().balance(a.alice), 1000u);
  TX_FAILS(l(), l().withdraw_unbonded(a.alice), "nothing unbonding");
}

TEST_P(LedgerConformance, JobEscrowAndCancel) {
  const Hash id = setup_job(l());
  EXPECT_EQ(id, world().job.id());
  EXPECT_EQ(l().balance(a.client), kFunds - kPayment);
  EXPECT_EQ(l().totals().escrow, kPayment);
  const JobRecord j = TX_OK(l(), l().job(id));
  EXPECT_EQ(j.status, JobStatus::open);
  EXPECT_EQ(j.job, world().job);
  EXPECT_EQ(j.client, a.client);
  EXPECT_EQ(j.escrow, kPayment);
  TX_FAILS(l(), l().post_job(a.client, world().job, kPayment), "already posted at block 0");
  TX_FAILS(l(), l().cancel_job(a.mallory, id), "only its client");
  TX_OK(l(), l().cancel_job(a.client, id));
  EXPECT_EQ(l().balance(a.client), kFunds);
  EXPECT_EQ(TX_OK(l(), l().job(id)).status, JobStatus::cancelled);
  TX_FAILS(l(), l().cancel_job(a.client, id), "the job is cancelled");
  const std::vector<Hash> peaks = world().honest.last_peaks();
  TX_FAILS(l(), l().post_result(a.worker, world().honest.claim(id), peaks), "the job is cancelled");
}

TEST_P(LedgerConformance, PostJobChecksTheModelAndTheJob) {
  TX_OK(l(), l().deposit(a.client, kFunds));
  TX_FAILS(l(), l().post_job(a.client, world().job, kPayment), "is not registered");
  TX_OK(l(), l().register_model(a.owner, world().registration));
  model::Job bad = world().job;
  bad.tokens.push_back(world().model.cfg.vocab_size);
  TX_FAILS(l(), l().post_job(a.client, bad, kPayment), ">= vocab size");
  model::Job too_long = world().job;
  too_long.max_tokens = world().model.cfg.seq_len;
  TX_FAILS(l(), l().post_job(a.client, too_long, kPayment), "exceeds the model's context");
  TX_FAILS(l(), l().job(world().job.id()), "no such job");
}

TEST_P(LedgerConformance, ClaimWithWrongStepsOrOutputIsRejected) {
  const Hash id = setup_job(l());
  const Trace& t = world().honest;
  const std::vector<Hash> peaks = t.last_peaks();
  dispute::Claim wrong_steps = t.claim(id);
  wrong_steps.steps += 1;
  TX_FAILS(l(), l().post_result(a.worker, wrong_steps, peaks), "steps, but the job's schedule has");
  dispute::Claim wrong_output = t.claim(id);
  wrong_output.output_hash[0] ^= 1;
  TX_FAILS(l(), l().post_result(a.worker, wrong_output, peaks), "output_hash is not the last leaf");
  const std::vector<Hash> few(peaks.begin(), peaks.end() - 1);
  TX_FAILS(l(), l().post_result(a.worker, t.claim(id), few), "peaks");
  dispute::Claim other_job = t.claim(id);
  other_job.job_id[0] ^= 1;
  TX_FAILS(l(), l().post_result(a.worker, other_job, peaks), "no such job");
  TX_FAILS(l(), l().post_result(a.stranger, t.claim(id), peaks), "less than the bond 1000");

  post_claim(l(), t);
  EXPECT_EQ(l().balance(a.worker), kFunds - 1000);
  EXPECT_EQ(l().totals().bonds, 1000u);
  const JobRecord j = TX_OK(l(), l().job(id));
  EXPECT_EQ(j.status, JobStatus::claimed);
  ASSERT_TRUE(j.claim.has_value());
  EXPECT_EQ(j.claim->claim, t.claim(id));
  EXPECT_EQ(j.claim->window_end, 20u);
  TX_FAILS(l(), l().post_result(a.mallory, t.claim(id), peaks), "already claimed by");
}

TEST_P(LedgerConformance, FinalizeAfterTheWindowPaysTheWorkerAndReturnsItsBond) {
  const Hash id = setup_job(l());
  TX_FAILS(l(), l().finalize(id), "no result has been posted");
  post_claim(l(), world().honest);
  TX_FAILS(l(), l().finalize(id), "open until block 20 (now 0)");
  TX_OK(l(), l().advance(20));
  TX_FAILS(l(), l().finalize(id), "open until block 20 (now 20)");
  TX_OK(l(), l().advance(1));
  TX_OK(l(), l().finalize(id));
  EXPECT_EQ(l().balance(a.worker), kFunds + kPayment);
  EXPECT_EQ(l().balance(a.client), kFunds - kPayment);
  const Totals t = l().totals();
  EXPECT_EQ(t.escrow, 0u);
  EXPECT_EQ(t.bonds, 0u);
  EXPECT_EQ(t.burned, 0u);
  EXPECT_EQ(TX_OK(l(), l().job(id)).status, JobStatus::finalized);
  TX_FAILS(l(), l().finalize(id), "the job is finalized");
}

TEST_P(LedgerConformance, ChallengeAfterTheWindowIsRejected) {
  const Hash id = setup_job(l());
  TX_FAILS(l(), l().challenge(a.alice, id), "no result has been posted");
  post_claim(l(), world().honest);
  TX_FAILS(l(), l().challenge(a.worker, id), "cannot challenge its own claim");
  TX_FAILS(l(), l().challenge(a.stranger, id), "less than the bond 700");
  TX_OK(l(), l().advance(21));
  TX_FAILS(l(), l().challenge(a.alice, id), "challenge window closed at block 20 (now 21)");
  EXPECT_TRUE(l().games_of(id).empty());
}

}  // namespace
}  // namespace vinfer::ledger::testing
