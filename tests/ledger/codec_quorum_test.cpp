// Record encodings of quorum mode (codec.hpp): a round, its tally and its payout round
// trip, every truncation is rejected, and every damaged field is named with its offset.
#include <gtest/gtest.h>

#include <cstring>

#include "vinfer/ledger/codec.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::ledger {
namespace {

using quorum::Candidate;
using quorum::NodeId;

NodeId node(uint8_t i) {
  NodeId id{};
  id[0] = i;
  id[19] = static_cast<uint8_t>(0xa0 + i);
  return id;
}

Hash hash_of(uint8_t i) {
  Hash h{};
  h[0] = i;
  h[31] = 0x5a;
  return h;
}

const Hash kJob = hash_of(1);
const Hash kHonest = hash_of(2), kLie = hash_of(3);
const Hash kSalt = hash_of(4);

// Four seats, one in each state: A (500) revealed the honest output, B (200) a lie, C
// (100) committed and went silent, D (150) never committed. A's 500 of 950 wins.
quorum::Round sample_round() {
  const std::vector<Candidate> seats = {
      {node(1), 500}, {node(2), 200}, {node(3), 100}, {node(4), 150}};
  quorum::Round r = quorum::Round::open(kJob, seats, {4, 3}, 10).value();
  const auto c = [&](uint8_t i, const Hash& out) {
    return quorum::output_commitment(kJob, out, kSalt, node(i));
  };
  EXPECT_TRUE(r.commit(node(1), c(1, kHonest), 11).ok());
  EXPECT_TRUE(r.commit(node(2), c(2, kLie), 12).ok());
  EXPECT_TRUE(r.commit(node(3), c(3, kHonest), 13).ok());
  EXPECT_TRUE(r.reveal(node(1), kHonest, kSalt, 15).ok());
  EXPECT_TRUE(r.reveal(node(2), kLie, kSalt, 16).ok());
  return r;
}

quorum::Tally sample_tally() {
  return sample_round().tally(18).value();
}

quorum::Payout sample_payout() {
  return quorum::settle_round(sample_tally(), {70, 6000, 2500}).value();
}

std::vector<uint8_t> with_u64(std::vector<uint8_t> b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    b[at + i] = static_cast<uint8_t>(v >> (8 * (7 - i)));
  return b;
}

std::vector<uint8_t> with_byte(std::vector<uint8_t> b, size_t at, uint8_t v) {
  b[at] = v;
  return b;
}

template <class Decode>
std::string error_of(Decode decode, const std::vector<uint8_t>& b) {
  auto r = decode(b);
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string("(decoded)") : r.error().message;
}

#define EXPECT_HAS(text, needle) \
  EXPECT_NE(std::string(text).find(needle), std::string::npos) << (text)

// Every proper prefix of `b` is rejected naming the record, and so is one byte more.
template <class Decode>
void expect_every_cut_rejected(Decode decode, const std::vector<uint8_t>& b, const char* name) {
  for (size_t n = 0; n < b.size(); ++n) {
    auto r = decode(std::span<const uint8_t>(b.data(), n));
    ASSERT_FALSE(r.ok()) << name << " cut to " << n;
    EXPECT_HAS(r.error().message, name);
  }
  std::vector<uint8_t> longer = b;
  longer.push_back(0);
  EXPECT_HAS(error_of(decode, longer), "1 trailing bytes at offset " + std::to_string(b.size()));
}

TEST(LedgerCodecQuorum, RoundRoundTrip) {
  const quorum::Round r = sample_round();
  const std::vector<uint8_t> b = encode_quorum_round(r);
  EXPECT_EQ(b.size(), 74u + 94u * 4);
  EXPECT_EQ(std::memcmp(b.data(), "VQRD\0\1", 6), 0);
  EXPECT_EQ(decode_quorum_round(b).value(), r);
  const std::vector<Candidate> one = {{node(9), 1}};
  const quorum::Round fresh = quorum::Round::open(kJob, one, {1, 1}, 0).value();
  EXPECT_EQ(decode_quorum_round(encode_quorum_round(fresh)).value(), fresh);
}

TEST(LedgerCodecQuorum, EveryTruncatedRecordIsRejected) {
  expect_every_cut_rejected(decode_quorum_round, encode_quorum_round(sample_round()),
                            "quorum round");
  expect_every_cut_rejected(decode_quorum_tally, encode_quorum_tally(sample_tally()),
                            "quorum tally");
  expect_every_cut_rejected(decode_quorum_payout, encode_quorum_payout(sample_payout()),
                            "quorum payout");
}

TEST(LedgerCodecQuorum, DamagedRoundsNameTheField) {
  const std::vector<uint8_t> good = encode_quorum_round(sample_round());
  const auto bad = [&](const std::vector<uint8_t>& b) { return error_of(decode_quorum_round, b); };
  const size_t seat0 = 74, seat = 94;
  EXPECT_HAS(bad(with_byte(good, 0, 'X')), "bad magic");
  EXPECT_HAS(bad(with_byte(good, 5, 2)), "version 2 at offset 4");
  EXPECT_HAS(bad(with_u64(good, 46, 10)), "commit_deadline at offset 46: block 10 is not after");
  EXPECT_HAS(bad(with_u64(good, 54, 14)), "reveal_deadline at offset 54");
  EXPECT_HAS(bad(with_u64(good, 62, 951)), "total_stake at offset 62: 951 is not the sum");
  EXPECT_HAS(bad(with_byte(good, seat0 + 28, 2)), "seat.committed at offset 102: 2 is not 0 or 1");
  std::vector<uint8_t> twice = good;
  std::memcpy(twice.data() + seat0 + seat, twice.data() + seat0, 20);
  EXPECT_HAS(bad(twice), "seat 1 at offset 168: node 0x01");
  EXPECT_HAS(bad(twice), "is seated twice");
  const size_t d = seat0 + 3 * seat;  // the seat that never committed
  EXPECT_HAS(bad(with_u64(good, d + 20, 0)), "seat.stake at offset " + std::to_string(d + 20));
  EXPECT_HAS(bad(with_byte(good, d + 40, 1)), "seat 3 has a commitment but did not commit");
  EXPECT_HAS(bad(with_byte(good, d + 61, 1)), "seat.revealed at offset " + std::to_string(d + 61));
  const size_t c = seat0 + 2 * seat;  // committed, silent
  EXPECT_HAS(bad(with_byte(good, c + 70, 1)), "seat 2 has an output but did not reveal");
  // A count of 0, and one that the bytes cannot hold.
  std::vector<uint8_t> none(good.begin(), good.begin() + 74);
  std::fill(none.begin() + 70, none.end(), 0);
  EXPECT_HAS(bad(none), "seat count at offset 70: a round has at least one seat");
  std::vector<uint8_t> many = good;
  many[70] = 1;
  EXPECT_HAS(bad(many), "seat count");
}

TEST(LedgerCodecQuorum, TallyRoundTrip) {
  const quorum::Tally t = sample_tally();
  ASSERT_TRUE(t.decided());
  ASSERT_EQ(t.dissenters.size(), 1u);
  ASSERT_EQ(t.non_revealers.size(), 2u);
  const std::vector<uint8_t> b = encode_quorum_tally(t);
  EXPECT_EQ(b.size(), 59u + 61u * 4);
  EXPECT_EQ(decode_quorum_tally(b).value(), t);  // the two lists rebuilt from the seats
  // No majority: every node silent.
  const std::vector<Candidate> seats = {{node(1), 5}, {node(2), 6}};
  const quorum::Tally none = quorum::Round::open(kJob, seats, {1, 1}, 0).value().tally(3).value();
  ASSERT_FALSE(none.decided());
  EXPECT_EQ(decode_quorum_tally(encode_quorum_tally(none)).value(), none);
}

TEST(LedgerCodecQuorum, DamagedTalliesNameTheField) {
  const std::vector<uint8_t> good = encode_quorum_tally(sample_tally());
  const auto bad = [&](const std::vector<uint8_t>& b) { return error_of(decode_quorum_tally, b); };
  EXPECT_HAS(bad(with_byte(good, 6, 2)), "verdict at offset 6: 2 is not a verdict");
  EXPECT_HAS(bad(with_byte(good, 6, 1)),
             "output_hash at offset 7: a round with no majority has no winning output");
  EXPECT_HAS(bad(with_u64(good, 39, 951)), "total_stake at offset 47: winning_stake 951");
  EXPECT_HAS(bad(with_u64(good, 47, 949)), "total_stake at offset 47: 949 is not the sum");
  EXPECT_HAS(bad(with_byte(good, 59 + 28, 5)), "seat.outcome at offset 87: 5 is not an outcome");
  EXPECT_HAS(bad(with_byte(good, 59 + 28, 4)),
             "seat.outcome at offset 87: seat 0 is no_majority under the verdict majority");
}

TEST(LedgerCodecQuorum, PayoutRoundTrip) {
  const quorum::Payout p = sample_payout();
  // B (200) and C (100) lose 120 + 60; D (150) 90: 270 slashed, pool 67, all to A.
  ASSERT_EQ(p.slashed_total, 270u);
  ASSERT_EQ(p.bounty_total, 67u);
  const std::vector<uint8_t> b = encode_quorum_payout(p);
  EXPECT_EQ(b.size(), 50u + 53u * 4);
  EXPECT_EQ(std::memcmp(b.data(), "VQPY\0\1", 6), 0);
  EXPECT_EQ(decode_quorum_payout(b).value(), p);
}

TEST(LedgerCodecQuorum, DamagedPayoutsNameTheField) {
  const std::vector<uint8_t> good = encode_quorum_payout(sample_payout());
  const auto bad = [&](const std::vector<uint8_t>& b) { return error_of(decode_quorum_payout, b); };
  const size_t n0 = 50, node = 53;
  EXPECT_HAS(bad(with_u64(good, 6, 281)), "payment at offset 6: 281 is not client_refund plus");
  EXPECT_HAS(bad(with_u64(good, 22, 271)), "burned at offset 38");
  EXPECT_HAS(bad(with_u64(good, 30, 271)), "bounty_total at offset 30: 271 is above");
  EXPECT_HAS(bad(with_u64(good, 38, 0)), "burned at offset 38: 0 is not");
  EXPECT_HAS(bad(with_byte(good, n0 + 20, 7)), "node.outcome at offset 70: 7 is not an outcome");
  EXPECT_HAS(bad(with_u64(good, n0 + node + 37, 70)),
             "node.bounty at offset " + std::to_string(n0 + node + 45) + ": node 1 is dissented");
  EXPECT_HAS(bad(with_u64(good, n0 + node + 29, 201)), "node.slashed at offset " +
                                                           std::to_string(n0 + node + 29) +
                                                           ": node 1 loses more than its stake");
  EXPECT_HAS(bad(with_u64(good, n0 + 29, 1)), "node 0 is agreed and cannot be slashed");
  // The totals follow the nodes: a slash changed on its own breaks slashed_total.
  EXPECT_HAS(bad(with_u64(good, n0 + node + 29, 119)), "slashed_total at offset 22");
}

}  // namespace
}  // namespace vinfer::ledger
