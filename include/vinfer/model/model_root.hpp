// The model root (DESIGN §4): a keccak Merkle root over four leaves — architecture,
// arithmetic, tokenizer, weights — computed from the canonical model, so every node that
// quantizes the same source gets the same root. Layout: docs/model-format.md §Model root.
#pragma once

#include <string>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/model/canonical.hpp"

namespace vinfer::model {

/// The model root and everything it is built from.
struct ModelCommitment {
  commit::Hash root;        ///< merkle_root([arch_leaf, arith_leaf, tokenizer_leaf, weights_root])
  commit::Hash arch_leaf;   ///< keccak256 of the architecture encoding
  commit::Hash arith_leaf;  ///< keccak256(kArithVersion || tables root)
  commit::Hash tokenizer_leaf;             ///< keccak256 of the tokenizer encoding
  commit::Hash weights_root;               ///< merkle_root(tensor_roots)
  std::vector<commit::Hash> tensor_roots;  ///< one per canonical tensor, in weights order
  std::vector<std::string> tensor_names;   ///< "tok_embd", "tok_embd.scale", "blk.0.attn_norm", ...
};

/// Commits to a canonical model (which must satisfy check_canonical).
ModelCommitment commit_model(const CanonicalModel& m);

/// The architecture leaf's preimage: u32 BE length + "llama", the LlamaConfig fields as u32
/// BE (rope_theta and norm_eps as IEEE-754 bits), norm_eps_q24 as u64 BE.
std::vector<uint8_t> arch_encoding(const CanonicalModel& m);

/// The tokenizer leaf's preimage: u32 BE count; per token u32 BE length, its text, score
/// bits u32 BE, type i32 BE; then bos, eos, unk u32 BE.
std::vector<uint8_t> tokenizer_encoding(const Tokenizer& t);

/// Root of the arithmetic tables for a model: merkle_root of the tensor roots of
/// exp_table_hi, exp_table_lo, sigmoid_table (i32, 1 x n) and rope_table(head_dim, seq_len,
/// rope_theta) (i32, seq_len x head_dim).
commit::Hash tables_root(const LlamaConfig& c);

}  // namespace vinfer::model
