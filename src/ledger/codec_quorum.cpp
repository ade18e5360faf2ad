// Record encodings of quorum mode (codec.hpp): a round, its tally and its payout.
#include <set>
#include <string>

#include "ledger/codec_header.hpp"
#include "vinfer/ledger/codec.hpp"
#include "vinfer/wire.hpp"

namespace vinfer::ledger {
namespace {

using detail::put_header;
using wire::ByteReader;
using wire::ByteWriter;

constexpr char kRoundMagic[4] = {'V', 'Q', 'R', 'D'};
constexpr char kTallyMagic[4] = {'V', 'Q', 'T', 'L'};
constexpr char kPayoutMagic[4] = {'V', 'Q', 'P', 'Y'};
constexpr uint16_t kRoundVersion = 1;
constexpr uint16_t kTallyVersion = 1;
constexpr uint16_t kPayoutVersion = 1;
constexpr size_t kSeatBytes = 20 + 8 + 1 + 32 + 1 + 32;
constexpr size_t kTallySeatBytes = 20 + 8 + 1 + 32;
constexpr size_t kPayoutNodeBytes = 20 + 1 + 8 * 4;

constexpr const char* kRound = "quorum round";
constexpr const char* kTally = "quorum tally";
constexpr const char* kPayout = "quorum payout";

// Do not compile once a quorum record gains or loses a field: the layouts below must
// follow (and their versions go up once databases with the old layout exist).
[[maybe_unused]] void quorum_layout_guard(const quorum::Round& r,
                                          const quorum::Tally& t,
                                          const quorum::Payout& p) {
  [[maybe_unused]] const auto& [job_id, opened_at, commit_deadline, reveal_deadline, total_stake,
                                seats] = r;
  [[maybe_unused]] const auto& [node, stake, committed, commitment, revealed, output_hash] =
      r.seats.at(0);
  [[maybe_unused]] const auto& [verdict, t_output_hash, winning_stake, t_total_stake, t_seats,
                                dissenters, non_revealers] = t;
  [[maybe_unused]] const auto& [o_node, o_stake, outcome, o_output_hash] = t.seats.at(0);
  [[maybe_unused]] const auto& [payment, client_refund, slashed_total, bounty_total, burned,
                                nodes] = p;
  [[maybe_unused]] const auto& [n_node, n_outcome, n_stake, slashed, reward, bounty] =
      p.nodes.at(0);
}

// "quorum round: seat.committed at offset 80: 2 is not 0 or 1"
Error bad_at(const char* what, const std::string& field, size_t at, const std::string& why) {
  return fail(Errc::parse,
              std::string(what) + ": " + field + " at offset " + std::to_string(at) + ": " + why);
}

// The field of `size` bytes that `r` has just read.
Error bad_field(const ByteReader& r,
                const char* what,
                const char* field,
                size_t size,
                const std::string& why) {
  return bad_at(what, field, r.offset() - size, why);
}

// "seat 3": which element of a list a semantic error is about.
std::string seat_name(const char* list, size_t i) {
  return std::string(list) + " " + std::to_string(i);
}

// A u8 that must be 0 or 1.
Result<bool> get_flag(ByteReader& r, const char* what, const char* field) {
  const size_t at = r.offset();
  VINFER_TRY(uint8_t v, r.u8(field));
  if (v > 1)
    return bad_at(what, field, at, std::to_string(v) + " is not 0 or 1");
  return v == 1;
}

Result<quorum::Outcome> get_outcome(ByteReader& r, const char* what, const char* field) {
  const size_t at = r.offset();
  VINFER_TRY(uint8_t v, r.u8(field));
  if (v > static_cast<uint8_t>(quorum::Outcome::no_majority))
    return bad_at(what, field, at, std::to_string(v) + " is not an outcome");
  return static_cast<quorum::Outcome>(v);
}

// Adds `v` to a 128-bit sum: a forged record cannot wrap its way to a matching total.
void add(unsigned __int128& sum, uint64_t v) {
  sum += v;
}

}  // namespace

// ---- round ----

std::vector<uint8_t> encode_quorum_round(const quorum::Round& r) {
  ByteWriter w;
  put_header(w, kRoundMagic, kRoundVersion);
  w.fixed(r.job_id);
  w.u64(r.opened_at);
  w.u64(r.commit_deadline);
  w.u64(r.reveal_deadline);
  w.u64(r.total_stake);
  w.u32(static_cast<uint32_t>(r.seats.size()));
  for (const quorum::Seat& s : r.seats) {
    w.fixed(s.node);
    w.u64(s.stake);
    w.u8(s.committed ? 1 : 0);
    w.fixed(s.commitment);
    w.u8(s.revealed ? 1 : 0);
    w.fixed(s.output_hash);
  }
  return w.take();
}

Result<quorum::Round> decode_quorum_round(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, kRound);
  VINFER_CHECK(r.header(kRoundMagic, kRoundVersion));
  quorum::Round q;
  VINFER_CHECK(r.fixed("job_id", q.job_id));
  VINFER_TRY(q.opened_at, r.u64("opened_at"));
  VINFER_TRY(q.commit_deadline, r.u64("commit_deadline"));
  if (q.commit_deadline <= q.opened_at)
    return bad_field(r, kRound, "commit_deadline", 8,
                     "block " + std::to_string(q.commit_deadline) + " is not after opened_at " +
                         std::to_string(q.opened_at));
  VINFER_TRY(q.reveal_deadline, r.u64("reveal_deadline"));
  if (q.reveal_deadline <= q.commit_deadline)
    return bad_field(r, kRound, "reveal_deadline", 8,
                     "block " + std::to_string(q.reveal_deadline) +
                         " is not after commit_deadline " + std::to_string(q.commit_deadline));
  VINFER_TRY(q.total_stake, r.u64("total_stake"));
  VINFER_TRY(uint32_t n, r.count("seat count", kSeatBytes));
  if (n == 0)
    return bad_field(r, kRound, "seat count", 4, "a round has at least one seat");
  q.seats.resize(n);
  std::set<quorum::NodeId> seen;
  unsigned __int128 total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    quorum::Seat& s = q.seats[i];
    const size_t at = r.offset();
    VINFER_CHECK(r.fixed("seat.node", s.node));
    if (!seen.insert(s.node).second)
      return bad_at(kRound, seat_name("seat", i), at,
                    "node " + quorum::short_hex(s.node) + " is seated twice");
    VINFER_TRY(s.stake, r.u64("seat.stake"));
    if (s.stake == 0)
      return bad_field(r, kRound, "seat.stake", 8, seat_name("seat", i) + " has no stake");
    add(total, s.stake);
    VINFER_TRY(s.committed, get_flag(r, kRound, "seat.committed"));
    VINFER_CHECK(r.fixed("seat.commitment", s.commitment));
    if (!s.committed && s.commitment != Hash{})
      return bad_field(r, kRound, "seat.commitment", 32,
                       seat_name("seat", i) + " has a commitment but did not commit");
    VINFER_TRY(s.revealed, get_flag(r, kRound, "seat.revealed"));
    if (s.revealed && !s.committed)
      return bad_field(r, kRound, "seat.revealed", 1,
                       seat_name("seat", i) + " revealed without committing");
    VINFER_CHECK(r.fixed("seat.output_hash", s.output_hash));
    if (!s.revealed && s.output_hash != Hash{})
      return bad_field(r, kRound, "seat.output_hash", 32,
                       seat_name("seat", i) + " has an output but did not reveal");
  }
  if (total != q.total_stake)
    return bad_at(kRound, "total_stake", 6 + 32 + 24,
                  std::to_string(q.total_stake) + " is not the sum of the seats' stakes");
  VINFER_CHECK(r.finish());
  return q;
}

