// A quorum member's commitment to its output (DESIGN §1, quorum:n, the commit phase):
//
//   commitment = keccak256("VQC1" || job_id(32) || output_hash(32) || salt(32) || node(20))
//
// 120 bytes of preimage, in this order; Solidity:
//   keccak256(abi.encodePacked(bytes4("VQC1"), jobId, outputHash, salt, node)).
//
// - The salt (32 random bytes, fresh per job) hides the output until the reveal: outputs of
//   one model are few and guessable, so without a salt anyone could test candidates.
// - The node id makes a copied commitment worthless: a node that resubmits another's
//   commitment cannot open it under its own id (it would need a preimage of keccak).
// - The job id makes a commitment from another job worthless: replayed into this round it
//   opens under the old job id only, never under this one.
#pragma once

#include "vinfer/quorum/types.hpp"

namespace vinfer::quorum {

/// The domain tag of output commitments.
inline constexpr char kCommitmentTag[4] = {'V', 'Q', 'C', '1'};

/// The commitment `node` posts for `output_hash` on job `job_id`, hidden by `salt`.
Hash output_commitment(const Hash& job_id,
                       const Hash& output_hash,
                       const Hash& salt,
                       const NodeId& node);

/// True if (output_hash, salt) opens `commitment` for `node` on job `job_id`.
bool check_reveal(const Hash& commitment,
                  const Hash& job_id,
                  const Hash& output_hash,
                  const Hash& salt,
                  const NodeId& node);

}  // namespace vinfer::quorum
