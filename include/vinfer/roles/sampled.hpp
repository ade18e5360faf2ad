// Sampled mode's roles (DESIGN §1, sampled:p; docs/quorum.md "Sampled mode"): the one
// worker that answers a sampled job, and the auditors that secretly draw themselves to
// re-run it. Every job reaches them sealed (sealed.hpp) through the ledger: the worker's
// envelope and one per registered auditor, drawn or not, so nothing on the ledger tells
// the worker who will audit before it has committed.
//
// The worker opens its envelope, runs the job, commits keccak(job, output, salt, id),
// reveals after the audit phase, and, if an audit disagreed, defends its answer in the
// optimistic dispute game (it publishes the job and its trace claim; Worker plays it).
// An auditor keeps a registered audit commitment for a secret only it holds; for every
// job it opens its envelope, and once the worker has committed it computes its draw
// (quorum::auditor_selected); if drawn it re-runs the job and commits its own output,
// then reveals it with the secret (which retires the registration: it registers a fresh
// secret). If the job is escalated it challenges the worker's claim and plays the game
// (an embedded Watcher).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "vinfer/ledger/ledger.hpp"
#include "vinfer/roles/execution.hpp"
#include "vinfer/roles/sealed.hpp"
#include "vinfer/roles/watcher.hpp"
#include "vinfer/roles/worker.hpp"

namespace vinfer::roles {

/// How a sampled worker departs from the honest run.
enum class SampledCheat : uint8_t {
  none,
  substitute_model,  ///< runs another model (kjv-small) under the job's model root
  random_output,     ///< commits and reveals a made-up output hash, runs nothing
  never_reveal,      ///< commits honestly, then never reveals
};
std::string_view sampled_cheat_name(SampledCheat c);

struct SampledWorkerConfig {
  SampledCheat cheat = SampledCheat::none;
  const LocalModel* substitute = nullptr;  ///< for substitute_model
  unsigned threads = 1;
};

/// What one step of a role did.
struct SampledStep {
  uint32_t commits = 0, reveals = 0, inferences = 0, moves = 0, challenges = 0;
};

/// The worker of sampled jobs, over a ledger (no sockets).
class SampledWorker {
 public:
  /// `key` opens its envelopes (its public half must be registered on the ledger);
  /// `secret` derives its salts and is never on the ledger.
  SampledWorker(ledger::Ledger& ledger,
                ledger::Address self,
                const LocalModel& model,
                X25519KeyPair key,
                const Hash& secret,
                SampledWorkerConfig cfg);

  /// Acts on every sampled job it works on: refuses one whose envelope does not open (or
  /// holds an invalid job), commits in the commit phase, reveals in the reveal phase,
  /// defends an escalated one, and makes the defender's moves in its games. What it has
  /// done is read from the job's round on the ledger, so a worker rebuilt after a crash
  /// carries on (recomputing its output).
  Result<SampledStep> step();

  const ledger::Address& address() const { return self_; }

 private:
  struct Job {
    model::Job job;
    Execution exec;  ///< what it committed to (empty for random_output)
    Hash output{};
  };
  Hash salt(const Hash& job_id) const;
  // The job it works on, opened from its envelope and run (or made up) on first use.
  Result<Job*> job_of(const ledger::SampledJobRecord& rec, SampledStep& st);

  ledger::Ledger& ledger_;
  ledger::Address self_;
  const LocalModel& model_;
  X25519KeyPair key_;
  Hash secret_;
  SampledWorkerConfig cfg_;
  Worker defender_;
  uint64_t next_seq_ = 0;
  std::set<Hash> assigned_;  // delivered to it, not yet done
  std::map<Hash, Job> jobs_;
  std::set<Hash> done_;
};

/// How an auditor behaves.
enum class AuditorKind : uint8_t {
  honest,
  colluding,  ///< colludes with the worker: when drawn, commits the worker's output unrun
};

struct AuditorConfig {
  AuditorKind kind = AuditorKind::honest;
  /// For colluding: job id -> the output the worker told it it will reveal.
  const std::map<Hash, Hash>* collusion_outputs = nullptr;
  unsigned threads = 1;
};

/// A sampled-mode auditor, over a ledger (no sockets).
class Auditor {
 public:
  /// `master` derives its audit secrets (secret i = keccak(master || be64(i))); `key`
  /// opens its envelopes. It must be staked with a registered key before its first step.
  static Result<std::unique_ptr<Auditor>> create(ledger::Ledger& ledger,
                                                 ledger::Address self,
                                                 const LocalModel& model,
                                                 X25519KeyPair key,
                                                 const Hash& master,
                                                 AuditorConfig cfg);

  /// Registers a fresh secret when it has none; opens new envelopes; draws, re-runs and
  /// commits in the audit phase; reveals in the reveal phase; challenges and plays
  /// escalated jobs (its Watcher). What it has done is read from the ledger (its
  /// registrations in the event log, its audit seats), so an auditor rebuilt after a
  /// crash with the same master secret carries on and never reuses a spent secret.
  Result<SampledStep> step();

  /// Jobs it drew itself for (and committed to), over its life.
  uint64_t audits() const { return audits_; }
  const ledger::Address& address() const { return self_; }

 private:
  Auditor(ledger::Ledger& l, ledger::Address self, const LocalModel& m, X25519KeyPair key,
          const Hash& master, AuditorConfig cfg);
  struct Job {
    model::Job job;
    Hash secret{};  ///< the secret behind the registration the job snapshot
    Hash output{};
    bool committed = false;  ///< output computed (committed by this object)
  };
  Hash secret_at(uint64_t i) const;
  Hash salt(const Hash& job_id) const;
  // The secret behind one of its registrations (searched among the ones it used).
  Result<Hash> secret_for(const Hash& registered);
  // Its output for job `id` (re-run, or the colluders' word).
  Status compute(Job& j, const Hash& id, SampledStep& st);

  ledger::Ledger& ledger_;
  ledger::Address self_;
  const LocalModel& model_;
  X25519KeyPair key_;
  Hash master_;
  AuditorConfig cfg_;
  std::unique_ptr<Watcher> watcher_;
  uint64_t registrations_ = 0;  // its auditor_registered events read so far
  std::optional<uint64_t> registered_at_;  // registrations_ when it last registered
  std::map<Hash, Hash> secrets_;  // registered commitment -> secret
  uint64_t next_seq_ = 0;
  std::vector<Hash> delivered_;  // sampled jobs delivered since the last step
  std::map<Hash, Job> jobs_;  // delivered to it, not yet done
  std::set<Hash> done_;
  uint64_t audits_ = 0;
};

}  // namespace vinfer::roles
