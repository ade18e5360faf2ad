// The randomness behind quorum selection (docs/quorum.md "Randomness"): a commit-reveal
// beacon among the staked nodes, combined with the job id.
//
//   1. After the job is posted, every staked node that takes part commits
//      c = keccak256("VQB1" || node || secret) for a fresh 32-byte secret, with a bond.
//   2. When the commit phase has closed, each reveals its secret; the ledger checks it
//      against c (check_beacon_reveal) and forfeits the bond of a node that does not reveal.
//   3. beacon = keccak256(secret_1 || ... || secret_k), the revealed secrets in ascending
//      node-id order (combine_beacon); seed = keccak256(job_id || beacon) (selection_seed).
//
// The beacon is unpredictable as long as one revealer is honest (its secret is uniform and
// unknown until every commitment is fixed). What remains is the last revealer's option to
// withhold: it sees the other secrets first and can choose between two beacons (k
// colluders: 2^k), at the price of its forfeited bond, which is why withholding must cost
// more than steering a selection is worth. The node id is in the commitment so that a
// copied commitment cannot be revealed by the copier. The job id must be fixed before the
// beacon's commit phase opens: a client who could choose its job id after seeing the
// beacon could grind job ids until its friends are selected.
#pragma once

#include <span>

#include "vinfer/quorum/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::quorum {

/// The domain tag of beacon commitments.
inline constexpr char kBeaconTag[4] = {'V', 'Q', 'B', '1'};

/// keccak256("VQB1" || node || secret): what `node` commits to before revealing `secret`.
Hash beacon_commitment(const NodeId& node, const Hash& secret);

/// True if `secret` opens `commitment` for `node`.
bool check_beacon_reveal(const Hash& commitment, const NodeId& node, const Hash& secret);

/// One checked reveal.
struct BeaconReveal {
  NodeId node{};
  Hash secret{};
  bool operator==(const BeaconReveal&) const = default;
};

/// keccak256 of the secrets in ascending node-id order, whatever order `reveals` is in.
/// Takes only reveals that passed check_beacon_reveal. Errors: no reveals (there is no
/// beacon; the round must be repeated), a node that appears twice.
Result<Hash> combine_beacon(std::span<const BeaconReveal> reveals);

/// keccak256(job_id || beacon): the seed of select_quorum for one job.
Hash selection_seed(const Hash& job_id, const Hash& beacon);

}  // namespace vinfer::quorum
