// Keccak-256 of up to eight equal-length messages at once: one AVX-512 register holds the
// same lane of eight sponge states. Used by the tensor roots of the trace (chunk leaves and
// Merkle levels) and by the prover's polynomial commitment (column leaves and Merkle levels).
// Digests are exactly Keccak256's (EVM padding): keccak256_x8__avx512 has the scalar twin
// keccak256_x8_ref, and keccak_x8_test compares them on random inputs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinfer/commit/keccak.hpp"

namespace vinfer::commit {

/// out[k] = keccak256(domain || msgs[k][0 .. len)) for k < count <= 8.
using KeccakX8Fn = void (*)(std::uint8_t domain,
                            const std::uint8_t* const* msgs,
                            std::size_t count,
                            std::size_t len,
                            Hash* out);

/// One Keccak256 per message.
void keccak256_x8_ref(std::uint8_t domain,
                      const std::uint8_t* const* msgs,
                      std::size_t count,
                      std::size_t len,
                      Hash* out);

/// Eight sponges in the lanes of AVX-512 registers; only call where the CPU has AVX-512F.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void keccak256_x8__avx512(std::uint8_t domain,
                          const std::uint8_t* const* msgs,
                          std::size_t count,
                          std::size_t len,
                          Hash* out);

/// The AVX-512 version where tensor::active_isa() is avx512 (so VINFER_ISA=scalar or avx2
/// selects the reference), else the reference.
KeccakX8Fn keccak256_x8_best();

/// Eight Keccak-f[1600] states side by side: lane[i][k] is lane i (x + 5y) of state k, so
/// lane[i] is one 64-byte AVX-512 word. For sponges that build their own input lanes (the
/// prover's column hasher reads them straight from a matrix).
struct KeccakX8State {
  alignas(64) std::uint64_t lane[25][8];
};

/// Applies Keccak-f[1600] to each of the eight states; only where the CPU has AVX-512F.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void keccak_f1600_x8__avx512(KeccakX8State& s);

}  // namespace vinfer::commit
