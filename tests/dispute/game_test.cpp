// Whole games between two parties that each follow their own data: the honest side wins
// whoever it is, within the round bound, and every malformed move is rejected.
#include <gtest/gtest.h>

#include <cstring>

#include "dispute/fixtures.hpp"
#include "vinfer/commit/merkle.hpp"

namespace vinfer::dispute {
namespace {

using testing::small_model;

struct GameSetup {
  model::Job job;
  testing::Trace honest;
  RefereeContext ctx;
};

GameSetup setup(bool sampled) {
  const model::Job job = testing::job_for(small_model(), sampled);
  return {job, testing::run(small_model(), job), testing::context(small_model(), job)};
}

// A liar's trace: one element of step k changed, everything else as computed.
testing::Trace perturbed(const GameSetup& s, uint64_t k, uint64_t e) {
  testing::Trace t = s.honest;
  const model::Step st = s.ctx.sched.at(k);
  const size_t es = commit::dtype_size(model::op_dtype(st.op));
  t.outputs[k][(e % (uint64_t{st.rows} * st.cols)) * es] ^= 0x01;
  t.recommit(s.ctx.sched);
  return t;
}

uint64_t max_chunks(const RefereeContext& ctx) {
  uint64_t m = 1;
  for (uint64_t k = 0; k < ctx.sched.size(); ++k) {
    const model::Step s = ctx.sched.at(k);
    m = std::max(m, commit::tensor_chunk_count(model::op_dtype(s.op), s.rows, s.cols));
  }
  return m;
}

class PerturbedStep : public ::testing::TestWithParam<std::tuple<bool, int>> {};

TEST_P(PerturbedStep, HonestSideWinsEitherWay) {
  const auto [sampled, where] = GetParam();
  const GameSetup s = setup(sampled);
  const uint64_t n = s.ctx.sched.size();
  const uint64_t k = where == 0 ? 0 : where == 1 ? n / 2 : n - 1;
  const testing::Trace liar = perturbed(s, k, 3);
  const PartyData honest = testing::party(small_model(), s.honest);
  const PartyData lying = testing::party(small_model(), liar);
  const uint64_t bound = max_rounds(n, max_chunks(s.ctx));

  // A lying worker against an honest watcher.
  uint64_t rejected = 0;
  GameState g = testing::play(s.ctx, liar.claim(s.job), lying, honest, &rejected);
  EXPECT_EQ(g.winner, Side::challenger) << g.reason;
  EXPECT_EQ(g.step, k);
  EXPECT_LE(g.rounds, bound);
  EXPECT_EQ(rejected, 0u);

  // An honest worker against a watcher disputing the correct result.
  g = testing::play(s.ctx, s.honest.claim(s.job), honest, lying);
  EXPECT_EQ(g.winner, Side::defender) << g.reason;
  EXPECT_EQ(g.step, k);
  EXPECT_LE(g.rounds, bound);
}

INSTANTIATE_TEST_SUITE_P(StartMiddleEnd,
                         PerturbedStep,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(0, 1, 2)));

TEST(Game, GarbageTraceLeafCannotBeOpened) {
  const GameSetup s = setup(false);
  testing::Trace liar = s.honest;
  // Step 7's root replaced by bytes that are no tensor root; the output is still right.
  commit::TraceAccumulator acc;
  for (uint64_t k = 0; k < s.honest.acc.size(); ++k) {
    Hash leaf = s.honest.acc.leaf(k);
    if (k == 7)
      leaf[0] ^= 0xff;
    acc.append(leaf);
  }
  liar.acc = acc;
  const Claim claim = liar.claim(s.job);
  ASSERT_TRUE(check_claim(claim, s.ctx.sched, acc.peaks_at(acc.size() - 1)).ok());
  uint64_t rejected = 0;
  const GameState g = testing::play(s.ctx, claim, testing::party(small_model(), liar),
                                    testing::party(small_model(), s.honest), &rejected);
  EXPECT_EQ(g.winner, Side::challenger);
  EXPECT_EQ(g.step, 7u);
  EXPECT_EQ(rejected, 1u);  // its open_step fails the chunks-root check
  EXPECT_NE(g.reason.find("clock ran out"), std::string::npos) << g.reason;
}

TEST(Game, SilentSideLosesOnItsClock) {
  const GameSetup s = setup(false);
  GameParams params{10};
  GameState g = start_game(s.honest.claim(s.job), params, 50);
  EXPECT_FALSE(timed_out(g, 59));
  EXPECT_FALSE(resolve_timeout(g, 59).ok());
  EXPECT_TRUE(timed_out(g, 60));
  ASSERT_TRUE(resolve_timeout(g, 60).ok());
  EXPECT_EQ(g.winner, Side::challenger);
  EXPECT_FALSE(resolve_timeout(g, 61).ok());  // already resolved
}

TEST(Game, ClocksAreChessClocks) {
  const GameSetup s = setup(false);
  const PartyData honest = testing::party(small_model(), s.honest);
  Player def(s.ctx, honest);
  GameState g = start_game(s.honest.claim(s.job), GameParams{10}, 0);
  ASSERT_TRUE(apply_move(g, Side::defender, *def.next_move(g, Side::defender), 4, s.ctx).ok());
  EXPECT_EQ(g.clock[0].left, 6u);
  EXPECT_EQ(g.turn, Side::challenger);
  EXPECT_EQ(g.clock[1].since, 4u);
  // The challenger lets 10 blocks pass: its own clock, not the defender's, runs out.
  EXPECT_FALSE(timed_out(g, 13));
  EXPECT_TRUE(timed_out(g, 14));
  EXPECT_FALSE(apply_move(g, Side::challenger, Move{Choose{true}}, 14, s.ctx).ok());
  ASSERT_TRUE(resolve_timeout(g, 14).ok());
  EXPECT_EQ(g.winner, Side::defender);
}

TEST(Game, MalformedMovesAreRejectedAndChangeNothing) {
  const GameSetup s = setup(false);
  GameState g = start_game(s.honest.claim(s.job), GameParams{100}, 0);
  const GameState before = g;
  auto same = [&](const GameState& a) {
    return a.phase == before.phase && a.turn == before.turn && a.pos == before.pos &&
           a.lo == before.lo && a.hi == before.hi && a.mid_root == before.mid_root;
  };
  EXPECT_FALSE(apply_move(g, Side::challenger, Move{Choose{true}}, 1, s.ctx).ok());  // out of turn
  EXPECT_FALSE(apply_move(g, Side::defender, Move{Choose{true}}, 1, s.ctx).ok());    // wrong kind
  EXPECT_FALSE(apply_move(g, Side::defender, Move{OpenChunk{}}, 1, s.ctx).ok());
  EXPECT_TRUE(same(g));
  EXPECT_EQ(g.clock[0].left, 100u);  // rejected moves book no time
}

TEST(Game, WrongHopIsRejected) {
  const GameSetup s = setup(false);
  const testing::Trace liar = perturbed(s, 20, 0);
  const PartyData honest = testing::party(small_model(), s.honest);
  const PartyData lying = testing::party(small_model(), liar);
  Player def(s.ctx, lying), ch(s.ctx, honest);
  GameState g = start_game(liar.claim(s.job), GameParams{1000}, 0);
  uint64_t now = 0;
  while (g.phase == Phase::bisect_trace) {
    ASSERT_TRUE(apply_move(g, g.turn, *(g.turn == Side::defender ? def : ch).next_move(g, g.turn),
                           ++now, s.ctx)
                    .ok());
  }
  ASSERT_EQ(g.phase, Phase::open_step);
  ASSERT_EQ(g.step, 20u);
  OpenStep o = std::get<OpenStep>(*def.next_move(g, Side::defender));
  OpenStep bad = o;
  bad.peaks.push_back(Hash{});
  EXPECT_FALSE(apply_move(g, Side::defender, Move{bad}, ++now, s.ctx).ok());
  bad = o;
  bad.step_root = s.honest.acc.leaf(20);  // the honest leaf does not give the liar's root
  EXPECT_FALSE(apply_move(g, Side::defender, Move{bad}, ++now, s.ctx).ok());
  bad = o;
  bad.chunks_root[0] ^= 1;
  EXPECT_FALSE(apply_move(g, Side::defender, Move{bad}, ++now, s.ctx).ok());
  EXPECT_TRUE(apply_move(g, Side::defender, Move{o}, ++now, s.ctx).ok());
  // Children that do not hash to the node are rejected.
  if (g.phase == Phase::bisect_tensor) {
    EXPECT_FALSE(apply_move(g, Side::defender, Move{Children{Hash{}, Hash{}}}, ++now, s.ctx).ok());
  }
}

TEST(Claim, WrongStepCountOrOutputIsRejectedOutright) {
  const GameSetup s = setup(false);
  const commit::TraceAccumulator& acc = s.honest.acc;
  const auto peaks = acc.peaks_at(acc.size() - 1);
  Claim c = s.honest.claim(s.job);
  EXPECT_TRUE(check_claim(c, s.ctx.sched, peaks).ok());
  Claim wrong = c;
  wrong.steps += 1;
  EXPECT_NE(check_claim(wrong, s.ctx.sched, peaks).error().message.find("steps"),
            std::string::npos);
  wrong = c;
  wrong.output_hash[3] ^= 1;
  EXPECT_NE(check_claim(wrong, s.ctx.sched, peaks).error().message.find("output_hash"),
            std::string::npos);
  EXPECT_FALSE(check_claim(c, s.ctx.sched, acc.peaks_at(acc.size() - 2)).ok());
}

TEST(Types, PositionAndClock) {
  Position p = Position::root();
  EXPECT_EQ(p.depth(), 0u);
  p = p.right().left().right();  // 1 -> 3 -> 6 -> 13
  EXPECT_EQ(p.value, 13u);
  EXPECT_EQ(p.depth(), 3u);
  EXPECT_EQ(p.index(), 5u);
  Clock c{10, 100};
  EXPECT_EQ(c.left_at(100), 10u);
  EXPECT_EQ(c.left_at(105), 5u);
  EXPECT_EQ(c.left_at(110), 0u);
  EXPECT_EQ(c.left_at(90), 10u);
}

TEST(Claim, AppendMatchesTheAccumulator) {
  commit::TraceAccumulator acc;
  for (uint64_t i = 0; i < 40; ++i) {
    Hash leaf = commit::keccak256(std::span<const uint8_t>(reinterpret_cast<uint8_t*>(&i), 8));
    auto r = trace_root_after_append(i, acc.peaks_at(i), leaf);
    acc.append(leaf);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, acc.root()) << i;
  }
}

}  // namespace
}  // namespace vinfer::dispute
