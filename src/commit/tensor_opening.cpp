// Openings of tensor elements and ranges against a tensor root, and their verification.
#include <initializer_list>
#include <string>
#include <string_view>

#include "commit/tensor_chunks.hpp"
#include "vinfer/commit/tensor_root.hpp"

namespace vinfer::commit {
namespace {

std::vector<Hash> all_chunk_leaves(DType t,
                                   std::uint32_t rows,
                                   std::uint32_t cols,
                                   std::span<const std::uint8_t> bytes) {
  VINFER_ASSERT(bytes.size() == detail::tensor_byte_size(t, rows, cols));
  std::vector<Hash> leaves(tensor_chunk_count(t, rows, cols));
  for (std::uint64_t c = 0; c < leaves.size(); ++c) {
    leaves[c] = detail::chunk_leaf_at(bytes, c);
  }
  return leaves;
}

// Concatenates message pieces (appending avoids GCC 12's false -Wrestrict on "lit" + str).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) {
    s += p;
  }
  return s;
}

std::string num(std::uint64_t v) {
  return std::to_string(v);
}

// What a verifier derives from the claimed shape alone.
struct Shape {
  std::size_t elem_size;
  std::uint64_t elements;
  std::uint64_t chunks;
  std::uint64_t per_chunk;  // elements per chunk
};

Result<Shape> check_shape(DType t, std::uint32_t rows, std::uint32_t cols) {
  VINFER_TRY(DType checked, dtype_from_byte(static_cast<std::uint8_t>(t)));
  Shape s;
  s.elem_size = dtype_size(checked);
  s.elements = std::uint64_t{rows} * cols;
  s.chunks = tensor_chunk_count(checked, rows, cols);
  s.per_chunk = kChunkBytes / s.elem_size;
  if (s.chunks > (std::uint64_t{1} << 32)) {
    return fail(Errc::limit, cat({"tensor opening: shape ", num(rows), "x", num(cols), " ",
                                  dtype_name(t), " has ", num(s.chunks), " chunks, over 2^32"}));
  }
  return s;
}

// Checks that `o` is chunk `expected` of the tensor committed by `root`.
Status check_chunk(const Hash& root,
                   DType t,
                   std::uint32_t rows,
                   std::uint32_t cols,
                   const Shape& s,
                   std::uint64_t expected,
                   const ElementOpening& o) {
  if (o.chunk_index != expected) {
    return fail(Errc::mismatch, cat({"tensor opening: chunk index ", num(o.chunk_index),
                                     ", but the element lies in chunk ", num(expected)}));
  }
  if (o.proof.index != o.chunk_index) {
    return fail(Errc::mismatch, cat({"tensor opening: proof index ", num(o.proof.index),
                                     " differs from chunk index ", num(o.chunk_index)}));
  }
  VINFER_TRY(Hash chunks_root, merkle_root_from_proof(s.chunks, chunk_leaf(o.chunk), o.proof));
  if (tensor_root_from_chunks_root(t, rows, cols, chunks_root) != root) {
    return fail(Errc::mismatch, cat({"tensor opening: bad Merkle path for chunk ",
                                     num(o.chunk_index), " (recomputed tensor root differs)"}));
  }
  return ok_status();
}

// Little-endian element at `offset` of `chunk`, sign-extended from `size` bytes.
std::int64_t read_element(const Chunk& chunk, std::size_t offset, std::size_t size) {
  std::uint64_t v = 0;
  for (std::size_t b = size; b-- > 0;) {
    v = v << 8 | chunk[offset + b];
  }
  const unsigned shift = static_cast<unsigned>(64 - 8 * size);
  return static_cast<std::int64_t>(v << shift) >> shift;
}

std::string range_text(std::uint64_t begin, std::uint64_t end) {
  return cat({"[", num(begin), ", ", num(end), ")"});
}

}  // namespace

TensorTree::TensorTree(DType t,
                       std::uint32_t rows,
                       std::uint32_t cols,
                       std::span<const std::uint8_t> bytes)
    : dtype_(t),
      rows_(rows),
      cols_(cols),
      bytes_(bytes.begin(), bytes.end()),
      tree_(all_chunk_leaves(t, rows, cols, bytes)),
      root_(tensor_root_from_chunks_root(t, rows, cols, tree_.root())) {}

