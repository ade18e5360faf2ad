// MemoryLedger's block hash chain (block_hashes.hpp).
#include "ledger/block_hashes.hpp"

#include <algorithm>
#include <string_view>

namespace vinfer::ledger::detail {
namespace {

void put_be(commit::Keccak256& k, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    k.update_byte(static_cast<uint8_t>(v >> (8 * i)));
}

void put_tag(commit::Keccak256& k, const char (&tag)[5]) {
  for (int i = 0; i < 4; ++i)
    k.update_byte(static_cast<uint8_t>(tag[i]));
}

// The events of block `b`, from log[from] on (log[from].block >= b); advances `from`.
std::span<const Event> events_of(std::span<const Event> log, size_t& from, uint64_t b) {
  const size_t begin = from;
  while (from < log.size() && log[from].block == b)
    ++from;
  return log.subspan(begin, from - begin);
}

size_t first_event_at_or_after(std::span<const Event> log, uint64_t b) {
  return static_cast<size_t>(
      std::lower_bound(log.begin(), log.end(), b,
                       [](const Event& e, uint64_t block) { return e.block < block; }) -
      log.begin());
}

}  // namespace

Hash genesis_block_hash() {
  return commit::keccak256(std::string_view("vinfer-memory-ledger-genesis"));
}

Hash events_digest(std::span<const Event> events) {
  if (events.empty())
    return Hash{};
  commit::Keccak256 k;
  put_tag(k, "VBEV");
  for (const Event& e : events) {
    put_be(k, e.seq, 8);
    put_be(k, e.block, 8);
    k.update_byte(static_cast<uint8_t>(e.kind));
    k.update(e.job_id);
    put_be(k, e.game, 8);
    k.update(e.who);
    put_be(k, e.amount, 8);
    put_be(k, e.detail.size(), 4);
    k.update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(e.detail.data()),
                                      e.detail.size()));
  }
  return k.finalize();
}

Hash next_block_hash(const Hash& prev, uint64_t block, const Hash& digest) {
  commit::Keccak256 k;
  put_tag(k, "VBLK");
  k.update(prev);
  put_be(k, block, 8);
  k.update(digest);
  return k.finalize();
}

Hash BlockHashes::at(uint64_t b, std::span<const Event> log) {
  // Start from the remembered hash nearest below b: the tip, or a checkpoint.
  uint64_t at_block;
  Hash h;
  if (has_tip_ && tip_block_ <= b) {
    at_block = tip_block_;
    h = tip_;
  } else if (!checkpoints_.empty()) {
    const uint64_t c = std::min<uint64_t>(b / kCheckpointEvery, checkpoints_.size() - 1);
    at_block = c * kCheckpointEvery;
    h = checkpoints_[c];
  } else {
    size_t from = 0;
    h = next_block_hash(genesis_block_hash(), 0, events_digest(events_of(log, from, 0)));
    at_block = 0;
    checkpoints_.push_back(h);
  }
  size_t from = first_event_at_or_after(log, at_block + 1);
  while (at_block < b) {
    ++at_block;
    h = next_block_hash(h, at_block, events_digest(events_of(log, from, at_block)));
    if (at_block % kCheckpointEvery == 0 && at_block / kCheckpointEvery == checkpoints_.size())
      checkpoints_.push_back(h);
  }
  has_tip_ = true;
  tip_block_ = b;
  tip_ = h;
  return h;
}

}  // namespace vinfer::ledger::detail
