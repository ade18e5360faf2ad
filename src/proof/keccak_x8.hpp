// Internal to src/proof: Keccak-256 of eight matrix columns at once, for the polynomial
// commitment's column leaves (the prover hashes 4x its witness in column bytes). The
// eight-way permutation and the hash of eight messages in memory are commit's
// (vinfer/commit/keccak_x8.hpp); this file only adds the sponge input read in place from a
// row-major matrix of field elements. Digests are exactly commit::Keccak256's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/proof/field.hpp"

namespace vinfer::proof::detail {

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

/// The AVX-512 version where tensor::active_isa() is avx512, else the reference (the same
/// choice as commit::keccak256_x8_best).
KeccakColumnsX8Fn keccak256_columns_x8_best();

}  // namespace vinfer::proof::detail
