// The dispute game's transitions (game.hpp).
#include "vinfer/dispute/game.hpp"

#include <bit>
#include <cstring>
#include <iterator>
#include <string>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/dispute/claim.hpp"

namespace vinfer::dispute {
namespace {

size_t side_index(Side s) {
  return static_cast<size_t>(s);
}

void resolve(GameState& g, Side winner, std::string reason) {
  g.phase = Phase::resolved;
  g.winner = winner;
  g.reason = std::move(reason);
}

// Passes the move to `next` at block `now`, starting its clock.
void hand_over(GameState& g, Side next, uint64_t now) {
  g.turn = next;
  g.clock[side_index(next)].since = now;
}

// Phase 1: skips empty right halves; ends at a single step.
void settle_trace(GameState& g) {
  while (g.hi - g.lo > 1) {
    const uint64_t half = uint64_t{1} << (g.depth - g.pos.depth() - 1);
    if (g.lo + half < g.hi)
      return;  // a real midpoint: the defender posts R_mid
    g.pos = g.pos.left();
  }
  g.phase = Phase::open_step;
  g.step = g.lo;
}

uint64_t midpoint(const GameState& g) {
  return g.lo + (uint64_t{1} << (g.depth - g.pos.depth() - 1));
}

int64_t chunk_value(const commit::Chunk& c, size_t offset, size_t es) {
  if (es == 1)
    return static_cast<int8_t>(c[offset]);
  if (es == 4) {
    int32_t x;
    std::memcpy(&x, c.data() + offset, 4);
    return x;
  }
  int64_t x;
  std::memcpy(&x, c.data() + offset, 8);
  return x;
}

Error reject(const GameState& g, const std::string& why) {
  return fail(Errc::invalid_argument,
              std::string("move rejected in ") + phase_name(g.phase) + ": " + why);
}

}  // namespace

const char* side_name(Side s) {
  return s == Side::defender ? "defender" : "challenger";
}

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::bisect_trace:
      return "bisect_trace";
    case Phase::open_step:
      return "open_step";
    case Phase::bisect_tensor:
      return "bisect_tensor";
    case Phase::open_chunk:
      return "open_chunk";
    case Phase::name_element:
      return "name_element";
    case Phase::resolved:
      return "resolved";
  }
  return "invalid";
}

const char* move_name(const Move& m) {
  static const char* names[] = {"bisect",   "choose",     "open_step",
                                "children", "open_chunk", "name_element"};
  return m.index() < std::size(names) ? names[m.index()] : "invalid";
}

GameState start_game(const Claim& claim, const GameParams& params, uint64_t now) {
  VINFER_ASSERT(claim.steps >= 1);
  GameState g;
  g.claim = claim;
  g.clock[0] = Clock{params.clock_blocks, now};
  g.clock[1] = Clock{params.clock_blocks, now};
  g.depth = commit::merkle_depth(claim.steps);
  g.lo = 0;
  g.hi = claim.steps;
  g.lo_root = commit::trace_root(0, {});
  g.hi_root = claim.trace_root;
  g.turn = Side::defender;
  settle_trace(g);
  return g;
}

uint64_t max_rounds(uint64_t steps, uint64_t max_chunks) {
  return commit::merkle_depth(steps) + commit::merkle_depth(max_chunks) + 2;
}

bool timed_out(const GameState& g, uint64_t now) {
  return !g.resolved() && g.clock[side_index(g.turn)].left_at(now) == 0;
}

Status resolve_timeout(GameState& g, uint64_t now) {
  if (g.resolved())
    return fail(Errc::invalid_argument, "game already resolved");
  if (!timed_out(g, now))
    return fail(Errc::invalid_argument,
                std::string("the ") + side_name(g.turn) + " still has " +
                    std::to_string(g.clock[side_index(g.turn)].left_at(now)) + " blocks");
  resolve(g, other(g.turn),
          std::string("the ") + side_name(g.turn) + "'s clock ran out in " + phase_name(g.phase));
  return ok_status();
}

