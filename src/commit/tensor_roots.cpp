// Many tensor roots at once (tensor_root.hpp's TensorRootHasher): the same trees as
// tensor_root_ref, hashed breadth-first across the tensors so that every call of the
// eight-way Keccak is full.
//
// Round 0 hashes every chunk leaf of every tensor. Round h + 1 hashes every node of height
// h + 1 of every tree that still has more than one node: nodes 2j and 2j + 1 of height h lie
// side by side in the level array (a node is 64 contiguous bytes to hash), and a last node
// without a right sibling pairs with zero_subtree_root(h), as in MerkleTree. A tree whose
// level has one node is finished: that node is its chunks root. The last round hashes the
// root preimages. With a pool, the tensors are cut into one contiguous run per thread of
// about equal bytes, and each thread does every round of its run on its own scratch.
#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "commit/tensor_chunks.hpp"
#include "vinfer/assert.hpp"
#include "vinfer/commit/keccak_x8.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::commit {

// One thread's buffers, kept between calls so that a batch touches no fresh memory.
struct TensorRootHasher::Scratch {
  std::vector<std::uint64_t> count, off;  // tree i's level: count[i] nodes at cur[off[i] ..]
  std::vector<const std::uint8_t*> msgs;  // one round's messages
  std::vector<Chunk> tails;               // zero-padded short last chunks
  std::vector<std::array<std::uint8_t, 64>> odd;  // last nodes paired with padding
  std::vector<Hash> cur, next, chunks_root;
  std::vector<std::size_t> active;  // trees with more than one node left
  std::vector<std::array<std::uint8_t, detail::kTensorPreimageBytes>> pre;
};

namespace {

// Below this many bytes a batch is not worth waking the pool's workers for.
constexpr std::size_t kMinParallelBytes = std::size_t{64} << 10;

// out[i] = keccak256(domain || msgs[i][0 .. len)) for every i, eight per hash8 call.
void hash_round(KeccakX8Fn hash8,
                std::uint8_t domain,
                std::size_t len,
                const std::vector<const std::uint8_t*>& msgs,
                Hash* out) {
  const std::size_t n = msgs.size();
  for (std::size_t i = 0; i < n; i += 8) {
    hash8(domain, msgs.data() + i, std::min<std::size_t>(8, n - i), len, out + i);
  }
}

}  // namespace

TensorRootHasher::TensorRootHasher(tensor::ThreadPool* pool) : pool_(pool) {
  const unsigned threads = pool_ != nullptr ? pool_->size() : 1;
  for (unsigned t = 0; t < threads; ++t) {
    scratch_.push_back(std::make_unique<Scratch>());
  }
}

TensorRootHasher::~TensorRootHasher() = default;

void TensorRootHasher::roots(std::span<const TensorView> tensors, std::span<Hash> out) {
  VINFER_ASSERT(out.size() == tensors.size());
  std::size_t bytes = 0;
  for (const TensorView& t : tensors) {
    VINFER_ASSERT(t.bytes.size() == detail::tensor_byte_size(t.dtype, t.rows, t.cols));
    bytes += t.bytes.size();
  }
  const KeccakX8Fn hash8 = keccak256_x8_best();
  const std::size_t parts = std::min<std::size_t>(scratch_.size(), tensors.size());
  if (parts <= 1 || bytes < kMinParallelBytes) {
    roots_serial(hash8, tensors, out, *scratch_[0]);
    return;
  }
  // Part p: the tensors whose first byte lies in [p, p + 1) * bytes / parts.
  std::vector<std::size_t> cut(parts + 1, tensors.size());
  cut[0] = 0;
  std::size_t at = 0, p = 1;
  for (std::size_t i = 0; i < tensors.size() && p < parts; ++i) {
    while (p < parts && at >= p * bytes / parts) {
      cut[p++] = i;
    }
    at += tensors[i].bytes.size();
  }
  pool_->parallel_for(parts, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t q = p0; q < p1; ++q) {
      const std::size_t b = cut[q], e = std::max(cut[q], cut[q + 1]);
      roots_serial(hash8, tensors.subspan(b, e - b), out.subspan(b, e - b), *scratch_[q]);
    }
  });
}

