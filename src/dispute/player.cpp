// A party's moves from its own data (player.hpp).
#include "vinfer/dispute/player.hpp"

#include <cstring>
#include <string>

#include "vinfer/commit/merkle.hpp"

namespace vinfer::dispute {

Player::Player(const RefereeContext& ctx, PartyData data) : ctx_(ctx), data_(std::move(data)) {}

Result<const commit::TensorTree*> Player::tree(uint64_t step) {
  auto& t = trees_[step];
  if (!t) {
    const model::Step s = ctx_.sched.at(step);
    const commit::DType dt = model::op_dtype(s.op);
    const auto bytes = data_.output_of(step);
    if (bytes.size() != uint64_t{s.rows} * s.cols * commit::dtype_size(dt))
      return fail(Errc::mismatch, "player: own output of " + ctx_.sched.describe(step) +
                                      " does not have the schedule's shape");
    t = std::make_unique<commit::TensorTree>(dt, s.rows, s.cols, bytes);
  }
  return t.get();
}

Result<Move> Player::next_move(const GameState& g, Side me) {
  if (g.resolved() || g.turn != me)
    return fail(Errc::invalid_argument, "player: not this side's move");
  const commit::TraceAccumulator& tr = *data_.trace;
  if (tr.size() != g.claim.steps)
    return fail(Errc::mismatch, "player: own trace has " + std::to_string(tr.size()) +
                                    " steps, the claim " + std::to_string(g.claim.steps));
  switch (g.phase) {
    case Phase::bisect_trace: {
      const uint64_t mid = g.lo + (uint64_t{1} << (g.depth - g.pos.depth() - 1));
      if (me == Side::defender)
        return Move{Bisect{tr.root_at(mid)}};
      return Move{Choose{g.mid_root == tr.root_at(mid)}};
    }
    case Phase::open_step: {
      OpenStep o;
      o.peaks = tr.peaks_at(g.step);
      o.step_root = tr.leaf(g.step);
      VINFER_TRY(const commit::TensorTree* t, tree(g.step));
      o.chunks_root = t->chunks().root();
      return Move{std::move(o)};
    }
    case Phase::bisect_tensor: {
      VINFER_TRY(const commit::TensorTree* tt, tree(g.step));
      const commit::MerkleTree& t = tt->chunks();
      const unsigned h = g.depth - g.pos.depth();
      const uint64_t i = g.pos.index();
      if (me == Side::defender)
        return Move{Children{t.node(h - 1, 2 * i), t.node(h - 1, 2 * i + 1)}};
      // Go where the defender's child differs from ours; left first.
      return Move{Choose{g.left == t.node(h - 1, 2 * i)}};
    }
    case Phase::open_chunk: {
      VINFER_TRY(const commit::TensorTree* t, tree(g.step));
      return Move{OpenChunk{t->open_chunk(static_cast<uint32_t>(g.pos.index())).chunk}};
    }
    case Phase::name_element: {
      const model::Step s = ctx_.sched.at(g.step);
      const size_t es = commit::dtype_size(model::op_dtype(s.op));
      VINFER_TRY(const commit::TensorTree* t, tree(g.step));
      const commit::Chunk mine = t->open_chunk(static_cast<uint32_t>(g.pos.index())).chunk;
      const uint64_t per = commit::kChunkBytes / es;
      uint32_t pick = 0;
      for (uint32_t j = 0; j < per; ++j) {
        if (std::memcmp(mine.data() + j * es, g.chunk.data() + j * es, es) != 0) {
          pick = j;
          break;
        }
      }
      NameElement n;
      n.element_in_chunk = pick;
      const uint64_t e = g.pos.index() * per + pick;
      if (e < uint64_t{s.rows} * s.cols) {
        VINFER_TRY(auto v, build_bundle(ctx_, g.step, e, data_, &n.operands));
        (void)v;
      }
      return Move{std::move(n)};
    }
    case Phase::resolved:
      break;
  }
  return fail(Errc::invalid_argument, "player: the game is resolved");
}

}  // namespace vinfer::dispute
