// Sampled mode: the audit draw is exact and as frequent as p; the worker cannot tell
// before its commit whether it is audited; every rule on time is kept; a selection proof
// that fails is rejected and its auditor slashed; agreeing audits pay the worker, a
// disagreeing one escalates naming the auditor, a silent worker and a silent auditor are
// slashed, and copies get nothing.
#include "vinfer/quorum/audit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "quorum/fixtures.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::quorum {
namespace {

using testing::hash_of;
using testing::node;

constexpr uint64_t kOpen = 100;
// Worker commits in (100, 104], auditors in (104, 108], reveals in (108, 112].
constexpr uint64_t kCommitAt = kOpen + 1;
constexpr uint64_t kAuditAt = kOpen + 5;
constexpr uint64_t kRevealAt = kOpen + 9;
constexpr uint64_t kSettleAt = kOpen + 13;

const Hash kJob = hash_of("job");
const Hash kRight = hash_of("the model's output");
const Hash kWrong = hash_of("a cheaper model's output");
const NodeId kWorker = node(0);

SampledParams params(uint32_t p_bps) {
  return SampledParams{4, 4, 4, p_bps};
}

Hash salt(int i) {
  return hash_of("salt-" + std::to_string(i));
}

Hash secret(int i) {
  return hash_of("audit-secret-" + std::to_string(i));
}

// Auditors node(1) .. node(n), each registered with secret(i).
std::vector<RegisteredAuditor> registered(int n) {
  std::vector<RegisteredAuditor> a;
  for (int i = 1; i <= n; ++i)
    a.push_back({node(i), audit_commitment(node(i), secret(i))});
  return a;
}

SampledRound open(int auditors, uint32_t p_bps) {
  auto r = SampledRound::open(kJob, kWorker, registered(auditors), params(p_bps), kOpen);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return *r;
}

Hash worker_commitment(const Hash& out = kRight) {
  return output_commitment(kJob, out, salt(0), kWorker);
}

void worker_commits(SampledRound& r, const Hash& out = kRight) {
  const Status s = r.commit(kWorker, worker_commitment(out), kCommitAt);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
}

void worker_reveals(SampledRound& r, const Hash& out = kRight) {
  const Status s = r.reveal(kWorker, out, salt(0), kRevealAt);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
}

// Auditor i commits to `out` in the audit phase and, if `reveal`, opens it with its secret.
void audit(SampledRound& r, int i, const Hash& out, bool reveal = true) {
  const Status c =
      r.audit_commit(node(i), output_commitment(kJob, out, salt(i), node(i)), kAuditAt);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  if (reveal) {
    const Status s = r.audit_reveal(node(i), out, salt(i), secret(i), kRevealAt);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
  }
}

bool contains(const Error& e, const std::string& what) {
  return e.message.find(what) != std::string::npos;
}

// ---- the draw ----

TEST(QuorumAuditDraw, TheRegisteredCommitmentBindsTheAuditor) {
  const Hash c = audit_commitment(node(1), secret(1));
  std::vector<uint8_t> pre = {'V', 'Q', 'A', '1'};
  const NodeId id = node(1);
  const Hash s = secret(1);
  pre.insert(pre.end(), id.begin(), id.end());
  pre.insert(pre.end(), s.begin(), s.end());
  EXPECT_EQ(c, commit::keccak256(pre));
  EXPECT_NE(audit_commitment(node(2), secret(1)), c) << "the same secret under another id";
}

TEST(QuorumAuditDraw, TheDrawIsTheFirstEightBytesOfItsHashBigEndian) {
  const Hash wc = worker_commitment();
  std::vector<uint8_t> pre = {'V', 'Q', 'D', '1'};
  for (const Hash& h : {secret(1), kJob, wc})
    pre.insert(pre.end(), h.begin(), h.end());
  const Hash h = commit::keccak256(pre);
  uint64_t want = 0;
  for (int i = 0; i < 8; ++i)
    want = want << 8 | h[static_cast<size_t>(i)];
  EXPECT_EQ(audit_draw(secret(1), kJob, wc), want);
}

// draw selects iff draw × 10000 < p_bps × 2^64, with no rounding at the boundary.
TEST(QuorumAuditDraw, TheThresholdIsExact) {
  // p = 1 bps: 2^64 / 10000 = 1844674407370955.1616, so the last selecting draw is ...955.
  EXPECT_TRUE(draw_selects(1844674407370955ULL, 1));
  EXPECT_FALSE(draw_selects(1844674407370956ULL, 1));
  // p = 5000 bps: exactly the lower half.
  EXPECT_TRUE(draw_selects((uint64_t{1} << 63) - 1, 5000));
  EXPECT_FALSE(draw_selects(uint64_t{1} << 63, 5000));
  // p = 2500 bps: exactly the lowest quarter.
  EXPECT_TRUE(draw_selects((uint64_t{1} << 62) - 1, 2500));
  EXPECT_FALSE(draw_selects(uint64_t{1} << 62, 2500));
  EXPECT_FALSE(draw_selects(0, 0));
  EXPECT_TRUE(draw_selects(UINT64_MAX, kBps));
}

// Over many job ids, an auditor is drawn with frequency ≈ p. 20,000 fixed job ids: the
// standard deviation of the frequency is at most 0.0036, so a bound of 0.015 (over 4
// sigma) is loose, and the ids are fixed, so the test cannot flake.
TEST(QuorumAuditDraw, SelectionFrequencyOverManyJobsIsP) {
  constexpr int kJobs = 20000;
  for (uint32_t p_bps : {100u, 1000u, 2500u, 5000u, 9000u}) {
    int drawn = 0;
    for (int j = 0; j < kJobs; ++j) {
      const Hash job = hash_of("freq-job-" + std::to_string(j));
      const Hash wc = output_commitment(job, kRight, salt(j), kWorker);
      drawn += auditor_selected(secret(1), job, wc, p_bps) ? 1 : 0;
    }
    const double freq = static_cast<double>(drawn) / kJobs;
    EXPECT_NEAR(freq, p_bps / 10000.0, 0.015) << "p_bps = " << p_bps;
  }
}

TEST(QuorumAuditDraw, PZeroNeverAuditsAndP10000AlwaysDoes) {
  for (int j = 0; j < 2000; ++j) {
    const Hash job = hash_of("edge-job-" + std::to_string(j));
    const Hash wc = output_commitment(job, kRight, salt(j), kWorker);
    for (int a = 1; a <= 3; ++a) {
      EXPECT_FALSE(auditor_selected(secret(a), job, wc, 0)) << "job " << j;
      EXPECT_TRUE(auditor_selected(secret(a), job, wc, kBps)) << "job " << j;
    }
  }
}

TEST(QuorumAuditDraw, ExpectedAuditsAndAuditProbability) {
  EXPECT_DOUBLE_EQ(expected_audits(1000, 1), 0.1);
  EXPECT_DOUBLE_EQ(expected_audits(1000, 10), 1.0);
  EXPECT_DOUBLE_EQ(expected_audits(0, 50), 0.0);
  EXPECT_DOUBLE_EQ(expected_audits(kBps, 7), 7.0);
  EXPECT_DOUBLE_EQ(expected_audits(2500, 0), 0.0);
  EXPECT_DOUBLE_EQ(audit_probability(1000, 1), 0.1);
  EXPECT_NEAR(audit_probability(1000, 2), 0.19, 1e-12);
  EXPECT_DOUBLE_EQ(audit_probability(0, 9), 0.0);
  EXPECT_DOUBLE_EQ(audit_probability(kBps, 3), 1.0);
  EXPECT_DOUBLE_EQ(audit_probability(5000, 0), 0.0);
}

// ---- what the worker can know before it commits ----

// The draw hashes the worker's commitment: with the same secrets, job and p, another
// commitment (another salt) draws another set of auditors. So no state that exists before
// the commit determines who audits.
TEST(QuorumAuditHiding, TheDrawIsAFunctionOfTheWorkersCommitment) {
  constexpr int kAuditors = 32;
  const Hash c1 = output_commitment(kJob, kRight, hash_of("salt a"), kWorker);
  const Hash c2 = output_commitment(kJob, kRight, hash_of("salt b"), kWorker);
  std::vector<bool> drawn1, drawn2;
  for (int i = 1; i <= kAuditors; ++i) {
    EXPECT_NE(audit_draw(secret(i), kJob, c1), audit_draw(secret(i), kJob, c2)) << i;
    drawn1.push_back(auditor_selected(secret(i), kJob, c1, 5000));
    drawn2.push_back(auditor_selected(secret(i), kJob, c2, 5000));
  }
  EXPECT_NE(drawn1, drawn2);
  // One flipped bit of the commitment is enough to change every draw.
  Hash c3 = c1;
  c3[31] ^= 1;
  for (int i = 1; i <= kAuditors; ++i)
    EXPECT_NE(audit_draw(secret(i), kJob, c1), audit_draw(secret(i), kJob, c3)) << i;
}

// Two jobs alike except for auditor 1's secret: under the worker's commitment it is drawn
// in one and not in the other. Everything the worker sees up to and including its commit
// is the same in both, except the registered commitment, a hash of the secret.
TEST(QuorumAuditHiding, NothingBeforeTheWorkersCommitDependsOnTheSecrets) {
  const Hash wc = worker_commitment();
  Hash drawn_secret{}, undrawn_secret{};
  bool have_drawn = false, have_undrawn = false;
  for (int s = 0; !(have_drawn && have_undrawn); ++s) {
    ASSERT_LT(s, 1000);
    const Hash x = hash_of("candidate secret " + std::to_string(s));
    if (auditor_selected(x, kJob, wc, 5000)) {
      drawn_secret = x, have_drawn = true;
    } else {
      undrawn_secret = x, have_undrawn = true;
    }
  }
  const std::vector<RegisteredAuditor> a = {{node(1), audit_commitment(node(1), drawn_secret)}};
  const std::vector<RegisteredAuditor> b = {{node(1), audit_commitment(node(1), undrawn_secret)}};
  SampledRound ra = *SampledRound::open(kJob, kWorker, a, params(5000), kOpen);
  SampledRound rb = *SampledRound::open(kJob, kWorker, b, params(5000), kOpen);

  // Aligns the registered commitments: what is left must be equal.
  auto without_secrets = [](SampledRound r) {
    for (AuditSeat& s : r.auditors)
      s.registered = Hash{};
    return r;
  };
  EXPECT_EQ(without_secrets(ra), without_secrets(rb));
  // An audit cannot happen before the worker commits, drawn or not, and is refused alike.
  const Hash ac = output_commitment(kJob, kRight, salt(1), node(1));
  const Status ea = ra.audit_commit(node(1), ac, kCommitAt);
  const Status eb = rb.audit_commit(node(1), ac, kCommitAt);
  ASSERT_FALSE(ea.ok());
  ASSERT_FALSE(eb.ok());
  EXPECT_EQ(ea.error().message, eb.error().message);
  EXPECT_EQ(ra.phase(kCommitAt), rb.phase(kCommitAt));
  // The worker's commit is accepted alike and leaves the same state.
  ASSERT_TRUE(ra.commit(kWorker, wc, kCommitAt).ok());
  ASSERT_TRUE(rb.commit(kWorker, wc, kCommitAt).ok());
  EXPECT_EQ(without_secrets(ra), without_secrets(rb));
  // Only now, and only with the secret, is the difference computable.
  EXPECT_TRUE(auditor_selected(drawn_secret, kJob, ra.worker_commitment, 5000));
  EXPECT_FALSE(auditor_selected(undrawn_secret, kJob, rb.worker_commitment, 5000));
}

// ---- outcomes ----

TEST(QuorumAuditRound, NoAuditPaysTheWorker) {
  SampledRound r = open(5, 1000);
  worker_commits(r);
  worker_reveals(r);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.verdict, SampledVerdict::paid);
  EXPECT_EQ(o.worker, WorkerOutcome::revealed);
  EXPECT_EQ(o.output_hash, kRight);
  EXPECT_FALSE(o.audited());
  EXPECT_TRUE(o.disagreeing.empty());
  EXPECT_TRUE(o.slashed_auditors.empty());
}