// ---- tally ----

std::vector<uint8_t> encode_quorum_tally(const quorum::Tally& t) {
  ByteWriter w;
  put_header(w, kTallyMagic, kTallyVersion);
  w.u8(static_cast<uint8_t>(t.verdict));
  w.fixed(t.output_hash);
  w.u64(t.winning_stake);
  w.u64(t.total_stake);
  w.u32(static_cast<uint32_t>(t.seats.size()));
  for (const quorum::SeatOutcome& s : t.seats) {
    w.fixed(s.node);
    w.u64(s.stake);
    w.u8(static_cast<uint8_t>(s.outcome));
    w.fixed(s.output_hash);
  }
  return w.take();
}

Result<quorum::Tally> decode_quorum_tally(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, kTally);
  VINFER_CHECK(r.header(kTallyMagic, kTallyVersion));
  quorum::Tally t;
  const size_t verdict_at = r.offset();
  VINFER_TRY(uint8_t verdict, r.u8("verdict"));
  if (verdict > static_cast<uint8_t>(quorum::Verdict::no_majority))
    return bad_at(kTally, "verdict", verdict_at, std::to_string(verdict) + " is not a verdict");
  t.verdict = static_cast<quorum::Verdict>(verdict);
  VINFER_CHECK(r.fixed("output_hash", t.output_hash));
  if (!t.decided() && t.output_hash != Hash{})
    return bad_field(r, kTally, "output_hash", 32,
                     "a round with no majority has no winning output");
  VINFER_TRY(t.winning_stake, r.u64("winning_stake"));
  VINFER_TRY(t.total_stake, r.u64("total_stake"));
  if (t.winning_stake > t.total_stake)
    return bad_field(r, kTally, "total_stake", 8,
                     "winning_stake " + std::to_string(t.winning_stake) + " is above total_stake " +
                         std::to_string(t.total_stake));
  VINFER_TRY(uint32_t n, r.count("seat count", kTallySeatBytes));
  if (n == 0)
    return bad_field(r, kTally, "seat count", 4, "a round has at least one seat");
  t.seats.resize(n);
  unsigned __int128 total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    quorum::SeatOutcome& s = t.seats[i];
    VINFER_CHECK(r.fixed("seat.node", s.node));
    VINFER_TRY(s.stake, r.u64("seat.stake"));
    add(total, s.stake);
    const size_t outcome_at = r.offset();
    VINFER_TRY(s.outcome, get_outcome(r, kTally, "seat.outcome"));
    const bool decided_outcome =
        s.outcome == quorum::Outcome::agreed || s.outcome == quorum::Outcome::dissented;
    if (t.decided() ? s.outcome == quorum::Outcome::no_majority : decided_outcome)
      return bad_at(kTally, "seat.outcome", outcome_at,
                    seat_name("seat", i) + " is " + quorum::outcome_name(s.outcome) +
                        " under the verdict " + quorum::verdict_name(t.verdict));
    VINFER_CHECK(r.fixed("seat.output_hash", s.output_hash));
    if (s.outcome == quorum::Outcome::dissented)
      t.dissenters.push_back(s.node);
    if (s.outcome == quorum::Outcome::not_revealed || s.outcome == quorum::Outcome::not_committed)
      t.non_revealers.push_back(s.node);
  }
  if (total != t.total_stake)
    return bad_at(kTally, "total_stake", 6 + 1 + 32 + 8,
                  std::to_string(t.total_stake) + " is not the sum of the seats' stakes");
  VINFER_CHECK(r.finish());
  return t;
}

