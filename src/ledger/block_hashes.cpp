// MemoryLedger's block hash chain (block_hashes.hpp).
#include "ledger/block_hashes.hpp"

#include <string_view>

namespace vinfer::ledger::detail {

Hash genesis_block_hash() {
  return commit::keccak256(std::string_view("vinfer-memory-ledger-genesis"));
}

Hash next_block_hash(const Hash& prev, uint64_t next_block) {
  commit::Keccak256 k;
  for (char c : {'V', 'B', 'L', 'K'})
    k.update_byte(static_cast<uint8_t>(c));
  k.update(prev);
  for (int i = 7; i >= 0; --i)
    k.update_byte(static_cast<uint8_t>(next_block >> (8 * i)));
  return k.finalize();
}

Hash BlockHashes::at(uint64_t b) {
  if (checkpoints_.empty())
    checkpoints_.push_back(genesis_block_hash());
  const uint64_t want = b / kCheckpointEvery;
  while (checkpoints_.size() <= want) {
    const uint64_t from = (checkpoints_.size() - 1) * kCheckpointEvery;
    Hash h = checkpoints_.back();
    for (uint64_t i = from + 1; i <= from + kCheckpointEvery; ++i)
      h = next_block_hash(h, i);
    checkpoints_.push_back(h);
  }
  Hash h = checkpoints_[want];
  for (uint64_t i = want * kCheckpointEvery + 1; i <= b; ++i)
    h = next_block_hash(h, i);
  return h;
}

}  // namespace vinfer::ledger::detail
