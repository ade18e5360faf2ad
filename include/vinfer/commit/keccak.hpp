// Keccak-256 exactly as the EVM's KECCAK256 opcode computes it: the original Keccak
// submission's padding (domain byte 0x01), not FIPS-202 SHA3-256 (0x06). Every commitment in
// vinfer is built from this one hash so that a Solidity referee can recompute it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vinfer/result.hpp"

namespace vinfer::commit {

/// A 32-byte Keccak-256 digest (also used for every Merkle node and root).
using Hash = std::array<std::uint8_t, 32>;

/// Keccak-256 of `data` in one call.
Hash keccak256(std::span<const std::uint8_t> data);

/// Keccak-256 of the bytes of a string (convenience for tests and labels).
Hash keccak256(std::string_view data);

/// Incremental Keccak-256: any split of the input into `update` calls gives the same digest
/// as the one-shot function. Holds no heap memory, so it is cheap to keep on the stack.
class Keccak256 {
 public:
  /// Bytes absorbed per permutation (1088-bit rate of Keccak-256).
  static constexpr std::size_t kRateBytes = 136;

  /// Starts an empty hash.
  Keccak256() { reset(); }

  /// Forgets everything absorbed so far.
  void reset();

  /// Absorbs `data`.
  void update(std::span<const std::uint8_t> data);

  /// Absorbs one byte (domain-separation prefixes).
  void update_byte(std::uint8_t b);

  /// Pads, permutes and returns the digest. The object must be `reset` before reuse.
  Hash finalize();

 private:
  std::uint64_t lanes_[25];
  std::uint8_t buf_[kRateBytes];
  std::size_t buf_len_;
};

/// Lower-case hex of a hash, 64 characters, no "0x".
std::string to_hex(const Hash& h);

/// Parses 64 hex digits (either case), with or without a leading "0x".
Result<Hash> hash_from_hex(std::string_view text);

/// The 24 round constants of Keccak-f[1600] (FIPS 202 §3.2.5), shared by every
/// implementation of the permutation (this one and the prover's eight-way one).
inline constexpr std::uint64_t kKeccakRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/// The all-zero hash (padding leaf of every Merkle tree).
inline constexpr Hash kZeroHash{};

}  // namespace vinfer::commit
