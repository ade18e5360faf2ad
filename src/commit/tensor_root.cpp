// Tensor roots: chunk leaves, the shape-binding root preimage (docs/commitments.md §3).
#include "vinfer/commit/tensor_root.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "commit/tensor_chunks.hpp"

namespace vinfer::commit {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::i8:
      return "i8";
    case DType::i32:
      return "i32";
    case DType::i64:
      return "i64";
  }
  return "invalid";
}

Result<DType> dtype_from_byte(std::uint8_t b) {
  const DType t = static_cast<DType>(b);
  if (dtype_size(t) == 0) {
    return fail(Errc::parse,
                "dtype byte " + std::to_string(b) + " is not i8 (1), i32 (2), i64 (3)");
  }
  return t;
}

std::uint64_t tensor_chunk_count(DType t, std::uint32_t rows, std::uint32_t cols) {
  const std::size_t size = dtype_size(t);
  VINFER_ASSERT(size != 0);
  // rows * cols * size can exceed 2^64; count in elements per chunk instead of bytes.
  const std::uint64_t per_chunk = kChunkBytes / size;
  const std::uint64_t n = std::uint64_t{rows} * cols;
  return n / per_chunk + (n % per_chunk != 0 ? 1 : 0);
}

Hash chunk_leaf(const Chunk& chunk) {
  Keccak256 h;
  h.update_byte(kChunkDomain);
  h.update(chunk);
  return h.finalize();
}

Hash tensor_root_from_chunks_root(DType t,
                                  std::uint32_t rows,
                                  std::uint32_t cols,
                                  const Hash& chunks_root) {
  std::uint8_t pre[1 + detail::kTensorPreimageBytes];
  pre[0] = kTensorDomain;
  detail::tensor_preimage(t, rows, cols, chunks_root, pre + 1);
  return keccak256(pre);
}

Hash tensor_root(DType t,
                 std::uint32_t rows,
                 std::uint32_t cols,
                 std::span<const std::uint8_t> bytes) {
  const TensorView view{t, rows, cols, bytes};
  Hash root;
  tensor_roots({&view, 1}, {&root, 1});
  return root;
}

Hash tensor_root_ref(DType t,
                     std::uint32_t rows,
                     std::uint32_t cols,
                     std::span<const std::uint8_t> bytes) {
  VINFER_ASSERT(bytes.size() == detail::tensor_byte_size(t, rows, cols));
  const std::uint64_t chunks = tensor_chunk_count(t, rows, cols);
  MerkleRootBuilder b;
  for (std::uint64_t c = 0; c < chunks; ++c) {
    b.push(detail::chunk_leaf_at(bytes, c));
  }
  return tensor_root_from_chunks_root(t, rows, cols, b.root());
}

namespace detail {

void tensor_preimage(DType t,
                     std::uint32_t rows,
                     std::uint32_t cols,
                     const Hash& chunks_root,
                     std::uint8_t* out) {
  out[0] = static_cast<std::uint8_t>(t);
  for (int i = 0; i < 4; ++i) {
    out[1 + i] = static_cast<std::uint8_t>(rows >> (24 - 8 * i));
    out[5 + i] = static_cast<std::uint8_t>(cols >> (24 - 8 * i));
  }
  std::memcpy(out + 9, chunks_root.data(), chunks_root.size());
}

std::size_t tensor_byte_size(DType t, std::uint32_t rows, std::uint32_t cols) {
  const std::size_t size = dtype_size(t);
  VINFER_ASSERT(size != 0);
  const std::uint64_t n = std::uint64_t{rows} * cols;
  VINFER_ASSERT(n <= std::numeric_limits<std::size_t>::max() / size);
  VINFER_ASSERT(tensor_chunk_count(t, rows, cols) <= (std::uint64_t{1} << 32));
  return static_cast<std::size_t>(n * size);
}

Chunk chunk_at(std::span<const std::uint8_t> bytes, std::uint64_t index) {
  const std::uint64_t off = index * kChunkBytes;
  VINFER_ASSERT(off < bytes.size());
  Chunk c{};
  const std::size_t n = std::min<std::uint64_t>(kChunkBytes, bytes.size() - off);
  std::memcpy(c.data(), bytes.data() + off, n);
  return c;
}

Hash chunk_leaf_at(std::span<const std::uint8_t> bytes, std::uint64_t index) {
  const std::uint64_t off = index * kChunkBytes;
  VINFER_ASSERT(off < bytes.size());
  if (bytes.size() - off < kChunkBytes) {
    return chunk_leaf(chunk_at(bytes, index));
  }
  Keccak256 h;
  h.update_byte(kChunkDomain);
  h.update(bytes.subspan(off, kChunkBytes));
  return h.finalize();
}

}  // namespace detail
}  // namespace vinfer::commit
