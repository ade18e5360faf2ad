// Internal to src/proof: Keccak-256 of up to eight equal-length messages at once, for the
// polynomial commitment's column leaves and Merkle levels (the prover hashes 4x its
// witness in column bytes; one AVX-512 register holds the same lane of eight states).
// Digests are exactly commit::Keccak256's (EVM padding): keccak256_x8__avx512 has the
// scalar twin keccak256_x8_ref, and pcs_test compares them on random inputs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/proof/field.hpp"

namespace vinfer::proof::detail {

/// out[k] = keccak256(domain || msgs[k][0 .. len)) for k < count <= 8.
using KeccakX8Fn = void (*)(std::uint8_t domain,
                            const std::uint8_t* const* msgs,
                            std::size_t count,
                            std::size_t len,
                            commit::Hash* out);

/// One commit::Keccak256 per message.
void keccak256_x8_ref(std::uint8_t domain,
                      const std::uint8_t* const* msgs,
                      std::size_t count,
                      std::size_t len,
                      commit::Hash* out);

/// Eight sponges in the lanes of AVX-512 registers; only call where the CPU has AVX-512F.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void keccak256_x8__avx512(std::uint8_t domain,
                          const std::uint8_t* const* msgs,
                          std::size_t count,
                          std::size_t len,
                          commit::Hash* out);

/// out[k] = keccak256(domain || column k) for the eight columns k < 8 of a row-major matrix
/// of field elements, each hashed as 8 little-endian bytes: column k is base[k], base[stride + k],
/// .., base[(rows - 1) stride + k]. The PCS leaves, read in place (no transpose).
using KeccakColumnsX8Fn = void (*)(std::uint8_t domain,
                                   const Fp* base,
                                   std::size_t stride,
                                   std::size_t rows,
                                   commit::Hash* out);

/// Gathers each column and hashes it with commit::Keccak256.
void keccak256_columns_x8_ref(std::uint8_t domain,
                              const Fp* base,
                              std::size_t stride,
                              std::size_t rows,
                              commit::Hash* out);

/// Eight sponges in AVX-512 lanes, each lane of the sponge built from two matrix words
/// (the domain byte shifts the words by one byte); only where the CPU has AVX-512F.
// NOLINTNEXTLINE(bugprone-reserved-identifier): XNNPACK-style name, see STYLE.md
void keccak256_columns_x8__avx512(std::uint8_t domain,
                                  const Fp* base,
                                  std::size_t stride,
                                  std::size_t rows,
                                  commit::Hash* out);

/// The column hasher of the same choice as keccak256_x8_best.
KeccakColumnsX8Fn keccak256_columns_x8_best();

/// The AVX-512 version where tensor::active_isa() is avx512 (so VINFER_ISA=scalar or avx2
/// selects the reference), else the reference.
KeccakX8Fn keccak256_x8_best();

}  // namespace vinfer::proof::detail
