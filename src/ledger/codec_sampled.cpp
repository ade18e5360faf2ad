// Record encoding of sampled mode (codec.hpp): a sampled job with its snapshot,
// envelopes, round and outcome, in one blob.
#include <set>
#include <string>

#include "ledger/codec_header.hpp"
#include "vinfer/ledger/codec.hpp"
#include "vinfer/wire.hpp"

namespace vinfer::ledger {
namespace {

using detail::put_header;
using wire::ByteReader;
using wire::ByteWriter;

constexpr char kMagic[4] = {'V', 'S', 'J', 'B'};
constexpr uint16_t kVersion = 1;
constexpr const char* kWhat = "sampled job";
constexpr size_t kAuditorBytes = 20 + 32;
constexpr size_t kEnvelopeMinBytes = 20 + 4 + 1;
constexpr size_t kSeatBytes = 20 + 32 + 1 + 32 + 1 + 32;
constexpr size_t kAuditBytes = 20 + 1 + 32;

// Do not compile once a sampled record gains or loses a field: the layout must follow.
[[maybe_unused]] void sampled_layout_guard(const SampledJobRecord& j,
                                           const quorum::SampledRound& r,
                                           const quorum::SampledOutcome& o) {
  [[maybe_unused]] const auto& [id, model_root, client, worker, offer, p_bps, escrow, status, block,
                                defend_deadline, auditors, envelopes, round, outcome] = j;
  [[maybe_unused]] const auto& [reward, audit_fee, audit_rate_bps] = j.offer;
  [[maybe_unused]] const auto& [job_id, r_worker, r_p_bps, opened_at, commit_deadline,
                                audit_deadline, reveal_deadline, worker_committed,
                                worker_commitment, worker_revealed, worker_output, seats] = r;
  [[maybe_unused]] const auto& [s_id, registered, committed, commitment, revealed, output_hash] =
      r.auditors.at(0);
  [[maybe_unused]] const auto& [verdict, o_worker, o_output, audits, disagreeing, slashed] = o;
}

Result<bool> get_flag(ByteReader& r, const char* field) {
  VINFER_TRY(uint8_t v, r.u8(field));
  if (v > 1)
    return r.bad(field, std::to_string(v) + " is not 0 or 1");
  return v == 1;
}

template <class E>
Result<E> get_enum(ByteReader& r, const char* field, E last) {
  VINFER_TRY(uint8_t v, r.u8(field));
  if (v > static_cast<uint8_t>(last))
    return r.bad(field, std::to_string(v) + " is out of range");
  return static_cast<E>(v);
}

void put_round(ByteWriter& w, const quorum::SampledRound& r) {
  w.fixed(r.job_id);
  w.fixed(r.worker);
  w.u32(r.p_bps);
  w.u64(r.opened_at);
  w.u64(r.commit_deadline);
  w.u64(r.audit_deadline);
  w.u64(r.reveal_deadline);
  w.u8(r.worker_committed ? 1 : 0);
  w.fixed(r.worker_commitment);
  w.u8(r.worker_revealed ? 1 : 0);
  w.fixed(r.worker_output);
  w.u32(static_cast<uint32_t>(r.auditors.size()));
  for (const quorum::AuditSeat& s : r.auditors) {
    w.fixed(s.id);
    w.fixed(s.registered);
    w.u8(s.committed ? 1 : 0);
    w.fixed(s.commitment);
    w.u8(s.revealed ? 1 : 0);
    w.fixed(s.output_hash);
  }
}

Result<quorum::SampledRound> get_round(ByteReader& r) {
  quorum::SampledRound q;
  VINFER_CHECK(r.fixed("round.job_id", q.job_id));
  VINFER_CHECK(r.fixed("round.worker", q.worker));
  VINFER_TRY(q.p_bps, r.u32("round.p_bps"));
  if (q.p_bps > quorum::kBps)
    return r.bad("round.p_bps", std::to_string(q.p_bps) + " is above 10000");
  VINFER_TRY(q.opened_at, r.u64("round.opened_at"));
  VINFER_TRY(q.commit_deadline, r.u64("round.commit_deadline"));
  VINFER_TRY(q.audit_deadline, r.u64("round.audit_deadline"));
  VINFER_TRY(q.reveal_deadline, r.u64("round.reveal_deadline"));
  if (!(q.opened_at < q.commit_deadline && q.commit_deadline < q.audit_deadline &&
        q.audit_deadline < q.reveal_deadline))
    return r.bad("round.reveal_deadline", "the deadlines do not increase");
  VINFER_TRY(q.worker_committed, get_flag(r, "round.worker_committed"));
  VINFER_CHECK(r.fixed("round.worker_commitment", q.worker_commitment));
  VINFER_TRY(q.worker_revealed, get_flag(r, "round.worker_revealed"));
  VINFER_CHECK(r.fixed("round.worker_output", q.worker_output));
  if (q.worker_revealed && !q.worker_committed)
    return r.bad("round.worker_revealed", "the worker revealed without committing");
  VINFER_TRY(uint32_t n, r.count("round.auditor count", kSeatBytes));
  q.auditors.resize(n);
  std::set<quorum::NodeId> seen;
  for (quorum::AuditSeat& s : q.auditors) {
    VINFER_CHECK(r.fixed("seat.id", s.id));
    if (!seen.insert(s.id).second || s.id == q.worker)
      return r.bad("seat.id", "auditor " + quorum::short_hex(s.id) + " is listed twice");
    VINFER_CHECK(r.fixed("seat.registered", s.registered));
    VINFER_TRY(s.committed, get_flag(r, "seat.committed"));
    VINFER_CHECK(r.fixed("seat.commitment", s.commitment));
    VINFER_TRY(s.revealed, get_flag(r, "seat.revealed"));
    VINFER_CHECK(r.fixed("seat.output_hash", s.output_hash));
    if (s.revealed && !s.committed)
      return r.bad("seat.revealed", "an auditor revealed without committing");
  }
  return q;
}

void put_outcome(ByteWriter& w, const quorum::SampledOutcome& o) {
  w.u8(static_cast<uint8_t>(o.verdict));
  w.u8(static_cast<uint8_t>(o.worker));
  w.fixed(o.output_hash);
  w.u32(static_cast<uint32_t>(o.audits.size()));
  for (const quorum::AuditResult& a : o.audits) {
    w.fixed(a.auditor);
    w.u8(static_cast<uint8_t>(a.outcome));
    w.fixed(a.output_hash);
  }
}

Result<quorum::SampledOutcome> get_outcome(ByteReader& r) {
  quorum::SampledOutcome o;
  VINFER_TRY(o.verdict, get_enum(r, "outcome.verdict", quorum::SampledVerdict::worker_slashed));
  VINFER_TRY(o.worker, get_enum(r, "outcome.worker", quorum::WorkerOutcome::not_committed));
  if ((o.worker == quorum::WorkerOutcome::revealed) ==
      (o.verdict == quorum::SampledVerdict::worker_slashed))
    return r.bad("outcome.worker", "the verdict does not follow from the worker's outcome");
  VINFER_CHECK(r.fixed("outcome.output_hash", o.output_hash));
  VINFER_TRY(uint32_t n, r.count("outcome.audit count", kAuditBytes));
  o.audits.resize(n);
  for (quorum::AuditResult& a : o.audits) {
    VINFER_CHECK(r.fixed("audit.auditor", a.auditor));
    VINFER_TRY(a.outcome, get_enum(r, "audit.outcome", quorum::AuditOutcome::not_revealed));
    VINFER_CHECK(r.fixed("audit.output_hash", a.output_hash));
    // The lists settle() derives from the audits, in the same order.
    if (a.outcome == quorum::AuditOutcome::disagreed)
      o.disagreeing.push_back(a.auditor);
    if (quorum::is_slashed(a.outcome))
      o.slashed_auditors.push_back(a.auditor);
  }
  if ((o.verdict == quorum::SampledVerdict::escalate) != !o.disagreeing.empty())
    return r.bad("outcome.verdict", "escalate exactly when an audit disagreed");
  return o;
}

}  // namespace

std::vector<uint8_t> encode_sampled_job(const SampledJobRecord& j) {
  ByteWriter w;
  put_header(w, kMagic, kVersion);
  w.fixed(j.id);
  w.fixed(j.model_root);
  w.fixed(j.client);
  w.fixed(j.worker);
  w.u64(j.offer.reward);
  w.u64(j.offer.audit_fee);
  w.u32(j.offer.audit_rate_bps);
  w.u32(j.p_bps);
  w.u64(j.escrow);
  w.u8(static_cast<uint8_t>(j.status));
  w.u64(j.block);
  w.u64(j.defend_deadline);
  w.u32(static_cast<uint32_t>(j.auditors.size()));
  for (const quorum::RegisteredAuditor& a : j.auditors) {
    w.fixed(a.id);
    w.fixed(a.commitment);
  }
  w.u32(static_cast<uint32_t>(j.envelopes.size()));
  for (const Envelope& e : j.envelopes) {
    w.fixed(e.to);
    w.u32(static_cast<uint32_t>(e.sealed.size()));
    w.bytes(e.sealed);
  }
  w.u8(j.round ? 1 : 0);
  if (j.round)
    put_round(w, *j.round);
  w.u8(j.outcome ? 1 : 0);
  if (j.outcome)
    put_outcome(w, *j.outcome);
  return w.take();
}

Result<SampledJobRecord> decode_sampled_job(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, kWhat);
  VINFER_CHECK(r.header(kMagic, kVersion));
  SampledJobRecord j;
  VINFER_CHECK(r.fixed("id", j.id));
  VINFER_CHECK(r.fixed("model_root", j.model_root));
  VINFER_CHECK(r.fixed("client", j.client));
  VINFER_CHECK(r.fixed("worker", j.worker));
  VINFER_TRY(j.offer.reward, r.u64("reward"));
  VINFER_TRY(j.offer.audit_fee, r.u64("audit_fee"));
  VINFER_TRY(j.offer.audit_rate_bps, r.u32("audit_rate_bps"));
  VINFER_TRY(j.p_bps, r.u32("p_bps"));
  if (j.p_bps > quorum::kBps)
    return r.bad("p_bps", std::to_string(j.p_bps) + " is above 10000");
  VINFER_TRY(j.escrow, r.u64("escrow"));
  VINFER_TRY(j.status, get_enum(r, "status", SampledStatus::disputed));
  VINFER_TRY(j.block, r.u64("block"));
  VINFER_TRY(j.defend_deadline, r.u64("defend_deadline"));
  VINFER_TRY(uint32_t k, r.count("auditor count", kAuditorBytes));
  j.auditors.resize(k);
  for (quorum::RegisteredAuditor& a : j.auditors) {
    VINFER_CHECK(r.fixed("auditor.id", a.id));
    VINFER_CHECK(r.fixed("auditor.commitment", a.commitment));
  }
  VINFER_TRY(uint32_t e, r.count("envelope count", kEnvelopeMinBytes));
  if (e != 0 && e != k + 1)
    return r.bad("envelope count", std::to_string(e) + " envelopes for " +
                                       std::to_string(k + 1) + " recipients");
  j.envelopes.resize(e);
  for (Envelope& env : j.envelopes) {
    VINFER_CHECK(r.fixed("envelope.to", env.to));
    VINFER_TRY(uint32_t n, r.u32("envelope.size"));
    if (n == 0 || n > kMaxEnvelopeBytes || n > r.remaining())
      return r.bad("envelope.size", std::to_string(n) + " bytes");
    VINFER_TRY(std::string s, r.str("envelope.sealed", n));
    env.sealed.assign(s.begin(), s.end());
  }
  VINFER_TRY(bool has_round, get_flag(r, "has_round"));
  if (has_round) {
    VINFER_TRY(quorum::SampledRound round, get_round(r));
    if (round.job_id != j.id || round.worker != to_node_id(j.worker) || round.p_bps != j.p_bps)
      return r.bad("round", "the round is another job's");
    j.round = std::move(round);
  }
  VINFER_TRY(bool has_outcome, get_flag(r, "has_outcome"));
  if (has_outcome) {
    VINFER_TRY(quorum::SampledOutcome o, get_outcome(r));
    j.outcome = std::move(o);
  }
  // Which parts each status has.
  const bool delivered = j.status != SampledStatus::posted && j.status != SampledStatus::cancelled;
  const bool settled = j.status == SampledStatus::paid || j.status == SampledStatus::escalated ||
                       j.status == SampledStatus::disputed ||
                       (j.status == SampledStatus::worker_slashed && j.outcome);
  if (delivered != (j.round.has_value() && !j.envelopes.empty()) ||
      (settled && !j.outcome) ||
      (!settled && j.status != SampledStatus::worker_slashed && j.outcome))
    return fail(Errc::parse, std::string(kWhat) + ": status " + sampled_status_name(j.status) +
                                 " does not match the round, envelopes and outcome present");
  VINFER_CHECK(r.finish());
  return j;
}

}  // namespace vinfer::ledger