TEST(QuorumAuditRound, AgreeingAuditsPayTheWorker) {
  SampledRound r = open(3, kBps);  // everyone is drawn
  worker_commits(r);
  audit(r, 1, kRight);
  audit(r, 3, kRight);
  worker_reveals(r);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.verdict, SampledVerdict::paid);
  ASSERT_EQ(o.audits.size(), 2u);
  EXPECT_EQ(o.audits[0], (AuditResult{node(1), AuditOutcome::agreed, kRight}));
  EXPECT_EQ(o.audits[1], (AuditResult{node(3), AuditOutcome::agreed, kRight}));
  EXPECT_TRUE(o.slashed_auditors.empty());
}

// The worker ran a cheaper model; two of three auditors caught it, one audited and then
// kept silent. The caller runs the dispute game: worker (defender) against each challenger.
TEST(QuorumAuditRound, ADisagreeingAuditEscalatesNamingTheAuditor) {
  SampledRound r = open(4, kBps);
  worker_commits(r, kWrong);
  audit(r, 1, kWrong);  // colludes, or runs the same cheap model
  audit(r, 2, kRight);
  audit(r, 3, hash_of("a third output"));
  audit(r, 4, kRight, /*reveal=*/false);
  worker_reveals(r, kWrong);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.verdict, SampledVerdict::escalate);
  EXPECT_EQ(o.output_hash, kWrong);
  EXPECT_EQ(o.disagreeing, (std::vector<NodeId>{node(2), node(3)}));
  EXPECT_EQ(o.slashed_auditors, std::vector<NodeId>{node(4)});
  EXPECT_EQ(o.audits[0].outcome, AuditOutcome::agreed);
  EXPECT_EQ(o.audits[1].outcome, AuditOutcome::disagreed);
  EXPECT_EQ(o.audits[1].output_hash, kRight);
}

