// The typed values of quorum and sampled mode (DESIGN §1-2): who a node is, how much it has
// staked, and the exact integer arithmetic on amounts. quorum sits below ledger, so it
// does not include ledger/address.hpp; NodeId and Amount have the same layout as
// ledger::Address and ledger::Amount (20 bytes, unsigned 64-bit), so the ledger passes its
// values straight through.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "vinfer/assert.hpp"
#include "vinfer/commit/keccak.hpp"

namespace vinfer::quorum {

using commit::Hash;

/// A staked node: 20 bytes, an EVM address (layout of ledger::Address).
using NodeId = std::array<uint8_t, 20>;

/// A quantity of the ledger's one currency in its smallest unit (layout of ledger::Amount).
using Amount = uint64_t;

/// One node that may be selected, with the stake that weighs it.
/// Solidity: struct Candidate { address node; uint64 stake; }.
struct Candidate {
  NodeId id{};
  Amount stake = 0;
  bool operator==(const Candidate&) const = default;
};

/// The denominator of every fraction in this layer: basis points (10000 = 100 %).
inline constexpr uint32_t kBps = 10000;

/// "0x" and the first 4 bytes of a node id, then "…": how error messages name a node.
std::string short_hex(const NodeId& id);

/// a + b, or nullopt if the sum does not fit in an Amount.
constexpr std::optional<Amount> checked_add(Amount a, Amount b) {
  if (b > UINT64_MAX - a)
    return std::nullopt;
  return a + b;
}

/// a * b, or nullopt if the product does not fit in an Amount.
constexpr std::optional<Amount> checked_mul(Amount a, uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a)
    return std::nullopt;
  return a * b;
}

/// floor(a * num / den) for num <= den, den > 0: exact for every a (the product is taken in
/// 128 bits), and never more than a. Solidity: a * num / den in uint256.
constexpr Amount mul_div_floor(Amount a, uint64_t num, uint64_t den) {
  VINFER_ASSERT(den > 0 && num <= den);
  return static_cast<Amount>(static_cast<unsigned __int128>(a) * num / den);
}

/// floor(a * bps / 10000) for bps <= 10000.
constexpr Amount bps_of(Amount a, uint32_t bps) {
  return mul_div_floor(a, bps, kBps);
}

}  // namespace vinfer::quorum
