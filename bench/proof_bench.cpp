// Google Benchmark of the proof layer's pieces, side by side with the int8 work they prove.
// Real numbers: `vinfer_bench_proof --benchmark_min_time=0.5`; ctest only smoke-runs it.
// Ratios (prove / infer) come from rows of one run, never from a timed unit test.
#include <benchmark/benchmark.h>

#include <random>

#include "vinfer/proof/logup.hpp"
#include "vinfer/proof/matmul.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/pcs.hpp"

namespace vinfer::proof {
namespace {

struct Layer {
  MatmulShape s;
  std::vector<std::int8_t> X, W;
  std::vector<Ext> ry, rb;
  Ext v;
};

// A linear layer K -> R on a batch of B int8 inputs and a random output claim.
Layer make_layer(std::size_t B, std::size_t R, std::size_t K) {
  std::mt19937_64 rng(42);
  Layer l;
  l.s = {B, R, K};
  l.X.resize(B * K);
  l.W.resize(R * K);
  for (auto& x : l.X)
    x = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  for (auto& w : l.W)
    w = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  auto point = [&](std::size_t n) {
    std::vector<Ext> p(n);
    for (auto& e : p)
      e = Ext(Fp::from_u64(rng()), Fp::from_u64(rng()));
    return p;
  };
  l.ry = point(log2_ceil(R));
  l.rb = point(log2_ceil(B));
  // The claim the verifier would hold: Y~(ry, rb).
  const auto Y = matmul_reference(l.s, l.X, l.W);
  const std::size_t pr = std::size_t{1} << l.ry.size();
  std::vector<Fp> t(pr << l.rb.size(), Fp::zero());
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t r = 0; r < R; ++r)
      t[b * pr + r] = Fp::from_i64(Y[b * R + r]);
  std::vector<Ext> p = l.ry;
  p.insert(p.end(), l.rb.begin(), l.rb.end());
  l.v = mle_eval(t, p);
  return l;
}

void args(benchmark::internal::Benchmark* b) {
  b->Args({1, 16, 64})->Args({256, 16, 64})->Args({1, 128, 784})->Args({256, 128, 784});
}

void BM_MatmulInfer(benchmark::State& st) {
  const Layer l = make_layer(st.range(0), st.range(1), st.range(2));
  for (auto _ : st)
    benchmark::DoNotOptimize(matmul_reference(l.s, l.X, l.W));
}
BENCHMARK(BM_MatmulInfer)->Apply(args);

void BM_MatmulProve(benchmark::State& st) {
  const Layer l = make_layer(st.range(0), st.range(1), st.range(2));
  std::size_t bytes = 0;
  for (auto _ : st) {
    ProverChannel ch("bench");
    benchmark::DoNotOptimize(matmul_prove(l.s, l.X, l.W, l.ry, l.rb, ch));
    bytes = ch.finish().size();
  }
  st.counters["proof_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MatmulProve)->Apply(args);

void BM_MatmulVerify(benchmark::State& st) {
  const Layer l = make_layer(st.range(0), st.range(1), st.range(2));
  ProverChannel pc("bench");
  matmul_prove(l.s, l.X, l.W, l.ry, l.rb, pc);
  const auto proof = pc.finish();
  for (auto _ : st) {
    VerifierChannel ch("bench", proof);
    auto r = matmul_verify(l.s, l.ry, l.rb, l.v, ch);
    if (!r.ok())
      st.SkipWithError(r.error().message.c_str());
  }
}
BENCHMARK(BM_MatmulVerify)->Apply(args);

// n lookups into a 2^16 range table (the size of a rescale remainder limb table).
void BM_LogupProve(benchmark::State& st) {
  std::mt19937_64 rng(7);
  std::vector<Ext> table(1 << 16);
  for (std::size_t i = 0; i < table.size(); ++i)
    table[i] = Ext(Fp::from_u64(i));
  std::vector<Ext> wit(static_cast<std::size_t>(st.range(0)));
  for (auto& w : wit)
    w = table[rng() % table.size()];
  const unsigned vars = lookup_vars(table.size(), wit.size());
  const auto mult = lookup_multiplicities(table, wit, std::size_t{1} << vars);
  const Ext alpha(Fp::from_u64(rng()), Fp::from_u64(rng()));
  for (auto _ : st) {
    ProverChannel ch("bench");
    benchmark::DoNotOptimize(logup_prove(table, *mult, wit, alpha, ch));
  }
}
BENCHMARK(BM_LogupProve)->Arg(1 << 12)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

// The polynomial commitment on a vector of 2^vars random values (the witness sizes proofs
// commit to): commit, one opening at a random point, its verification.
struct PcsCase {
  std::vector<Fp> values;
  PcsProverData data;
  std::vector<std::vector<Ext>> points;
  std::vector<Ext> claims;
};

PcsCase make_pcs_case(unsigned vars, bool commit) {
  std::mt19937_64 rng(vars);
  PcsCase c;
  c.values.resize(std::size_t{1} << vars);
  for (auto& x : c.values)
    x = Fp::from_u64(rng());
  std::vector<Ext> z(vars);
  for (auto& e : z)
    e = Ext(Fp::from_u64(rng()), Fp::from_u64(rng()));
  c.claims.push_back(mle_eval(std::span<const Fp>(c.values), z));
  c.points.push_back(std::move(z));
  if (commit)
    c.data = pcs_commit(c.values);
  return c;
}

void BM_PcsCommit(benchmark::State& st) {
  const PcsCase c = make_pcs_case(static_cast<unsigned>(st.range(0)), false);
  for (auto _ : st)
    benchmark::DoNotOptimize(pcs_commit(c.values));
}
BENCHMARK(BM_PcsCommit)->Arg(16)->Arg(18)->Arg(20)->Unit(benchmark::kMillisecond);

void BM_PcsOpen(benchmark::State& st) {
  const PcsCase c = make_pcs_case(static_cast<unsigned>(st.range(0)), true);
  std::size_t bytes = 0;
  for (auto _ : st) {
    ProverChannel ch("bench");
    pcs_open(c.data, c.points, ch);
    bytes = ch.finish().size();
  }
  st.counters["proof_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PcsOpen)->Arg(16)->Arg(18)->Arg(20)->Unit(benchmark::kMillisecond);

void BM_PcsVerify(benchmark::State& st) {
  const unsigned vars = static_cast<unsigned>(st.range(0));
  const PcsCase c = make_pcs_case(vars, true);
  ProverChannel pc("bench");
  pcs_open(c.data, c.points, pc);
  const auto proof = pc.finish();
  for (auto _ : st) {
    VerifierChannel ch("bench", proof);
    auto r = pcs_verify(c.data.root, vars, c.points, c.claims, ch);
    if (!r.ok())
      st.SkipWithError(r.error().message.c_str());
  }
  st.counters["proof_bytes"] = static_cast<double>(proof.size());
}
BENCHMARK(BM_PcsVerify)->Arg(16)->Arg(18)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vinfer::proof