TEST(QuorumAuditRound, AWorkerThatNeverCommitsIsSlashed) {
  SampledRound r = open(3, kBps);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.verdict, SampledVerdict::worker_slashed);
  EXPECT_EQ(o.worker, WorkerOutcome::not_committed);
  EXPECT_FALSE(o.audited());
}

// The worker committed, saw audits arrive and kept silent: slashed all the same. The
// auditors proved their selection and are not slashed, but have nothing to compare with.
TEST(QuorumAuditRound, AWorkerThatNeverRevealsIsSlashed) {
  SampledRound r = open(2, kBps);
  worker_commits(r, kWrong);
  audit(r, 1, kRight);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.verdict, SampledVerdict::worker_slashed);
  EXPECT_EQ(o.worker, WorkerOutcome::not_revealed);
  EXPECT_EQ(o.output_hash, Hash{});
  ASSERT_EQ(o.audits.size(), 1u);
  EXPECT_EQ(o.audits[0].outcome, AuditOutcome::unmatched);
  EXPECT_FALSE(is_slashed(AuditOutcome::unmatched));
  EXPECT_TRUE(o.slashed_auditors.empty());
}

TEST(QuorumAuditRound, AnAuditorThatCommitsButNeverRevealsIsSlashed) {
  SampledRound r = open(2, kBps);
  worker_commits(r);
  audit(r, 1, kRight, /*reveal=*/false);
  worker_reveals(r);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.verdict, SampledVerdict::paid);
  EXPECT_EQ(o.audits.at(0).outcome, AuditOutcome::not_revealed);
  EXPECT_TRUE(is_slashed(AuditOutcome::not_revealed));
  EXPECT_EQ(o.slashed_auditors, std::vector<NodeId>{node(1)});
}

