// A node's keys on disk (issue 7): a secp256k1 chain identity (its ledger address is the
// EVM's, the last 20 bytes of keccak-256 of the uncompressed public key), an X25519 key
// pair for the sealed jobs addressed to it, and the secret its quorum salts are derived
// from. Each is one file of hex under DIR/keys/, mode 0600 in a 0700 folder, and a file
// that others can read is refused when loading, as ssh refuses a private key.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "vinfer/ledger/address.hpp"
#include "vinfer/result.hpp"
#include "vinfer/roles/sealed.hpp"

namespace vinfer::node {

/// The secrets of one node and what is derived from them.
struct NodeIdentity {
  std::array<uint8_t, 32> chain_secret{};  ///< secp256k1 secret key
  ledger::Address address{};               ///< derived from chain_secret
  roles::X25519KeyPair sealing;            ///< its public half is registered on the ledger
  commit::Hash role_secret{};              ///< quorum salts: keccak(role_secret || job id)
};

/// The files, relative to the node's directory.
inline constexpr const char* kChainKeyFile = "keys/chain.key";
inline constexpr const char* kSealingKeyFile = "keys/x25519.key";
inline constexpr const char* kRoleSecretFile = "keys/role.secret";

/// The address of a secp256k1 secret key (Errc::invalid_argument if it is not one: zero,
/// or not below the group order).
Result<ledger::Address> address_of_secret(const std::array<uint8_t, 32>& secret);

/// Creates fresh keys (libsodium's random bytes) in `dir`/keys, which must not hold keys
/// yet (Errc::invalid_argument naming the file: a node's identity is never overwritten).
Result<NodeIdentity> create_identity(const std::string& dir);

/// Loads the keys of `dir`: Errc::io for a file that is missing or unreadable,
/// Errc::invalid_argument for one that group or others may read (naming its mode), and
/// Errc::parse for one that is not 64 hex digits (and a newline).
Result<NodeIdentity> load_identity(const std::string& dir);

}  // namespace vinfer::node
