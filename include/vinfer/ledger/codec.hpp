// Byte layouts of the records a ledger persists: the claim, the game state, the
// parameters, and a quorum job's round, tally and payout. Each starts with a 4-byte magic
// and a u16 version; every integer is big-endian and every hash 32 raw bytes. A decoder
// reads untrusted bytes (a database file can be damaged) and names the field and offset
// that is wrong; it accepts exactly the bytes its encoder writes. A job is stored as
// model::Job::canonical_bytes.
//
//   Claim v1 (110 bytes):  "VCLM" u16 1 | job_id | output_hash | trace_root | u64 steps
//
//   GameState v1:          "VGAM" u16 1 | claim (the 104 bytes after Claim's header) |
//     u8 phase | u8 turn | clock[0]: u64 left, u64 since | clock[1]: u64 left, u64 since |
//     u64 pos | u32 depth | u64 lo | u64 hi | lo_root | hi_root | mid_root |
//     u64 step | step_root | u64 chunk_count | node | left | right | chunk (256 bytes) |
//     u8 winner | u32 n, n bytes reason (n <= 4096) | u32 rounds | u8 refereed |
//     u64 referee_macs
//
//   Params v2 (82 bytes):  "VPRM" u16 2 | u64 worker_bond | u64 challenger_bond |
//     u64 challenge_window | u64 game.clock_blocks | u32 winner_share_pct |
//     u64 min_stake | u64 unbonding_blocks | u64 round.commit_blocks |
//     u64 round.reveal_blocks | u32 slash_bps | u32 majority_share_bps
//     (v1, without the last four, is no longer read: a database holds the params it was
//     created with, and one from before quorum mode is rejected by its schema version)
//
//   QuorumRound v1 (74 + 94 n bytes):  "VQRD" u16 1 | job_id | u64 opened_at |
//     u64 commit_deadline | u64 reveal_deadline | u64 total_stake | u32 n |
//     n seats: node (20) | u64 stake | u8 committed | commitment | u8 revealed | output_hash
//
//   QuorumTally v1 (59 + 61 n bytes):  "VQTL" u16 1 | u8 verdict | output_hash |
//     u64 winning_stake | u64 total_stake | u32 n |
//     n seats: node (20) | u64 stake | u8 outcome | output_hash
//     (dissenters and non_revealers are not stored: they are the seats with those
//     outcomes, in seat order, as Round::tally lists them)
//
//   QuorumPayout v1 (50 + 53 n bytes):  "VQPY" u16 1 | u64 payment | u64 client_refund |
//     u64 slashed_total | u64 bounty_total | u64 burned | u32 n |
//     n nodes: node (20) | u8 outcome | u64 stake | u64 slashed | u64 reward | u64 bounty
//
//   SampledJob v1:  "VSJB" u16 1 | id | model_root | client (20) | worker (20) |
//     u64 reward | u64 audit_fee | u32 audit_rate_bps | u32 p_bps | u64 escrow | u8 status |
//     u64 block | u64 defend_deadline | u32 k, k auditors: id (20) | commitment |
//     u32 e (0 or k + 1), e envelopes: to (20) | u32 n | n bytes (1 <= n <= 65536) |
//     u8 has_round [job_id | worker (20) | u32 p_bps | u64 opened_at | u64 commit_deadline |
//       u64 audit_deadline | u64 reveal_deadline | u8 worker_committed | worker_commitment |
//       u8 worker_revealed | worker_output | u32 n, n seats: id (20) | registered |
//       u8 committed | commitment | u8 revealed | output_hash] |
//     u8 has_outcome [u8 verdict | u8 worker outcome | output_hash | u32 n, n audits:
//       auditor (20) | u8 outcome | output_hash]
//     (the outcome's disagreeing and slashed lists are implied by the audits)
//
// Beyond the layout, the quorum decoders check what every record the rules produce
// satisfies (their messages name it): flags are 0 or 1, enums in range, a seat's stake
// non-zero and each node seated once, the stakes sum to total_stake, the deadlines
// increase, a seat reveals only after committing and has zero hashes for what it has not
// done, a tally's verdict agrees with its outcomes, a payout's totals are its nodes' sums
// and it spends exactly its payment.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/dispute/game.hpp"
#include "vinfer/dispute/types.hpp"
#include "vinfer/ledger/types.hpp"
#include "vinfer/quorum/payout.hpp"
#include "vinfer/quorum/round.hpp"
#include "vinfer/result.hpp"

namespace vinfer::ledger {

/// Longest game-over reason a GameState encoding carries.
inline constexpr uint32_t kMaxReasonBytes = 4096;

/// Claim v1.
std::vector<uint8_t> encode_claim(const dispute::Claim& c);
/// Parses Claim v1.
Result<dispute::Claim> decode_claim(std::span<const uint8_t> bytes);

/// GameState v1 (a reason longer than kMaxReasonBytes is cut to that length).
std::vector<uint8_t> encode_game_state(const dispute::GameState& g);
/// Parses GameState v1; rejects out-of-range enums and flags, a position of 0, a depth
/// above 64.
Result<dispute::GameState> decode_game_state(std::span<const uint8_t> bytes);

/// Params v2.
std::vector<uint8_t> encode_params(const Params& p);
/// Parses Params v2 (and validates them).
Result<Params> decode_params(std::span<const uint8_t> bytes);

/// QuorumRound v1.
std::vector<uint8_t> encode_quorum_round(const quorum::Round& r);
/// Parses QuorumRound v1.
Result<quorum::Round> decode_quorum_round(std::span<const uint8_t> bytes);

/// QuorumTally v1 (the dissenters and non-revealers are implied by the seats).
std::vector<uint8_t> encode_quorum_tally(const quorum::Tally& t);
/// Parses QuorumTally v1, rebuilding the dissenters and non-revealers from the seats.
Result<quorum::Tally> decode_quorum_tally(std::span<const uint8_t> bytes);

/// QuorumPayout v1.
std::vector<uint8_t> encode_quorum_payout(const quorum::Payout& p);
/// Parses QuorumPayout v1.
Result<quorum::Payout> decode_quorum_payout(std::span<const uint8_t> bytes);

/// SampledJob v1.
std::vector<uint8_t> encode_sampled_job(const SampledJobRecord& j);
/// Parses SampledJob v1: flags and enums in range, increasing deadlines, each auditor seated
/// once and never the worker, one envelope per recipient, and the parts (round, outcome)
/// the status implies.
Result<SampledJobRecord> decode_sampled_job(std::span<const uint8_t> bytes);

}  // namespace vinfer::ledger