void TensorRootHasher::roots_serial(KeccakX8Fn hash8,
                                    std::span<const TensorView> tensors,
                                    std::span<Hash> out,
                                    Scratch& s) {
  const std::size_t n = tensors.size();
  if (n == 0) {
    return;
  }
  // The leaves: every chunk is hashed in place except a short last one, copied to `tails`.
  s.count.resize(n);
  s.off.resize(n);
  std::uint64_t total = 0;
  std::size_t short_tails = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const TensorView& t = tensors[i];
    s.count[i] = tensor_chunk_count(t.dtype, t.rows, t.cols);
    s.off[i] = total;
    total += s.count[i];
    short_tails += t.bytes.size() % kChunkBytes != 0 ? 1 : 0;
  }
  s.tails.clear();
  s.tails.reserve(short_tails);  // no reallocation: msgs point into it
  s.msgs.clear();
  for (const TensorView& t : tensors) {
    const std::size_t full = t.bytes.size() / kChunkBytes;
    for (std::size_t c = 0; c < full; ++c) {
      s.msgs.push_back(t.bytes.data() + c * kChunkBytes);
    }
    if (full * kChunkBytes < t.bytes.size()) {
      s.tails.push_back(detail::chunk_at(t.bytes, full));
      s.msgs.push_back(s.tails.back().data());
    }
  }
  s.cur.resize(total);
  hash_round(hash8, kChunkDomain, kChunkBytes, s.msgs, s.cur.data());

  // The chunks roots: trees of zero or one leaf are finished already.
  s.chunks_root.assign(n, kZeroHash);
  s.active.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (s.count[i] == 1) {
      s.chunks_root[i] = s.cur[s.off[i]];
    } else if (s.count[i] > 1) {
      s.active.push_back(i);
    }
  }
  static_assert(sizeof(Hash) == 32 && sizeof(Hash[2]) == 64, "a node's children are 64 bytes");
  for (unsigned height = 0; !s.active.empty(); ++height) {
    std::size_t odd_count = 0;
    for (std::size_t i : s.active) {
      odd_count += s.count[i] % 2;
    }
    s.odd.clear();
    s.odd.reserve(odd_count);  // no reallocation: msgs point into it
    s.msgs.clear();
    std::uint64_t next_total = 0;
    for (std::size_t i : s.active) {
      const Hash* level = s.cur.data() + s.off[i];
      const std::uint64_t pairs = s.count[i] / 2;
      for (std::uint64_t j = 0; j < pairs; ++j) {
        s.msgs.push_back(level[2 * j].data());
      }
      if (s.count[i] % 2 != 0) {
        std::array<std::uint8_t, 64>& pair = s.odd.emplace_back();
        std::memcpy(pair.data(), level[2 * pairs].data(), 32);
        std::memcpy(pair.data() + 32, zero_subtree_root(height).data(), 32);
        s.msgs.push_back(pair.data());
      }
      s.off[i] = next_total;
      s.count[i] = (s.count[i] + 1) / 2;
      next_total += s.count[i];
    }
    s.next.resize(next_total);
    hash_round(hash8, kNodeDomain, 64, s.msgs, s.next.data());
    s.cur.swap(s.next);
    std::size_t still = 0;
    for (std::size_t a = 0; a < s.active.size(); ++a) {
      const std::size_t i = s.active[a];
      if (s.count[i] == 1) {
        s.chunks_root[i] = s.cur[s.off[i]];
      } else {
        s.active[still++] = i;
      }
    }
    s.active.resize(still);
  }

  // keccak256(0x02 || dtype || rows || cols || chunks root) of every tensor.
  s.pre.resize(n);
  s.msgs.clear();
  for (std::size_t i = 0; i < n; ++i) {
    detail::tensor_preimage(tensors[i].dtype, tensors[i].rows, tensors[i].cols, s.chunks_root[i],
                            s.pre[i].data());
    s.msgs.push_back(s.pre[i].data());
  }
  hash_round(hash8, kTensorDomain, detail::kTensorPreimageBytes, s.msgs, out.data());
}

void tensor_roots(std::span<const TensorView> tensors,
                  std::span<Hash> out,
                  tensor::ThreadPool* pool) {
  TensorRootHasher(pool).roots(tensors, out);
}

}  // namespace vinfer::commit
