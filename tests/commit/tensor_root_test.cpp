// Tensor roots: every element of random tensors opens to its value; tampering fails; the
// batched, eight-way roots equal the scalar reference.
#include "vinfer/commit/tensor_root.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "vinfer/tensor/isa.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::commit {
namespace {

struct Tensor {
  DType dtype;
  std::uint32_t rows;
  std::uint32_t cols;
  std::vector<std::uint8_t> bytes;
  std::vector<std::int64_t> values;
};

// Random values spanning the whole range of the type, stored little-endian.
Tensor random_tensor(DType t, std::uint32_t rows, std::uint32_t cols, std::mt19937_64& rng) {
  Tensor x{t, rows, cols, {}, {}};
  const std::size_t size = dtype_size(t);
  for (std::uint64_t i = 0; i < std::uint64_t{rows} * cols; ++i) {
    const std::uint64_t r = rng();
    std::int64_t v = static_cast<std::int64_t>(r);
    if (size == 1) {
      v = static_cast<std::int64_t>(r & 0xff) - 0x80;
    } else if (size == 4) {
      v = static_cast<std::int64_t>(r & 0xffffffff) - 0x80000000LL;
    }
    x.values.push_back(v);
    for (std::size_t b = 0; b < size; ++b) {
      x.bytes.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * b)));
    }
  }
  return x;
}

// The definition, written independently of the library's streaming code.
Hash tensor_root_ref(const Tensor& x) {
  std::vector<Hash> leaves;
  for (std::size_t off = 0; off < x.bytes.size(); off += 256) {
    std::vector<std::uint8_t> pre(257, 0);
    const std::size_t n = std::min<std::size_t>(256, x.bytes.size() - off);
    std::memcpy(pre.data() + 1, x.bytes.data() + off, n);
    leaves.push_back(keccak256(pre));
  }
  const Hash mr = merkle_root(leaves);
  std::vector<std::uint8_t> pre = {0x02, static_cast<std::uint8_t>(x.dtype)};
  for (std::uint32_t v : {x.rows, x.cols}) {
    for (int k = 3; k >= 0; --k) {
      pre.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
    }
  }
  pre.insert(pre.end(), mr.begin(), mr.end());
  return keccak256(pre);
}

TEST(TensorRoot, DTypes) {
  EXPECT_EQ(dtype_size(DType::i8), 1u);
  EXPECT_EQ(dtype_size(DType::i32), 4u);
  EXPECT_EQ(dtype_size(DType::i64), 8u);
  EXPECT_EQ(dtype_from_byte(2).value(), DType::i32);
  EXPECT_FALSE(dtype_from_byte(0).ok());
  EXPECT_FALSE(dtype_from_byte(4).ok());
  EXPECT_STREQ(dtype_name(DType::i64), "i64");
}

TEST(TensorRoot, EveryElementOfOddShapesOpensToItsValue) {
  std::mt19937_64 rng(1);
  const std::uint32_t shapes[][2] = {{1, 1}, {3, 5}, {7, 37}, {1, 257}, {5, 64}, {2, 129}};
  for (DType t : {DType::i8, DType::i32, DType::i64}) {
    for (const auto& shape : shapes) {
      const Tensor x = random_tensor(t, shape[0], shape[1], rng);
      const Hash root = tensor_root(t, x.rows, x.cols, x.bytes);
      ASSERT_EQ(root, tensor_root_ref(x));
      const TensorTree tree(t, x.rows, x.cols, x.bytes);
      ASSERT_EQ(tree.root(), root);
      EXPECT_EQ(tree.chunks().leaf_count(), tensor_chunk_count(t, x.rows, x.cols));
      for (std::uint64_t i = 0; i < x.values.size(); ++i) {
        const Result<std::int64_t> v =
            verify_element(root, t, x.rows, x.cols, i, tree.open_element(i));
        ASSERT_TRUE(v.ok()) << v.error().to_string();
        ASSERT_EQ(v.value(), x.values[i]) << dtype_name(t) << " element " << i;
      }
      const ElementOpening last = open_element(t, x.rows, x.cols, x.bytes, x.values.size() - 1);
      EXPECT_EQ(verify_element(root, t, x.rows, x.cols, x.values.size() - 1, last).value(),
                x.values.back());
    }
  }
}

