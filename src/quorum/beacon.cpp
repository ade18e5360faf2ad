// The commit-reveal beacon (beacon.hpp).
#include "vinfer/quorum/beacon.hpp"

#include <algorithm>
#include <vector>

namespace vinfer::quorum {

Hash beacon_commitment(const NodeId& node, const Hash& secret) {
  commit::Keccak256 k;
  for (char c : kBeaconTag)
    k.update_byte(static_cast<uint8_t>(c));
  k.update(node);
  k.update(secret);
  return k.finalize();
}

bool check_beacon_reveal(const Hash& commitment, const NodeId& node, const Hash& secret) {
  return beacon_commitment(node, secret) == commitment;
}

Result<Hash> combine_beacon(std::span<const BeaconReveal> reveals) {
  if (reveals.empty())
    return fail(Errc::invalid_argument, "beacon: no node revealed, so there is no beacon");
  std::vector<BeaconReveal> sorted(reveals.begin(), reveals.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const BeaconReveal& a, const BeaconReveal& b) { return a.node < b.node; });
  commit::Keccak256 k;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i].node == sorted[i - 1].node)
      return fail(Errc::invalid_argument,
                  "beacon: node " + short_hex(sorted[i].node) + " revealed twice");
    k.update(sorted[i].secret);
  }
  return k.finalize();
}

Hash selection_seed(const Hash& job_id, const Hash& beacon) {
  commit::Keccak256 k;
  k.update(job_id);
  k.update(beacon);
  return k.finalize();
}

}  // namespace vinfer::quorum
