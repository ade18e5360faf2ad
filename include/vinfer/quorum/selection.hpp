// Stake-weighted selection of a job's quorum (DESIGN §1, quorum:n): n distinct nodes drawn
// without replacement, each draw weighted by stake, from a 32-byte seed that no single
// party can steer (beacon.hpp; docs/quorum.md "Randomness"). Integer arithmetic only, so a
// contract draws the same nodes:
//
//   candidates   sorted by id ascending (the caller's order does not matter); a node
//                with zero stake is not eligible
//   draw i       h_i = keccak256("VQS1" || seed || be64(i)),  i = 0 .. n-1
//                x_i = uint256(h_i) mod T_i,  T_i = total stake of the nodes not yet picked
//   pick i       the first remaining node (in id order) whose running stake sum exceeds x_i
//
// uint256 mod T has a bias below T / 2^256 <= 2^-192 (T < 2^64), far below anything a
// caller could exploit, and costs exactly n hashes (no rejection loop).
//
// Each single draw is exactly proportional to stake among the nodes still in; over the n
// draws a node's chance of being in the quorum is NOT proportional to its stake once
// n > 1 (a node holding most of the stake is in almost every quorum, so the others fill
// the remaining seats more evenly). That is successive sampling, the rule the contracts
// implement; docs/quorum.md has the numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "vinfer/quorum/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::quorum {

/// The domain tag of selection draws.
inline constexpr char kSelectionTag[4] = {'V', 'Q', 'S', '1'};

/// h_i of draw `i` (the 32 bytes before the reduction mod T_i).
Hash selection_draw(const Hash& seed, uint64_t i);

/// uint256(h) mod m, for m > 0 (big-endian h, as Solidity's uint256(bytes32)).
uint64_t hash_mod(const Hash& h, uint64_t m);

/// Chooses `n` distinct nodes from `candidates`, weighted by stake, from `seed`; the result
/// is in draw order and carries each node's stake. Deterministic: the same seed and the
/// same set of candidates (in any order) give the same quorum. Errors: n == 0; a node id
/// listed twice; fewer than n candidates with non-zero stake (the message gives both
/// counts); a total stake that does not fit in an Amount.
Result<std::vector<Candidate>> select_quorum(const Hash& seed,
                                             std::span<const Candidate> candidates,
                                             uint32_t n);

/// Seating from a snapshot (docs/quorum.md "Randomness"): the draws of select_quorum over
/// `candidates` (the snapshot taken when the job was posted), except that a drawn node for
/// which `eligible` is false is passed over — it leaves the pool, its draw spent, and the
/// next draw index is taken — until n nodes are picked. With `eligible` always true this
/// is select_quorum. A node that leaves between the snapshot and the seating so only
/// removes itself: the others are drawn in the order the seed fixed. Errors: as
/// select_quorum, and fewer than n of the snapshot still eligible (the message gives both
/// counts).
Result<std::vector<Candidate>> select_quorum(const Hash& seed,
                                             std::span<const Candidate> candidates,
                                             uint32_t n,
                                             const std::function<bool(const Candidate&)>& eligible);

}  // namespace vinfer::quorum
