// How a party plays the dispute game from its own data (pure: no I/O). A party that
// follows its data plays every move this way; an honest party's data is the real
// trace, a liar's is whatever it computed or made up, and it loses because the moves
// its data implies fail a check or lose at the referee. Roles (Worker, Watcher) wrap it
// with a ledger and persistence.
#pragma once

#include <map>
#include <memory>

#include "vinfer/dispute/game.hpp"
#include "vinfer/dispute/referee.hpp"

namespace vinfer::dispute {

/// Computes the next move of one side of a game from that side's data.
class Player {
 public:
  /// `data` must outlive the player; data.trace holds the party's whole trace.
  Player(const RefereeContext& ctx, PartyData data);

  /// The move `me` makes at state `g` (g.turn == me, not resolved), or an error when
  /// the party's own data cannot support a move there (a liar's dead end).
  Result<Move> next_move(const GameState& g, Side me);

 private:
  Result<const commit::TensorTree*> tree(uint64_t step);

  const RefereeContext& ctx_;
  PartyData data_;
  std::map<uint64_t, std::unique_ptr<commit::TensorTree>> trees_;
};

}  // namespace vinfer::dispute
