// Output commitments (commitment.hpp).
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::quorum {

Hash output_commitment(const Hash& job_id,
                       const Hash& output_hash,
                       const Hash& salt,
                       const NodeId& node) {
  commit::Keccak256 k;
  for (char c : kCommitmentTag)
    k.update_byte(static_cast<uint8_t>(c));
  k.update(job_id);
  k.update(output_hash);
  k.update(salt);
  k.update(node);
  return k.finalize();
}

bool check_reveal(const Hash& commitment,
                  const Hash& job_id,
                  const Hash& output_hash,
                  const Hash& salt,
                  const NodeId& node) {
  return output_commitment(job_id, output_hash, salt, node) == commitment;
}

}  // namespace vinfer::quorum
