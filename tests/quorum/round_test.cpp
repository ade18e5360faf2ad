// Quorum rounds: honest quorums agree; a lying minority, a non-revealer and a non-committer
// are slashed; copied and replayed commitments get nothing; a colluding majority wins
// (the mode's stated weakness); no majority fails the round; every rule on time is kept.
#include "vinfer/quorum/round.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "quorum/fixtures.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::quorum {
namespace {

using testing::hash_of;
using testing::node;

constexpr uint64_t kOpen = 100;
constexpr RoundParams kParams{4, 4};       // commits in (100, 104], reveals in (104, 108]
constexpr uint64_t kCommitAt = kOpen + 1;  // first block a commit lands in
constexpr uint64_t kRevealAt = kOpen + 5;  // first block of the reveal phase
constexpr uint64_t kTallyAt = kOpen + 9;   // first block after the reveal deadline

const Hash kJob = hash_of("job");
const Hash kRight = hash_of("the model's output");
const Hash kWrong = hash_of("a cheaper model's output");

Hash salt(int i) {
  return hash_of("salt-" + std::to_string(i));
}

Round open(const std::vector<Amount>& stakes, const Hash& job = kJob) {
  std::vector<Candidate> c;
  for (size_t i = 0; i < stakes.size(); ++i)
    c.push_back({node(static_cast<int>(i)), stakes[i]});
  auto r = Round::open(job, c, kParams, kOpen);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return *r;
}

// Seat i commits to `out` (kCommitAt) and, if `reveal`, opens it (kRevealAt).
void play(Round& r, int i, const Hash& out, bool reveal = true) {
  ASSERT_TRUE(
      r.commit(node(i), output_commitment(r.job_id, out, salt(i), node(i)), kCommitAt).ok());
  if (reveal) {
    const Status s = r.reveal(node(i), out, salt(i), kRevealAt);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
  }
}

Outcome outcome_of(const Tally& t, int i) {
  for (const SeatOutcome& s : t.seats)
    if (s.node == node(i))
      return s.outcome;
  ADD_FAILURE() << "node " << i << " has no seat";
  return Outcome::no_majority;
}

bool lists(const std::vector<NodeId>& v, int i) {
  return std::find(v.begin(), v.end(), node(i)) != v.end();
}

TEST(QuorumRound, HonestQuorumAgreesAndNobodyIsSlashed) {
  Round r = open({10, 20, 30});
  for (int i = 0; i < 3; ++i)
    play(r, i, kRight);
  const Tally t = *r.tally(kTallyAt);
  EXPECT_TRUE(t.decided());
  EXPECT_EQ(t.output_hash, kRight);
  EXPECT_EQ(t.winning_stake, 60u);
  EXPECT_TRUE(t.dissenters.empty());
  EXPECT_TRUE(t.non_revealers.empty());
  for (const SeatOutcome& s : t.seats)
    EXPECT_EQ(s.outcome, Outcome::agreed);
}

TEST(QuorumRound, ALyingMinorityIsSlashed) {
  Round r = open({30, 30, 30, 25, 25});
  for (int i : {0, 1, 2})
    play(r, i, kRight);
  play(r, 3, kWrong);
  play(r, 4, hash_of("random output"));
  const Tally t = *r.tally(kTallyAt);
  ASSERT_TRUE(t.decided());
  EXPECT_EQ(t.output_hash, kRight);
  EXPECT_EQ(t.dissenters, (std::vector<NodeId>{node(3), node(4)}));
  EXPECT_TRUE(is_slashed(outcome_of(t, 3)));
  EXPECT_TRUE(is_slashed(outcome_of(t, 4)));
  EXPECT_FALSE(is_slashed(outcome_of(t, 0)));
}

// Random quorums where the liars hold less than half of the stake: every liar is a
// dissenter, every honest node agrees, whatever the stakes and the liars' outputs.
TEST(QuorumRound, ALyingMinorityIsAlwaysSlashed) {
  testing::Dice dice(5);
  for (int trial = 0; trial < 500; ++trial) {
    const int n = 1 + static_cast<int>(dice.below(9));
    std::vector<Amount> stakes;
    std::vector<bool> liar;
    Amount total = 0, lying = 0;
    for (int i = 0; i < n; ++i) {
      stakes.push_back(1 + dice.below(1000));
      liar.push_back(dice.below(3) == 0);
      total += stakes.back();
      lying += liar.back() ? stakes.back() : 0;
    }
    if (2 * lying >= total)
      continue;  // not a minority
    Round r = open(stakes);
    for (int i = 0; i < n; ++i)
      play(r, i, liar[i] ? hash_of("lie-" + std::to_string(dice.below(2))) : kRight);
    const Tally t = *r.tally(kTallyAt);
    ASSERT_TRUE(t.decided()) << "trial " << trial;
    EXPECT_EQ(t.output_hash, kRight);
    for (int i = 0; i < n; ++i)
      EXPECT_EQ(outcome_of(t, i), liar[i] ? Outcome::dissented : Outcome::agreed);
  }
}

TEST(QuorumRound, ANonRevealerIsSlashed) {
  Round r = open({10, 10, 10});
  play(r, 0, kRight);
  play(r, 1, kRight);
  play(r, 2, kRight, /*reveal=*/false);
  const Tally t = *r.tally(kTallyAt);
  ASSERT_TRUE(t.decided());
  EXPECT_EQ(outcome_of(t, 2), Outcome::not_revealed);
  EXPECT_TRUE(is_slashed(Outcome::not_revealed));
  EXPECT_EQ(t.non_revealers, std::vector<NodeId>{node(2)});
}

TEST(QuorumRound, ANodeThatNeverCommitsIsSlashed) {
  Round r = open({10, 10, 10});
  play(r, 0, kRight);
  play(r, 1, kRight);
  const Tally t = *r.tally(kTallyAt);
  EXPECT_EQ(outcome_of(t, 2), Outcome::not_committed);
  EXPECT_TRUE(is_slashed(Outcome::not_committed));
  EXPECT_TRUE(lists(t.non_revealers, 2));
}

TEST(QuorumRound, ACopiedCommitmentIsRejected) {
  Round r = open({10, 10, 10});
  const Hash c0 = output_commitment(kJob, kRight, salt(0), node(0));
  ASSERT_TRUE(r.commit(node(0), c0, kCommitAt).ok());
  const Status copy = r.commit(node(1), c0, kCommitAt);
  ASSERT_FALSE(copy.ok());
  EXPECT_NE(copy.error().message.find("copied commitment"), std::string::npos)
      << copy.error().message;
  EXPECT_FALSE(r.seats[1].committed);
}

// Front-running: the copier gets its copy in first. The victim is rejected, commits again
// with a fresh salt, and the copier, which cannot open the copy, is slashed.
TEST(QuorumRound, ACopierThatGetsInFirstCannotRevealAndIsSlashed) {
  Round r = open({10, 10, 10});
  const Hash c0 = output_commitment(kJob, kRight, salt(0), node(0));
  ASSERT_TRUE(r.commit(node(1), c0, kCommitAt).ok());
  EXPECT_FALSE(r.commit(node(0), c0, kCommitAt).ok());
  const Hash fresh = hash_of("fresh salt");
  ASSERT_TRUE(r.commit(node(0), output_commitment(kJob, kRight, fresh, node(0)), kCommitAt).ok());
  play(r, 2, kRight);
  ASSERT_TRUE(r.reveal(node(0), kRight, fresh, kRevealAt).ok());
  // The copier watched node 0 reveal and tries its output and salt.
  EXPECT_FALSE(r.reveal(node(1), kRight, fresh, kRevealAt).ok());
  EXPECT_FALSE(r.reveal(node(1), kRight, salt(0), kRevealAt).ok());
  const Tally t = *r.tally(kTallyAt);
  EXPECT_EQ(outcome_of(t, 0), Outcome::agreed);
  EXPECT_EQ(outcome_of(t, 1), Outcome::not_revealed);
}

// A node replays its commitment from another job (to skip this one's work and reuse an
// old answer): the commitment is accepted, as nothing tells it apart, but it opens only
// under the old job id, so the reveal is rejected and the node is slashed.
TEST(QuorumRound, AReplayedCommitmentFromAnotherJobIsRejectedAtTheReveal) {
  Round r = open({10, 10, 10}, hash_of("job-2"));
  const Hash old_job = hash_of("job-1");
  ASSERT_TRUE(
      r.commit(node(0), output_commitment(old_job, kRight, salt(0), node(0)), kCommitAt).ok());
  play(r, 1, kRight);
  play(r, 2, kRight);
  const Status s = r.reveal(node(0), kRight, salt(0), kRevealAt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::mismatch);
  EXPECT_NE(s.error().message.find("does not open its commitment"), std::string::npos);
  EXPECT_EQ(outcome_of(*r.tally(kTallyAt), 0), Outcome::not_revealed);
}

// NOT a safety property. quorum:n trusts the majority of the selected stake: when it
// colludes on a wrong output, the wrong output wins and the honest nodes are slashed.
TEST(QuorumRound, ColludingMajorityWinsTheModesStatedWeakness) {
  Round r = open({20, 20, 20, 20, 20});
  play(r, 0, kRight);
  play(r, 1, kRight);
  for (int i : {2, 3, 4})
    play(r, i, kWrong);
  const Tally t = *r.tally(kTallyAt);
  ASSERT_TRUE(t.decided());
  EXPECT_EQ(t.output_hash, kWrong);
  EXPECT_EQ(outcome_of(t, 0), Outcome::dissented);
  EXPECT_EQ(outcome_of(t, 1), Outcome::dissented);
  EXPECT_EQ(outcome_of(t, 2), Outcome::agreed);
}

TEST(QuorumRound, NoMajorityFailsTheRoundAndStillSlashesNonRevealers) {
  Round r = open({30, 30, 30, 10});
  play(r, 0, kRight);
  play(r, 1, kWrong);
  play(r, 2, hash_of("a third output"));
  play(r, 3, kRight, /*reveal=*/false);
  const Tally t = *r.tally(kTallyAt);
  EXPECT_EQ(t.verdict, Verdict::no_majority);
  EXPECT_EQ(t.output_hash, Hash{});
  EXPECT_EQ(t.winning_stake, 30u);
  EXPECT_TRUE(t.dissenters.empty());
  for (int i : {0, 1, 2})
    EXPECT_EQ(outcome_of(t, i), Outcome::no_majority);
  EXPECT_FALSE(is_slashed(Outcome::no_majority));
  EXPECT_EQ(t.non_revealers, std::vector<NodeId>{node(3)});
}

TEST(QuorumRound, HalfTheStakeIsNoMajority) {
  Round tie = open({10, 10});
  play(tie, 0, kRight);
  play(tie, 1, kWrong);
  EXPECT_EQ(tie.tally(kTallyAt)->verdict, Verdict::no_majority);
  // The majority is of the whole quorum: a majority of the revealers is not enough.
  Round r = open({30, 20, 50});
  play(r, 0, kRight);
  play(r, 1, kWrong);
  EXPECT_EQ(r.tally(kTallyAt)->verdict, Verdict::no_majority);
  Round one_more = open({51, 49});
  play(one_more, 0, kRight);
  EXPECT_TRUE(one_more.tally(kTallyAt)->decided());
}

TEST(QuorumRound, CommitsKeepTheirPhaseAndTheirSeat) {
  Round r = open({10, 10});
  const Hash c = output_commitment(kJob, kRight, salt(0), node(0));
  auto expect_rejected = [&](const NodeId& who, uint64_t at, const char* why) {
    const Round before = r;
    const Status s = r.commit(who, c, at);
    ASSERT_FALSE(s.ok()) << why;
    EXPECT_NE(s.error().message.find(why), std::string::npos) << s.error().message;
    EXPECT_EQ(r, before) << "a rejected commit changed the round";
  };
  expect_rejected(node(7), kCommitAt, "not selected");
  expect_rejected(node(0), kOpen, "not after the round opened");
  expect_rejected(node(0), kRevealAt, "late");
  ASSERT_TRUE(r.commit(node(0), c, kOpen + 4).ok());  // the deadline block itself
  expect_rejected(node(0), kOpen + 4, "already committed");
}

TEST(QuorumRound, RevealsKeepTheirPhaseAndMustOpenTheCommitment) {
  Round r = open({10, 10});
  ASSERT_TRUE(r.commit(node(0), output_commitment(kJob, kRight, salt(0), node(0)), kCommitAt).ok());
  auto expect_rejected = [&](const NodeId& who, const Hash& s, uint64_t at, const char* why) {
    const Round before = r;
    const Status st = r.reveal(who, kRight, s, at);
    ASSERT_FALSE(st.ok()) << why;
    EXPECT_NE(st.error().message.find(why), std::string::npos) << st.error().message;
    EXPECT_EQ(r, before) << "a rejected reveal changed the round";
  };
  expect_rejected(node(0), salt(0), kOpen + 4, "early");
  expect_rejected(node(0), salt(0), kOpen + 9, "late");
  expect_rejected(node(1), salt(1), kRevealAt, "did not commit");
  expect_rejected(node(9), salt(9), kRevealAt, "not selected");
  expect_rejected(node(0), salt(1), kRevealAt, "does not open");
  ASSERT_TRUE(r.reveal(node(0), kRight, salt(0), kOpen + 8).ok());  // a retry, at the deadline
  expect_rejected(node(0), salt(0), kOpen + 8, "already revealed");
  EXPECT_EQ(r.phase(kOpen + 4), RoundPhase::commit);
  EXPECT_EQ(r.phase(kRevealAt), RoundPhase::reveal);
  EXPECT_EQ(r.phase(kTallyAt), RoundPhase::tally);
}

TEST(QuorumRound, TallyWaitsForTheRevealDeadline) {
  Round r = open({10});
  play(r, 0, kRight);
  const auto early = r.tally(kOpen + 8);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().message.find("reveals are accepted until block 108"), std::string::npos);
  EXPECT_TRUE(r.tally(kTallyAt)->decided());
}

