// RemoteLedger: the Ledger interface over HTTP to a ledger server (`vinfer ledger serve`,
// ledger_server.hpp; protocol in docs/ledger-http.md), so a node in its own process
// talks to a shared MemoryLedger exactly as to an embedded one.
//
// A transaction's error is the ledger's own (same Errc, same message). A failure of the
// connection or of the protocol is an Errc::io error naming the URL and the call. The
// reads that cannot return an error (block, balance, staked, unbonding, games_of,
// candidates, auditors, events, totals) abort with that message instead: a node that
// cannot see the ledger must not act on a made-up answer. Each call is one HTTP request
// on one kept-alive connection; calls from several threads are serialized.
#pragma once

#include <memory>
#include <string>

#include "vinfer/ledger/ledger.hpp"

namespace vinfer::node {

/// A ledger behind an HTTP endpoint.
class RemoteLedger final : public ledger::Ledger {
 public:
  /// Connects to `url` ("http://127.0.0.1:PORT") and reads the ledger's params.
  static Result<std::unique_ptr<RemoteLedger>> connect(const std::string& url);
  ~RemoteLedger() override;
  RemoteLedger(const RemoteLedger&) = delete;
  RemoteLedger& operator=(const RemoteLedger&) = delete;

  /// The URL it talks to.
  const std::string& url() const;

  const ledger::Params& params() const override;

  uint64_t block() const override;
  Status advance(uint64_t n) override;

  Status deposit(const ledger::Address& to, ledger::Amount amount) override;
  Status withdraw(const ledger::Address& from, ledger::Amount amount) override;
  ledger::Amount balance(const ledger::Address& a) const override;

  Status stake(const ledger::Address& from, ledger::Amount amount) override;
  Status unbond(const ledger::Address& from, ledger::Amount amount) override;
  Result<ledger::Amount> withdraw_unbonded(const ledger::Address& from) override;
  ledger::Amount staked(const ledger::Address& a) const override;
  ledger::Amount unbonding(const ledger::Address& a) const override;

  Status register_model(const ledger::Address& owner,
                        const ledger::ModelRegistration& reg) override;
  Result<ledger::ModelRecord> model(const ledger::Hash& root) const override;

  Result<ledger::Hash> post_job(const ledger::Address& client,
                                const model::Job& job,
                                ledger::Amount payment) override;
  Status cancel_job(const ledger::Address& client, const ledger::Hash& job_id) override;
  Result<ledger::JobRecord> job(const ledger::Hash& id) const override;

  Status post_result(const ledger::Address& worker,
                     const dispute::Claim& claim,
                     std::span<const ledger::Hash> last_peaks) override;
  Result<uint64_t> challenge(const ledger::Address& challenger,
                             const ledger::Hash& job_id) override;
  Status move(const ledger::Address& from, uint64_t game_id, const dispute::Move& m) override;
  Status resolve_timeout(uint64_t game_id) override;
  Status finalize(const ledger::Hash& job_id) override;
  Result<ledger::GameRecord> game(uint64_t id) const override;
  std::vector<uint64_t> games_of(const ledger::Hash& job_id) const override;

  Status register_key(const ledger::Address& node, const ledger::NodeKey& x25519_pk) override;
  Result<ledger::NodeKey> node_key(const ledger::Address& node) const override;

  std::vector<quorum::Candidate> candidates() const override;
  Result<ledger::Hash> block_hash(uint64_t block) const override;
  Result<ledger::Hash> post_quorum_job(const ledger::Address& client,
                                       const model::Job& job,
                                       uint32_t n,
                                       ledger::Amount reward_per_node) override;
  Result<ledger::QuorumJobRecord> quorum_job(const ledger::Hash& id) const override;
  Status quorum_commit(const ledger::Address& node,
                       const ledger::Hash& job_id,
                       const ledger::Hash& commitment) override;
  Status quorum_reveal(const ledger::Address& node,
                       const ledger::Hash& job_id,
                       const ledger::Hash& output_hash,
                       const ledger::Hash& salt) override;
  Status quorum_settle(const ledger::Hash& job_id) override;

  Status register_auditor(const ledger::Address& node, const ledger::Hash& commitment) override;
  Status retire_auditor(const ledger::Address& node) override;
  std::vector<quorum::RegisteredAuditor> auditors() const override;
  Result<ledger::Hash> post_sampled_job(const ledger::Address& client,
                                        const ledger::Hash& job_id,
                                        const ledger::Hash& model_root,
                                        const ledger::SampledOffer& offer) override;
  Status sampled_deliver(const ledger::Address& client,
                         const ledger::Hash& job_id,
                         const std::vector<ledger::Envelope>& envelopes) override;
  Status sampled_cancel(const ledger::Address& caller, const ledger::Hash& job_id) override;
  Status sampled_refuse(const ledger::Address& worker, const ledger::Hash& job_id) override;
  Result<ledger::SampledJobRecord> sampled_job(const ledger::Hash& id) const override;
  Status sampled_commit(const ledger::Address& worker,
                        const ledger::Hash& job_id,
                        const ledger::Hash& c) override;
  Status audit_commit(const ledger::Address& auditor,
                      const ledger::Hash& job_id,
                      const ledger::Hash& c) override;
  Status sampled_reveal(const ledger::Address& worker,
                        const ledger::Hash& job_id,
                        const ledger::Hash& output_hash,
                        const ledger::Hash& salt) override;
  Status audit_reveal(const ledger::Address& auditor,
                      const ledger::Hash& job_id,
                      const ledger::Hash& output_hash,
                      const ledger::Hash& salt,
                      const ledger::Hash& secret) override;
  Status sampled_settle(const ledger::Hash& job_id) override;
  Status sampled_defend(const ledger::Address& worker,
                        const model::Job& job,
                        const dispute::Claim& claim,
                        std::span<const ledger::Hash> last_peaks) override;

  std::vector<ledger::Event> events(uint64_t since_seq = 0) const override;
  ledger::Totals totals() const override;

  struct Impl;

 private:
  explicit RemoteLedger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinfer::node
