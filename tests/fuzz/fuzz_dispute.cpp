// libFuzzer target: the dispute game and its one-step referee on arbitrary move bytes
// (DESIGN §8: a referee never crashes; it rejects with a reason). One small synthetic
// model and one job are fixed; both parties' honest traces exist, and a liar's (one
// element of step 40 changed). Byte 0 picks how many moves the two sides play first
// (honest defender or liar, from byte 1), so every phase is reached; the rest of the
// input is decoded as a move and applied for the side on move, then for the other side.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "vinfer/dispute/game.hpp"
#include "vinfer/dispute/move_codec.hpp"
#include "vinfer/dispute/player.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/trace.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/model/synthetic.hpp"

using namespace vinfer;
using namespace vinfer::dispute;

namespace {

struct Party {
  std::vector<std::vector<uint8_t>> outputs;
  commit::TraceAccumulator acc;
};

struct World {
  model::CanonicalModel m;
  model::ModelCommitment c;
  model::Job job;
  std::unique_ptr<RefereeContext> ctx;
  Party honest, liar;

  PartyData data(const Party& p) const {
    PartyData d;
    d.trace = &p.acc;
    d.output_of = [&p](uint64_t k) { return std::span<const uint8_t>(p.outputs[k]); };
    d.model = &m;
    d.commitment = &c;
    return d;
  }
};

const World& world() {
  static const World* w = [] {
    auto* out = new World;
    model::LlamaConfig cfg;
    cfg.dim = 64, cfg.hidden_dim = 160, cfg.n_layers = 1, cfg.n_heads = 4, cfg.n_kv_heads = 2;
    cfg.vocab_size = 300, cfg.seq_len = 16;
    out->m = std::move(model::quantize(model::synthetic_model(cfg, 3))).value();
    out->c = model::commit_model(out->m);
    out->job.model_root = out->c.root;
    out->job.tokens = {1, 40, 41};
    out->job.max_tokens = 3;
    engine::Engine eng(out->m, 1);
    engine::StepCollector col;
    (void)eng.run(out->job, &col);
    out->ctx = std::make_unique<RefereeContext>(
        std::move(RefereeContext::create(cfg, out->m.norm_eps_q24, out->c.weights_root, out->job))
            .value());
    auto commit_all = [&](Party& p) {
      for (uint64_t k = 0; k < p.outputs.size(); ++k) {
        const model::Step s = out->ctx->sched.at(k);
        p.acc.append(commit::tensor_root(model::op_dtype(s.op), s.rows, s.cols, p.outputs[k]));
      }
    };
    out->honest.outputs = col.outputs;
    out->liar.outputs = col.outputs;
    out->liar.outputs[40][0] ^= 1;
    commit_all(out->honest);
    commit_all(out->liar);
    return out;
  }();
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  const World& w = world();
  const bool liar_defends = data[1] & 1;
  const Party& def = liar_defends ? w.liar : w.honest;
  const Party& ch = liar_defends ? w.honest : w.liar;
  const Claim claim{w.job.id(), def.acc.leaf(def.acc.size() - 1), def.acc.root(), def.acc.size()};
  GameState g = start_game(claim, GameParams{1000}, 0);
  Player p[2] = {Player(*w.ctx, w.data(def)), Player(*w.ctx, w.data(ch))};
  uint64_t now = 0;
  for (unsigned i = 0; i < data[0] % 48 && !g.resolved(); ++i) {
    auto m = p[static_cast<size_t>(g.turn)].next_move(g, g.turn);
    if (!m.ok() || !apply_move(g, g.turn, *m, ++now, *w.ctx).ok())
      break;
  }
  auto m = decode_move({data + 2, size - 2});
  if (!m.ok())
    return 0;
  const Side first = g.turn;
  (void)apply_move(g, first, *m, ++now, *w.ctx);
  (void)apply_move(g, other(first), *m, ++now, *w.ctx);
  (void)resolve_timeout(g, now + 5000);
  return 0;
}
