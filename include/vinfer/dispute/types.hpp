// The typed values of an optimistic dispute, with the layout the contracts use
// (STYLE.md "Protocols": the same Claim, Position and Clock on and off chain).
#pragma once

#include <bit>
#include <cstdint>

#include "vinfer/commit/keccak.hpp"

namespace vinfer::dispute {

using commit::Hash;

/// A worker's result claim (DESIGN §5 step 1). Solidity: struct Claim { bytes32 jobId;
/// bytes32 outputHash; bytes32 traceRoot; uint64 steps; }.
struct Claim {
  Hash job_id{};       ///< keccak of the job's canonical bytes
  Hash output_hash{};  ///< tensor root of the output step (the generated token ids)
  Hash trace_root{};   ///< accumulator root after every step
  uint64_t steps = 0;  ///< schedule length the worker claims
  bool operator==(const Claim&) const = default;
};

/// A node of a bisection tree: 2^depth + index (the root is 1). Solidity: uint128.
struct Position {
  uint64_t value = 1;

  static constexpr Position root() { return {}; }
  constexpr unsigned depth() const { return static_cast<unsigned>(std::bit_width(value)) - 1; }
  constexpr uint64_t index() const { return value - (uint64_t{1} << depth()); }
  constexpr Position left() const { return {value * 2}; }
  constexpr Position right() const { return {value * 2 + 1}; }
  bool operator==(const Position&) const = default;
};

/// The two sides of a game: the worker defends its claim, a watcher challenges it.
enum class Side : uint8_t { defender = 0, challenger = 1 };
constexpr Side other(Side s) {
  return s == Side::defender ? Side::challenger : Side::defender;
}
const char* side_name(Side s);

/// A chess clock for one side, in blocks: `left` is what remained when its turn began at
/// block `since`. Solidity: struct Clock { uint64 left; uint64 since; }.
struct Clock {
  uint64_t left = 0;
  uint64_t since = 0;
  /// Blocks left at block `now` if the side is on move since `since`; 0 once spent.
  constexpr uint64_t left_at(uint64_t now) const {
    const uint64_t used = now > since ? now - since : 0;
    return used >= left ? 0 : left - used;
  }
  bool operator==(const Clock&) const = default;
};

}  // namespace vinfer::dispute
