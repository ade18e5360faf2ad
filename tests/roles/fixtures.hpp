// Shared fixtures of the roles tests: small synthetic canonical models, built once per seed.
#pragma once

#include <map>
#include <memory>

#include "engine/fixtures.hpp"
#include "vinfer/model/synthetic.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::roles::testing {

/// tests/engine/fixtures.hpp's small config with seeded weights, quantized and committed.
inline const LocalModel& synthetic(uint64_t seed) {
  static std::map<uint64_t, std::unique_ptr<LocalModel>> cache;
  auto& p = cache[seed];
  if (!p) {
    auto q = model::quantize(model::synthetic_model(engine::testing::small_config(), seed));
    VINFER_ASSERT(q.ok());
    p = std::make_unique<LocalModel>(LocalModel{std::move(q).value(), {}});
    p->c = model::commit_model(p->m);
  }
  return *p;
}

/// A 4-token prompt on `m` generating `max_tokens`.
inline model::Job job_on(const LocalModel& m, uint32_t max_tokens) {
  model::Job j;
  j.model_root = m.c.root;
  j.tokens = {m.m.tokenizer.bos(), 40, 41, 42};
  j.max_tokens = max_tokens;
  return j;
}

}  // namespace vinfer::roles::testing