ElementOpening TensorTree::open_chunk(std::uint32_t chunk_index) const {
  ElementOpening o;
  o.chunk_index = chunk_index;
  o.chunk = detail::chunk_at(bytes_, chunk_index);
  o.proof = tree_.open(chunk_index);
  return o;
}

ElementOpening TensorTree::open_element(std::uint64_t element_index) const {
  VINFER_ASSERT(element_index < std::uint64_t{rows_} * cols_);
  const std::uint64_t per_chunk = kChunkBytes / dtype_size(dtype_);
  return open_chunk(static_cast<std::uint32_t>(element_index / per_chunk));
}

RangeOpening TensorTree::open_range(std::uint64_t begin, std::uint64_t end) const {
  VINFER_ASSERT(begin < end && end <= std::uint64_t{rows_} * cols_);
  const std::uint64_t per_chunk = kChunkBytes / dtype_size(dtype_);
  RangeOpening r;
  r.begin = begin;
  r.end = end;
  for (std::uint64_t c = begin / per_chunk; c <= (end - 1) / per_chunk; ++c) {
    r.chunks.push_back(open_chunk(static_cast<std::uint32_t>(c)));
  }
  return r;
}

RangeOpening TensorTree::open_row(std::uint32_t row) const {
  VINFER_ASSERT(row < rows_ && cols_ > 0);
  return open_range(std::uint64_t{row} * cols_, (std::uint64_t{row} + 1) * cols_);
}

ElementOpening open_element(DType t,
                            std::uint32_t rows,
                            std::uint32_t cols,
                            std::span<const std::uint8_t> bytes,
                            std::uint64_t element_index) {
  return TensorTree(t, rows, cols, bytes).open_element(element_index);
}

Result<std::int64_t> verify_element(const Hash& tensor_root,
                                    DType t,
                                    std::uint32_t rows,
                                    std::uint32_t cols,
                                    std::uint64_t element_index,
                                    const ElementOpening& opening) {
  VINFER_TRY(Shape s, check_shape(t, rows, cols));
  if (element_index >= s.elements) {
    return fail(Errc::invalid_argument, cat({"tensor opening: element index ", num(element_index),
                                             " out of range (", num(s.elements), " elements)"}));
  }
  VINFER_CHECK(check_chunk(tensor_root, t, rows, cols, s, element_index / s.per_chunk, opening));
  const std::size_t offset = (element_index % s.per_chunk) * s.elem_size;
  return read_element(opening.chunk, offset, s.elem_size);
}

Result<std::vector<std::int64_t>> verify_range(const Hash& tensor_root,
                                               DType t,
                                               std::uint32_t rows,
                                               std::uint32_t cols,
                                               const RangeOpening& opening) {
  VINFER_TRY(Shape s, check_shape(t, rows, cols));
  const std::uint64_t begin = opening.begin;
  const std::uint64_t end = opening.end;
  if (begin >= end || end > s.elements) {
    return fail(Errc::invalid_argument, cat({"tensor opening: range ", range_text(begin, end),
                                             " is empty or past ", num(s.elements), " elements"}));
  }
  const std::uint64_t first = begin / s.per_chunk;
  const std::uint64_t want = (end - 1) / s.per_chunk - first + 1;
  if (opening.chunks.size() != want) {
    return fail(Errc::parse, cat({"tensor opening: range ", range_text(begin, end), " needs ",
                                  num(want), " chunks, got ", num(opening.chunks.size())}));
  }
  for (std::uint64_t k = 0; k < want; ++k) {
    VINFER_CHECK(check_chunk(tensor_root, t, rows, cols, s, first + k, opening.chunks[k]));
  }
  std::vector<std::int64_t> values;
  values.reserve(end - begin);
  for (std::uint64_t i = begin; i < end; ++i) {
    const Chunk& c = opening.chunks[i / s.per_chunk - first].chunk;
    values.push_back(read_element(c, (i % s.per_chunk) * s.elem_size, s.elem_size));
  }
  return values;
}

}  // namespace vinfer::commit
