// The commitment to one step's output tensor, and openings of its elements.
//
// The tensor's bytes (elements as they lie in memory, little-endian, row-major) are cut into
// 256-byte chunks, the last one zero-padded; leaf = keccak256(0x00 || chunk). The tensor
// root binds the shape: keccak256(0x02 || dtype || rows (u32 BE) || cols (u32 BE) ||
// merkle_root(leaves)). Every element lies inside one chunk (256 is a multiple of every
// element size), so one chunk and one Merkle path open it. Layouts: docs/commitments.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/commit/keccak_x8.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/result.hpp"

namespace vinfer::tensor {
class ThreadPool;
}

namespace vinfer::commit {

/// Element type of a committed tensor; the value is the byte written into the root preimage.
enum class DType : std::uint8_t { i8 = 1, i32 = 2, i64 = 3 };

/// Bytes per element: 1, 4 or 8; 0 for a value that is not a DType.
constexpr std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::i8:
      return 1;
    case DType::i32:
      return 4;
    case DType::i64:
      return 8;
  }
  return 0;
}

/// "i8", "i32", "i64" (or "invalid").
const char* dtype_name(DType t);

/// Parses the dtype byte of a preimage or a wire message.
Result<DType> dtype_from_byte(std::uint8_t b);

/// Bytes per chunk (Merkle leaf) of a tensor.
inline constexpr std::size_t kChunkBytes = 256;
/// Domain byte of a chunk leaf preimage.
inline constexpr std::uint8_t kChunkDomain = 0x00;
/// Domain byte of a tensor root preimage.
inline constexpr std::uint8_t kTensorDomain = 0x02;

/// One chunk of tensor bytes (the last chunk of a tensor is zero-padded).
using Chunk = std::array<std::uint8_t, kChunkBytes>;

/// Number of chunks (leaves) of a rows x cols tensor of `t`; may exceed 2^32 for shapes no
/// tensor can have (verifiers reject those).
std::uint64_t tensor_chunk_count(DType t, std::uint32_t rows, std::uint32_t cols);

/// keccak256(0x00 || chunk).
Hash chunk_leaf(const Chunk& chunk);

/// keccak256(0x02 || dtype || rows BE || cols BE || chunks_root).
Hash tensor_root_from_chunks_root(DType t,
                                  std::uint32_t rows,
                                  std::uint32_t cols,
                                  const Hash& chunks_root);

/// The tensor root; `bytes.size()` must be rows * cols * dtype_size(t). Hashes eight chunk
/// leaves (then eight Merkle nodes) at a time with keccak256_x8_best(), as TensorRootHasher.
Hash tensor_root(DType t,
                 std::uint32_t rows,
                 std::uint32_t cols,
                 std::span<const std::uint8_t> bytes);

/// One tensor to commit to: its shape and its rows * cols * dtype_size(dtype) bytes.
struct TensorView {
  DType dtype;
  std::uint32_t rows;
  std::uint32_t cols;
  std::span<const std::uint8_t> bytes;
};

/// Computes many tensor roots at once and keeps its scratch memory between calls (the trace
/// recorder's batches). The chunk leaves of all the tensors are hashed together eight at a
/// time (keccak256_x8_best), then each Merkle level of all of them, then the roots, so many
/// small tensors cost about what one tensor of their total size does. With a pool of more
/// than one thread, the tensors are cut into one contiguous run per thread of about equal
/// bytes; the roots never depend on the cut. Not thread-safe.
class TensorRootHasher {
 public:
  /// `pool` (may be null: one thread) must outlive the hasher.
  explicit TensorRootHasher(tensor::ThreadPool* pool = nullptr);
  ~TensorRootHasher();
  TensorRootHasher(const TensorRootHasher&) = delete;
  TensorRootHasher& operator=(const TensorRootHasher&) = delete;

  /// out[i] = tensor_root of tensors[i], for every i; out.size() == tensors.size().
  void roots(std::span<const TensorView> tensors, std::span<Hash> out);

