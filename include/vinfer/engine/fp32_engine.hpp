// The fp32 engine: the same Llama forward pass as the canonical engine, in float.
//
// NON-CANONICAL. It exists for accuracy comparisons (`vinfer eval`), as the speed
// baseline of `vinfer bench`, and for the tolerance rule of quorum mode (DESIGN §3).
// It uses the tensor layer's fp32 kernels (FMA, lane-split sums), splits matrix
// rows and attention heads across threads, and samples with float math, so its
// logits differ in the last bits between ISAs, and its tokens may differ between
// machines. Nothing it computes is committed, traced or checked by a referee.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "vinfer/model/float_model.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/result.hpp"

namespace vinfer::tensor {
class ThreadPool;
}

namespace vinfer::engine {

/// What an fp32 generation produced.
struct Fp32RunResult {
  std::vector<uint32_t> tokens;  ///< the generated ids (exactly max_tokens)
  double seconds = 0;            ///< wall time of the whole run
  double decode_seconds = 0;     ///< wall time of the generating positions only (as RunResult)
};

/// Receives the float logits computed at position pos (they predict token pos + 1).
using Fp32LogitsCallback = std::function<void(uint32_t pos, std::span<const float> logits)>;

/// A float engine over one model. Not thread-safe; one call at a time.
class Fp32Engine {
 public:
  /// `threads` >= 1 threads for the matrix products and the attention heads.
  Fp32Engine(const model::FloatModel& model, unsigned threads);
  ~Fp32Engine();
  Fp32Engine(const Fp32Engine&) = delete;
  Fp32Engine& operator=(const Fp32Engine&) = delete;

  /// Runs `job` for exactly max_tokens tokens: argmax at temperature 0; otherwise a
  /// float softmax at temperature temperature_q16 / 2^16, the smallest set of most
  /// probable tokens whose mass reaches top_p_q16 / 2^16, and the draw
  /// arith::rng_draw(seed, pos + 1) mapped to [0, 1) (the canonical sampler's draw,
  /// approximately the same choice). The job's model_root is not checked.
  Result<Fp32RunResult> generate(const model::Job& job);

  /// Teacher-forced scoring, like Engine::evaluate: runs `tokens` one position at a time
  /// and calls on_logits(pos, logits) with the logits that predict token pos + 1.
  /// 1 <= tokens.size() <= seq_len; every id < vocab.
  Status evaluate(std::span<const uint32_t> tokens, const Fp32LogitsCallback& on_logits);

  const model::FloatModel& model() const { return model_; }
  unsigned threads() const;

 private:
  struct State;
  const model::FloatModel& model_;
  std::unique_ptr<tensor::ThreadPool> pool_;
  std::vector<float> rope_;  // (seq_len, head_dim/2, {cos, sin})
};

}  // namespace vinfer::engine
