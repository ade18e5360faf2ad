// A job (DESIGN §4): the canonical bytes a client signs up for, and its id.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/model/config.hpp"
#include "vinfer/result.hpp"

namespace vinfer::model {

/// What to run: model, prompt token ids, and sampling parameters in fixed point.
struct Job {
  commit::Hash model_root{};      ///< the model's public id
  std::vector<uint32_t> tokens;   ///< prompt ids from the committed tokenizer (BOS included)
  uint32_t max_tokens = 0;        ///< generation runs exactly this many steps
  uint32_t temperature_q16 = 0;   ///< Q16; 0 = greedy (argmax)
  uint32_t top_p_q16 = 1u << 16;  ///< Q16 in [1, 2^16]; 2^16 = keep everything
  uint64_t seed = 0;              ///< the sampler's counter-based RNG seed

  /// "VJOB", version 1, model_root, u32 n, n x u32 tokens, u32 max_tokens,
  /// u32 temperature_q16, u32 top_p_q16, u64 seed; big-endian.
  std::vector<uint8_t> canonical_bytes() const;
  /// keccak256(canonical_bytes()).
  commit::Hash id() const;
  /// Parses canonical bytes (untrusted); the error names the field and offset.
  static Result<Job> from_bytes(std::span<const uint8_t> bytes);
  bool operator==(const Job&) const = default;
};

/// Checks a job against a model's hyper-parameters (prompt not empty, ids < vocab,
/// prompt + max_tokens - 1 <= seq_len, temperature and top-p in range).
Status validate(const Job& job, const LlamaConfig& cfg);

}  // namespace vinfer::model
