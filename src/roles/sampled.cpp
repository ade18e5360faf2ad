// Sampled mode's worker and auditor roles (sampled.hpp).
#include "vinfer/roles/sampled.hpp"

#include <algorithm>
#include <cstring>

#include "vinfer/quorum/audit.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::roles {
namespace {

quorum::NodeId node_id(const ledger::Address& a) {
  return ledger::to_node_id(a);
}

// keccak(a || b): salts and secrets derived from a node's private seed.
Hash derive(const Hash& seed, std::span<const uint8_t> what) {
  std::vector<uint8_t> pre(seed.begin(), seed.end());
  pre.insert(pre.end(), what.begin(), what.end());
  return commit::keccak256(pre);
}

// The job inside the envelope addressed to `me`, checked against the ledger's record.
Result<model::Job> open_envelope(const ledger::SampledJobRecord& rec,
                                 const ledger::Address& me,
                                 const X25519KeyPair& key) {
  auto env = std::find_if(rec.envelopes.begin(), rec.envelopes.end(),
                          [&](const ledger::Envelope& e) { return e.to == me; });
  if (env == rec.envelopes.end())
    return fail(Errc::invalid_argument, "sampled job " + ledger::short_hex(rec.id) +
                                            ": no envelope for " + ledger::to_hex(me));
  VINFER_TRY(std::vector<uint8_t> plain, unseal(env->sealed, key, rec.id));
  VINFER_TRY(model::Job job, model::Job::from_bytes(plain));
  if (job.id() != rec.id || job.model_root != rec.model_root)
    return fail(Errc::mismatch, "sampled job " + ledger::short_hex(rec.id) +
                                    ": the sealed job is not the one posted");
  return job;
}

}  // namespace

std::string_view sampled_cheat_name(SampledCheat c) {
  switch (c) {
    case SampledCheat::none:
      return "none";
    case SampledCheat::substitute_model:
      return "substitute-model";
    case SampledCheat::random_output:
      return "random-output";
    case SampledCheat::never_reveal:
      return "never-reveals";
  }
  return "invalid";
}

// ---- the worker ----

SampledWorker::SampledWorker(ledger::Ledger& ledger,
                             ledger::Address self,
                             const LocalModel& model,
                             X25519KeyPair key,
                             const Hash& secret,
                             SampledWorkerConfig cfg)
    : ledger_(ledger),
      self_(self),
      model_(model),
      key_(key),
      secret_(secret),
      cfg_(cfg),
      defender_(ledger, self, model, WorkerConfig{.threads = cfg.threads}) {}

Hash SampledWorker::salt(const Hash& job_id) const {
  return derive(secret_, job_id);
}

Result<SampledWorker::Job*> SampledWorker::job_of(const ledger::SampledJobRecord& rec,
                                                  SampledStep& st) {
  const Hash id = rec.id;
  if (auto it = jobs_.find(id); it != jobs_.end())
    return &it->second;
  VINFER_TRY(model::Job job, open_envelope(rec, self_, key_));
  Job j;
  j.job = std::move(job);
  switch (cfg_.cheat) {
    case SampledCheat::random_output:
      j.output = commit::keccak256(salt(id));  // made up
      break;
    case SampledCheat::substitute_model: {
      if (!cfg_.substitute)
        return fail(Errc::invalid_argument, "sampled worker: substitute_model needs a model");
      VINFER_TRY(j.exec, cheat_execution(Cheat::substitute_model, model_, cfg_.substitute, j.job,
                                         0, cfg_.threads));
      ++st.inferences;
      j.output = j.exec.output_hash;
      break;
    }
    case SampledCheat::none:
    case SampledCheat::never_reveal:
      VINFER_TRY(j.exec, execute(model_, j.job, cfg_.threads));
      ++st.inferences;
      j.output = j.exec.output_hash;
      break;
  }
  return &(jobs_[id] = std::move(j));
}

