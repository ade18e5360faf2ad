// Internal to src/ledger: MemoryLedger's block hash chain (memory_ledger.hpp). Like a
// chain's, a block's hash commits to what happened in it, so it is fixed only when the
// block closes — after every transaction in it, a job's post included:
//
//   h_{-1}  = keccak256("vinfer-memory-ledger-genesis")
//   d_b     = 0^32 if block b logged no event, else
//             keccak256("VBEV" || event_bytes(e) for each event e of block b, in seq order)
//   h_b     = keccak256("VBLK" || h_{b-1} || be64(b) || d_b)
//
//   event_bytes(e) = be64(seq) || be64(block) || u8(kind) || job_id || be64(game) || who
//                    || be64(amount) || be32(|detail|) || detail
//
// Computed on demand from the event log, remembering every kCheckpointEvery-th hash and
// the last one asked for, so a ledger that closes its blocks in order pays a few hashes a
// block.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/ledger/address.hpp"
#include "vinfer/ledger/event.hpp"

namespace vinfer::ledger::detail {

/// h_{-1}, the hash before block 0.
Hash genesis_block_hash();

/// d_b of one block's events (`events` all of one block, in seq order).
Hash events_digest(std::span<const Event> events);

/// h_b from h_{b-1} and d_b.
Hash next_block_hash(const Hash& prev, uint64_t block, const Hash& digest);

/// h_b for any closed block b.
class BlockHashes {
 public:
  static constexpr uint64_t kCheckpointEvery = 1024;

  /// h_b, with `log` the ledger's whole event log (ascending blocks). The caller makes
  /// sure block b is closed: no event of block <= b can be added or undone any more.
  Hash at(uint64_t b, std::span<const Event> log);

  /// Forgets every remembered hash (after the event log was reloaded).
  void clear() { *this = BlockHashes{}; }

 private:
  std::vector<Hash> checkpoints_;  ///< checkpoints_[i] = h_{i * kCheckpointEvery}
  bool has_tip_ = false;
  uint64_t tip_block_ = 0;  ///< the last hash computed
  Hash tip_{};
};

}  // namespace vinfer::ledger::detail
