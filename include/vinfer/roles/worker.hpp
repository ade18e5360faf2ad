// The worker (DESIGN §5): runs a job, posts (job_id, output_hash, trace root, steps) with
// a bond, hands the client the tokens, and defends its claim in every game opened on it.
// A cheating worker does the same from the execution its strategy made up.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>

#include "vinfer/dispute/player.hpp"
#include "vinfer/ledger/ledger.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::roles {

/// How a worker behaves.
struct WorkerConfig {
  Cheat cheat = Cheat::none;
  uint64_t at_step = 0;                    ///< where the lie starts (see Cheat)
  const LocalModel* substitute = nullptr;  ///< for Cheat::substitute_model
  uint32_t silent_after = std::numeric_limits<uint32_t>::max();  ///< moves before it stops
  unsigned threads = 1;
};

/// One worker node's logic over a ledger (no sockets).
class Worker {
 public:
  Worker(ledger::Ledger& ledger, ledger::Address self, const LocalModel& model, WorkerConfig cfg);

  /// Runs the posted job and claims its result.
  Status serve(const Hash& job_id);
  /// Takes up again a claim it posted before a restart: re-runs the job (deterministic,
  /// cheats included) and defends the claim's games from then on. Errc::mismatch if the
  /// re-run does not give the claim on the ledger; Errc::invalid_argument if the job has
  /// no claim of its.
  Status resume(const Hash& job_id);
  /// Whether it holds the execution of `job_id` (served or resumed).
  bool serving(const Hash& job_id) const { return served_.count(job_id) != 0; }
  /// Defends an escalated sampled job (ledger sampled_defend) with the execution whose
  /// output it revealed; from then on play() defends the claim's games like a served job's.
  Status defend_sampled(Execution x);
  /// Makes every defender move that is due in games on its claims; returns how many.
  Result<uint32_t> play();
  /// The tokens it hands the client for a served job (empty if it served none).
  std::vector<uint32_t> tokens(const Hash& job_id) const;
  /// Its execution of a served job, or nullptr.
  const Execution* execution(const Hash& job_id) const;

  const ledger::Address& address() const { return self_; }

 private:
  struct Served {
    Execution exec;
    std::unique_ptr<dispute::RefereeContext> ctx;
    std::unique_ptr<dispute::Player> player;
    uint32_t moves = 0;
    std::set<uint64_t> given_up;  ///< games where its data has no acceptable move
  };
  Status adopt(Execution x, dispute::RefereeContext ctx);

  ledger::Ledger& ledger_;
  ledger::Address self_;
  const LocalModel& model_;
  WorkerConfig cfg_;
  std::map<Hash, Served> served_;
};

/// The referee context a party derives from the ledger's records of a job.
Result<dispute::RefereeContext> context_of(const ledger::Ledger& l, const model::Job& job);

}  // namespace vinfer::roles
