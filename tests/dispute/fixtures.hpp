// A small canonical model, one job run through the engine with every step output kept,
// and helpers to play a whole game between two parties' data.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "engine/fixtures.hpp"
#include "vinfer/dispute/claim.hpp"
#include "vinfer/dispute/game.hpp"
#include "vinfer/dispute/player.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/trace.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/model/synthetic.hpp"

namespace vinfer::dispute::testing {

/// One party's view of a job: every step's output and the accumulator over them.
struct Trace {
  std::vector<std::vector<uint8_t>> outputs;
  commit::TraceAccumulator acc;
  Hash output_hash{};

  /// Re-commits after outputs were changed.
  void recommit(const model::Schedule& sched) {
    acc = {};
    for (uint64_t k = 0; k < outputs.size(); ++k) {
      const model::Step s = sched.at(k);
      acc.append(commit::tensor_root(model::op_dtype(s.op), s.rows, s.cols, outputs[k]));
    }
    output_hash = acc.leaf(acc.size() - 1);
  }
  Claim claim(const model::Job& job) const {
    return {job.id(), output_hash, acc.root(), acc.size()};
  }
};

/// A canonical model with its commitment.
struct Model {
  model::CanonicalModel m;
  model::ModelCommitment c;
};

inline const Model& small_model() {
  static const Model* mdl = [] {
    auto q = model::quantize(model::synthetic_model(engine::testing::small_config(), 7));
    VINFER_ASSERT(q.ok());
    auto* out = new Model{std::move(q).value(), {}};
    out->c = model::commit_model(out->m);
    return out;
  }();
  return *mdl;
}

inline model::Job job_for(const Model& mdl, bool sampled) {
  model::Job j = engine::testing::test_job(sampled);
  j.model_root = mdl.c.root;
  return j;
}

/// Runs the job honestly.
inline Trace run(const Model& mdl, const model::Job& job) {
  engine::Engine eng(mdl.m, 1);
  engine::StepCollector col;
  auto r = eng.run(job, &col);
  VINFER_ASSERT(r.ok());
  Trace t;
  t.outputs = std::move(col.outputs);
  auto sched = model::Schedule::create(mdl.m.cfg, job);
  t.recommit(*sched);
  return t;
}

inline RefereeContext context(const Model& mdl, const model::Job& job) {
  auto c = RefereeContext::create(mdl.m.cfg, mdl.m.norm_eps_q24, mdl.c.weights_root, job);
  VINFER_ASSERT(c.ok());
  return std::move(c).value();
}

inline PartyData party(const Model& mdl, const Trace& t) {
  PartyData d;
  d.trace = &t.acc;
  d.output_of = [&t](uint64_t k) { return std::span<const uint8_t>(t.outputs[k]); };
  d.model = &mdl.m;
  d.commitment = &mdl.c;
  return d;
}

/// Plays a game to the end, each side following its own data, one block per move;
/// a side whose data gives no valid move goes silent until its clock runs out.
inline GameState play(const RefereeContext& ctx,
                      const Claim& claim,
                      const PartyData& defender,
                      const PartyData& challenger,
                      uint64_t* moves_rejected = nullptr) {
  const GameParams params{16};
  uint64_t now = 100;
  GameState g = start_game(claim, params, now);
  Player p[2] = {Player(ctx, defender), Player(ctx, challenger)};
  while (!g.resolved()) {
    ++now;
    if (timed_out(g, now)) {
      EXPECT_TRUE(resolve_timeout(g, now).ok());
      break;
    }
    auto m = p[static_cast<size_t>(g.turn)].next_move(g, g.turn);
    if (!m.ok())
      continue;  // silent
    auto st = apply_move(g, g.turn, *m, now, ctx);
    if (!st.ok()) {
      if (moves_rejected)
        ++*moves_rejected;
      now += params.clock_blocks;  // a rejected party has nothing better: it times out
    }
  }
  return g;
}

}  // namespace vinfer::dispute::testing
