// Byte layouts of the records a ledger persists: the claim, the game state and the
// parameters. Each starts with a 4-byte magic and a u16 version; every integer is
// big-endian and every hash 32 raw bytes. A decoder reads untrusted bytes (a database
// file can be damaged) and names the field and offset that is wrong; it accepts exactly
// the bytes its encoder writes. A job is stored as model::Job::canonical_bytes.
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
//   Params v1 (58 bytes):  "VPRM" u16 1 | u64 worker_bond | u64 challenger_bond |
//     u64 challenge_window | u64 game.clock_blocks | u32 winner_share_pct |
//     u64 min_stake | u64 unbonding_blocks
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/dispute/game.hpp"
#include "vinfer/dispute/types.hpp"
#include "vinfer/ledger/types.hpp"
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

/// Params v1.
std::vector<uint8_t> encode_params(const Params& p);
/// Parses Params v1 (and validates them).
Result<Params> decode_params(std::span<const uint8_t> bytes);

}  // namespace vinfer::ledger
