// Jobs sealed to the node that must run them (sampled mode, DESIGN §1): an auditor or an
// observer of the ledger sees only ciphertext, so the worker cannot tell an audited job
// from any other. X25519 key agreement with a fresh ephemeral key per message, the key
// derived with BLAKE2b, XChaCha20-Poly1305 (libsodium) for the bytes.
//
//   sealed = "VSL1" || ephemeral_pk (32) || nonce (24) || ciphertext || tag (16)
//   key    = BLAKE2b-256("vinfer-seal-v1" || X25519(ephemeral_sk, recipient_pk)
//                        || ephemeral_pk || recipient_pk)
//   the AEAD's associated data is "VSL1" || ephemeral_pk || recipient_pk || context
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/result.hpp"

namespace vinfer::roles {

/// An X25519 key pair (the key a node registers on the ledger for sealed jobs).
struct X25519KeyPair {
  std::array<uint8_t, 32> pk{};
  std::array<uint8_t, 32> sk{};
};

/// A fresh random key pair.
X25519KeyPair x25519_keypair();
/// The key pair derived from a 32-byte seed (deterministic: tests and the demo).
X25519KeyPair x25519_keypair_from_seed(std::span<const uint8_t, 32> seed);

/// Seals `plaintext` to `recipient`; `context` (e.g. the job's commitment on the ledger)
/// is authenticated, not encrypted.
std::vector<uint8_t> seal(std::span<const uint8_t> plaintext,
                          const std::array<uint8_t, 32>& recipient,
                          std::span<const uint8_t> context = {});

/// Opens what seal() wrote for `me`; an error if the bytes are malformed, for another
/// key, tampered with, or bound to another context.
Result<std::vector<uint8_t>> unseal(std::span<const uint8_t> sealed,
                                    const X25519KeyPair& me,
                                    std::span<const uint8_t> context = {});

}  // namespace vinfer::roles
