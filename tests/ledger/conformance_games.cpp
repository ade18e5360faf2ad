// The Ledger conformance suite, optimistic disputes (conformance.hpp): timeouts in each
// direction, games played to the referee, several challengers on one claim, and the
// checks on who may move.
#include "ledger/conformance.hpp"
#include "ledger/harness.hpp"
#include "ledger/scenario.hpp"
#include "vinfer/commit/merkle.hpp"

namespace vinfer::ledger::testing {
namespace {

const Actors& a = kActors;
// conformance_params(): worker bond 1000, challenger bond 700, winner's share 40 %.
constexpr Amount kWorkerBond = 1000, kChallengerBond = 700;
constexpr Amount kWorkerShare = 400, kChallengerShare = 280;

bool has_event(const Ledger& l, EventKind k, uint64_t game) {
  for (const Event& e : l.events())
    if (e.kind == k && e.game == game)
      return true;
  return false;
}

TEST_P(LedgerConformance, SilentDefenderLosesByTimeout) {
  const Hash id = setup_job(l());
  post_claim(l(), world().honest);
  const uint64_t g = TX_OK(l(), l().challenge(a.alice, id));
  EXPECT_EQ(l().games_of(id), std::vector<uint64_t>{g});
  EXPECT_EQ(l().totals().bonds, kWorkerBond + kChallengerBond);
  TX_OK(l(), l().advance(15));
  TX_FAILS(l(), l().resolve_timeout(g), "the defender still has 1 blocks");
  TX_OK(l(), l().advance(1));
  TX_FAILS(l(), l().finalize(id), "open until block 20");
  TX_OK(l(), l().resolve_timeout(g));

  const GameRecord r = TX_OK(l(), l().game(g));
  EXPECT_EQ(r.status, GameStatus::challenger_won);
  EXPECT_EQ(r.state.winner, dispute::Side::challenger);
  EXPECT_EQ(l().balance(a.alice), kFunds + kWorkerShare);
  EXPECT_EQ(l().balance(a.worker), kFunds - kWorkerBond);
  EXPECT_EQ(l().balance(a.client), kFunds);  // refunded
  const Totals t = l().totals();
  EXPECT_EQ(t.burned, kWorkerBond - kWorkerShare);
  EXPECT_EQ(t.bonds, 0u);
  EXPECT_EQ(t.escrow, 0u);
  EXPECT_EQ(TX_OK(l(), l().job(id)).status, JobStatus::rejected);
  EXPECT_TRUE(has_event(l(), EventKind::claim_rejected, g));
  EXPECT_TRUE(has_event(l(), EventKind::refund, g));
  TX_FAILS(l(), l().resolve_timeout(g), "the game is challenger_won");
  TX_FAILS(l(), l().finalize(id), "the job is rejected");
  TX_FAILS(l(), l().challenge(a.mallory, id), "the job is rejected");
}

TEST_P(LedgerConformance, SilentChallengerLosesByTimeout) {
  const Hash id = setup_job(l());
  post_claim(l(), world().honest);
  const uint64_t g = TX_OK(l(), l().challenge(a.mallory, id));
  TX_OK(l(), l().advance(3));
  const GameRecord before =
      play(l(), g, world().honest, cheat_trace(), 1);  // the defender's bisect
  EXPECT_EQ(before.state.turn, dispute::Side::challenger);
  TX_OK(l(), l().advance(15));
  TX_FAILS(l(), l().resolve_timeout(g), "the challenger still has 1 blocks");
  TX_OK(l(), l().advance(1));
  TX_OK(l(), l().resolve_timeout(g));

  EXPECT_EQ(TX_OK(l(), l().game(g)).status, GameStatus::defender_won);
  EXPECT_EQ(l().balance(a.mallory), kFunds - kChallengerBond);
  EXPECT_EQ(l().balance(a.worker), kFunds - kWorkerBond + kChallengerShare);
  EXPECT_EQ(l().totals().burned, kChallengerBond - kChallengerShare);
  EXPECT_EQ(l().totals().bonds, kWorkerBond);  // the claim's bond stays until it finalizes
  EXPECT_EQ(TX_OK(l(), l().job(id)).status, JobStatus::claimed);
  TX_OK(l(), l().advance(2));  // block 21
  TX_OK(l(), l().finalize(id));
  EXPECT_EQ(l().balance(a.worker), kFunds + kPayment + kChallengerShare);
  EXPECT_EQ(l().totals().bonds, 0u);
}

TEST_P(LedgerConformance, CheatingWorkerLosesAtTheReferee) {
  const Hash id = setup_job(l());
  post_claim(l(), cheat_trace());
  const uint64_t g = TX_OK(l(), l().challenge(a.alice, id));
  const GameRecord r = play(l(), g, cheat_trace(), world().honest);
  EXPECT_EQ(r.status, GameStatus::challenger_won);
  EXPECT_EQ(r.state.step, tampered_step());
  EXPECT_GE(r.state.rounds, commit::merkle_depth(world().sched.size()));  // a real bisection
  EXPECT_TRUE(r.state.refereed);
  EXPECT_GT(r.state.referee_macs, 0u);
  EXPECT_NE(r.state.reason.find("the referee computes"), std::string::npos) << r.state.reason;
  EXPECT_EQ(l().balance(a.alice), kFunds + kWorkerShare);
  EXPECT_EQ(l().balance(a.client), kFunds);
  EXPECT_EQ(l().balance(a.worker), kFunds - kWorkerBond);
}

TEST_P(LedgerConformance, HonestWorkerBeatsAFalseChallengerAtTheReferee) {
  const Hash id = setup_job(l());
  post_claim(l(), world().honest);
  const uint64_t g = TX_OK(l(), l().challenge(a.mallory, id));
  const GameRecord r = play(l(), g, world().honest, cheat_trace());
  EXPECT_EQ(r.status, GameStatus::defender_won);
  EXPECT_EQ(r.state.step, tampered_step());
  EXPECT_NE(r.state.reason.find("is correct"), std::string::npos) << r.state.reason;
  EXPECT_EQ(l().balance(a.mallory), kFunds - kChallengerBond);
  TX_OK(l(), l().advance(21));
  TX_OK(l(), l().finalize(id));
  EXPECT_EQ(l().balance(a.worker), kFunds + kPayment + kChallengerShare);
  EXPECT_EQ(l().balance(a.client), kFunds - kPayment);
}

// A colluding false challenger opens first and stalls; the honest one still wins its own
// game, which rejects the claim and closes the stalled game with a refund.
TEST_P(LedgerConformance, TwoChallengersOnOneClaim) {
  const Hash id = setup_job(l());
  post_claim(l(), cheat_trace());
  const uint64_t g1 = TX_OK(l(), l().challenge(a.mallory, id));
  TX_FAILS(l(), l().challenge(a.mallory, id), "already plays game");
  TX_OK(l(), l().advance(2));
  const uint64_t g2 = TX_OK(l(), l().challenge(a.alice, id));
  EXPECT_EQ(l().games_of(id), (std::vector<uint64_t>{g1, g2}));
  EXPECT_EQ(l().totals().bonds, kWorkerBond + 2 * kChallengerBond);
  // The colluders bisect a little and then stall; the game must not block alice's.
  play(l(), g1, cheat_trace(), cheat_trace(), 3);
  const GameRecord r = play(l(), g2, cheat_trace(), world().honest);
  EXPECT_EQ(r.status, GameStatus::challenger_won);

  const GameRecord closed = TX_OK(l(), l().game(g1));
  EXPECT_EQ(closed.status, GameStatus::closed);
  EXPECT_EQ(closed.bond, 0u);
  EXPECT_TRUE(has_event(l(), EventKind::game_closed, g1));
  EXPECT_EQ(l().balance(a.mallory), kFunds);  // refunded, not rewarded
  EXPECT_EQ(l().balance(a.alice), kFunds + kWorkerShare);
  EXPECT_EQ(l().balance(a.client), kFunds);
  EXPECT_EQ(l().totals().bonds, 0u);
  EXPECT_EQ(l().totals().burned, kWorkerBond - kWorkerShare);
  TX_FAILS(l(), l().move(a.mallory, g1, dispute::Move{dispute::Choose{true}}),
           "the game is closed");
}

TEST_P(LedgerConformance, FinalizeWaitsForEveryGame) {
  const Hash id = setup_job(l());
  post_claim(l(), world().honest);
  const uint64_t g1 = TX_OK(l(), l().challenge(a.mallory, id));
  const uint64_t g2 = TX_OK(l(), l().challenge(a.alice, id));
  play(l(), g1, world().honest, cheat_trace());
  play(l(), g2, world().honest, world().honest, 1);  // the defender's first bisect
  TX_OK(l(), l().advance(21));
  TX_FAILS(l(), l().finalize(id), "game " + std::to_string(g2) + " is unresolved");
  TX_OK(l(), l().resolve_timeout(g2));  // alice found nothing to dispute and went silent
  TX_OK(l(), l().finalize(id));
  EXPECT_EQ(l().balance(a.worker), kFunds + kPayment + 2 * kChallengerShare);
  EXPECT_EQ(l().totals().burned, 2 * (kChallengerBond - kChallengerShare));
}

TEST_P(LedgerConformance, MovesAreCheckedAndRejectedMovesAreRecorded) {
  const Hash id = setup_job(l());
  post_claim(l(), world().honest);
  const uint64_t g = TX_OK(l(), l().challenge(a.alice, id));
  const dispute::Move choose{dispute::Choose{false}};
  TX_FAILS(l(), l().move(a.stranger, g, choose), "neither its worker nor its challenger");
  TX_FAILS(l(), l().move(a.alice, g + 1, choose), "no such game");
  TX_REJECTED_MOVE(l(), l().move(a.alice, g, choose), "it is the defender's turn");
  TX_REJECTED_MOVE(l(), l().move(a.worker, g, choose), "expected bisect, got choose");
  const std::vector<Event> ev = l().events();
  EXPECT_EQ(ev.back().kind, EventKind::move_rejected);
  EXPECT_EQ(ev.back().who, a.worker);
  EXPECT_EQ(ev.back().game, g);
  play(l(), g, world().honest, world().honest, 1);
  EXPECT_EQ(l().events().back().kind, EventKind::move);
  TX_OK(l(), l().advance(16));
  TX_REJECTED_MOVE(l(), l().move(a.alice, g, choose), "clock ran out");
  TX_OK(l(), l().resolve_timeout(g));
  TX_FAILS(l(), l().move(a.worker, g, choose), "the game is defender_won");
}

}  // namespace
}  // namespace vinfer::ledger::testing
