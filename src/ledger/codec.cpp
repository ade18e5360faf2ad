// Record encodings (codec.hpp).
#include "vinfer/ledger/codec.hpp"

#include <algorithm>
#include <string>

#include "ledger/codec_header.hpp"
#include "vinfer/wire.hpp"

namespace vinfer::ledger {
namespace {

using wire::ByteReader;
using wire::ByteWriter;

constexpr char kClaimMagic[4] = {'V', 'C', 'L', 'M'};
constexpr char kGameMagic[4] = {'V', 'G', 'A', 'M'};
constexpr char kParamsMagic[4] = {'V', 'P', 'R', 'M'};
constexpr uint16_t kClaimVersion = 1;
constexpr uint16_t kGameVersion = 1;
constexpr uint16_t kParamsVersion = 2;  // v1 lacked the quorum fields

using detail::put_header;

void put_claim(ByteWriter& w, const dispute::Claim& c) {
  w.fixed(c.job_id);
  w.fixed(c.output_hash);
  w.fixed(c.trace_root);
  w.u64(c.steps);
}

Status get_claim(ByteReader& r, dispute::Claim& c) {
  VINFER_CHECK(r.fixed("claim.job_id", c.job_id));
  VINFER_CHECK(r.fixed("claim.output_hash", c.output_hash));
  VINFER_CHECK(r.fixed("claim.trace_root", c.trace_root));
  VINFER_TRY(c.steps, r.u64("claim.steps"));
  return ok_status();
}

Result<dispute::Side> get_side(ByteReader& r, const char* field) {
  const size_t at = r.offset();
  VINFER_TRY(uint8_t v, r.u8(field));
  if (v > 1)
    return fail(Errc::parse, std::string("game state: ") + field + " at offset " +
                                 std::to_string(at) + ": side " + std::to_string(v) +
                                 " is not 0 (defender) or 1 (challenger)");
  return static_cast<dispute::Side>(v);
}

// Does not compile once GameState gains or loses a field: the layout below must follow
// it (and its version go up once databases with the old layout exist).
[[maybe_unused]] void game_state_layout_guard(const dispute::GameState& g) {
  [[maybe_unused]] const auto& [claim, phase, turn, clock, pos, depth, lo, hi, lo_root, hi_root,
                                mid_root, step, step_root, chunk_count, node, left, right, chunk,
                                winner, reason, rounds, refereed, referee_macs] = g;
}

// The same for Params: its layout, Params::operator== and validate must follow it.
[[maybe_unused]] void params_layout_guard(const Params& p) {
  [[maybe_unused]] const auto& [worker_bond, challenger_bond, challenge_window, game,
                                winner_share_pct, min_stake, unbonding_blocks, round, slash_bps,
                                majority_share_bps] = p;
  [[maybe_unused]] const auto& [commit_blocks, reveal_blocks] = p.round;
  [[maybe_unused]] const auto& [clock_blocks] = p.game;
}

}  // namespace

std::vector<uint8_t> encode_claim(const dispute::Claim& c) {
  ByteWriter w;
  put_header(w, kClaimMagic, kClaimVersion);
  put_claim(w, c);
  return w.take();
}

Result<dispute::Claim> decode_claim(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "claim");
  VINFER_CHECK(r.header(kClaimMagic, kClaimVersion));
  dispute::Claim c;
  VINFER_CHECK(get_claim(r, c));
  VINFER_CHECK(r.finish());
  return c;
}

std::vector<uint8_t> encode_game_state(const dispute::GameState& g) {
  ByteWriter w;
  put_header(w, kGameMagic, kGameVersion);
  put_claim(w, g.claim);
  w.u8(static_cast<uint8_t>(g.phase));
  w.u8(static_cast<uint8_t>(g.turn));
  for (const dispute::Clock& c : g.clock) {
    w.u64(c.left);
    w.u64(c.since);
  }
  w.u64(g.pos.value);
  w.u32(g.depth);
  w.u64(g.lo);
  w.u64(g.hi);
  w.fixed(g.lo_root);
  w.fixed(g.hi_root);
  w.fixed(g.mid_root);
  w.u64(g.step);
  w.fixed(g.step_root);
  w.u64(g.chunk_count);
  w.fixed(g.node);
  w.fixed(g.left);
  w.fixed(g.right);
  w.fixed(g.chunk);
  w.u8(static_cast<uint8_t>(g.winner));
  const size_t n = std::min<size_t>(g.reason.size(), kMaxReasonBytes);
  w.u32(static_cast<uint32_t>(n));
  w.bytes({reinterpret_cast<const uint8_t*>(g.reason.data()), n});
  w.u32(g.rounds);
  w.u8(g.refereed ? 1 : 0);
  w.u64(g.referee_macs);
  return w.take();
}