Status apply_move(GameState& g, Side who, const Move& m, uint64_t now, const RefereeContext& ctx) {
  if (g.resolved())
    return reject(g, "the game is resolved");
  if (who != g.turn)
    return reject(g, std::string("it is the ") + side_name(g.turn) + "'s turn");
  if (ctx.sched.size() != g.claim.steps || ctx.job.id() != g.claim.job_id)
    return reject(g, "the referee context is not this game's job");
  Clock& mine = g.clock[side_index(who)];
  if (mine.left_at(now) == 0)
    return reject(g, std::string("the ") + side_name(who) + "'s clock ran out");
  const Side opp = other(who);
  // Each case validates fully before it changes anything; `spend` books the mover's time.
  auto spend = [&] {
    mine.left = mine.left_at(now);
    mine.since = now;
  };

  switch (g.phase) {
    case Phase::bisect_trace: {
      if (who == Side::defender) {
        const auto* b = std::get_if<Bisect>(&m);
        if (!b)
          return reject(g, std::string("expected bisect, got ") + move_name(m));
        spend();
        g.mid_root = b->mid_root;
        hand_over(g, opp, now);
        return ok_status();
      }
      const auto* c = std::get_if<Choose>(&m);
      if (!c)
        return reject(g, std::string("expected choose, got ") + move_name(m));
      spend();
      const uint64_t mid = midpoint(g);
      if (c->right) {
        g.lo = mid;
        g.lo_root = g.mid_root;
        g.pos = g.pos.right();
      } else {
        g.hi = mid;
        g.hi_root = g.mid_root;
        g.pos = g.pos.left();
      }
      ++g.rounds;
      settle_trace(g);
      hand_over(g, opp, now);
      return ok_status();
    }

    case Phase::open_step: {
      const auto* o = std::get_if<OpenStep>(&m);
      if (!o)
        return reject(g, std::string("expected open_step, got ") + move_name(m));
      const uint64_t k = g.step;
      if (o->peaks.size() != static_cast<size_t>(std::popcount(k)))
        return reject(g, "the accumulator after " + std::to_string(k) + " steps has " +
                             std::to_string(std::popcount(k)) + " peaks");
      if (commit::trace_root(k, o->peaks) != g.lo_root)
        return reject(
            g, "the peaks do not give the agreed root after " + std::to_string(k) + " steps");
      auto after = trace_root_after_append(k, o->peaks, o->step_root);
      if (!after || *after != g.hi_root)
        return reject(g, "appending the step root does not give the disputed root after " +
                             std::to_string(k + 1) + " steps");
      const model::Step s = ctx.sched.at(k);
      const commit::DType t = model::op_dtype(s.op);
      if (commit::tensor_root_from_chunks_root(t, s.rows, s.cols, o->chunks_root) != o->step_root)
        return reject(g, "the chunks root under the schedule's shape (" + ctx.sched.describe(k) +
                             ") does not give the step root");
      spend();
      g.step_root = o->step_root;
      g.chunk_count = commit::tensor_chunk_count(t, s.rows, s.cols);
      g.depth = commit::merkle_depth(g.chunk_count);
      g.pos = Position::root();
      g.node = o->chunks_root;
      g.phase = g.depth == 0 ? Phase::open_chunk : Phase::bisect_tensor;
      ++g.rounds;
      return ok_status();  // the defender moves again
    }

    case Phase::bisect_tensor: {
      if (who == Side::defender) {
        const auto* c = std::get_if<Children>(&m);
        if (!c)
          return reject(g, std::string("expected children, got ") + move_name(m));
        if (commit::merkle_node(c->left, c->right) != g.node)
          return reject(
              g, "the children do not hash to the node at position " + std::to_string(g.pos.value));
        spend();
        g.left = c->left;
        g.right = c->right;
        hand_over(g, opp, now);
        return ok_status();
      }
      const auto* c = std::get_if<Choose>(&m);
      if (!c)
        return reject(g, std::string("expected choose, got ") + move_name(m));
      spend();
      g.pos = c->right ? g.pos.right() : g.pos.left();
      g.node = c->right ? g.right : g.left;
      ++g.rounds;
      const unsigned height = g.depth - g.pos.depth();
      if ((g.pos.index() << height) >= g.chunk_count) {
        // Pure padding: its value is fixed by the chunk count.
        if (g.node == commit::zero_subtree_root(height))
          resolve(g, Side::defender, "the challenged subtree is padding and is correct");
        else
          resolve(g, Side::challenger, "the defender's padding subtree is not zero");
        return ok_status();
      }
      if (height == 0)
        g.phase = Phase::open_chunk;
      hand_over(g, opp, now);
      return ok_status();
    }

    case Phase::open_chunk: {
      const auto* o = std::get_if<OpenChunk>(&m);
      if (!o)
        return reject(g, std::string("expected open_chunk, got ") + move_name(m));
      if (commit::chunk_leaf(o->chunk) != g.node)
        return reject(g, "the chunk does not hash to leaf " + std::to_string(g.pos.index()));
      spend();
      g.chunk = o->chunk;
      g.phase = Phase::name_element;
      hand_over(g, opp, now);
      return ok_status();
    }

    case Phase::name_element: {
      const auto* n = std::get_if<NameElement>(&m);
      if (!n)
        return reject(g, std::string("expected name_element, got ") + move_name(m));
      const model::Step s = ctx.sched.at(g.step);
      const size_t es = commit::dtype_size(model::op_dtype(s.op));
      const uint64_t per = commit::kChunkBytes / es;
      if (n->element_in_chunk >= per)
        return reject(g, "a chunk of this step holds " + std::to_string(per) + " elements");
      const uint64_t e = g.pos.index() * per + n->element_in_chunk;
      const uint64_t total = uint64_t{s.rows} * s.cols;
      const size_t off = n->element_in_chunk * es;
      const std::string where = "element " + std::to_string(e) + " of step " +
                                std::to_string(g.step) + " (" + ctx.sched.describe(g.step) + ")";
      if (e >= total) {
        bool zero = true;
        for (size_t i = off; i < off + es; ++i)
          zero = zero && g.chunk[i] == 0;
        spend();
        ++g.rounds;
        resolve(g, zero ? Side::defender : Side::challenger,
                zero ? "padding named by the challenger is zero"
                     : "the defender's padding is not zero");
        return ok_status();
      }
      auto v = referee_element(ctx, g.step, e, g.lo_root, n->operands);
      if (!v)
        return reject(g, v.error().message);
      spend();
      ++g.rounds;
      g.refereed = true;
      g.referee_macs = v->macs;
      const int64_t claimed = chunk_value(g.chunk, off, es);
      if (claimed == v->value)
        resolve(g, Side::defender, where + " is correct: " + std::to_string(claimed));
      else
        resolve(g, Side::challenger,
                where + " is " + std::to_string(claimed) + ", the referee computes " +
                    std::to_string(v->value));
      return ok_status();
    }

    case Phase::resolved:
      break;
  }
  return reject(g, "the game is resolved");
}

}  // namespace vinfer::dispute