TEST(TensorRoot, EmptyTensorRootCommitsToShape) {
  const Hash a = tensor_root(DType::i8, 0, 5, {});
  const Hash b = tensor_root(DType::i8, 5, 0, {});
  EXPECT_NE(a, b);
  EXPECT_EQ(a, tensor_root_ref(Tensor{DType::i8, 0, 5, {}, {}}));
}

TEST(TensorRoot, RowsAndRangesOpen) {
  std::mt19937_64 rng(2);
  for (DType t : {DType::i8, DType::i32, DType::i64}) {
    const Tensor x = random_tensor(t, 6, 77, rng);
    const TensorTree tree(t, x.rows, x.cols, x.bytes);
    for (std::uint32_t r = 0; r < x.rows; ++r) {
      const Result<std::vector<std::int64_t>> v =
          verify_range(tree.root(), t, x.rows, x.cols, tree.open_row(r));
      ASSERT_TRUE(v.ok()) << v.error().to_string();
      const std::vector<std::int64_t> want(x.values.begin() + r * x.cols,
                                           x.values.begin() + (r + 1) * x.cols);
      EXPECT_EQ(v.value(), want);
    }
    const RangeOpening whole = tree.open_range(0, x.values.size());
    EXPECT_EQ(verify_range(tree.root(), t, x.rows, x.cols, whole).value(), x.values);
  }
}

TEST(TensorRoot, TamperedOpeningsFail) {
  std::mt19937_64 rng(3);
  const Tensor x = random_tensor(DType::i32, 9, 31, rng);  // 1116 bytes: 5 chunks
  const TensorTree tree(x.dtype, x.rows, x.cols, x.bytes);
  const Hash root = tree.root();
  const std::uint64_t i = 100;  // chunk 1
  const ElementOpening good = tree.open_element(i);
  ASSERT_TRUE(verify_element(root, x.dtype, x.rows, x.cols, i, good).ok());

  for (std::size_t byte : {0, 17, 255}) {  // any byte of the chunk, not only the element's
    ElementOpening o = good;
    o.chunk[byte] ^= 1;
    const Result<std::int64_t> r = verify_element(root, x.dtype, x.rows, x.cols, i, o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::mismatch);
  }
  EXPECT_FALSE(verify_element(root, x.dtype, x.cols, x.rows, i, good).ok());  // shape swapped
  EXPECT_FALSE(verify_element(root, x.dtype, x.rows, x.cols + 1, i, good).ok());
  EXPECT_FALSE(verify_element(root, DType::i8, x.rows, x.cols, i * 4, good).ok());
  EXPECT_FALSE(verify_element(root, DType::i64, x.rows, x.cols, i / 2, good).ok());
  EXPECT_FALSE(verify_element(root, static_cast<DType>(9), x.rows, x.cols, i, good).ok());

  const Result<std::int64_t> out =
      verify_element(root, x.dtype, x.rows, x.cols, x.values.size(), good);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, Errc::invalid_argument);

  // The valid opening of chunk 1 claimed for an element of chunk 2.
  const Result<std::int64_t> other = verify_element(root, x.dtype, x.rows, x.cols, 200, good);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("chunk"), std::string::npos);

  ElementOpening relabelled = good;  // chunk index and proof index disagree
  relabelled.proof.index = 2;
  EXPECT_FALSE(verify_element(root, x.dtype, x.rows, x.cols, i, relabelled).ok());
  ElementOpening flipped = good;
  flipped.proof.siblings[1][5] ^= 0x80;
  EXPECT_FALSE(verify_element(root, x.dtype, x.rows, x.cols, i, flipped).ok());
  ElementOpening truncated = good;
  truncated.proof.siblings.pop_back();
  const Result<std::int64_t> t = verify_element(root, x.dtype, x.rows, x.cols, i, truncated);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, Errc::parse);
}