Result<dispute::GameState> decode_game_state(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "game state");
  VINFER_CHECK(r.header(kGameMagic, kGameVersion));
  dispute::GameState g;
  VINFER_CHECK(get_claim(r, g.claim));
  const size_t phase_at = r.offset();
  VINFER_TRY(uint8_t phase, r.u8("phase"));
  if (phase > static_cast<uint8_t>(dispute::Phase::resolved))
    return fail(Errc::parse, "game state: phase at offset " + std::to_string(phase_at) + ": " +
                                 std::to_string(phase) + " is not a phase");
  g.phase = static_cast<dispute::Phase>(phase);
  VINFER_TRY(g.turn, get_side(r, "turn"));
  for (dispute::Clock& c : g.clock) {
    VINFER_TRY(c.left, r.u64("clock.left"));
    VINFER_TRY(c.since, r.u64("clock.since"));
  }
  VINFER_TRY(g.pos.value, r.u64("pos"));
  if (g.pos.value == 0)
    return r.bad("pos", "position 0 is not a tree node (the root is 1)");
  VINFER_TRY(uint32_t depth, r.u32("depth"));
  if (depth > 64)
    return r.bad("depth", "depth " + std::to_string(depth) + " above 64");
  g.depth = depth;
  VINFER_TRY(g.lo, r.u64("lo"));
  VINFER_TRY(g.hi, r.u64("hi"));
  VINFER_CHECK(r.fixed("lo_root", g.lo_root));
  VINFER_CHECK(r.fixed("hi_root", g.hi_root));
  VINFER_CHECK(r.fixed("mid_root", g.mid_root));
  VINFER_TRY(g.step, r.u64("step"));
  VINFER_CHECK(r.fixed("step_root", g.step_root));
  VINFER_TRY(g.chunk_count, r.u64("chunk_count"));
  VINFER_CHECK(r.fixed("node", g.node));
  VINFER_CHECK(r.fixed("left", g.left));
  VINFER_CHECK(r.fixed("right", g.right));
  VINFER_CHECK(r.fixed("chunk", g.chunk));
  VINFER_TRY(g.winner, get_side(r, "winner"));
  VINFER_TRY(uint32_t n, r.u32("reason length"));
  if (n > kMaxReasonBytes)
    return r.bad("reason length", std::to_string(n) + " above " + std::to_string(kMaxReasonBytes));
  VINFER_TRY(g.reason, r.str("reason", n));
  VINFER_TRY(g.rounds, r.u32("rounds"));
  const size_t refereed_at = r.offset();
  VINFER_TRY(uint8_t refereed, r.u8("refereed"));
  if (refereed > 1)
    return fail(Errc::parse, "game state: refereed at offset " + std::to_string(refereed_at) +
                                 ": " + std::to_string(refereed) + " is not 0 or 1");
  g.refereed = refereed == 1;
  VINFER_TRY(g.referee_macs, r.u64("referee_macs"));
  VINFER_CHECK(r.finish());
  return g;
}

std::vector<uint8_t> encode_params(const Params& p) {
  ByteWriter w;
  put_header(w, kParamsMagic, kParamsVersion);
  w.u64(p.worker_bond);
  w.u64(p.challenger_bond);
  w.u64(p.challenge_window);
  w.u64(p.game.clock_blocks);
  w.u32(p.winner_share_pct);
  w.u64(p.min_stake);
  w.u64(p.unbonding_blocks);
  w.u64(p.round.commit_blocks);
  w.u64(p.round.reveal_blocks);
  w.u32(p.slash_bps);
  w.u32(p.majority_share_bps);
  return w.take();
}

Result<Params> decode_params(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "params");
  VINFER_CHECK(r.header(kParamsMagic, kParamsVersion));
  Params p;
  VINFER_TRY(p.worker_bond, r.u64("worker_bond"));
  VINFER_TRY(p.challenger_bond, r.u64("challenger_bond"));
  VINFER_TRY(p.challenge_window, r.u64("challenge_window"));
  VINFER_TRY(p.game.clock_blocks, r.u64("game.clock_blocks"));
  VINFER_TRY(p.winner_share_pct, r.u32("winner_share_pct"));
  VINFER_TRY(p.min_stake, r.u64("min_stake"));
  VINFER_TRY(p.unbonding_blocks, r.u64("unbonding_blocks"));
  VINFER_TRY(p.round.commit_blocks, r.u64("round.commit_blocks"));
  VINFER_TRY(p.round.reveal_blocks, r.u64("round.reveal_blocks"));
  VINFER_TRY(p.slash_bps, r.u32("slash_bps"));
  VINFER_TRY(p.majority_share_bps, r.u32("majority_share_bps"));
  VINFER_CHECK(r.finish());
  VINFER_CHECK(validate(p));
  return p;
}

}  // namespace vinfer::ledger