// Auditor 2 registers auditor 1's commitment as its own. Even with auditor 1's secret in
// hand (it is public once auditor 1 reveals), auditor 2 cannot prove a selection: the
// secret opens the registration under auditor 1's id only. Its audit is slashed.
TEST(QuorumAuditRound, ACopiedRegistrationIsUseless) {
  const Hash c1 = audit_commitment(node(1), secret(1));
  const std::vector<RegisteredAuditor> a = {{node(1), c1}, {node(2), c1}};
  SampledRound r = *SampledRound::open(kJob, kWorker, a, params(kBps), kOpen);
  worker_commits(r);
  audit(r, 1, kRight);
  ASSERT_TRUE(
      r.audit_commit(node(2), output_commitment(kJob, kWrong, salt(2), node(2)), kAuditAt).ok());
  const SampledRound before = r;
  const Status s = r.audit_reveal(node(2), kWrong, salt(2), secret(1), kRevealAt);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.error(), "does not open its registered audit commitment"))
      << s.error().message;
  EXPECT_EQ(r, before);
  worker_reveals(r);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.verdict, SampledVerdict::paid) << "the copier could not escalate";
  EXPECT_EQ(o.slashed_auditors, std::vector<NodeId>{node(2)});
}

// An auditor that copies the worker's (or another auditor's) output commitment is refused:
// the copy binds the other node's id and could never be opened.
TEST(QuorumAuditRound, ACopiedOutputCommitmentIsRejected) {
  SampledRound r = open(2, kBps);
  worker_commits(r);
  const Status w = r.audit_commit(node(1), worker_commitment(), kAuditAt);
  ASSERT_FALSE(w.ok());
  EXPECT_TRUE(contains(w.error(), "equals the worker's")) << w.error().message;
  audit(r, 1, kRight, /*reveal=*/false);
  const Status o = r.audit_commit(node(2), r.auditors[0].commitment, kAuditAt);
  ASSERT_FALSE(o.ok());
  EXPECT_TRUE(contains(o.error(), "copied commitment")) << o.error().message;
  EXPECT_FALSE(r.auditors[1].committed);
}

