// MemoryLedger: the embedded settlement backend (DESIGN §6). Runs the Ledger rules in
// process with a deterministic block clock; the fast test backend and the default of
// `vinfer demo` and `vinfer node`.
//
// It checks the money identity after every transaction and aborts (VINFER_ASSERT) if it
// is broken: that is a bug in the ledger, never bad input. With a database path, every
// successful transaction is written to SQLite in one SQL transaction before the call
// returns, so reopening the file restores everything, games mid-play included. If that
// write fails, the ledger reloads its last committed state and the call fails.
// Not thread-safe: one caller at a time (queries included).
//
// Block hashes: like a chain's, each commits to what happened in its block,
//
//   h_b = keccak256("VBLK" || h_{b-1} || be64(b) || d_b),  d_b the digest of block b's
//         events (zero if none), h_{-1} = keccak256("vinfer-memory-ledger-genesis")
//
// (src/ledger/block_hashes.hpp has the bytes). A block's hash is fixed when the block
// closes (advance), after every transaction in it, so a client posting a quorum or
// sampled job cannot know the hash that seeds its draw, and regrinding the job id
// changes the very hash it is trying to predict. Who could still predict it: a party
// that knows every other transaction the block will hold before it closes — in the
// embedded ledger, with one operator and a process that replays the same calls, that is
// everyone (it is the operator's ledger to begin with); behind `vinfer ledger serve`,
// only the operator. Nothing is stored: the hashes are recomputed from the event log,
// remembering one every 1024 blocks and the last asked for.
#pragma once

#include <memory>
#include <string>

#include "vinfer/ledger/ledger.hpp"

namespace vinfer::ledger {

/// The in-process ledger, optionally backed by a SQLite file.
class MemoryLedger final : public Ledger {
 public:
  /// An in-memory ledger starting at block 0 (VINFER_ASSERTs validate(params)).
  explicit MemoryLedger(Params params = {});
  /// Creates the database at `path` with `params`, or reopens it; reopening requires the
  /// same params it was created with. A database is opened by one ledger at a time.
  static Result<std::unique_ptr<MemoryLedger>> open(const std::string& path, const Params& params);
  ~MemoryLedger() override;
  MemoryLedger(const MemoryLedger&) = delete;
  MemoryLedger& operator=(const MemoryLedger&) = delete;

  /// True if backed by a database.
  bool persistent() const;

  const Params& params() const override;

  uint64_t block() const override;
  Status advance(uint64_t n) override;

  Status deposit(const Address& to, Amount amount) override;
  Status withdraw(const Address& from, Amount amount) override;
  Amount balance(const Address& a) const override;

  Status stake(const Address& from, Amount amount) override;
  Status unbond(const Address& from, Amount amount) override;
  Result<Amount> withdraw_unbonded(const Address& from) override;
  Amount staked(const Address& a) const override;
  Amount unbonding(const Address& a) const override;

  Status register_model(const Address& owner, const ModelRegistration& reg) override;
  Result<ModelRecord> model(const Hash& root) const override;

  Result<Hash> post_job(const Address& client, const model::Job& job, Amount payment) override;
  Status cancel_job(const Address& client, const Hash& job_id) override;
  Result<JobRecord> job(const Hash& id) const override;

  Status post_result(const Address& worker,
                     const dispute::Claim& claim,
                     std::span<const Hash> last_peaks) override;
  Result<uint64_t> challenge(const Address& challenger, const Hash& job_id) override;
  Status move(const Address& from, uint64_t game_id, const dispute::Move& m) override;
  Status resolve_timeout(uint64_t game_id) override;
  Status finalize(const Hash& job_id) override;
  Result<GameRecord> game(uint64_t id) const override;
  std::vector<uint64_t> games_of(const Hash& job_id) const override;

  Status register_key(const Address& node, const NodeKey& x25519_pk) override;
  Result<NodeKey> node_key(const Address& node) const override;

  std::vector<quorum::Candidate> candidates() const override;
  Result<Hash> block_hash(uint64_t block) const override;
  Result<Hash> post_quorum_job(const Address& client,
                               const model::Job& job,
                               uint32_t n,
                               Amount reward_per_node) override;
  Result<QuorumJobRecord> quorum_job(const Hash& id) const override;
  Status quorum_commit(const Address& node, const Hash& job_id, const Hash& commitment) override;
  Status quorum_reveal(const Address& node,
                       const Hash& job_id,
                       const Hash& output_hash,
                       const Hash& salt) override;
  Status quorum_settle(const Hash& job_id) override;

  Status register_auditor(const Address& node, const Hash& commitment) override;
  Status retire_auditor(const Address& node) override;
  std::vector<quorum::RegisteredAuditor> auditors() const override;
  Result<Hash> post_sampled_job(const Address& client,
                                const Hash& job_id,
                                const Hash& model_root,
                                const SampledOffer& offer) override;
  Status sampled_deliver(const Address& client,
                         const Hash& job_id,
                         const std::vector<Envelope>& envelopes) override;
  Status sampled_cancel(const Address& caller, const Hash& job_id) override;
  Status sampled_refuse(const Address& worker, const Hash& job_id) override;
  Result<SampledJobRecord> sampled_job(const Hash& id) const override;
  Status sampled_commit(const Address& worker, const Hash& job_id, const Hash& c) override;
  Status audit_commit(const Address& auditor, const Hash& job_id, const Hash& c) override;
  Status sampled_reveal(const Address& worker,
                        const Hash& job_id,
                        const Hash& output_hash,
                        const Hash& salt) override;
  Status audit_reveal(const Address& auditor,
                      const Hash& job_id,
                      const Hash& output_hash,
                      const Hash& salt,
                      const Hash& secret) override;
  Status sampled_settle(const Hash& job_id) override;
  Status sampled_defend(const Address& worker,
                        const model::Job& job,
                        const dispute::Claim& claim,
                        std::span<const Hash> last_peaks) override;

  std::vector<Event> events(uint64_t since_seq = 0) const override;
  Totals totals() const override;

  struct Impl;  ///< the state and its store (src/ledger/impl.hpp)

 private:
  explicit MemoryLedger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinfer::ledger
