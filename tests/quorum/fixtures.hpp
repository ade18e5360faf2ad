// Shared helpers of the quorum tests: named node ids and hashes, and a seeded generator
// for the property tests (fixed seeds, so no test can flake).
#pragma once

#include <string>

#include "vinfer/quorum/types.hpp"

namespace vinfer::quorum::testing {

/// keccak256 of a label: a stable job id, output hash or salt.
inline Hash hash_of(const std::string& label) {
  return commit::keccak256(label);
}

/// The last 20 bytes of keccak256("node-<i>"), as ledger::address_of names actors.
inline NodeId node(int i) {
  const Hash h = hash_of("node-" + std::to_string(i));
  NodeId id;
  for (size_t b = 0; b < id.size(); ++b)
    id[b] = h[h.size() - id.size() + b];
  return id;
}

/// xorshift64*: the property tests' dice.
struct Dice {
  uint64_t s;
  explicit Dice(uint64_t seed) : s(seed * 2 + 1) {}
  uint64_t next() {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    return s * 0x2545F4914F6CDD1DULL;
  }
  /// Uniform enough in [0, n), n > 0.
  uint64_t below(uint64_t n) { return next() % n; }
};

}  // namespace vinfer::quorum::testing
