// Llama-architecture hyper-parameters, shared by the float and canonical models.
#pragma once

#include <cstdint>
#include <string>

#include "vinfer/result.hpp"

namespace vinfer::model {

/// Hyper-parameters of a Llama decoder (names follow llama2.c / GGUF llama.*).
struct LlamaConfig {
  uint32_t dim = 0;         ///< embedding width (llama.embedding_length)
  uint32_t hidden_dim = 0;  ///< SwiGLU width (llama.feed_forward_length)
  uint32_t n_layers = 0;    ///< llama.block_count
  uint32_t n_heads = 0;     ///< llama.attention.head_count
  uint32_t n_kv_heads = 0;  ///< llama.attention.head_count_kv (grouped-query attention)
  uint32_t vocab_size = 0;
  uint32_t seq_len = 0;         ///< llama.context_length
  float rope_theta = 10000.0f;  ///< llama.rope.freq_base
  float norm_eps = 1e-5f;       ///< llama.attention.layer_norm_rms_epsilon

  uint32_t head_dim() const { return n_heads ? dim / n_heads : 0; }
  uint32_t kv_dim() const { return head_dim() * n_kv_heads; }
  /// Parameters, counting every weight tensor (embedding and classifier separately).
  uint64_t param_count() const;
  bool operator==(const LlamaConfig&) const = default;
};

/// Checks the shape rules and the canonical arithmetic's overflow bounds
/// (docs/arithmetic.md §Bounds); the message names the offending field.
Status validate(const LlamaConfig& c);

}  // namespace vinfer::model