// ---- payout ----

std::vector<uint8_t> encode_quorum_payout(const quorum::Payout& p) {
  ByteWriter w;
  put_header(w, kPayoutMagic, kPayoutVersion);
  w.u64(p.payment);
  w.u64(p.client_refund);
  w.u64(p.slashed_total);
  w.u64(p.bounty_total);
  w.u64(p.burned);
  w.u32(static_cast<uint32_t>(p.nodes.size()));
  for (const quorum::NodePayout& n : p.nodes) {
    w.fixed(n.node);
    w.u8(static_cast<uint8_t>(n.outcome));
    w.u64(n.stake);
    w.u64(n.slashed);
    w.u64(n.reward);
    w.u64(n.bounty);
  }
  return w.take();
}

Result<quorum::Payout> decode_quorum_payout(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, kPayout);
  VINFER_CHECK(r.header(kPayoutMagic, kPayoutVersion));
  quorum::Payout p;
  VINFER_TRY(p.payment, r.u64("payment"));
  VINFER_TRY(p.client_refund, r.u64("client_refund"));
  VINFER_TRY(p.slashed_total, r.u64("slashed_total"));
  VINFER_TRY(p.bounty_total, r.u64("bounty_total"));
  if (p.bounty_total > p.slashed_total)
    return bad_field(r, kPayout, "bounty_total", 8,
                     std::to_string(p.bounty_total) + " is above slashed_total " +
                         std::to_string(p.slashed_total));
  VINFER_TRY(p.burned, r.u64("burned"));
  if (p.burned != p.slashed_total - p.bounty_total)
    return bad_field(r, kPayout, "burned", 8,
                     std::to_string(p.burned) + " is not slashed_total - bounty_total");
  VINFER_TRY(uint32_t n, r.count("node count", kPayoutNodeBytes));
  if (n == 0)
    return bad_field(r, kPayout, "node count", 4, "a round has at least one seat");
  p.nodes.resize(n);
  unsigned __int128 slashed = 0, bounty = 0, spent = p.client_refund;
  for (uint32_t i = 0; i < n; ++i) {
    quorum::NodePayout& x = p.nodes[i];
    VINFER_CHECK(r.fixed("node.node", x.node));
    VINFER_TRY(x.outcome, get_outcome(r, kPayout, "node.outcome"));
    VINFER_TRY(x.stake, r.u64("node.stake"));
    VINFER_TRY(x.slashed, r.u64("node.slashed"));
    if (x.slashed > x.stake)
      return bad_field(r, kPayout, "node.slashed", 8,
                       seat_name("node", i) + " loses more than its stake");
    if (x.slashed != 0 && !quorum::is_slashed(x.outcome))
      return bad_field(r, kPayout, "node.slashed", 8,
                       seat_name("node", i) + " is " + quorum::outcome_name(x.outcome) +
                           " and cannot be slashed");
    VINFER_TRY(x.reward, r.u64("node.reward"));
    VINFER_TRY(x.bounty, r.u64("node.bounty"));
    if ((x.reward != 0 || x.bounty != 0) && x.outcome != quorum::Outcome::agreed)
      return bad_field(
          r, kPayout, "node.bounty", 8,
          seat_name("node", i) + " is " + quorum::outcome_name(x.outcome) + " and cannot be paid");
    add(slashed, x.slashed);
    add(bounty, x.bounty);
    add(spent, x.reward);
  }
  const size_t totals_at = 6;
  if (slashed != p.slashed_total)
    return bad_at(kPayout, "slashed_total", totals_at + 16,
                  std::to_string(p.slashed_total) + " is not the sum of the nodes' slashes");
  if (bounty != p.bounty_total)
    return bad_at(kPayout, "bounty_total", totals_at + 24,
                  std::to_string(p.bounty_total) + " is not the sum of the nodes' bounties");
  if (spent != p.payment)
    return bad_at(kPayout, "payment", totals_at,
                  std::to_string(p.payment) + " is not client_refund plus the nodes' rewards");
  VINFER_CHECK(r.finish());
  return p;
}

}  // namespace vinfer::ledger
