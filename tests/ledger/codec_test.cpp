// Record encodings (codec.hpp) and the small value types (address.hpp, types.hpp): round
// trips, and every damaged encoding rejected with its field named.
#include "vinfer/ledger/codec.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "ledger/world.hpp"
#include "vinfer/ledger/address.hpp"
#include "vinfer/ledger/event.hpp"

namespace vinfer::ledger {
namespace {

dispute::GameState sample_state() {
  const testing::World& w = testing::world();
  dispute::GameState g = dispute::start_game(w.honest.claim(w.job.id()), {}, 7);
  // Every field set to something distinct from its default.
  g.phase = dispute::Phase::name_element;
  g.turn = dispute::Side::challenger;
  g.clock[0] = {11, 12};
  g.clock[1] = {UINT64_MAX, 14};
  g.pos = dispute::Position{0x1234};
  g.depth = 13;
  g.lo = 21;
  g.hi = 22;
  g.lo_root[0] = 1;
  g.hi_root[1] = 2;
  g.mid_root[2] = 3;
  g.step = 21;
  g.step_root[3] = 4;
  g.chunk_count = 9;
  g.node[4] = 5;
  g.left[5] = 6;
  g.right[6] = 7;
  for (size_t i = 0; i < g.chunk.size(); ++i)
    g.chunk[i] = static_cast<uint8_t>(i * 7);
  g.winner = dispute::Side::challenger;
  g.reason = "element 3 of step 21 is 5, the referee computes 6";
  g.rounds = 17;
  g.refereed = true;
  g.referee_macs = 1ull << 40;
  return g;
}

void expect_same(const dispute::GameState& a, const dispute::GameState& b) {
  // GameState has no operator==: its encoding is compared instead, plus a few fields.
  EXPECT_EQ(encode_game_state(a), encode_game_state(b));
  EXPECT_EQ(a.claim, b.claim);
  EXPECT_EQ(a.pos, b.pos);
  EXPECT_EQ(a.clock[1], b.clock[1]);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.chunk, b.chunk);
  EXPECT_EQ(a.refereed, b.refereed);
}

TEST(LedgerCodec, ClaimRoundTrip) {
  const testing::World& w = testing::world();
  const dispute::Claim c = w.honest.claim(w.job.id());
  const std::vector<uint8_t> b = encode_claim(c);
  EXPECT_EQ(b.size(), 110u);
  EXPECT_EQ(std::memcmp(b.data(), "VCLM\0\1", 6), 0);
  EXPECT_EQ(decode_claim(b).value(), c);
  for (size_t n = 0; n < b.size(); ++n)
    EXPECT_FALSE(decode_claim({b.data(), n}).ok()) << n;
  std::vector<uint8_t> longer = b;
  longer.push_back(0);
  EXPECT_NE(decode_claim(longer).error().message.find("1 trailing bytes at offset 110"),
            std::string::npos);
}

TEST(LedgerCodec, GameStateRoundTrip) {
  const dispute::GameState g = sample_state();
  const std::vector<uint8_t> b = encode_game_state(g);
  expect_same(decode_game_state(b).value(), g);
  // A fresh game too (defaults, an empty reason).
  const testing::World& w = testing::world();
  const dispute::GameState fresh = dispute::start_game(w.honest.claim(w.job.id()), {}, 0);
  expect_same(decode_game_state(encode_game_state(fresh)).value(), fresh);
}

TEST(LedgerCodec, EveryTruncatedGameStateIsRejected) {
  const std::vector<uint8_t> b = encode_game_state(sample_state());
  for (size_t n = 0; n < b.size(); ++n) {
    auto r = decode_game_state({b.data(), n});
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_NE(r.error().message.find("game state"), std::string::npos) << r.error().message;
  }
}

TEST(LedgerCodec, DamagedGameStatesNameTheField) {
  const std::vector<uint8_t> good = encode_game_state(sample_state());
  auto damaged = [&](size_t at, uint8_t v) {
    std::vector<uint8_t> b = good;
    b[at] = v;
    auto r = decode_game_state(b);
    EXPECT_FALSE(r.ok()) << "offset " << at;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(damaged(0, 'X').find("bad magic"), std::string::npos);
  EXPECT_NE(damaged(5, 2).find("version 2"), std::string::npos);
  const size_t phase = 6 + 104;
  EXPECT_NE(damaged(phase, 6).find("phase at offset 110"), std::string::npos);
  EXPECT_NE(damaged(phase + 1, 2).find("turn at offset 111"), std::string::npos);
  // pos (after the phase, turn and two clocks) = 0.
  std::vector<uint8_t> b = good;
  std::fill(b.begin() + phase + 2 + 32, b.begin() + phase + 2 + 40, 0);
  EXPECT_NE(decode_game_state(b).error().message.find("position 0"), std::string::npos);
  EXPECT_NE(damaged(good.size() - 9, 2).find("refereed"), std::string::npos);
  // The reason's length past the end.
  const size_t reason_len = good.size() - 13 - sample_state().reason.size() - 4;
  EXPECT_NE(damaged(reason_len, 0x10).find("above 4096"), std::string::npos);
}

TEST(LedgerCodec, ParamsRoundTrip) {
  Params p;
  p.worker_bond = 1;
  p.challenger_bond = 2;
  p.challenge_window = 3;
  p.game.clock_blocks = 4;
  p.winner_share_pct = 100;
  p.min_stake = 6;
  p.unbonding_blocks = UINT64_MAX;
  p.round = {7, 8};
  p.slash_bps = 9;
  p.majority_share_bps = 10000;
  const std::vector<uint8_t> b = encode_params(p);
  EXPECT_EQ(b.size(), 82u);
  EXPECT_EQ(std::memcmp(b.data(), "VPRM\0\2", 6), 0);
  EXPECT_EQ(decode_params(b).value(), p);
  for (size_t n = 0; n < b.size(); ++n)
    EXPECT_FALSE(decode_params({b.data(), n}).ok()) << n;
  // Every field is compared: a params that differs in any one is another params.
  Params q = p;
  q.round.reveal_blocks += 1;
  EXPECT_FALSE(q == p);
  q = p;
  q.majority_share_bps -= 1;
  EXPECT_FALSE(q == p);
  // Version 1 (before quorum mode) is not read.
  std::vector<uint8_t> v1(b.begin(), b.begin() + 58);
  v1[5] = 1;
  EXPECT_NE(decode_params(v1).error().message.find("version 1 at offset 4"), std::string::npos);
  auto invalid = [](Params x) { return decode_params(encode_params(x)).error().message; };
  Params bad = p;
  bad.winner_share_pct = 101;
  EXPECT_NE(invalid(bad).find("winner_share_pct"), std::string::npos);
  bad = p;
  bad.slash_bps = 10001;
  EXPECT_NE(invalid(bad).find("slash_bps 10001 above 10000"), std::string::npos);
  bad = p;
  bad.majority_share_bps = 10001;
  EXPECT_NE(invalid(bad).find("majority_share_bps 10001"), std::string::npos);
  bad = p;
  bad.round.commit_blocks = 0;
  EXPECT_NE(invalid(bad).find("round.commit_blocks"), std::string::npos);
  bad = p;
  bad.round.reveal_blocks = 0;
  EXPECT_NE(invalid(bad).find("round.reveal_blocks"), std::string::npos);
}

TEST(LedgerTypes, AddressesAndAmounts) {
  const Address alice = address_of("alice");
  const Hash h = commit::keccak256(std::string_view("alice"));
  EXPECT_EQ(std::memcmp(alice.data(), h.data() + 12, 20), 0);
  EXPECT_NE(alice, address_of("bob"));
  const std::string hex = to_hex(alice);
  EXPECT_EQ(hex.size(), 42u);
  EXPECT_EQ(hex.substr(0, 2), "0x");
  EXPECT_EQ(address_from_hex(hex).value(), alice);
  EXPECT_EQ(address_from_hex(hex.substr(2)).value(), alice);
  EXPECT_FALSE(address_from_hex(hex.substr(0, 41)).ok());
  EXPECT_FALSE(address_from_hex("0x" + std::string(39, '0') + "g").ok());
  EXPECT_EQ(short_hex(h).substr(0, 10), "0x" + commit::to_hex(h).substr(0, 8));

  EXPECT_EQ(checked_add(UINT64_MAX - 1, 1), UINT64_MAX);
  EXPECT_FALSE(checked_add(UINT64_MAX, 1).has_value());
  EXPECT_FALSE(checked_sub(1, 2).has_value());
  for (Amount v : {Amount{0}, Amount{1}, Amount{99}, Amount{1000}, Amount{12345677}, UINT64_MAX - 1,
                   UINT64_MAX})
    for (uint32_t pct : {0u, 1u, 40u, 50u, 99u, 100u})
      EXPECT_EQ(percent_of(v, pct),
                static_cast<Amount>(static_cast<unsigned __int128>(v) * pct / 100))
          << v << " " << pct;
}

TEST(LedgerTypes, TotalsAndNames) {
  Totals t;
  t.deposits = 10;
  t.balances = 4;
  t.bonds = 3;
  t.burned = 3;
  EXPECT_TRUE(t.holds());
  t.escrow = 1;
  EXPECT_FALSE(t.holds());
  // A wrapped sum must not pass for a balanced one.
  Totals w;
  w.deposits = 1;
  w.balances = UINT64_MAX;
  w.stakes = 2;
  EXPECT_FALSE(w.holds());
  EXPECT_STREQ(event_kind_name(EventKind::deposit), "deposit");
  EXPECT_STREQ(event_kind_name(EventKind::finalized), "finalized");
  EXPECT_STREQ(event_kind_name(EventKind::stake_slashed), "stake_slashed");
  EXPECT_EQ(kEventKindCount, 42u);
  EXPECT_STREQ(event_kind_name(EventKind::sampled_defended), "sampled_defended");
  // A kind's number is stored in databases: the quorum kinds came after the existing ones.
  static_assert(static_cast<int>(EventKind::finalized) == 21);
  static_assert(static_cast<int>(EventKind::key_registered) == 22);
  static_assert(static_cast<int>(EventKind::auditor_registered) == 30);  // sampled mode's
  EXPECT_STREQ(job_status_name(JobStatus::rejected), "rejected");
  EXPECT_STREQ(game_status_name(GameStatus::closed), "closed");
}

}  // namespace
}  // namespace vinfer::ledger
