// Sampled mode's audit draw and its job state machine (audit.hpp).
#include "vinfer/quorum/audit.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "vinfer/quorum/commitment.hpp"

namespace vinfer::quorum {
namespace {

Error reject(const char* what, const NodeId& node, const std::string& why) {
  return fail(Errc::invalid_argument,
              std::string("sampled job: ") + what + " by node " + short_hex(node) + ": " + why);
}

std::string block(uint64_t b) {
  return "block " + std::to_string(b);
}

// The seat of auditor `node`, or nullptr.
template <class R>
auto* seat_of(R& round, const NodeId& node) {
  auto it = std::find_if(round.auditors.begin(), round.auditors.end(),
                         [&](const AuditSeat& s) { return s.id == node; });
  return it == round.auditors.end() ? nullptr : &*it;
}

}  // namespace

Hash audit_commitment(const NodeId& auditor, const Hash& secret) {
  commit::Keccak256 k;
  for (char c : kAuditCommitmentTag)
    k.update_byte(static_cast<uint8_t>(c));
  k.update(auditor);
  k.update(secret);
  return k.finalize();
}

uint64_t audit_draw(const Hash& secret, const Hash& job_id, const Hash& worker_commitment) {
  commit::Keccak256 k;
  for (char c : kAuditDrawTag)
    k.update_byte(static_cast<uint8_t>(c));
  k.update(secret);
  k.update(job_id);
  k.update(worker_commitment);
  const Hash h = k.finalize();
  uint64_t draw = 0;
  for (size_t i = 0; i < 8; ++i)
    draw = draw << 8 | h[i];
  return draw;
}

bool draw_selects(uint64_t draw, uint32_t p_bps) {
  // Both sides below 2^64 × 10000 < 2^78: exact in 128 bits, no rounding anywhere.
  return static_cast<unsigned __int128>(draw) * kBps < static_cast<unsigned __int128>(p_bps) << 64;
}

bool auditor_selected(const Hash& secret,
                      const Hash& job_id,
                      const Hash& worker_commitment,
                      uint32_t p_bps) {
  return draw_selects(audit_draw(secret, job_id, worker_commitment), p_bps);
}

double expected_audits(uint32_t p_bps, size_t auditors) {
  VINFER_ASSERT(p_bps <= kBps);
  return static_cast<double>(auditors) * p_bps / kBps;
}

double audit_probability(uint32_t p_bps, size_t auditors) {
  VINFER_ASSERT(p_bps <= kBps);
  return 1.0 - std::pow(1.0 - static_cast<double>(p_bps) / kBps, static_cast<double>(auditors));
}

const char* sampled_phase_name(SampledPhase p) {
  switch (p) {
    case SampledPhase::commit:
      return "commit";
    case SampledPhase::audit:
      return "audit";
    case SampledPhase::reveal:
      return "reveal";
    case SampledPhase::settle:
      return "settle";
  }
  return "invalid";
}

const char* worker_outcome_name(WorkerOutcome o) {
  switch (o) {
    case WorkerOutcome::revealed:
      return "revealed";
    case WorkerOutcome::not_revealed:
      return "not_revealed";
    case WorkerOutcome::not_committed:
      return "not_committed";
  }
  return "invalid";
}

const char* audit_outcome_name(AuditOutcome o) {
  switch (o) {
    case AuditOutcome::agreed:
      return "agreed";
    case AuditOutcome::disagreed:
      return "disagreed";
    case AuditOutcome::unmatched:
      return "unmatched";
    case AuditOutcome::not_revealed:
      return "not_revealed";
  }
  return "invalid";
}

const char* sampled_verdict_name(SampledVerdict v) {
  switch (v) {
    case SampledVerdict::paid:
      return "paid";
    case SampledVerdict::escalate:
      return "escalate";
    case SampledVerdict::worker_slashed:
      return "worker_slashed";
  }
  return "invalid";
}

Result<SampledRound> SampledRound::open(const Hash& job_id,
                                        const NodeId& worker,
                                        std::span<const RegisteredAuditor> auditors,
                                        const SampledParams& params,
                                        uint64_t now) {
  if (params.p_bps > kBps)
    return fail(Errc::invalid_argument, "sampled job: p_bps = " + std::to_string(params.p_bps) +
                                            ": an audit probability is at most 10000 bps");
  if (params.commit_blocks == 0 || params.audit_blocks == 0 || params.reveal_blocks == 0)
    return fail(Errc::invalid_argument,
                "sampled job: commit_blocks = " + std::to_string(params.commit_blocks) +
                    ", audit_blocks = " + std::to_string(params.audit_blocks) +
                    ", reveal_blocks = " + std::to_string(params.reveal_blocks) +
                    ": each phase needs at least one block");
  if (params.commit_blocks > UINT64_MAX - now ||
      params.audit_blocks > UINT64_MAX - now - params.commit_blocks ||
      params.reveal_blocks > UINT64_MAX - now - params.commit_blocks - params.audit_blocks)
    return fail(Errc::overflow, "sampled job: the reveal deadline is past block 2^64 - 1");
  SampledRound r;
  r.job_id = job_id;
  r.worker = worker;
  r.p_bps = params.p_bps;
  r.opened_at = now;
  r.commit_deadline = now + params.commit_blocks;
  r.audit_deadline = r.commit_deadline + params.audit_blocks;
  r.reveal_deadline = r.audit_deadline + params.reveal_blocks;
  for (const RegisteredAuditor& a : auditors) {
    if (a.id == worker)
      return fail(Errc::invalid_argument, "sampled job: node " + short_hex(a.id) +
                                              " is the worker and cannot audit itself");
    if (seat_of(r, a.id) != nullptr)
      return fail(Errc::invalid_argument,
                  "sampled job: auditor " + short_hex(a.id) + " is listed twice");
    // Two auditors with the same registered commitment are allowed: one of them copied it
    // and can never open it (the id is in the preimage), and refusing the job would let
    // any copier block it.
    r.auditors.push_back(AuditSeat{a.id, a.commitment});
  }
  return r;
}

SampledPhase SampledRound::phase(uint64_t now) const {
  if (now <= commit_deadline)
    return SampledPhase::commit;
  if (now <= audit_deadline)
    return SampledPhase::audit;
  return now <= reveal_deadline ? SampledPhase::reveal : SampledPhase::settle;
}

Status SampledRound::commit(const NodeId& node, const Hash& commitment, uint64_t now) {
  if (node != worker)
    return reject("commit", node, "not this job's worker");
  // INVARIANT: the worker commits in (opened_at, commit_deadline].
  if (now <= opened_at)
    return reject("commit", node,
                  "at " + block(now) + ", not after the job opened at " + block(opened_at));
  if (now > commit_deadline)
    return reject("commit", node,
                  "late: at " + block(now) + ", the commit deadline was " + block(commit_deadline));
  if (worker_committed)
    return reject("commit", node, "already committed (one commitment per job)");
  worker_committed = true;
  worker_commitment = commitment;
  return ok_status();
}

Status SampledRound::audit_commit(const NodeId& node, const Hash& commitment, uint64_t now) {
  AuditSeat* seat = seat_of(*this, node);
  if (seat == nullptr)
    return reject("audit commit", node, "not a registered auditor of this job");
  // INVARIANT: audits land in (commit_deadline, audit_deadline], after the worker's
  // commitment is final: the draw hashes it, so no audit can predate it.
  if (now <= commit_deadline)
    return reject("audit commit", node,
                  "early: at " + block(now) + ", the worker's commit phase lasts until " +
                      block(commit_deadline) +
                      " (the draw hashes the worker's commitment, which is not final yet)");
  if (now > audit_deadline)
    return reject("audit commit", node,
                  "late: at " + block(now) + ", the audit deadline was " + block(audit_deadline));
  if (!worker_committed)
    return reject("audit commit", node,
                  "the worker did not commit: there is no commitment to draw against");
  if (seat->committed)
    return reject("audit commit", node, "already committed (one audit per auditor)");
  if (commitment == worker_commitment)
    return reject("audit commit", node,
                  "the commitment equals the worker's: a copied commitment (it binds the "
                  "worker's id and could never be opened by an auditor)");
  for (const AuditSeat& other : auditors)
    if (other.committed && other.commitment == commitment)
      return reject("audit commit", node,
                    "the commitment equals auditor " + short_hex(other.id) +
                        "'s: a copied commitment (it binds its committer's id)");
  seat->committed = true;
  seat->commitment = commitment;
  return ok_status();
}

Status SampledRound::reveal(const NodeId& node,
                            const Hash& output_hash,
                            const Hash& salt,
                            uint64_t now) {
  if (node != worker)
    return reject("reveal", node, "not this job's worker");
  // INVARIANT: no output is public while an audit commit can still land.
  if (now <= audit_deadline)
    return reject("reveal", node,
                  "early: at " + block(now) + ", the audit phase lasts until " +
                      block(audit_deadline) +
                      " (an output revealed now could be committed by an auditor that never "
                      "ran the model)");
  if (now > reveal_deadline)
    return reject("reveal", node,
                  "late: at " + block(now) + ", the reveal deadline was " + block(reveal_deadline));
  if (!worker_committed)
    return reject("reveal", node, "it did not commit");
  if (worker_revealed)
    return reject("reveal", node, "already revealed");
  if (!check_reveal(worker_commitment, job_id, output_hash, salt, node))
    return fail(Errc::mismatch, "sampled job: reveal by worker " + short_hex(node) +
                                    ": (output_hash, salt) does not open its commitment for "
                                    "this job and node");
  worker_revealed = true;
  worker_output = output_hash;
  return ok_status();
}

Status SampledRound::audit_reveal(const NodeId& node,
                                  const Hash& output_hash,
                                  const Hash& salt,
                                  const Hash& secret,
                                  uint64_t now) {
  AuditSeat* seat = seat_of(*this, node);
  if (seat == nullptr)
    return reject("audit reveal", node, "not a registered auditor of this job");
  if (now <= audit_deadline)
    return reject(
        "audit reveal", node,
        "early: at " + block(now) + ", the audit phase lasts until " + block(audit_deadline));
  if (now > reveal_deadline)
    return reject("audit reveal", node,
                  "late: at " + block(now) + ", the reveal deadline was " + block(reveal_deadline));
  if (!seat->committed)
    return reject("audit reveal", node, "it did not commit to an audit");
  if (seat->revealed)
    return reject("audit reveal", node, "already revealed");
  const std::string who = "sampled job: audit reveal by auditor " + short_hex(node) + ": ";
  if (!check_reveal(seat->commitment, job_id, output_hash, salt, node))
    return fail(Errc::mismatch, who +
                                    "(output_hash, salt) does not open its audit commitment for "
                                    "this job and auditor");
  // INVARIANT: the selection proof is whole before the audit counts: the secret is the
  // one registered before the job (so it could not be chosen after seeing the worker's
  // commitment), and its draw on this job and this worker commitment is below p.
  if (audit_commitment(node, secret) != seat->registered)
    return fail(Errc::mismatch, who +
                                    "the secret does not open its registered audit commitment "
                                    "(a wrong secret, or another auditor's)");
  const uint64_t draw = audit_draw(secret, job_id, worker_commitment);
  if (!draw_selects(draw, p_bps))
    return fail(Errc::mismatch, who + "its draw " + std::to_string(draw) +
                                    " does not select it at p = " + std::to_string(p_bps) +
                                    " bps (draw × 10000 must be below p_bps × 2^64): it was "
                                    "not drawn");
  seat->revealed = true;
  seat->output_hash = output_hash;
  return ok_status();
}

Result<SampledOutcome> SampledRound::settle(uint64_t now) const {
  if (now <= reveal_deadline)
    return fail(Errc::invalid_argument, "sampled job: settle at " + block(now) +
                                            ", but reveals are accepted until " +
                                            block(reveal_deadline));
  SampledOutcome o;
  o.worker = !worker_committed  ? WorkerOutcome::not_committed
             : !worker_revealed ? WorkerOutcome::not_revealed
                                : WorkerOutcome::revealed;
  if (worker_revealed)
    o.output_hash = worker_output;
  for (const AuditSeat& s : auditors) {
    if (!s.committed)
      continue;
    AuditResult a{s.id, AuditOutcome::not_revealed, s.output_hash};
    if (!s.revealed)
      a.outcome = AuditOutcome::not_revealed;
    else if (!worker_revealed)
      a.outcome = AuditOutcome::unmatched;
    else
      a.outcome = s.output_hash == worker_output ? AuditOutcome::agreed : AuditOutcome::disagreed;
    if (a.outcome == AuditOutcome::disagreed)
      o.disagreeing.push_back(s.id);
    if (is_slashed(a.outcome))
      o.slashed_auditors.push_back(s.id);
    o.audits.push_back(a);
  }
  if (!worker_revealed)
    o.verdict = SampledVerdict::worker_slashed;
  else
    o.verdict = o.disagreeing.empty() ? SampledVerdict::paid : SampledVerdict::escalate;
  return o;
}

}  // namespace vinfer::quorum