 private:
  struct Scratch;
  static void roots_serial(KeccakX8Fn hash8,
                           std::span<const TensorView> tensors,
                           std::span<Hash> out,
                           Scratch& s);
  tensor::ThreadPool* pool_;
  std::vector<std::unique_ptr<Scratch>> scratch_;  // one per thread
};

/// TensorRootHasher(pool).roots(tensors, out).
void tensor_roots(std::span<const TensorView> tensors,
                  std::span<Hash> out,
                  tensor::ThreadPool* pool = nullptr);

/// The same root, one chunk leaf and one Merkle node at a time with the scalar Keccak256:
/// the reference tensor_root is tested against.
Hash tensor_root_ref(DType t,
                     std::uint32_t rows,
                     std::uint32_t cols,
                     std::span<const std::uint8_t> bytes);

/// One chunk of a tensor and its Merkle path: opens every element inside the chunk.
struct ElementOpening {
  std::uint32_t chunk_index = 0;  ///< which chunk (= proof.index)
  Chunk chunk{};                  ///< the chunk's 256 bytes, zero-padded if last
  MerkleProof proof;              ///< path from chunk_leaf(chunk) to the chunks root
};

/// Opening of the elements [begin, end): every chunk that covers them, in order.
struct RangeOpening {
  std::uint64_t begin = 0;             ///< first element
  std::uint64_t end = 0;               ///< one past the last element
  std::vector<ElementOpening> chunks;  ///< chunks begin*size/256 .. (end*size-1)/256
};

/// All chunk leaves and Merkle levels of one tensor, built once for many openings. Keeps a
/// copy of the bytes.
class TensorTree {
 public:
  /// Hashes the tensor; `bytes.size()` must be rows * cols * dtype_size(t).
  TensorTree(DType t, std::uint32_t rows, std::uint32_t cols, std::span<const std::uint8_t> bytes);

  /// Same value as tensor_root() of the same tensor.
  const Hash& root() const { return root_; }
  /// The Merkle tree over the chunk leaves (for a bisection down the tensor).
  const MerkleTree& chunks() const { return tree_; }
  /// Opens chunk `chunk_index` < chunks().leaf_count().
  ElementOpening open_chunk(std::uint32_t chunk_index) const;
  /// Opens the chunk holding element `element_index` < rows * cols.
  ElementOpening open_element(std::uint64_t element_index) const;
  /// Opens the chunks covering elements [begin, end), begin < end <= rows * cols.
  RangeOpening open_range(std::uint64_t begin, std::uint64_t end) const;
  /// Opens row `row` < rows (elements [row * cols, (row + 1) * cols)); cols > 0.
  RangeOpening open_row(std::uint32_t row) const;

 private:
  DType dtype_;
  std::uint32_t rows_;
  std::uint32_t cols_;
  std::vector<std::uint8_t> bytes_;
  MerkleTree tree_;
  Hash root_;
};

/// Opens one element; hashes the whole tensor (use TensorTree for many openings).
ElementOpening open_element(DType t,
                            std::uint32_t rows,
                            std::uint32_t cols,
                            std::span<const std::uint8_t> bytes,
                            std::uint64_t element_index);

/// The value (sign-extended) of element `element_index` of the tensor committed by
/// `tensor_root`, or an error naming what is wrong: index out of range, chunk index
/// mismatch, malformed proof, or a path that does not lead to `tensor_root`.
Result<std::int64_t> verify_element(const Hash& tensor_root,
                                    DType t,
                                    std::uint32_t rows,
                                    std::uint32_t cols,
                                    std::uint64_t element_index,
                                    const ElementOpening& opening);

/// The values of elements [opening.begin, opening.end), or an error as verify_element's.
Result<std::vector<std::int64_t>> verify_range(const Hash& tensor_root,
                                               DType t,
                                               std::uint32_t rows,
                                               std::uint32_t cols,
                                               const RangeOpening& opening);

}  // namespace vinfer::commit
