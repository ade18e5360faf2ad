// The model root (DESIGN §4, docs/model-format.md §Model root):
//   root = merkle_root([arch_leaf, arith_leaf, tokenizer_leaf, weights_root])
// with every integer in the hashed encodings big-endian, so a contract can rebuild them.
#include "vinfer/model/model_root.hpp"

#include <cstring>

#include "vinfer/arith/formats.hpp"
#include "vinfer/arith/tables.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/model/weight_tensors.hpp"

namespace vinfer::model {
namespace {

using commit::DType;
using commit::Hash;

void put_be(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  const size_t at = out.size();
  out.resize(at + static_cast<size_t>(bytes));
  for (int i = 0; i < bytes; ++i) {
    out[at + i] = static_cast<uint8_t>(v >> (8 * (bytes - 1 - i)));
  }
}
void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  put_be(out, v, 4);
}
void put_be64(std::vector<uint8_t>& out, uint64_t v) {
  put_be(out, v, 8);
}
uint32_t float_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

template <class T>
std::span<const uint8_t> as_bytes(const std::vector<T>& v) {
  return {reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(T)};
}

}  // namespace

std::vector<uint8_t> arch_encoding(const CanonicalModel& m) {
  const LlamaConfig& c = m.cfg;
  std::vector<uint8_t> out;
  const std::string_view arch = "llama";
  put_be32(out, static_cast<uint32_t>(arch.size()));
  out.insert(out.end(), arch.begin(), arch.end());
  for (uint32_t v : {c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, c.vocab_size,
                     c.seq_len, float_bits(c.rope_theta), float_bits(c.norm_eps)}) {
    put_be32(out, v);
  }
  put_be64(out, static_cast<uint64_t>(m.norm_eps_q24));
  return out;
}

std::vector<uint8_t> tokenizer_encoding(const Tokenizer& t) {
  std::vector<uint8_t> out;
  put_be32(out, t.size());
  for (uint32_t i = 0; i < t.size(); ++i) {
    const std::string& s = t.tokens()[i];
    put_be32(out, static_cast<uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
    put_be32(out, float_bits(t.scores()[i]));
    put_be32(out, static_cast<uint32_t>(t.types()[i]));
  }
  put_be32(out, t.bos());
  put_be32(out, t.eos());
  put_be32(out, t.unk());
  return out;
}

Hash tables_root(const LlamaConfig& c) {
  auto row = [](const std::vector<int32_t>& t) {
    return commit::tensor_root(DType::i32, 1, static_cast<uint32_t>(t.size()), as_bytes(t));
  };
  const std::vector<int32_t> rope = arith::rope_table(c.head_dim(), c.seq_len, c.rope_theta);
  const Hash leaves[4] = {row(arith::exp_table_hi()), row(arith::exp_table_lo()),
                          row(arith::sigmoid_table()),
                          commit::tensor_root(DType::i32, c.seq_len, c.head_dim(), as_bytes(rope))};
  return commit::merkle_root(leaves);
}

ModelCommitment commit_model(const CanonicalModel& m) {
  ModelCommitment out;
  out.arch_leaf = commit::keccak256(arch_encoding(m));

  std::vector<uint8_t> arith_pre(arith::kArithVersion.begin(), arith::kArithVersion.end());
  const Hash tr = tables_root(m.cfg);
  arith_pre.insert(arith_pre.end(), tr.begin(), tr.end());
  out.arith_leaf = commit::keccak256(arith_pre);

  out.tokenizer_leaf = commit::keccak256(tokenizer_encoding(m.tokenizer));

  for_each_weight_tensor(m, [&](uint32_t, const WeightTensorInfo& t, std::span<const uint8_t> b) {
    out.tensor_names.push_back(t.name);
    out.tensor_roots.push_back(commit::tensor_root(t.dtype, t.rows, t.cols, b));
  });
  out.weights_root = commit::merkle_root(out.tensor_roots);

  const Hash leaves[4] = {out.arch_leaf, out.arith_leaf, out.tokenizer_leaf, out.weights_root};
  out.root = commit::merkle_root(leaves);
  return out;
}

}  // namespace vinfer::model
