// Fixtures of the ledger tests (world.hpp).
#include "ledger/world.hpp"

#include <cstring>
#include <memory>

#include "engine/fixtures.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/dispute/player.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/model/synthetic.hpp"

namespace vinfer::ledger::testing {
namespace {

// Keeps every step's bytes and builds the accumulator over their tensor roots.
class TraceSink : public engine::StepSink {
 public:
  explicit TraceSink(Trace& t) : t_(t) {}
  void on_step(uint64_t, const model::Step& s, std::span<const uint8_t> bytes) override {
    t_.outputs.emplace_back(bytes.begin(), bytes.end());
    t_.acc.append(commit::tensor_root(model::op_dtype(s.op), s.rows, s.cols, bytes));
  }

 private:
  Trace& t_;
};

std::unique_ptr<World> build_world() {
  auto w = std::make_unique<World>();
  auto q = model::quantize(model::synthetic_model(engine::testing::small_config(), 11));
  VINFER_ASSERT(q.ok());
  w->model = std::move(q).value();
  w->commitment = model::commit_model(w->model);
  const model::ModelCommitment& c = w->commitment;
  w->registration = {c.root, model::arch_encoding(w->model), c.arith_leaf, c.tokenizer_leaf,
                     c.weights_root};
  w->job = engine::testing::test_job(false);
  w->job.model_root = c.root;
  w->sched = model::Schedule::create(w->model.cfg, w->job).value();
  w->referee =
      dispute::RefereeContext::create(w->model.cfg, w->model.norm_eps_q24, c.weights_root, w->job)
          .value();
  engine::Engine e(w->model, 1);
  TraceSink sink(w->honest);
  auto r = e.run(w->job, &sink);
  VINFER_ASSERT(r.ok());
  w->honest.output_hash = r->output_hash;
  VINFER_ASSERT(w->honest.acc.leaf(w->honest.steps() - 1) == r->output_hash);
  return w;
}

}  // namespace

dispute::Claim Trace::claim(const Hash& job_id) const {
  return {job_id, output_hash, acc.root(), steps()};
}

std::vector<Hash> Trace::last_peaks() const {
  return acc.peaks_at(steps() - 1);
}

const World& world() {
  static const std::unique_ptr<World> w = build_world();
  return *w;
}

uint64_t tampered_step() {
  return world().sched.layer_index(3, 1, model::LayerStep::q);
}

Trace tampered(const Trace& t, uint64_t k, uint64_t element) {
  const World& w = world();
  const model::Step s = w.sched.at(k);
  const commit::DType dt = model::op_dtype(s.op);
  const size_t es = commit::dtype_size(dt);
  Trace out;
  out.outputs = t.outputs;
  std::vector<uint8_t>& b = out.outputs[k];
  if (es == 1) {
    const int8_t v = static_cast<int8_t>(b[element]);
    b[element] = static_cast<uint8_t>(v == 127 ? v - 1 : v + 1);
  } else {
    b[element * es] ^= 1;  // little-endian: flips the lowest bit
  }
  for (uint64_t i = 0; i < t.steps(); ++i)
    out.acc.append(i == k ? commit::tensor_root(dt, s.rows, s.cols, b) : t.acc.leaf(i));
  out.output_hash = out.acc.leaf(out.steps() - 1);
  return out;
}

Result<dispute::Move> next_move(const World& w,
                                const dispute::GameState& g,
                                dispute::Side me,
                                const Trace& mine) {
  const dispute::PartyData data{
      &mine.acc, [&](uint64_t step) { return std::span<const uint8_t>(mine.outputs[step]); },
      &w.model, &w.commitment};
  dispute::Player player(w.referee, data);
  return player.next_move(g, me);
}

}  // namespace vinfer::ledger::testing
