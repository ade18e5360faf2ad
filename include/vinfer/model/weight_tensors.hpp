// The canonical weight tensors in the order the weights root commits to them
// (docs/model-format.md §Model root): what a referee needs to open one weight row
// against a model root knowing only the architecture, and what a party needs to build
// that opening from the weights.
//
// Order: tok_embd, tok_embd.scale; per layer l: attn_norm, wq, wq.scale, wk, wk.scale,
// wv, wv.scale, wo, wo.scale, ffn_norm, w1, w1.scale, w2, w2.scale, w3, w3.scale;
// then out_norm, wcls, wcls.scale. A matrix is i8 (rows x cols); its .scale tensor is
// i32 (rows x 2) holding (mant, shift) per row; a gain vector is i32 (1 x dim).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/schedule.hpp"
#include "vinfer/result.hpp"

namespace vinfer::model {

/// Name and shape of one committed weight tensor.
struct WeightTensorInfo {
  std::string name;  ///< "tok_embd", "blk.3.wq.scale", "out_norm", ...
  commit::DType dtype = commit::DType::i8;
  uint32_t rows = 0, cols = 0;
};

/// Number of committed weight tensors: 5 + 16 * n_layers.
uint32_t weight_tensor_count(const LlamaConfig& c);

/// Index of the tensor holding `w` (of block `layer` for per-layer weights); `scale`
/// selects a matrix's multiplier tensor. VINFER_ASSERTs that the pair exists.
uint32_t weight_tensor_index(const LlamaConfig& c, Weight w, uint32_t layer, bool scale);

/// Name and shape of tensor `index` < weight_tensor_count(c), from the config alone.
WeightTensorInfo weight_tensor_info(const LlamaConfig& c, uint32_t index);

/// Calls fn(index, info, bytes) for every tensor in order; bytes as hashed
/// (little-endian, row-major).
void for_each_weight_tensor(
    const CanonicalModel& m,
    const std::function<void(uint32_t, const WeightTensorInfo&, std::span<const uint8_t>)>& fn);

/// The bytes of tensor `index` (as hashed).
std::vector<uint8_t> weight_tensor_bytes(const CanonicalModel& m, uint32_t index);

/// The architecture as the model root's architecture leaf encodes it.
struct ArchInfo {
  LlamaConfig cfg;
  int64_t norm_eps_q24 = 0;
};

/// Parses an architecture encoding (untrusted bytes, e.g. from a registration
/// transaction) and validates the config; the error names the field and offset.
Result<ArchInfo> parse_arch_encoding(std::span<const uint8_t> bytes);

}  // namespace vinfer::model
