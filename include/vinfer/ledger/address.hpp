// Accounts and amounts of the settlement layer (DESIGN §6). An address has the EVM's
// layout (20 bytes) so that the same actors exist on MemoryLedger and on a chain; an
// amount is an unsigned 64-bit count of the smallest unit, and every sum is checked.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/result.hpp"

namespace vinfer::ledger {

using commit::Hash;

/// An account: 20 bytes, as an EVM address.
using Address = std::array<uint8_t, 20>;

/// The zero address: "nobody" in an event.
inline constexpr Address kNoAddress{};

/// The last 20 bytes of keccak256(name): a stable address for a named test or demo actor
/// ("alice", "worker-3"). Not a key: nothing signs for it.
Address address_of(std::string_view name);

/// "0x" followed by 40 lower-case hex digits.
std::string to_hex(const Address& a);

/// Parses 40 hex digits (either case), with or without a leading "0x".
Result<Address> address_from_hex(std::string_view text);

/// "0x" and the first 4 bytes of a hash, then "…": how error messages name a job or model.
std::string short_hex(const Hash& h);

/// A quantity of the ledger's one currency, in its smallest unit.
using Amount = uint64_t;

/// a + b, or nullopt if the sum does not fit in an Amount.
constexpr std::optional<Amount> checked_add(Amount a, Amount b) {
  if (b > UINT64_MAX - a)
    return std::nullopt;
  return a + b;
}

/// a - b, or nullopt if b > a.
constexpr std::optional<Amount> checked_sub(Amount a, Amount b) {
  if (b > a)
    return std::nullopt;
  return a - b;
}

/// floor(amount * pct / 100) for pct <= 100, exact for every amount (no intermediate
/// overflow): the winner's share of a slashed bond.
constexpr Amount percent_of(Amount amount, uint32_t pct) {
  return amount / 100 * pct + amount % 100 * pct / 100;
}

}  // namespace vinfer::ledger
