// A staked node of quorum mode (DESIGN §1, quorum:n): in every round it is seated in, it
// runs the job, commits to keccak(job, output hash, salt, its id) during the commit
// phase and reveals during the reveal phase. A cheating node does the same with another
// output, or never reveals; colluders reveal one agreed (wrong) output together.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "vinfer/ledger/ledger.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::roles {

/// How a quorum node departs from the honest run.
enum class QuorumCheat : uint8_t {
  none,
  substitute_model,  ///< runs another model (kjv-small) and reveals its output
  random_output,     ///< reveals a made-up output hash without running anything
  never_reveal,      ///< commits honestly, then never reveals
  collude,           ///< reveals the output the colluding group agreed on
};
std::string_view quorum_cheat_name(QuorumCheat c);

/// A quorum node's behaviour.
struct QuorumNodeConfig {
  QuorumCheat cheat = QuorumCheat::none;
  const LocalModel* substitute = nullptr;  ///< for substitute_model
  Hash collusion_output{};                 ///< for collude: the group's output hash
  unsigned threads = 1;
};

/// What one step did.
struct QuorumStep {
  uint32_t commits = 0, reveals = 0, inferences = 0;
};

/// One quorum node's logic over a ledger (no sockets).
class QuorumNode {
 public:
  /// `secret` derives its salts (salt = keccak(secret || job id)): never on the ledger.
  QuorumNode(ledger::Ledger& ledger,
             ledger::Address self,
             const LocalModel& model,
             const Hash& secret,
             QuorumNodeConfig cfg);

  /// Commits in every round it is seated in and has not committed to (commit phase), and
  /// reveals in every round it committed to (reveal phase). What it has done is read from
  /// its seat on the ledger, so a node rebuilt after a crash (a fresh object, same address
  /// and secret) carries on: it recomputes the output it committed to and reveals it.
  Result<QuorumStep> step();

  const ledger::Address& address() const { return self_; }

 private:
  Result<Hash> output_for(const model::Job& job, QuorumStep& st);
  Hash salt(const Hash& job_id) const;

  ledger::Ledger& ledger_;
  ledger::Address self_;
  const LocalModel& model_;
  Hash secret_;
  QuorumNodeConfig cfg_;
  uint64_t next_seq_ = 0;
  std::set<Hash> rounds_;           // rounds it is seated in, not yet done
  std::map<Hash, Hash> committed_;  // job -> the output hash it committed to
  std::set<Hash> done_;
};

}  // namespace vinfer::roles
