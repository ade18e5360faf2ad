// The step schedule (DESIGN §4): a pure function of (architecture, job) that says,
// for every step k, its operator, shape, operand steps and weight tensor. The engine
// follows it; the referee and the prover take op, shape and operands from it, never
// from a party. Steps are computed on demand in O(1): nothing is stored per step.
//
// Order: for each position p = 0 .. n_prompt + max_tokens - 2:
//   embed; for each layer the 30 LayerStep steps; and, when p >= n_prompt - 1,
//   the head (final norm, logits) and the sampler (argmax, or the 6 sampling steps).
// Then one `output` step: the generated token ids (the job's output tensor).
#pragma once

#include <cstdint>
#include <string>

#include "vinfer/model/config.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/model/ops.hpp"

namespace vinfer::model {

/// Weight tensors a step may read.
enum class Weight : uint8_t {
  none,
  tok_embd,
  attn_norm,
  wq,
  wk,
  wv,
  wo,
  ffn_norm,
  w1,
  w2,
  w3,
  out_norm,
  wcls
};
const char* weight_name(Weight w);

/// The steps of one transformer block at one position, in order.
enum class LayerStep : uint8_t {
  attn_sumsq,
  attn_norm,
  attn_absmax,
  attn_quant,
  q,
  k,
  v,
  q_rope,
  k_rope,
  scores,
  smax_max,
  smax_exp,
  smax_sum,
  smax_norm,
  av,
  av_absmax,
  av_quant,
  wo,
  attn_add,
  ffn_sumsq,
  ffn_norm,
  ffn_absmax,
  ffn_quant,
  w1,
  w3,
  silu,
  down_absmax,
  down_quant,
  w2,
  ffn_add,
  count_
};
inline constexpr uint32_t kLayerSteps = static_cast<uint32_t>(LayerStep::count_);

/// The head and sampler steps at a sampling position, in order.
enum class HeadStep : uint8_t {
  sumsq,
  norm,
  absmax,
  quant,
  logits,
  argmax,  // temperature 0
  temp = argmax,
  max,
  exp,
  sum,
  topp,
  sample,  // temperature > 0
};
inline constexpr uint32_t kHeadStepsGreedy = 6;
inline constexpr uint32_t kHeadStepsSampled = 11;

/// Where an operand comes from.
struct Operand {
  enum class Kind : uint8_t { none, step, job_token } kind = Kind::none;
  uint64_t index = 0;  ///< step index, or position in the job's prompt
};

/// One step: everything needed to recompute any element of its output.
struct Step {
  Op op = Op::embed;
  uint32_t rows = 0, cols = 0;  ///< output shape
  uint32_t pos = 0;             ///< position being processed
  uint32_t layer = kNoLayer;    ///< transformer block, or kNoLayer
  Weight weight = Weight::none;
  Operand a, b, c;  ///< direct operands, in the op's documented order
  /// For scores / attn_av: the cached K (or V) rows come from steps (p', layer, kv_step)
  /// for p' in [0, kv_count); for output: the sampler steps of the sampling positions.
  LayerStep kv_step = LayerStep::count_;
  uint32_t kv_count = 0;
  static constexpr uint32_t kNoLayer = 0xffffffffu;
};

/// The schedule of one job on one architecture.
class Schedule {
 public:
  /// Validates the job against the config; errors name the field.
  static Result<Schedule> create(const LlamaConfig& cfg, const Job& job);

  uint64_t size() const { return size_; }  ///< number of steps
  Step at(uint64_t k) const;               ///< step k (VINFER_ASSERT k < size())
  uint32_t positions() const { return positions_; }
  uint32_t n_prompt() const { return n_prompt_; }
  bool greedy() const { return greedy_; }
  bool samples_at(uint32_t pos) const { return pos + 1 >= n_prompt_; }

  uint64_t position_start(uint32_t pos) const;  ///< index of the embed step of pos
  uint64_t layer_index(uint32_t pos, uint32_t layer, LayerStep s) const;
  uint64_t head_index(uint32_t pos, HeadStep s) const;  ///< pos must sample
  uint64_t token_step(uint32_t pos) const;  ///< step producing the token at position pos+1
  uint64_t output_index() const { return size_ - 1; }

  /// A one-line description of step k ("k=123 pos=4 layer=1 matmul wq 1x256").
  std::string describe(uint64_t k) const;

 private:
  LlamaConfig cfg_;
  uint32_t n_prompt_ = 0, max_tokens_ = 0, positions_ = 0;
  bool greedy_ = true;
  uint32_t per_pos_ = 0, head_ = 0;
  uint64_t size_ = 0;
};

}  // namespace vinfer::model
