// TraceRecorder: batched, multi-threaded recording gives exactly the trace of one
// tensor_root_ref and one append per step, at every size in between, whatever the steps'
// sizes (batches cut by bytes, by step count, and steps hashed on their own) and after a
// reset.
#include "vinfer/engine/trace.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/commit/tensor_root.hpp"

namespace vinfer::engine {
namespace {

struct FakeStep {
  model::Step step;
  std::vector<uint8_t> bytes;
};

// Steps of all three dtypes of up to `max_cols` columns, and a share `big` of 1 x big_cols
// i32 steps.
std::vector<FakeStep> fake_steps(size_t n,
                                 uint32_t max_cols,
                                 double big,
                                 uint32_t big_cols,
                                 std::mt19937_64& rng) {
  constexpr model::Op kOps[] = {model::Op::quantize, model::Op::matmul, model::Op::sumsq};
  std::vector<FakeStep> out;
  for (size_t i = 0; i < n; ++i) {
    FakeStep s;
    s.step.op = kOps[rng() % 3];
    s.step.rows = 1 + static_cast<uint32_t>(rng() % 3);
    s.step.cols = static_cast<uint32_t>(rng() % (max_cols + 1));
    if (std::uniform_real_distribution<double>(0, 1)(rng) < big) {
      s.step.op = model::Op::matmul;
      s.step.rows = 1;
      s.step.cols = big_cols;
    }
    s.bytes.resize(size_t{s.step.rows} * s.step.cols *
                   commit::dtype_size(model::op_dtype(s.step.op)));
    for (auto& b : s.bytes) {
      b = static_cast<uint8_t>(rng());
    }
    out.push_back(std::move(s));
  }
  return out;
}

// The accumulator of one tensor_root_ref and one append per step, and its root after each.
struct Reference {
  commit::TraceAccumulator acc;
  std::vector<commit::Hash> roots;
};
Reference reference(const std::vector<FakeStep>& steps) {
  Reference r;
  for (const FakeStep& s : steps) {
    r.acc.append(
        commit::tensor_root_ref(model::op_dtype(s.step.op), s.step.rows, s.step.cols, s.bytes));
    r.roots.push_back(r.acc.root());
  }
  return r;
}

void expect_same_trace(TraceRecorder& rec,
                       const std::vector<FakeStep>& steps,
                       const Reference& want,
                       uint64_t read_every) {
  for (size_t i = 0; i < steps.size(); ++i) {
    rec.on_step(i, steps[i].step, steps[i].bytes);
    ASSERT_EQ(rec.size(), i + 1);
    if (i % read_every == 0) {  // reading the root mid-run hashes what waits, then goes on
      ASSERT_EQ(rec.root(), want.roots[i]) << "step " << i;
    }
  }
  EXPECT_EQ(rec.root(), want.acc.root());
  const commit::TraceAccumulator& acc = rec.accumulator();
  ASSERT_EQ(acc.size(), steps.size());
  for (uint64_t at = 1; at <= steps.size(); at += 1 + at / 2) {
    EXPECT_EQ(acc.root_at(at), want.roots[at - 1]) << at;
    EXPECT_EQ(acc.leaf(at - 1), want.acc.leaf(at - 1)) << at;
  }
}

TEST(TraceRecorder, BatchesCutByBytesAndStepsHashedAloneGiveTheSameTrace) {
  // 64 KiB batches: steps of up to ~24 KiB fill them; 1% of 80 KiB are hashed on their own.
  std::mt19937_64 rng(5);
  const std::vector<FakeStep> steps = fake_steps(3000, 2000, 0.01, 20000, rng);
  const Reference want = reference(steps);
  for (unsigned threads : {1u, 3u}) {
    SCOPED_TRACE(threads);
    TraceRecorder rec(threads, size_t{64} << 10);
    expect_same_trace(rec, steps, want, 613);
  }
}

TEST(TraceRecorder, ResetStartsANewTrace) {
  std::mt19937_64 rng(7);
  const std::vector<FakeStep> steps = fake_steps(500, 2000, 0.01, 20000, rng);
  const Reference want = reference(steps);
  TraceRecorder rec(2, size_t{64} << 10);
  for (size_t i = 0; i < 123; ++i) {  // a trace left with steps waiting
    rec.on_step(i, steps[steps.size() - 1 - i].step, steps[steps.size() - 1 - i].bytes);
  }
  rec.reset();
  EXPECT_EQ(rec.size(), 0u);
  EXPECT_EQ(rec.root(), commit::TraceAccumulator().root());
  expect_same_trace(rec, steps, want, 97);
  rec.reset();
  expect_same_trace(rec, steps, want, 1000);
}

TEST(TraceRecorder, BatchesCutByStepCountGiveTheSameTrace) {
  // Default batch bytes: more steps (70000 small ones) than one batch takes.
  std::mt19937_64 rng(6);
  const std::vector<FakeStep> steps = fake_steps(70000, 8, 0, 0, rng);
  const Reference want = reference(steps);
  TraceRecorder rec(2);
  expect_same_trace(rec, steps, want, 65537);
}

TEST(TraceRecorder, EmptyTraceAndEmptySteps) {
  TraceRecorder rec;
  EXPECT_EQ(rec.size(), 0u);
  EXPECT_EQ(rec.root(), commit::TraceAccumulator().root());
  model::Step s;
  s.op = model::Op::matmul;
  s.rows = 1;
  s.cols = 0;
  rec.on_step(0, s, {});
  commit::TraceAccumulator want;
  want.append(commit::tensor_root_ref(commit::DType::i32, 1, 0, {}));
  EXPECT_EQ(rec.root(), want.root());
}

}  // namespace
}  // namespace vinfer::engine
