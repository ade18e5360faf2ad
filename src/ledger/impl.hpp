// Internal to src/ledger: MemoryLedger's state, its store and the helpers every
// transaction uses. The pattern of a transaction: read through the const lookups and
// return an error before changing anything; then mutate only through the accessors that
// mark a record dirty (account, set_key, job_mut, game_mut, quorum_job_mut), emit events,
// and end with commit().
#pragma once

#include <map>
#include <memory>
#include <string>

#include "ledger/block_hashes.hpp"
#include "ledger/sqlite_store.hpp"
#include "ledger/state.hpp"
#include "vinfer/dispute/referee.hpp"
#include "vinfer/ledger/memory_ledger.hpp"

namespace vinfer::ledger {

struct MemoryLedger::Impl {
  Params params;
  detail::State st;
  detail::Dirty dirty;
  std::unique_ptr<detail::SqliteStore> store;  ///< null: in memory only
  /// Per job, built on the first move of its first game (not persisted: derived).
  std::map<Hash, std::unique_ptr<const dispute::RefereeContext>> referees;
  /// The block hash chain's remembered hashes (derived from the event log).
  mutable detail::BlockHashes block_hashes;

  // ---- lookups: change nothing ----
  const detail::Account* find_account(const Address& a) const;
  Amount balance_of(const Address& a) const;
  const JobRecord* find_job(const Hash& id) const;
  const GameRecord* find_game(uint64_t id) const;
  const QuorumJobRecord* find_quorum_job(const Hash& id) const;
  const SampledJobRecord* find_sampled_job(const Hash& id) const;
  /// The unsettled quorum job `node` is seated in (or the sampled job it works on), or
  /// nullptr.
  const Hash* seat_of(const Address& node) const;
  /// A job about to be posted (`quorum`: as a quorum job): its id is unused by every
  /// mode, its model registered, and model::validate passes. The error is `tx`'s.
  Status check_new_job(const char* tx, const model::Job& job, bool quorum) const;

  // ---- mutations: mark the record for the next store write ----
  detail::Account& account(const Address& a);
  JobRecord& job_mut(const Hash& id);               ///< must exist
  GameRecord& game_mut(uint64_t id);                ///< must exist
  QuorumJobRecord& quorum_job_mut(const Hash& id);  ///< must exist
  SampledJobRecord& sampled_job_mut(const Hash& id);  ///< must exist
  void set_key(const Address& node, const NodeKey& key);
  void credit(const Address& a, Amount amount);  ///< VINFER_ASSERTs no overflow
  void debit(const Address& a, Amount amount);   ///< VINFER_ASSERTs the balance covers it
  void emit(EventKind kind,
            const Hash& job,
            uint64_t game,
            const Address& who,
            Amount amount,
            std::string detail = {});

  /// Ends a successful transaction: asserts the money identity (a broken one is a bug and
  /// aborts), then writes the dirty records to the store. If the write fails, reloads the
  /// store's state (the transaction is undone, the derived indexes rebuilt) and returns
  /// the error.
  Status commit(const char* tx);

  /// The referee context of a job (built and cached on first use).
  Result<const dispute::RefereeContext*> referee(const JobRecord& j);

  /// Admission of a worker's result claim on `job` (post_result, sampled_defend): the claim
  /// passes dispute::check_claim against the job's schedule, the worker's balance covers
  /// worker_bond, and the window end fits. Returns the window's last block; the error is
  /// `tx`'s, about `subject`.
  Result<uint64_t> admit_claim(const char* tx,
                               const std::string& subject,
                               const model::Job& job,
                               const Address& worker,
                               const dispute::Claim& claim,
                               std::span<const Hash> last_peaks) const;

  /// Settles a game that has just resolved (optimistic.cpp): bonds, and on a challenger's
  /// win the claim's rejection, the refund and the closing of the other games.
  void settle(GameRecord& g);

  /// Carries out a quorum round's payout (quorum.cpp): escrow to rewards and the refund,
  /// slashes out of stake, bounties, the burn; frees the seats.
  void pay_out(QuorumJobRecord& q, const quorum::Tally& tally, const quorum::Payout& payout);

  /// Draws the quorums and sampled workers of the jobs posted in block `closed`, whose
  /// hash is `h` (quorum.cpp, sampled.cpp), in job-id order, each from the candidates
  /// left by the ones before: a job with too few is refunded instead. Runs in advance(),
  /// at the first block after `closed`.
  void seat_unseated(uint64_t closed, const Hash& h);
  void seat_quorum_job(QuorumJobRecord& q, const Hash& h);
  void draw_sampled_worker(SampledJobRecord& j, const Hash& h);
  /// MemoryLedger::candidates(), for the impl.
  std::vector<quorum::Candidate> candidates() const;
  /// The seats the unseated jobs will take when this block closes.
  size_t unseated_demand() const;

  /// Why `node` may not unbond because of sampled mode (sampled.cpp): it is a registered
  /// auditor, or has committed an audit in a job not yet settled. Empty if neither.
  std::string audit_hold(const Address& node) const;

  /// The optimistic claim a sampled job escalated into has ended (sampled.cpp): a rejected
  /// claim also costs the worker slash_bps of its stake; either way its seat is freed. A
  /// job that did not come from sampled mode is left alone.
  void sampled_claim_ended(const Hash& job_id, bool rejected);

  /// Takes slash_bps of `node`'s bonded stake and burns it; returns the amount.
  Amount slash_stake(const Address& node, const Hash& job_id, const std::string& why);

 private:
  void slash(const Address& loser, Amount bond, const Address& winner, const GameRecord& g);
};

namespace detail {

/// "<tx>: <subject>: <why>", the shape of every transaction error.
inline Error tx_error(Errc code,
                      const char* tx,
                      const std::string& subject,
                      const std::string& why) {
  return fail(code, std::string(tx) + ": " + subject + ": " + why);
}

/// "job 0x1234abcd…" (a quorum job's too: one id space for both modes).
inline std::string job_subject(const Hash& id) {
  return "job " + short_hex(id);
}

/// "0x" and the 64 hex digits of a hash: how event details show commitments and outputs.
inline std::string hex(const Hash& h) {
  return "0x" + commit::to_hex(h);
}

/// "block 12".
inline std::string block_str(uint64_t b) {
  return "block " + std::to_string(b);
}

/// "game 7".
inline std::string game_subject(uint64_t id) {
  return "game " + std::to_string(id);
}

}  // namespace detail
}  // namespace vinfer::ledger