TEST(TensorRoot, TamperedRangesFail) {
  std::mt19937_64 rng(4);
  const Tensor x = random_tensor(DType::i8, 4, 300, rng);
  const TensorTree tree(x.dtype, x.rows, x.cols, x.bytes);
  const RangeOpening good = tree.open_row(2);  // elements 600..899: chunks 2, 3
  ASSERT_EQ(good.chunks.size(), 2u);
  RangeOpening missing = good;
  missing.chunks.pop_back();
  EXPECT_FALSE(verify_range(tree.root(), x.dtype, x.rows, x.cols, missing).ok());
  RangeOpening swapped = good;
  std::swap(swapped.chunks[0], swapped.chunks[1]);
  EXPECT_FALSE(verify_range(tree.root(), x.dtype, x.rows, x.cols, swapped).ok());
  RangeOpening widened = good;
  widened.end = 1201;  // past the 4 x 300 elements
  EXPECT_FALSE(verify_range(tree.root(), x.dtype, x.rows, x.cols, widened).ok());
  RangeOpening tampered = good;
  tampered.chunks[1].chunk[3] ^= 4;
  EXPECT_FALSE(verify_range(tree.root(), x.dtype, x.rows, x.cols, tampered).ok());
  RangeOpening empty = good;
  empty.end = empty.begin;
  EXPECT_FALSE(verify_range(tree.root(), x.dtype, x.rows, x.cols, empty).ok());
}

TEST(TensorRoot, BatchedRootsEqualTheScalarReferenceExactly) {
  // Chunk counts around every group of eight leaves and every power of two, short last
  // chunks; all in one batch, in batches of one, and split over a pool; on every ISA.
  std::mt19937_64 rng(11);
  std::vector<Tensor> xs;
  for (DType t : {DType::i8, DType::i32, DType::i64}) {
    const auto per_chunk = static_cast<std::uint32_t>(kChunkBytes / dtype_size(t));
    for (std::uint32_t chunks : {0u, 1u, 2u, 3u, 7u, 8u, 9u, 15u, 16u, 17u, 63u, 64u, 65u, 300u}) {
      for (std::uint32_t short_by : {0u, 1u, per_chunk - 1}) {
        if (chunks > 0 || short_by == 0) {
          const std::uint32_t cols = chunks * per_chunk - (chunks > 0 ? short_by : 0);
          xs.push_back(random_tensor(t, 1, cols, rng));
        }
      }
    }
  }
  xs.push_back(random_tensor(DType::i32, 7, 13, rng));
  std::vector<Hash> want;
  std::vector<TensorView> views;
  for (const Tensor& x : xs) {
    want.push_back(tensor_root_ref(x.dtype, x.rows, x.cols, x.bytes));
    views.push_back({x.dtype, x.rows, x.cols, x.bytes});
  }
  tensor::ThreadPool pool(3);
  for (tensor::Isa isa : tensor::available_isas()) {
    tensor::set_isa_for_testing(isa);
    for (tensor::ThreadPool* p : {static_cast<tensor::ThreadPool*>(nullptr), &pool}) {
      std::vector<Hash> got(views.size());
      tensor_roots(views, got, p);
      for (std::size_t i = 0; i < xs.size(); ++i) {
        EXPECT_EQ(got[i], want[i])
            << tensor::isa_name(isa) << " " << dtype_name(xs[i].dtype) << " cols " << xs[i].cols;
        EXPECT_EQ(tensor_root(xs[i].dtype, xs[i].rows, xs[i].cols, xs[i].bytes), want[i]);
      }
    }
  }
  tensor::set_isa_for_testing(tensor::best_isa());
  // One hasher, its scratch reused: batches of every size, the whole batch last.
  TensorRootHasher hasher(&pool);
  for (std::size_t len : {std::size_t{1}, std::size_t{5}, views.size() / 2, views.size()}) {
    std::vector<Hash> got(len);
    hasher.roots(std::span(views).subspan(views.size() - len), got);
    for (std::size_t i = 0; i < len; ++i) {
      ASSERT_EQ(got[i], want[views.size() - len + i]) << len << " " << i;
    }
  }
  std::vector<Hash> none;
  tensor_roots({}, none);
  hasher.roots({}, none);
}

TEST(TensorRoot, HugeShapesAreRejectedNotOverflowed) {
  ElementOpening o;
  const Result<std::int64_t> r = verify_element(Hash{}, DType::i64, UINT32_MAX, UINT32_MAX, 5, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::limit);
}

}  // namespace
}  // namespace vinfer::commit
