// The canonical quantized model: the integers every node computes with, and
// over which the model root is taken (DESIGN §4). Produced by quantize() from a
// FloatModel, or read back from a canonical .vinfer.gguf file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinfer/arith/requant.hpp"
#include "vinfer/model/config.hpp"
#include "vinfer/model/float_model.hpp"
#include "vinfer/model/tokenizer.hpp"

namespace vinfer::model {

/// int8 matrix with one static multiplier per row: real(W[r][k]) ~= w[r*cols+k] * scale[r].
/// For projection weights `scale` already includes the 1/127 of activation quantization
/// (docs/arithmetic.md §Matmul); for the embedding it includes 2^12 (output in Q12).
struct QMatrix {
  uint32_t rows = 0, cols = 0;
  std::vector<int8_t> w;             // (rows, cols), every value in [-127, 127]
  std::vector<arith::Dyadic> scale;  // (rows)
  const int8_t* row(uint32_t r) const { return w.data() + static_cast<size_t>(r) * cols; }
};

/// One canonical transformer block.
struct QLayer {
  std::vector<int32_t> attn_norm;  // (dim) Q16 gains
  QMatrix wq;                      // (n_heads*head_dim, dim)
  QMatrix wk;                      // (kv_dim, dim)
  QMatrix wv;                      // (kv_dim, dim)
  QMatrix wo;                      // (dim, n_heads*head_dim)
  std::vector<int32_t> ffn_norm;   // (dim) Q16
  QMatrix w1;                      // (hidden_dim, dim) gate
  QMatrix w2;                      // (dim, hidden_dim) down
  QMatrix w3;                      // (hidden_dim, dim) up
};

/// The canonical model.
struct CanonicalModel {
  std::string name;
  LlamaConfig cfg;
  int64_t norm_eps_q24 = 0;  ///< round(norm_eps * 2^24): the epsilon in sum-of-squares units
  Tokenizer tokenizer;
  QMatrix tok_embd;  // (vocab, dim), scale gives Q12 activations
  std::vector<QLayer> layers;
  std::vector<int32_t> out_norm;  // (dim) Q16
  QMatrix wcls;                   // (vocab, dim)
};

/// Deterministic float -> canonical quantization (docs/arithmetic.md §Quantizer):
/// per-row symmetric int8, round half away from zero, fixed evaluation order.
/// Fails (naming the tensor and row) if a value is not finite or a bound is exceeded.
Result<CanonicalModel> quantize(const FloatModel& m);

/// The canonical epsilon: max(1, det_round(eps * 2^24)) (the quantizer's rule).
int64_t norm_eps_to_q24(float eps);

/// Checks shapes, value ranges ([-127,127], gain and multiplier bounds) of a canonical
/// model read from an untrusted file; the message names the tensor and index.
Status check_canonical(const CanonicalModel& m);

}  // namespace vinfer::model
