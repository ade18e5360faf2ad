// Benchmarks of the tensor kernels: int8 GEMV per ISA, fp32 GEMV, the thread
// pool's per-call cost and the memory read bandwidth they are measured against.
//
// GEMV benchmarks report the weight bytes read per second (SetBytesProcessed),
// so int8 and fp32 rows compare directly with read_bandwidth's GB/s.
// Names: <kernel>/<isa>/<rows>x<K>/threads:<n>.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "vinfer/tensor/bandwidth.hpp"
#include "vinfer/tensor/gemv.hpp"
#include "vinfer/tensor/isa.hpp"
#include "vinfer/tensor/sgemv.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::tensor {
namespace {

struct Shape {
  std::size_t rows;
  std::size_t K;
};

// 4096x4096: a 7B-class attention projection. 768x3072: a GPT-2-small MLP
// down-projection. 16384x4096 int8 is 64 MiB, the footprint of the fp32
// 4096x4096, so the two compare out of cache.
const Shape kShapes[] = {{4096, 4096}, {768, 3072}};
const Shape kLargeInt8Shape = {16384, 4096};

// One pool per size, shared by all benchmarks (as the engine shares one).
ThreadPool& pool_of(unsigned threads) {
  static std::map<unsigned, std::unique_ptr<ThreadPool>> pools;
  auto& p = pools[threads];
  if (!p) {
    p = std::make_unique<ThreadPool>(threads);
  }
  return *p;
}

// Random operands, made once per shape: filling 64 MiB per run would dominate.
template <typename T>
const std::vector<T>& random_data(std::size_t n) {
  static std::map<std::size_t, std::vector<T>> cache;
  auto& v = cache[n];
  if (v.empty()) {
    std::mt19937 rng(static_cast<std::uint32_t>(n));
    v.resize(n);
    if constexpr (std::is_same_v<T, float>) {
      std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
      for (auto& e : v) {
        e = dist(rng);
      }
    } else {
      std::uniform_int_distribution<int> dist(-127, 127);
      for (auto& e : v) {
        e = static_cast<T>(dist(rng));
      }
    }
  }
  return v;
}

void bm_gemv_s8(benchmark::State& state, Isa isa, Shape s, unsigned threads) {
  const Isa saved = active_isa();
  set_isa_for_testing(isa);
  const auto& W = random_data<std::int8_t>(s.rows * s.K);
  const auto& x = random_data<std::int8_t>(s.K);
  std::vector<std::int32_t> y(s.rows);
  ThreadPool& pool = pool_of(threads);
  for (auto _ : state) {
    gemv_s8s8_s32(W.data(), s.rows, s.K, x.data(), y.data(), &pool);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(s.rows * s.K));
  set_isa_for_testing(saved);
}

void bm_sgemv_f32(benchmark::State& state, Isa isa, Shape s, unsigned threads) {
  const Isa saved = active_isa();
  set_isa_for_testing(isa);
  const auto& W = random_data<float>(s.rows * s.K);
  const auto& x = random_data<float>(s.K);
  std::vector<float> y(s.rows);
  ThreadPool& pool = pool_of(threads);
  for (auto _ : state) {
    sgemv_f32(W.data(), s.rows, s.K, x.data(), y.data(), &pool);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(s.rows * s.K * sizeof(float)));
  set_isa_for_testing(saved);
}

// An empty parallel_for over one item per thread: the pool's own cost per call.
void bm_parallel_for_empty(benchmark::State& state, unsigned threads) {
  ThreadPool& pool = pool_of(threads);
  std::vector<std::size_t> touched(threads);
  for (auto _ : state) {
    pool.parallel_for(threads, [&](std::size_t b, std::size_t) { touched[b] = b; });
    benchmark::ClobberMemory();
  }
}

// One probe (five passes over 256 MiB) per run; the result is a counter.
void bm_read_bandwidth(benchmark::State& state, unsigned threads) {
  double gbps = 0.0;
  for (auto _ : state) {
    gbps = measure_read_bandwidth_gbps(pool_of(threads));
  }
  state.counters["GB/s"] = gbps;
}

std::string shape_name(Shape s) {
  return std::to_string(s.rows) + "x" + std::to_string(s.K);
}

bool register_all() {
  for (unsigned t : {1u, 2u}) {
    const std::string threads = "/threads:" + std::to_string(t);
    for (Isa isa : available_isas()) {
      for (Shape s : kShapes) {
        benchmark::RegisterBenchmark(
            ("gemv_s8s8_s32/" + std::string(isa_name(isa)) + "/" + shape_name(s) + threads).c_str(),
            bm_gemv_s8, isa, s, t)
            ->UseRealTime();
      }
      benchmark::RegisterBenchmark(("gemv_s8s8_s32/" + std::string(isa_name(isa)) + "/" +
                                    shape_name(kLargeInt8Shape) + threads)
                                       .c_str(),
                                   bm_gemv_s8, isa, kLargeInt8Shape, t)
          ->UseRealTime();
      for (Shape s : kShapes) {
        benchmark::RegisterBenchmark(
            ("sgemv_f32/" + std::string(isa_name(isa)) + "/" + shape_name(s) + threads).c_str(),
            bm_sgemv_f32, isa, s, t)
            ->UseRealTime();
      }
    }
    benchmark::RegisterBenchmark(("thread_pool/parallel_for_empty" + threads).c_str(),
                                 bm_parallel_for_empty, t)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("read_bandwidth/256MiB" + threads).c_str(), bm_read_bandwidth, t)
        ->Iterations(1)
        ->UseRealTime();
  }
  return true;
}

const bool registered = register_all();

}  // namespace
}  // namespace vinfer::tensor
