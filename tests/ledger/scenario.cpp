// Scenario building blocks (scenario.hpp).
#include "ledger/scenario.hpp"

#include <algorithm>

#include "ledger/harness.hpp"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::ledger::testing {

Hash setup_job(Ledger& l) {
  const Actors& a = kActors;
  for (const Address& who : {a.client, a.worker, a.alice, a.mallory})
    TX_OK(l, l.deposit(who, kFunds));
  TX_OK(l, l.register_model(a.owner, world().registration));
  return TX_OK(l, l.post_job(a.client, world().job, kPayment));
}

void post_claim(Ledger& l, const Trace& trace) {
  const std::vector<Hash> peaks = trace.last_peaks();
  TX_OK(l, l.post_result(kActors.worker, trace.claim(world().job.id()), peaks));
}

GameRecord play(Ledger& l,
                uint64_t id,
                const Trace& defender,
                const Trace& challenger,
                uint32_t max_moves) {
  const uint32_t limit = max_moves ? max_moves : 1000;
  for (uint32_t i = 0; i < limit; ++i) {
    GameRecord g = TX_OK(l, l.game(id));
    if (g.status != GameStatus::open)
      return g;
    const bool d = g.state.turn == dispute::Side::defender;
    auto mv = next_move(world(), g.state, g.state.turn, d ? defender : challenger);
    if (!mv) {
      ADD_FAILURE() << "game " << id << ": no move: " << mv.error().to_string();
      throw TxAborted("next_move");
    }
    TX_OK(l, l.move(d ? g.worker : g.challenger, id, *mv));
  }
  GameRecord g = TX_OK(l, l.game(id));
  if (!max_moves)
    ADD_FAILURE() << "game " << id << " did not end in " << limit << " moves";
  return g;
}

const Trace& cheat_trace() {
  static const Trace t = tampered(world().honest, tampered_step(), 5);
  return t;
}

const Hash& lie() {
  static const Hash h = commit::keccak256(std::string_view("a made-up output"));
  return h;
}

void go_to(Ledger& l, uint64_t b) {
  ASSERT_GE(b, l.block());
  if (b > l.block())
    TX_OK(l, l.advance(b - l.block()));
}

NodeKey key_of(const Address& node) {
  const Hash h = commit::keccak256(std::span<const uint8_t>(node));
  NodeKey k;
  std::copy(h.begin(), h.end(), k.begin());
  return k;
}

Hash salt_of(const Address& node, const Hash& job_id) {
  std::vector<uint8_t> pre(node.begin(), node.end());
  pre.insert(pre.end(), job_id.begin(), job_id.end());
  return commit::keccak256(pre);
}

Hash commitment_of(const Hash& job_id, const Address& node, const Hash& output) {
  return quorum::output_commitment(job_id, output, salt_of(node, job_id), to_node_id(node));
}

}  // namespace vinfer::ledger::testing
