// A Llama model with float weights, as read from GGUF (F32/F16/Q8_0) or llama2.c.
// Input to the quantizer and to the fp32 engine. All matrices are row-major
// (out_features, in_features), like torch's nn.Linear weight.
#pragma once

#include <string>
#include <vector>

#include "vinfer/model/config.hpp"
#include "vinfer/model/tokenizer.hpp"
#include "vinfer/result.hpp"

namespace vinfer::model {

/// One transformer block's float weights.
struct FloatLayer {
  std::vector<float> attn_norm;  // (dim)
  std::vector<float> wq;         // (n_heads*head_dim, dim)
  std::vector<float> wk;         // (n_kv_heads*head_dim, dim)
  std::vector<float> wv;         // (n_kv_heads*head_dim, dim)
  std::vector<float> wo;         // (dim, n_heads*head_dim)
  std::vector<float> ffn_norm;   // (dim)
  std::vector<float> w1;         // (hidden_dim, dim)   gate
  std::vector<float> w2;         // (dim, hidden_dim)   down
  std::vector<float> w3;         // (hidden_dim, dim)   up
};

/// A whole float model.
struct FloatModel {
  std::string name;
  LlamaConfig cfg;
  Tokenizer tokenizer;
  std::vector<float> tok_embd;  // (vocab, dim)
  std::vector<FloatLayer> layers;
  std::vector<float> out_norm;  // (dim)
  std::vector<float> wcls;      // (vocab, dim)
};

/// Checks every tensor's size against cfg; the message names the tensor.
Status check_shapes(const FloatModel& m);

}  // namespace vinfer::model
