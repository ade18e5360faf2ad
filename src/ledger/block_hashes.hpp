// Internal to src/ledger: MemoryLedger's block hash chain (memory_ledger.hpp):
//
//   h_0     = keccak256("vinfer-memory-ledger-genesis")
//   h_{b+1} = keccak256("VBLK" || h_b || be64(b + 1))
//
// A function of the block number alone, computed on demand from checkpoints.
#pragma once

#include <cstdint>
#include <vector>

#include "vinfer/ledger/address.hpp"

namespace vinfer::ledger::detail {

/// The genesis hash h_0.
Hash genesis_block_hash();

/// h_{b+1} from h_b.
Hash next_block_hash(const Hash& prev, uint64_t next_block);

/// h_b for any b, remembering every kCheckpointEvery-th hash on the way.
class BlockHashes {
 public:
  static constexpr uint64_t kCheckpointEvery = 1024;

  /// h_b: extends the checkpoints up to b on first use (b hashes), then at most
  /// kCheckpointEvery - 1 hashes from the checkpoint below b.
  Hash at(uint64_t b);

 private:
  std::vector<Hash> checkpoints_;  ///< checkpoints_[i] = h_{i * kCheckpointEvery}
};

}  // namespace vinfer::ledger::detail
