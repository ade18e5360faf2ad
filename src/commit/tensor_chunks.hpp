// Internal to vinfer_commit: cutting tensor bytes into chunks, shared by the root and the
// openings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "vinfer/commit/tensor_root.hpp"

namespace vinfer::commit::detail {

/// rows * cols * dtype_size(t), asserting that it fits in size_t and that the chunk count
/// fits in a u32 chunk index.
std::size_t tensor_byte_size(DType t, std::uint32_t rows, std::uint32_t cols);

/// Chunk `index` of `bytes`, zero-padded past the end.
Chunk chunk_at(std::span<const std::uint8_t> bytes, std::uint64_t index);

/// chunk_leaf(chunk_at(bytes, index)) without copying a full chunk.
Hash chunk_leaf_at(std::span<const std::uint8_t> bytes, std::uint64_t index);

/// Bytes of a tensor root preimage after its domain byte: dtype, rows BE, cols BE, root.
inline constexpr std::size_t kTensorPreimageBytes = 1 + 4 + 4 + 32;

/// Writes dtype || rows (u32 BE) || cols (u32 BE) || chunks_root to out[0 .. 41).
void tensor_preimage(DType t,
                     std::uint32_t rows,
                     std::uint32_t cols,
                     const Hash& chunks_root,
                     std::uint8_t* out);

}  // namespace vinfer::commit::detail