// ---- the selection proof: checked at the reveal, slashed at settle ----

// Auditors whose reveals fail the selection proof: the reveal is rejected (nothing
// changes), and since it can never be accepted, the auditor is slashed at settle.
void expect_proof_rejected(SampledRound& r,
                           int i,
                           const Hash& claimed_secret,
                           const std::string& why) {
  const SampledRound before = r;
  const Status s = r.audit_reveal(node(i), kRight, salt(i), claimed_secret, kRevealAt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::mismatch);
  EXPECT_TRUE(contains(s.error(), why)) << s.error().message;
  EXPECT_EQ(r, before) << "a rejected reveal changed the job";
}

TEST(QuorumAuditSelectionProof, AWrongSecretOrAnotherAuditorsIsRejectedThenSlashed) {
  SampledRound r = open(3, kBps);
  worker_commits(r);
  audit(r, 1, kRight, /*reveal=*/false);
  audit(r, 2, kRight, /*reveal=*/false);
  expect_proof_rejected(r, 1, hash_of("not my secret"), "does not open its registered");
  expect_proof_rejected(r, 2, secret(1), "another auditor's");
  worker_reveals(r);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.slashed_auditors, (std::vector<NodeId>{node(1), node(2)}));
}

// An auditor that was not drawn commits anyway (it lies about its draw): its honest secret
// proves the opposite, the reveal is rejected, and it is slashed at settle.
TEST(QuorumAuditSelectionProof, ADrawAboveTheThresholdIsRejectedThenSlashed) {
  constexpr uint32_t kP = 3000;
  SampledRound r = open(16, kP);
  worker_commits(r);
  int undrawn = 0;
  int drawn = 0;
  for (int i = 1; i <= 16; ++i) {
    const bool selected = auditor_selected(secret(i), kJob, r.worker_commitment, kP);
    (selected ? drawn : undrawn) = i;
  }
  ASSERT_NE(undrawn, 0);
  ASSERT_NE(drawn, 0);
  audit(r, drawn, kRight);
  audit(r, undrawn, kRight, /*reveal=*/false);
  expect_proof_rejected(r, undrawn, secret(undrawn), "it was not drawn");
  worker_reveals(r);
  const SampledOutcome o = *r.settle(kSettleAt);
  EXPECT_EQ(o.verdict, SampledVerdict::paid);
  EXPECT_EQ(o.slashed_auditors, std::vector<NodeId>{node(undrawn)});
  ASSERT_EQ(o.audits.size(), 2u);
}

