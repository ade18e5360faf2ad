// Internal to src/ledger: everything a MemoryLedger is, as plain data, so the SQLite
// store can write and read it without knowing the rules.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "vinfer/ledger/event.hpp"
#include "vinfer/ledger/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::ledger::detail {

/// Stake on its way out: withdrawable from `release_block` on.
struct Unbonding {
  Amount amount = 0;
  uint64_t release_block = 0;
  bool operator==(const Unbonding&) const = default;
};

/// One participant's money.
struct Account {
  Amount balance = 0;
  Amount stake = 0;
  std::vector<Unbonding> unbonding;  ///< in release order
  Amount unbonding_total() const {
    Amount t = 0;
    for (const Unbonding& u : unbonding)
      t += u.amount;  // bounded by Totals::deposits (the money identity)
    return t;
  }
  bool operator==(const Account&) const = default;
};

/// The whole ledger. JobRecord::games, GameRecord::worker and `seated` are kept in memory
/// for lookups; the store derives them from the games, claims and quorum_jobs tables.
struct State {
  uint64_t block = 0;
  Amount deposits = 0;  ///< net of withdrawals (the faucet's account)
  Amount burned = 0;    ///< the burn account
  uint64_t next_game = 1;
  std::map<Address, Account> accounts;
  std::map<Address, NodeKey> keys;  ///< registered X25519 keys
  std::map<Hash, ModelRecord> models;
  std::map<Hash, JobRecord> jobs;
  std::map<uint64_t, GameRecord> games;
  std::map<Hash, QuorumJobRecord> quorum_jobs;
  std::map<Address, Hash> auditors;  ///< registered audit commitments
  std::map<Hash, SampledJobRecord> sampled_jobs;
  /// derived: node -> the unsettled quorum job it sits in, or the sampled job it works on
  std::map<Address, Hash> seated;
  /// derived: the quorum and sampled jobs posted in the current block, drawn when it closes
  std::set<Hash> unseated;
  std::vector<Event> events;       ///< events[i].seq == i
};

/// True while a sampled job holds its worker's stake: from the post until it is settled,
/// and while the optimistic claim it escalated into is live (`claim_live`).
bool holds_worker(const SampledJobRecord& j, bool claim_live);

/// Rebuilds State::seated and State::unseated from the quorum and sampled jobs. An error
/// (a damaged database) if a node sits in two unsettled rounds, has less bonded stake than
/// a round's snapshot of it, or a job of a closed block is still unseated: the ledger never
/// lets any of these happen.
Status index_seats(State& s);

/// The records a transaction changed since the last write to the store.
struct Dirty {
  std::set<Address> accounts;
  std::set<Address> keys;
  std::set<Hash> models;
  std::set<Hash> jobs;  ///< the job row and its claim row
  std::set<uint64_t> games;
  std::set<Hash> quorum_jobs;
  std::set<Address> auditors;  ///< written, or deleted if no longer registered
  std::set<Hash> sampled_jobs;
  size_t events_from = 0;  ///< events[events_from..] are new
  void clear(size_t event_count) {
    accounts.clear();
    keys.clear();
    models.clear();
    jobs.clear();
    games.clear();
    quorum_jobs.clear();
    auditors.clear();
    sampled_jobs.clear();
    events_from = event_count;
  }
};

/// Sums every bucket over the records (VINFER_ASSERTs that no sum wraps).
Totals compute_totals(const State& s);

}  // namespace vinfer::ledger::detail
