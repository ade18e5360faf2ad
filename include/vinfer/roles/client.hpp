// The client: posts a job with its payment, takes the worker's tokens, and accepts them
// only once the claim is final and the tokens are the claimed output.
#pragma once

#include <span>
#include <vector>

#include "vinfer/ledger/ledger.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::roles {

/// The ledger transaction that registers `model` (its root and the four leaves).
ledger::ModelRegistration registration_of(const LocalModel& model);

/// One client's logic over a ledger (no sockets).
class Client {
 public:
  Client(ledger::Ledger& ledger, ledger::Address self) : ledger_(ledger), self_(self) {}

  /// Posts `job` with `payment` in escrow; returns its id.
  Result<Hash> submit(const model::Job& job, ledger::Amount payment);
  /// The tokens, if the job is finalized and `tokens` are its claimed output (their
  /// tensor root is the claim's output_hash); otherwise an error saying why not.
  Result<std::vector<uint32_t>> accept(const Hash& job_id, std::span<const uint32_t> tokens) const;

 private:
  ledger::Ledger& ledger_;
  ledger::Address self_;
};

}  // namespace vinfer::roles