// At p = 0 no auditor is ever drawn: a commit is accepted (the secret is private), its
// reveal never is. At p = 10000 every registered auditor's reveal is.
TEST(QuorumAuditSelectionProof, PZeroNeverAuditsAndP10000AlwaysDoes) {
  SampledRound never = open(4, 0);
  worker_commits(never);
  for (int i = 1; i <= 4; ++i) {
    audit(never, i, kRight, /*reveal=*/false);
    expect_proof_rejected(never, i, secret(i), "it was not drawn");
  }
  worker_reveals(never);
  EXPECT_EQ(never.settle(kSettleAt)->slashed_auditors.size(), 4u);

  SampledRound always = open(4, kBps);
  worker_commits(always);
  for (int i = 1; i <= 4; ++i)
    audit(always, i, kRight);
  worker_reveals(always);
  const SampledOutcome o = *always.settle(kSettleAt);
  EXPECT_EQ(o.audits.size(), 4u);
  EXPECT_TRUE(o.slashed_auditors.empty());
}

// ---- the timeline ----

TEST(QuorumAuditTimeline, TheWorkerCommitsInItsPhaseOnce) {
  SampledRound r = open(2, kBps);
  const Hash c = worker_commitment();
  auto expect_rejected = [&](const NodeId& who, uint64_t at, const char* why) {
    const SampledRound before = r;
    const Status s = r.commit(who, c, at);
    ASSERT_FALSE(s.ok()) << why;
    EXPECT_TRUE(contains(s.error(), why)) << s.error().message;
    EXPECT_EQ(r, before) << "a rejected commit changed the job";
  };
  expect_rejected(node(1), kCommitAt, "not this job's worker");
  expect_rejected(kWorker, kOpen, "not after the job opened");
  expect_rejected(kWorker, kAuditAt, "late");
  ASSERT_TRUE(r.commit(kWorker, c, kOpen + 4).ok());  // the deadline block itself
  expect_rejected(kWorker, kOpen + 4, "already committed");
}

TEST(QuorumAuditTimeline, AuditsCommitOnlyInTheAuditPhaseAfterTheWorker) {
  SampledRound r = open(2, kBps);
  const Hash c = output_commitment(kJob, kRight, salt(1), node(1));
  auto expect_rejected = [&](const NodeId& who, uint64_t at, const char* why) {
    const SampledRound before = r;
    const Status s = r.audit_commit(who, c, at);
    ASSERT_FALSE(s.ok()) << why;
    EXPECT_TRUE(contains(s.error(), why)) << s.error().message;
    EXPECT_EQ(r, before) << "a rejected audit commit changed the job";
  };
  expect_rejected(node(1), kCommitAt, "early");  // before the worker committed
  expect_rejected(node(1), kAuditAt, "the worker did not commit");
  worker_commits(r);
  expect_rejected(node(1), kOpen + 4, "early");  // the worker committed, its phase is open
  expect_rejected(node(1), kRevealAt, "late");
  expect_rejected(kWorker, kAuditAt, "not a registered auditor");
  expect_rejected(node(9), kAuditAt, "not a registered auditor");
  ASSERT_TRUE(r.audit_commit(node(1), c, kOpen + 8).ok());  // the audit deadline itself
  expect_rejected(node(1), kOpen + 8, "already committed");
  EXPECT_EQ(r.phase(kOpen + 4), SampledPhase::commit);
  EXPECT_EQ(r.phase(kAuditAt), SampledPhase::audit);
  EXPECT_EQ(r.phase(kOpen + 8), SampledPhase::audit);
  EXPECT_EQ(r.phase(kRevealAt), SampledPhase::reveal);
  EXPECT_EQ(r.phase(kSettleAt), SampledPhase::settle);
}

