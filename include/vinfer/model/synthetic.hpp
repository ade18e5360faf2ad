// Synthetic Llama models with seeded random weights: for tests and for benchmarks
// at a chosen size (`vinfer bench --synthetic-params N`). Not trained; the numbers
// they compute are meaningless, their cost and determinism are real.
#pragma once

#include <cstdint>

#include "vinfer/model/float_model.hpp"

namespace vinfer::model {

/// A config of about `params` parameters: dim a multiple of 64, one layer per 64 of
/// width, SwiGLU width ~8/3 dim, vocab 8192 (smaller for tiny sizes), context 512.
LlamaConfig synthetic_config(uint64_t params);

/// Seeded random weights (uniform, std ~0.02 / sqrt-width scaled), unit norm gains and a
/// byte-level tokenizer padded to the vocab size. Same seed, same model, every machine.
FloatModel synthetic_model(const LlamaConfig& cfg, uint64_t seed);

}  // namespace vinfer::model
