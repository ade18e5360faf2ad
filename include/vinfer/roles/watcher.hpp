// The watcher (DESIGN §5 step 2): follows the ledger's result claims on its model,
// re-executes each job, challenges a claim whose trace root differs from its own, and
// plays the challenger's side of its games. Its progress (which claims it judged, which
// games it plays, how far it read the event log) lives in SQLite, so a watcher dropped
// at any point and rebuilt from the same file carries on; executions are re-run on
// demand (the engine is deterministic).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "vinfer/dispute/player.hpp"
#include "vinfer/ledger/ledger.hpp"
#include "vinfer/roles/execution.hpp"

namespace vinfer::roles {

/// How a watcher behaves.
struct WatcherConfig {
  /// Cheat::none: honest. Otherwise a false challenger: it presents this made-up execution
  /// and challenges every claim, correct or not.
  Cheat lie = Cheat::none;
  uint64_t lie_at = 0;
  uint32_t silent_after = std::numeric_limits<uint32_t>::max();  ///< moves before it stops
  unsigned threads = 1;
};

/// What one poll did.
struct WatchReport {
  uint32_t claims_checked = 0, challenges = 0, moves = 0;
};

/// One watcher node's logic over a ledger (no sockets).
class Watcher {
 public:
  /// Opens (or creates) the watcher's state at `db_path` (":memory:" keeps none).
  static Result<std::unique_ptr<Watcher>> open(ledger::Ledger& ledger,
                                               ledger::Address self,
                                               const LocalModel& model,
                                               const std::string& db_path,
                                               WatcherConfig cfg);
  ~Watcher();

  /// Reads new events, judges new claims (challenging a differing one) and makes every
  /// challenger move that is due in its games.
  Result<WatchReport> poll();
  /// The games it has opened, as its state file records them.
  std::vector<uint64_t> games() const;

  const ledger::Address& address() const { return self_; }

 private:
  struct Db;
  struct Playing {
    Execution exec;
    std::unique_ptr<dispute::RefereeContext> ctx;
    std::unique_ptr<dispute::Player> player;
  };
  Watcher(ledger::Ledger& l, ledger::Address self, const LocalModel& m, WatcherConfig cfg);
  Result<Playing*> playing(const Hash& job_id);
  Result<Execution> my_execution(const model::Job& job) const;

  ledger::Ledger& ledger_;
  ledger::Address self_;
  const LocalModel& model_;
  WatcherConfig cfg_;
  std::unique_ptr<Db> db_;
  std::map<Hash, std::unique_ptr<Playing>> jobs_;  // executions, rebuilt on demand
  std::set<uint64_t> given_up_;
};

}  // namespace vinfer::roles