TEST(QuorumRound, OpenRejectsABadQuorum) {
  const std::vector<Candidate> ok = {{node(0), 1}, {node(1), 2}};
  EXPECT_TRUE(Round::open(kJob, ok, kParams, kOpen).ok());
  EXPECT_FALSE(Round::open(kJob, {}, kParams, kOpen).ok());
  EXPECT_FALSE(
      Round::open(kJob, std::vector<Candidate>{{node(0), 1}, {node(0), 2}}, kParams, kOpen).ok());
  EXPECT_FALSE(Round::open(kJob, std::vector<Candidate>{{node(0), 0}}, kParams, kOpen).ok());
  EXPECT_FALSE(Round::open(kJob, ok, RoundParams{0, 4}, kOpen).ok());
  EXPECT_FALSE(Round::open(kJob, ok, RoundParams{4, 0}, kOpen).ok());
  const auto late = Round::open(kJob, ok, kParams, UINT64_MAX - 5);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Errc::overflow);
  const auto rich = Round::open(kJob, std::vector<Candidate>{{node(0), UINT64_MAX}, {node(1), 1}},
                                kParams, kOpen);
  ASSERT_FALSE(rich.ok());
  EXPECT_EQ(rich.error().code, Errc::overflow);
}

}  // namespace
}  // namespace vinfer::quorum