TEST(QuorumAuditTimeline, RevealsWaitForTheAuditPhaseToClose) {
  SampledRound r = open(2, kBps);
  worker_commits(r);
  audit(r, 1, kRight, /*reveal=*/false);
  auto expect_worker_rejected = [&](const NodeId& who, const Hash& s, uint64_t at,
                                    const char* why) {
    const SampledRound before = r;
    const Status st = r.reveal(who, kRight, s, at);
    ASSERT_FALSE(st.ok()) << why;
    EXPECT_TRUE(contains(st.error(), why)) << st.error().message;
    EXPECT_EQ(r, before) << "a rejected reveal changed the job";
  };
  auto expect_audit_rejected = [&](int i, uint64_t at, const char* why) {
    const SampledRound before = r;
    const Status st = r.audit_reveal(node(i), kRight, salt(i), secret(i), at);
    ASSERT_FALSE(st.ok()) << why;
    EXPECT_TRUE(contains(st.error(), why)) << st.error().message;
    EXPECT_EQ(r, before) << "a rejected audit reveal changed the job";
  };
  expect_worker_rejected(kWorker, salt(0), kAuditAt, "early");  // auditors could copy it
  expect_worker_rejected(kWorker, salt(0), kCommitAt, "early");
  expect_worker_rejected(kWorker, salt(0), kSettleAt, "late");
  expect_worker_rejected(node(1), salt(0), kRevealAt, "not this job's worker");
  expect_worker_rejected(kWorker, salt(1), kRevealAt, "does not open");
  expect_audit_rejected(1, kAuditAt, "early");
  expect_audit_rejected(1, kSettleAt, "late");
  expect_audit_rejected(2, kRevealAt, "did not commit to an audit");
  {
    const SampledRound before = r;
    const Status st = r.audit_reveal(node(1), kWrong, salt(1), secret(1), kRevealAt);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(contains(st.error(), "does not open its audit commitment")) << st.error().message;
    EXPECT_EQ(r, before);
  }
  ASSERT_TRUE(r.reveal(kWorker, kRight, salt(0), kOpen + 12).ok());  // the deadline block
  expect_worker_rejected(kWorker, salt(0), kOpen + 12, "already revealed");
  ASSERT_TRUE(r.audit_reveal(node(1), kRight, salt(1), secret(1), kOpen + 12).ok());
  expect_audit_rejected(1, kOpen + 12, "already revealed");
}

TEST(QuorumAuditTimeline, AWorkerThatDidNotCommitCannotReveal) {
  SampledRound r = open(1, kBps);
  const Status s = r.reveal(kWorker, kRight, salt(0), kRevealAt);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.error(), "did not commit")) << s.error().message;
}

TEST(QuorumAuditTimeline, SettleWaitsForTheRevealDeadline) {
  SampledRound r = open(1, kBps);
  worker_commits(r);
  worker_reveals(r);
  const auto early = r.settle(kOpen + 12);
  ASSERT_FALSE(early.ok());
  EXPECT_TRUE(contains(early.error(), "reveals are accepted until block 112"))
      << early.error().message;
  EXPECT_EQ(r.settle(kSettleAt)->verdict, SampledVerdict::paid);
}

TEST(QuorumAuditOpen, RejectsBadParametersAndAuditorLists) {
  const auto a = registered(2);
  EXPECT_TRUE(SampledRound::open(kJob, kWorker, a, params(kBps), kOpen).ok());
  EXPECT_TRUE(SampledRound::open(kJob, kWorker, {}, params(1000), kOpen).ok());
  const auto high = SampledRound::open(kJob, kWorker, a, params(kBps + 1), kOpen);
  ASSERT_FALSE(high.ok());
  EXPECT_TRUE(contains(high.error(), "p_bps = 10001")) << high.error().message;
  for (const SampledParams& zero :
       {SampledParams{0, 4, 4, 1000}, SampledParams{4, 0, 4, 1000}, SampledParams{4, 4, 0, 1000}})
    EXPECT_FALSE(SampledRound::open(kJob, kWorker, a, zero, kOpen).ok());
  const auto late = SampledRound::open(kJob, kWorker, a, params(1000), UINT64_MAX - 11);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Errc::overflow);
  EXPECT_TRUE(SampledRound::open(kJob, kWorker, a, params(1000), UINT64_MAX - 12).ok());
  const std::vector<RegisteredAuditor> twice = {a[0], a[1], a[0]};
  const auto dup = SampledRound::open(kJob, kWorker, twice, params(1000), kOpen);
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(contains(dup.error(), "listed twice")) << dup.error().message;
  const std::vector<RegisteredAuditor> self = {{kWorker, audit_commitment(kWorker, secret(0))}};
  const auto own = SampledRound::open(kJob, kWorker, self, params(1000), kOpen);
  ASSERT_FALSE(own.ok());
  EXPECT_TRUE(contains(own.error(), "cannot audit itself")) << own.error().message;
}

}  // namespace
}  // namespace vinfer::quorum
