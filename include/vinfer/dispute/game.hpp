// The optimistic dispute game (DESIGN §5) as a pure state machine: no I/O, no clock of
// its own (every call takes the block number), no money (the ledger moves bonds when a
// game resolves). The contracts implement the same transitions.
//
//   phase 1  bisect_trace  over the accumulator roots R_0 .. R_N (R_j = root after j
//            steps): node (depth d, index i) of a tree of depth D1 = ceil(log2 N) covers
//            steps [lo, hi); both agree on R_lo, the defender's R_hi is disputed. The
//            defender posts R_mid (mid = lo + 2^(D1-d-1)); the challenger agrees (go
//            right) or not (go left). A right half past N is skipped without a move.
//   hop      open_step     at a single step k: the defender opens the peaks of R_k and
//            leaf k (step k's tensor root) so that appending the leaf gives R_{k+1}, and
//            the chunks root under the step's shape from the schedule.
//   phase 2  bisect_tensor down step k's chunk tree (depth D2 = ceil(log2 chunks)): the
//            defender posts both children of the node; the challenger picks one. A
//            child that is pure padding resolves at once (it must be the zero subtree).
//   leaf     open_chunk    the defender opens the chunk (256 bytes) of the leaf.
//   element  name_element  the challenger names one element of the chunk and brings
//            the operand openings; the referee recomputes it (referee.hpp). Equal: the
//            defender wins; different (or non-zero padding): the challenger wins.
//
// Every move has a deadline: a chess clock per side (types.hpp). A side whose clock runs
// out while on move loses (resolve_timeout). A move that fails a check is rejected and
// changes nothing; its side's clock keeps running.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/dispute/referee.hpp"
#include "vinfer/dispute/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::dispute {

/// Game rules every game on one ledger shares.
struct GameParams {
  uint64_t clock_blocks = 64;  ///< each side's total thinking time, in blocks
};

enum class Phase : uint8_t {
  bisect_trace,
  open_step,
  bisect_tensor,
  open_chunk,
  name_element,
  resolved
};
const char* phase_name(Phase p);

// ---- moves ----

/// Defender, phase 1: its accumulator root after `mid` steps.
struct Bisect {
  Hash mid_root{};
};
/// Challenger, phases 1 and 2: go to the right child (phase 1: "I agree with R_mid").
struct Choose {
  bool right = false;
};
/// Defender, the hop: peaks of the agreed R_k, leaf k, and its chunks root.
struct OpenStep {
  std::vector<Hash> peaks;
  Hash step_root{};
  Hash chunks_root{};
};
/// Defender, phase 2: both children of the current node.
struct Children {
  Hash left{}, right{};
};
/// Defender, the leaf: the chunk's bytes.
struct OpenChunk {
  commit::Chunk chunk{};
};
/// Challenger, the end: an element of the opened chunk (index within the chunk) and the
/// openings the referee reads to recompute it.
struct NameElement {
  uint32_t element_in_chunk = 0;
  OperandBundle operands;
};
using Move = std::variant<Bisect, Choose, OpenStep, Children, OpenChunk, NameElement>;
const char* move_name(const Move& m);

// ---- state ----

/// Everything a game is; the contracts store the same fields.
struct GameState {
  Claim claim;
  Phase phase = Phase::bisect_trace;
  Side turn = Side::defender;
  Clock clock[2];
  Position pos;        ///< node of the current phase's tree
  unsigned depth = 0;  ///< that tree's depth
  // phase 1
  uint64_t lo = 0, hi = 0;  ///< steps [lo, hi) under pos (hi clipped to claim.steps)
  Hash lo_root{}, hi_root{};
  Hash mid_root{};  ///< the defender's R_mid, awaiting the challenger
  // hop and phase 2
  uint64_t step = 0;         ///< k, the first step the sides disagree on
  Hash step_root{};          ///< the defender's leaf k
  uint64_t chunk_count = 0;  ///< chunks of step k's output, from the schedule's shape
  Hash node{};               ///< the defender's node at pos
  Hash left{}, right{};      ///< the defender's children of node, awaiting the challenger
  commit::Chunk chunk{};     ///< the defender's opened chunk
  // result
  Side winner = Side::defender;
  std::string reason;
  uint32_t rounds = 0;        ///< completed exchanges (a defender move and its answer)
  bool refereed = false;      ///< resolved by the referee's recomputation
  uint64_t referee_macs = 0;  ///< what that recomputation cost

  bool resolved() const { return phase == Phase::resolved; }
  bool operator==(const GameState&) const = default;
};

/// Opens a game over `claim` at block `now`; the claim must already have passed
/// check_claim (claim.hpp).
GameState start_game(const Claim& claim, const GameParams& params, uint64_t now);

/// Applies `who`'s move at block `now`. Rejects (leaving the state as it was) a move out
/// of turn, of the wrong kind for the phase, after the mover's clock ran out, or one
/// that fails its check; the error names the check.
Status apply_move(GameState& g, Side who, const Move& m, uint64_t now, const RefereeContext& ctx);

/// True if the side on move has run out of time at block `now`.
bool timed_out(const GameState& g, uint64_t now);

/// Resolves a game whose side on move ran out of time (the other side wins); an error
/// if the game is resolved already or nobody's time is up.
Status resolve_timeout(GameState& g, uint64_t now);

/// The bound on exchanges: ceil(log2 steps) + ceil(log2 chunks of the largest step) + 2.
uint64_t max_rounds(uint64_t steps, uint64_t max_chunks);

}  // namespace vinfer::dispute
