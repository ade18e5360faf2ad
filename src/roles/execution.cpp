// Honest and cheating executions (execution.hpp).
#include "vinfer/roles/execution.hpp"

#include <chrono>
#include <cstring>

#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/trace.hpp"

namespace vinfer::roles {

dispute::PartyData Execution::party(const LocalModel& model) const {
  dispute::PartyData d;
  d.trace = &acc;
  d.output_of = [this](uint64_t k) {
    return k < outputs.size() ? std::span<const uint8_t>(outputs[k]) : std::span<const uint8_t>();
  };
  d.model = &model.m;
  d.commitment = &model.c;
  return d;
}

void Execution::recommit(const model::Schedule& sched) {
  engine::TraceRecorder rec;  // the trace as the engine's recorder commits it
  for (uint64_t k = 0; k < outputs.size(); ++k)
    rec.on_step(k, sched.at(k), outputs[k]);
  acc = rec.accumulator();
  output_hash = acc.leaf(acc.size() - 1);
}

Result<Execution> execute(const LocalModel& model, const model::Job& job, unsigned threads) {
  engine::Engine eng(model.m, threads);
  engine::StepCollector col;
  const auto t0 = std::chrono::steady_clock::now();
  VINFER_TRY(auto r, eng.run(job, &col));
  Execution x;
  x.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  x.job = job;
  x.outputs = std::move(col.outputs);
  VINFER_TRY(auto sched, model::Schedule::create(model.m.cfg, job));
  x.recommit(sched);
  VINFER_ASSERT(x.output_hash == r.output_hash);  // the last step is the output tensor
  x.tokens = r.tokens;
  return x;
}

std::string_view cheat_name(Cheat c) {
  switch (c) {
    case Cheat::none:
      return "none";
    case Cheat::substitute_model:
      return "substitute-model";
    case Cheat::perturb:
      return "perturb-element";
    case Cheat::random_output:
      return "random-output";
    case Cheat::wrong_trace_root:
      return "wrong-trace-root";
    case Cheat::silent:
      return "silent";
  }
  return "invalid";
}

namespace {

// A small deterministic generator for made-up bytes (xorshift64).
struct Noise {
  uint64_t x;
  uint8_t byte() {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return static_cast<uint8_t>(x >> 32);
  }
};

void set_tokens(Execution& x, const model::Schedule& sched) {
  // The output step (the last) holds the token ids as i32.
  const auto& out = x.outputs.back();
  x.tokens.resize(out.size() / 4);
  std::memcpy(x.tokens.data(), out.data(), out.size());
  (void)sched;
}

}  // namespace

Result<Execution> cheat_execution(Cheat cheat,
                                  const LocalModel& claimed,
                                  const LocalModel* substitute,
                                  const model::Job& job,
                                  uint64_t at,
                                  unsigned threads) {
  VINFER_TRY(auto sched, model::Schedule::create(claimed.m.cfg, job));
  const uint64_t n = sched.size();
  if (cheat != Cheat::substitute_model && cheat != Cheat::none && at >= n)
    return fail(Errc::invalid_argument, "cheat: step " + std::to_string(at) + " past the " +
                                            std::to_string(n) + "-step schedule");
  if (cheat == Cheat::substitute_model) {
    if (!substitute)
      return fail(Errc::invalid_argument, "cheat: substitute_model needs a substitute model");
    // The substitute's own steps, cut or padded to the claimed step count, its output last.
    VINFER_TRY(Execution sub, execute(*substitute, job, threads));
    Execution x;
    x.job = job;
    x.seconds = sub.seconds;
    x.tokens = sub.tokens;
    for (uint64_t k = 0; k + 1 < n; ++k) {
      if (k + 1 < sub.outputs.size()) {
        x.outputs.push_back(sub.outputs[k]);
        x.acc.append(sub.acc.leaf(k));
      } else {  // the substitute's schedule is shorter: filler
        x.outputs.emplace_back();
        x.acc.append(commit::keccak256(std::span<const uint8_t>()));
      }
    }
    x.outputs.push_back(sub.outputs.back());
    x.acc.append(sub.output_hash);
    x.output_hash = sub.output_hash;
    return x;
  }

  VINFER_TRY(Execution x, execute(claimed, job, threads));
  Noise noise{0x9E3779B97F4A7C15ULL ^ at};
  switch (cheat) {
    case Cheat::none:
      return x;
    case Cheat::perturb:
    case Cheat::silent:
      x.outputs[at][0] ^= 0x01;  // element 0's lowest bit
      x.recommit(sched);
      break;
    case Cheat::random_output:
      for (uint64_t k = at; k < n; ++k) {
        for (auto& b : x.outputs[k])
          b = noise.byte();
      }
      // The made-up tokens are still ids (a client would notice garbage ids at once).
      for (size_t i = 0; i < x.outputs.back().size() / 4; ++i) {
        const uint32_t id = (noise.byte() | uint32_t{noise.byte()} << 8) % claimed.m.cfg.vocab_size;
        std::memcpy(&x.outputs.back()[i * 4], &id, 4);
      }
      x.recommit(sched);
      break;
    case Cheat::wrong_trace_root: {
      commit::TraceAccumulator acc;
      for (uint64_t k = 0; k < n; ++k) {
        Hash leaf = x.acc.leaf(k);
        if (k == at)
          leaf[0] ^= 0xff;  // no longer the root of any tensor
        acc.append(leaf);
      }
      x.acc = std::move(acc);  // output_hash stays the real output's root
      break;
    }
    case Cheat::substitute_model:
      break;
  }
  set_tokens(x, sched);
  return x;
}

}  // namespace vinfer::roles