Result<SampledStep> SampledWorker::step() {
  SampledStep st;
  for (const ledger::Event& ev : ledger_.events(next_seq_)) {
    next_seq_ = ev.seq + 1;
    if (ev.kind == ledger::EventKind::sampled_delivered && ev.who == self_)
      assigned_.insert(ev.job_id);
  }
  // What it has done is read from the job's round on the ledger, so a worker rebuilt after
  // a crash carries on (its output recomputed: the same bytes, the same commitment).
  const uint64_t now = ledger_.block();
  for (const Hash& id : assigned_) {
    if (done_.count(id))
      continue;
    VINFER_TRY(ledger::SampledJobRecord rec, ledger_.sampled_job(id));
    switch (rec.status) {
      case ledger::SampledStatus::open: {
        const quorum::SampledRound& r = *rec.round;
        const quorum::SampledPhase phase = r.phase(now);
        if (phase == quorum::SampledPhase::commit && now > r.opened_at && !r.worker_committed) {
          auto j = job_of(rec, st);
          if (!j) {  // nothing it could run: decline while that costs nothing
            VINFER_CHECK(ledger_.sampled_refuse(self_, id));
            done_.insert(id);
            break;
          }
          const Hash c = quorum::output_commitment(id, (*j)->output, salt(id), node_id(self_));
          VINFER_CHECK(ledger_.sampled_commit(self_, id, c));
          ++st.commits;
        } else if (phase == quorum::SampledPhase::reveal && r.worker_committed &&
                   !r.worker_revealed && cfg_.cheat != SampledCheat::never_reveal) {
          VINFER_TRY(Job * j, job_of(rec, st));
          VINFER_CHECK(ledger_.sampled_reveal(self_, id, j->output, salt(id)));
          ++st.reveals;
        }
        break;
      }
      case ledger::SampledStatus::escalated: {
        // An audit disagreed: defend the answer with the trace behind it. A made-up output
        // has no trace, so that worker cannot defend and is slashed at the deadline.
        if (cfg_.cheat != SampledCheat::random_output) {
          VINFER_TRY(Job * j, job_of(rec, st));
          VINFER_CHECK(defender_.defend_sampled(j->exec));
        }
        break;
      }
      case ledger::SampledStatus::disputed:
        // The games are played below; after a restart the defender takes its claim up
        // again (an honest one only: a substituted run is not what resume re-runs).
        if (!defender_.serving(id) && cfg_.cheat == SampledCheat::none)
          VINFER_CHECK(defender_.resume(id));
        break;
      case ledger::SampledStatus::posted:
        break;
      case ledger::SampledStatus::cancelled:
      case ledger::SampledStatus::refused:
      case ledger::SampledStatus::paid:
      case ledger::SampledStatus::worker_slashed:
        done_.insert(id);
        jobs_.erase(id);
        break;
    }
  }
  VINFER_TRY(st.moves, defender_.play());
  return st;
}

// ---- the auditor ----

Auditor::Auditor(ledger::Ledger& l,
                 ledger::Address self,
                 const LocalModel& m,
                 X25519KeyPair key,
                 const Hash& master,
                 AuditorConfig cfg)
    : ledger_(l), self_(self), model_(m), key_(key), master_(master), cfg_(cfg) {}

Result<std::unique_ptr<Auditor>> Auditor::create(ledger::Ledger& ledger,
                                                 ledger::Address self,
                                                 const LocalModel& model,
                                                 X25519KeyPair key,
                                                 const Hash& master,
                                                 AuditorConfig cfg) {
  std::unique_ptr<Auditor> a(new Auditor(ledger, self, model, key, master, cfg));
  if (cfg.kind == AuditorKind::honest) {
    // An escalated job becomes an optimistic claim: the honest auditor challenges it and
    // plays the game as any watcher would.
    VINFER_TRY(a->watcher_, Watcher::open(ledger, self, model, ":memory:",
                                          WatcherConfig{.threads = cfg.threads}));
  }
  return a;
}

Hash Auditor::secret_at(uint64_t i) const {
  uint8_t be[8];
  for (int k = 0; k < 8; ++k)
    be[k] = static_cast<uint8_t>(i >> (56 - 8 * k));
  return derive(master_, std::span<const uint8_t>(be, 8));
}

Hash Auditor::salt(const Hash& job_id) const {
  return derive(master_, job_id);
}

Result<Hash> Auditor::secret_for(const Hash& registered) {
  if (auto it = secrets_.find(registered); it != secrets_.end())
    return it->second;
  const quorum::NodeId me = node_id(self_);
  for (uint64_t i = 0; i <= registrations_; ++i) {
    const Hash secret = secret_at(i);
    if (quorum::audit_commitment(me, secret) == registered) {
      secrets_[registered] = secret;
      return secret;
    }
  }
  return fail(Errc::invalid_argument, "auditor: no secret of its own behind this registration");
}

