// Decode speed of the canonical int8 engine against the fp32 engine on a synthetic
// ~10M-parameter model, one thread, and the same int8 runs without a sink and with the
// TraceRecorder (the cost of the trace). Counters report tokens/s and weight bytes/s.
// Real, multi-threaded numbers come from `vinfer bench` and `vinfer bench trace`; ctest
// only smoke-runs this.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/fp32_engine.hpp"
#include "vinfer/engine/trace.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/synthetic.hpp"

namespace vinfer::engine {
namespace {

constexpr uint32_t kTokens = 8;  // decoded per iteration, from a one-token prompt

struct Models {
  model::FloatModel f;
  model::CanonicalModel q;
};

// Built once: quantizing takes longer than a smoke run of the benchmarks.
const Models& models() {
  static const Models m = [] {
    Models out;
    out.f = model::synthetic_model(model::synthetic_config(10'000'000), 1);
    out.q = model::quantize(out.f).value();
    return out;
  }();
  return m;
}

model::Job decode_job() {
  model::Job job;
  job.tokens = {1};
  job.max_tokens = kTokens;
  return job;
}

// Weight elements one decoded token reads: every projection, the classifier, one embedding row.
double weights_per_token(const model::LlamaConfig& c) {
  const double d = c.dim, kv = c.kv_dim(), h = c.hidden_dim;
  return c.n_layers * (2 * d * d + 2 * kv * d + 3 * h * d) + static_cast<double>(c.vocab_size) * d +
         d;
}

void set_counters(benchmark::State& state, double elem_bytes) {
  const double tokens = static_cast<double>(state.iterations()) * kTokens;
  state.counters["tok_s"] = benchmark::Counter(tokens, benchmark::Counter::kIsRate);
  state.counters["weight_B_s"] = benchmark::Counter(
      tokens * elem_bytes * weights_per_token(models().q.cfg), benchmark::Counter::kIsRate);
}

void BM_decode_int8(benchmark::State& state) {
  Engine e(models().q, 1);
  const model::Job job = decode_job();
  for (auto _ : state) {
    auto r = e.run(job);
    benchmark::DoNotOptimize(r);
  }
  set_counters(state, 1);
}
BENCHMARK(BM_decode_int8)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_decode_fp32(benchmark::State& state) {
  Fp32Engine e(models().f, 1);
  const model::Job job = decode_job();
  for (auto _ : state) {
    auto r = e.generate(job);
    benchmark::DoNotOptimize(r);
  }
  set_counters(state, 4);
}
BENCHMARK(BM_decode_fp32)->Unit(benchmark::kMillisecond)->UseRealTime();

// BM_decode_int8 with the TraceRecorder as the sink: compare the two for the trace's overhead.
void BM_run_traced(benchmark::State& state) {
  Engine e(models().q, 1);
  const model::Job job = decode_job();
  for (auto _ : state) {
    TraceRecorder rec;
    auto r = e.run(job, &rec);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(rec.root());
  }
  set_counters(state, 1);
}
BENCHMARK(BM_run_traced)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace vinfer::engine
