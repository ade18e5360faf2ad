// Building blocks of the ledger test scenarios: the actors, a funded ledger with the
// world's model registered and its job posted, and a game played out move by move.
// Every transaction goes through the harness (money identity after each).
#pragma once

#include <cstdint>

#include "ledger/world.hpp"
#include "vinfer/ledger/ledger.hpp"

namespace vinfer::ledger::testing {

/// The cast. alice challenges honestly; mallory is a false (or colluding) challenger.
struct Actors {
  Address owner = address_of("owner");
  Address client = address_of("client");
  Address worker = address_of("worker");
  Address alice = address_of("alice");
  Address mallory = address_of("mallory");
  Address stranger = address_of("stranger");
};
inline const Actors kActors;

/// What every actor but the owner and the stranger starts with.
inline constexpr Amount kFunds = 10000;
/// What the client pays for the job.
inline constexpr Amount kPayment = 300;

/// Funds the actors, registers the world's model and posts its job; returns the job id.
Hash setup_job(Ledger& l);

/// The worker posts the claim of `trace` on the world's job.
void post_claim(Ledger& l, const Trace& trace);

/// Plays game `id` until it resolves, each side from its own trace; at most `max_moves`
/// moves (0: until it ends). Returns the record after the last move.
GameRecord play(Ledger& l,
                uint64_t id,
                const Trace& defender,
                const Trace& challenger,
                uint32_t max_moves = 0);

/// The cheater's trace of these tests: element 5 of tampered_step() perturbed.
const Trace& cheat_trace();

/// A node's X25519 key in these tests (keccak of its address: any non-zero 32 bytes).
NodeKey key_of(const Address& node);
/// A node's salt for a job (what a node derives from its own secret).
Hash salt_of(const Address& node, const Hash& job_id);
/// A made-up output hash.
const Hash& lie();
/// Moves the clock to block `b` (>= the current one).
void go_to(Ledger& l, uint64_t b);
/// The output commitment `node` makes for `output` on `job_id` with salt_of.
Hash commitment_of(const Hash& job_id, const Address& node, const Hash& output);

}  // namespace vinfer::ledger::testing
