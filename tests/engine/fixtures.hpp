// Shared fixtures of the engine tests: a small synthetic config and a test job.
#pragma once

#include "vinfer/arith/formats.hpp"
#include "vinfer/model/config.hpp"
#include "vinfer/model/job.hpp"

namespace vinfer::engine::testing {

/// Two layers, grouped-query attention (4 heads, 2 kv), vocab 300, context 48.
inline model::LlamaConfig small_config() {
  model::LlamaConfig c;
  c.dim = 64;
  c.hidden_dim = 160;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.vocab_size = 300;
  c.seq_len = 48;
  return c;
}

/// A 5-token prompt and 12 generated tokens; greedy, or T=0.8 top-p 0.9 seed 1234.
inline model::Job test_job(bool sampled) {
  model::Job j;
  j.tokens = {1, 40, 41, 42, 260};
  j.max_tokens = 12;
  if (sampled) {
    j.temperature_q16 = arith::parse_decimal_q16("0.8").value();
    j.top_p_q16 = arith::parse_decimal_q16("0.9").value();
    j.seed = 1234;
  }
  return j;
}

}  // namespace vinfer::engine::testing