Result<SampledStep> Auditor::step() {
  SampledStep st;
  const quorum::NodeId me = node_id(self_);
  // Its registrations and the jobs delivered to it, from the event log: the i-th
  // registration used secret i, so a rebuilt auditor knows which secrets are spent and
  // never registers one again.
  for (const ledger::Event& ev : ledger_.events(next_seq_)) {
    next_seq_ = ev.seq + 1;
    if (ev.kind == ledger::EventKind::auditor_registered && ev.who == self_)
      ++registrations_;
    if (ev.kind == ledger::EventKind::sampled_delivered)
      delivered_.push_back(ev.job_id);
  }
  // A registration, fresh whenever the last secret was spent.
  {
    const auto regs = ledger_.auditors();
    const bool registered = std::any_of(regs.begin(), regs.end(),
                                        [&](const quorum::RegisteredAuditor& r) { return r.id == me; });
    if (!registered && registered_at_ != registrations_) {
      const Hash secret = secret_at(registrations_);
      const Hash c = quorum::audit_commitment(me, secret);
      VINFER_CHECK(ledger_.register_auditor(self_, c));
      secrets_[c] = secret;
      registered_at_ = registrations_;  // counted when the next step reads its event
    }
  }
  for (const Hash& job_id : delivered_) {
    VINFER_TRY(ledger::SampledJobRecord rec, ledger_.sampled_job(job_id));
    auto seat = std::find_if(rec.auditors.begin(), rec.auditors.end(),
                             [&](const quorum::RegisteredAuditor& r) { return r.id == me; });
    if (seat == rec.auditors.end() || rec.status != ledger::SampledStatus::open)
      continue;
    auto secret = secret_for(seat->commitment);
    auto job = open_envelope(rec, self_, key_);  // drawn or not: every auditor opens its own
    if (!secret || !job)
      continue;  // not its registration, or nothing it could run: it cannot audit this one
    jobs_[job_id] = Job{std::move(job).value(), *secret, {}, false};
  }
  delivered_.clear();
  const uint64_t now = ledger_.block();
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const Hash id = it->first;
    Job& j = it->second;
    VINFER_TRY(ledger::SampledJobRecord rec, ledger_.sampled_job(id));
    if (rec.status != ledger::SampledStatus::open) {
      it = jobs_.erase(it);
      continue;
    }
    const quorum::SampledRound& r = *rec.round;
    const quorum::SampledPhase phase = r.phase(now);
    // Its seat on the ledger says whether it committed and revealed (after a restart too).
    const quorum::AuditSeat* seat = nullptr;
    for (const quorum::AuditSeat& a : r.auditors)
      if (a.id == me)
        seat = &a;
    const bool committed = seat && seat->committed;
    if (phase == quorum::SampledPhase::audit && r.worker_committed && !committed &&
        quorum::auditor_selected(j.secret, id, r.worker_commitment, r.p_bps)) {
      VINFER_CHECK(compute(j, id, st));
      VINFER_CHECK(ledger_.audit_commit(self_, id, quorum::output_commitment(id, j.output, salt(id), me)));
      ++st.commits;
      ++audits_;
    } else if (phase == quorum::SampledPhase::reveal && committed && !seat->revealed) {
      if (!j.committed)
        VINFER_CHECK(compute(j, id, st));  // rebuilt after a restart: recompute it
      VINFER_CHECK(ledger_.audit_reveal(self_, id, j.output, salt(id), j.secret));
      ++st.reveals;
      it = jobs_.erase(it);
      continue;
    } else if (phase == quorum::SampledPhase::settle ||
               (phase == quorum::SampledPhase::reveal && (!committed || seat->revealed))) {
      it = jobs_.erase(it);  // not drawn (the secret stays unspent), or done
      continue;
    }
    ++it;
  }
  if (watcher_) {
    VINFER_TRY(WatchReport rep, watcher_->poll());
    st.inferences += rep.claims_checked;
    st.moves += rep.moves;
    st.challenges += rep.challenges;
  }
  return st;
}

Status Auditor::compute(Job& j, const Hash& id, SampledStep& st) {
  if (cfg_.kind == AuditorKind::colluding) {
    auto out = cfg_.collusion_outputs ? cfg_.collusion_outputs->find(id)
                                      : std::map<Hash, Hash>::const_iterator{};
    if (!cfg_.collusion_outputs || out == cfg_.collusion_outputs->end())
      return fail(Errc::invalid_argument, "colluding auditor: the worker told it nothing");
    j.output = out->second;
  } else {
    VINFER_TRY(Execution x, execute(model_, j.job, cfg_.threads));
    ++st.inferences;
    j.output = x.output_hash;
  }
  j.committed = true;
  return ok_status();
}

}  // namespace vinfer::roles
