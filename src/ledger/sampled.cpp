// MemoryLedger: sampled mode (DESIGN §1 sampled:p, ledger.hpp) — the auditor registry,
// posting a sampled job with its worker draw and auditor snapshot, sealed delivery, the
// round's commits and reveals (quorum::SampledRound judges them), settlement, and the
// escalation of a disagreeing audit into the optimistic dispute game.
#include <algorithm>
#include <string>

#include "ledger/impl.hpp"
#include "vinfer/quorum/beacon.hpp"
#include "vinfer/quorum/selection.hpp"

namespace vinfer::ledger {

using detail::block_str;
using detail::hex;
using detail::job_subject;
using detail::tx_error;

namespace {

// The sampled job a transaction acts on, which must be in `want`.
Result<const SampledJobRecord*> sampled_in(const MemoryLedger::Impl& m,
                                           const char* tx,
                                           const Hash& job_id,
                                           std::initializer_list<SampledStatus> want) {
  const SampledJobRecord* j = m.find_sampled_job(job_id);
  if (!j)
    return tx_error(Errc::invalid_argument, tx, job_subject(job_id), "no such sampled job");
  if (std::find(want.begin(), want.end(), j->status) == want.end())
    return tx_error(Errc::invalid_argument, tx, job_subject(job_id),
                    std::string("the job is ") + sampled_status_name(j->status));
  return j;
}

// The last block the client may deliver a posted job at: one commit phase after the post.
uint64_t delivery_deadline(const Params& p, const SampledJobRecord& j) {
  const auto d = checked_add(j.block, p.round.commit_blocks);
  return d ? *d : UINT64_MAX;
}

// p_bps for a target of `rate_bps` expected audits spread over `k` auditors.
uint32_t per_auditor_bps(uint32_t rate_bps, size_t k) {
  if (k == 0)
    return 0;
  const uint64_t p = (uint64_t{rate_bps} + k - 1) / k;
  return static_cast<uint32_t>(std::min<uint64_t>(p, quorum::kBps));
}

}  // namespace

// ---- Impl helpers ----

std::string MemoryLedger::Impl::audit_hold(const Address& node) const {
  if (st.auditors.count(node))
    return "a registered auditor (retire_auditor first: its stake backs its audits)";
  const quorum::NodeId id = to_node_id(node);
  for (const auto& [jid, j] : st.sampled_jobs) {
    if (j.status == SampledStatus::open && j.round) {
      for (const quorum::AuditSeat& s : j.round->auditors)
        if (s.id == id && s.committed)
          return "committed to an audit of sampled job " + short_hex(jid) + ", not yet settled";
    }
    // A disagreement is a claim against the worker until its dispute is over.
    const bool contested = j.status == SampledStatus::escalated ||
                           (j.status == SampledStatus::disputed && seat_of(j.worker) &&
                            *seat_of(j.worker) == jid);
    if (contested && j.outcome &&
        std::find(j.outcome->disagreeing.begin(), j.outcome->disagreeing.end(), id) !=
            j.outcome->disagreeing.end())
      return "disagreed with the worker of sampled job " + short_hex(jid) +
             ", whose dispute is not over";
  }
  return {};
}

Amount MemoryLedger::Impl::slash_stake(const Address& node,
                                       const Hash& job_id,
                                       const std::string& why) {
  detail::Account& acc = account(node);
  const Amount cut = quorum::bps_of(acc.stake, params.slash_bps);
  if (cut == 0)
    return 0;
  acc.stake -= cut;
  st.burned += cut;  // bounded by Totals::deposits
  emit(EventKind::stake_slashed, job_id, 0, node, cut,
       why + "; stake " + std::to_string(acc.stake + cut) + " -> " + std::to_string(acc.stake));
  emit(EventKind::burn, job_id, 0, kNoAddress, cut, "slashed stake");
  return cut;
}

void MemoryLedger::Impl::sampled_claim_ended(const Hash& job_id, bool rejected) {
  const SampledJobRecord* j = find_sampled_job(job_id);
  if (!j || j->status != SampledStatus::disputed)
    return;
  if (rejected) {
    slash_stake(j->worker, job_id, "its defended sampled answer lost the dispute game");
  } else {
    // The claim stood: every disagreement against it went unproven.
    for (const quorum::NodeId& d : j->outcome->disagreeing)
      slash_stake(to_address(d), job_id, "its disagreeing audit was not borne out");
  }
  if (const Hash* seat = seat_of(j->worker); seat && *seat == job_id)
    st.seated.erase(j->worker);
}

// ---- the auditor registry ----

Status MemoryLedger::register_auditor(const Address& node, const Hash& commitment) {
  Impl& m = *impl_;
  const char* tx = "register_auditor";
  if (commitment == Hash{})
    return tx_error(Errc::invalid_argument, tx, to_hex(node),
                    "the zero hash is no audit commitment");
  if (!m.st.keys.count(node))
    return tx_error(Errc::invalid_argument, tx, to_hex(node),
                    "no X25519 key registered (its envelopes are sealed to it)");
  const Amount stake = staked(node);
  if (stake == 0 || stake < m.params.min_stake)
    return tx_error(Errc::invalid_argument, tx, to_hex(node),
                    "bonded stake " + std::to_string(stake) + " is below the minimum " +
                        std::to_string(m.params.min_stake));
  std::string detail = hex(commitment);
  if (auto it = m.st.auditors.find(node); it != m.st.auditors.end()) {
    if (it->second == commitment)
      return tx_error(Errc::invalid_argument, tx, to_hex(node),
                      "that commitment is registered already");
    detail += " (replaces " + hex(it->second) + ")";
  }
  m.st.auditors[node] = commitment;
  m.dirty.auditors.insert(node);
  m.emit(EventKind::auditor_registered, {}, 0, node, 0, std::move(detail));
  return m.commit(tx);
}

Status MemoryLedger::retire_auditor(const Address& node) {
  Impl& m = *impl_;
  const char* tx = "retire_auditor";
  if (!m.st.auditors.erase(node))
    return tx_error(Errc::invalid_argument, tx, to_hex(node), "not a registered auditor");
  m.dirty.auditors.insert(node);
  m.emit(EventKind::auditor_retired, {}, 0, node, 0, "retired");
  return m.commit(tx);
}

std::vector<quorum::RegisteredAuditor> MemoryLedger::auditors() const {
  std::vector<quorum::RegisteredAuditor> out;
  for (const auto& [a, c] : impl_->st.auditors)  // std::map: address order
    out.push_back({to_node_id(a), c});
  return out;
}

// ---- posting and delivery ----

namespace {

// The candidates a sampled job's worker is drawn from: not auditors (one cannot audit
// itself, and an auditor that works loses the independence its draws need).
std::vector<quorum::Candidate> worker_candidates(const MemoryLedger::Impl& m) {
  std::vector<quorum::Candidate> out;
  for (const quorum::Candidate& c : m.candidates())
    if (!m.st.auditors.count(to_address(c.id)))
      out.push_back(c);
  return out;
}

}  // namespace

void MemoryLedger::Impl::draw_sampled_worker(SampledJobRecord& j, const Hash& h) {
  const Hash seed = quorum::selection_seed(j.id, h);
  auto picked = quorum::select_quorum(seed, worker_candidates(*this), 1);
  if (!picked) {
    credit(j.client, j.escrow);
    emit(EventKind::refund, j.id, 0, j.client, j.escrow,
         "no worker when " + block_str(j.block) + " closed: " + picked.error().message);
    j.escrow = 0;
    j.status = SampledStatus::cancelled;
    return;
  }
  j.worker = to_address(picked->at(0).id);
  st.seated[j.worker] = j.id;
  emit(EventKind::sampled_drawn, j.id, 0, j.worker, picked->at(0).stake,
       "seed " + short_hex(seed) + " from the hash of " + block_str(j.block));
}

Result<Hash> MemoryLedger::post_sampled_job(const Address& client,
                                            const Hash& job_id,
                                            const Hash& model_root,
                                            const SampledOffer& offer) {
  Impl& m = *impl_;
  const char* tx = "post_sampled_job";
  const std::string subject = job_subject(job_id);
  if (m.find_job(job_id) || m.find_quorum_job(job_id) || m.find_sampled_job(job_id))
    return tx_error(Errc::invalid_argument, tx, subject, "the id is posted already");
  if (!m.st.models.count(model_root))
    return tx_error(Errc::invalid_argument, tx, subject,
                    "model " + short_hex(model_root) + " is not registered");
  if (offer.audit_rate_bps > quorum::kBps * 100)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "audit_rate_bps " + std::to_string(offer.audit_rate_bps) +
                        " asks for more than 100 audits per job");
  const std::vector<quorum::RegisteredAuditor> snap = auditors();
  const auto fees = quorum::checked_mul(offer.audit_fee, snap.size());
  const auto escrow = fees ? checked_add(offer.reward, *fees) : std::nullopt;
  if (!escrow)
    return tx_error(Errc::overflow, tx, subject, "reward + audit_fee × auditors overflows");
  const Amount bal = m.balance_of(client);
  if (bal < *escrow)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "client " + to_hex(client) + " has balance " + std::to_string(bal) +
                        ", less than the escrow reward + audit_fee × " +
                        std::to_string(snap.size()) + " auditors = " + std::to_string(*escrow));
  // The worker is drawn when this block closes (seat_unseated), from its hash.
  const size_t workers = worker_candidates(m).size();
  const size_t claimed = m.unseated_demand();
  if (workers < claimed + 1)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "no worker candidate (bonded stake of at least " +
                        std::to_string(m.params.min_stake) +
                        ", a registered key, not a registered auditor, not busy" +
                        (claimed ? ", not wanted by the " + std::to_string(claimed) +
                                       " seats of jobs posted earlier in this block"
                                 : std::string()) +
                        ")");

  m.debit(client, *escrow);
  SampledJobRecord rec;
  rec.id = job_id;
  rec.model_root = model_root;
  rec.client = client;
  rec.offer = offer;
  rec.p_bps = per_auditor_bps(offer.audit_rate_bps, snap.size());
  rec.escrow = *escrow;
  rec.status = SampledStatus::posted;
  rec.block = m.st.block;
  rec.auditors = snap;
  m.emit(EventKind::sampled_job_posted, job_id, 0, client, *escrow,
         std::to_string(snap.size()) + " auditors drawing at p = " + std::to_string(rec.p_bps) +
             " bps each; the worker is drawn when " + block_str(m.st.block) + " closes");
  m.st.unseated.insert(job_id);
  m.st.sampled_jobs[job_id] = std::move(rec);
  m.dirty.sampled_jobs.insert(job_id);
  VINFER_CHECK(m.commit(tx));
  return job_id;
}

Status MemoryLedger::sampled_deliver(const Address& client,
                                     const Hash& job_id,
                                     const std::vector<Envelope>& envelopes) {
  Impl& m = *impl_;
  const char* tx = "sampled_deliver";
  const std::string subject = job_subject(job_id);
  VINFER_TRY(const SampledJobRecord* j, sampled_in(m, tx, job_id, {SampledStatus::posted}));
  if (client != j->client)
    return tx_error(Errc::invalid_argument, tx, subject,
                    to_hex(client) + " is not the job's client");
  if (j->worker == Address{})
    return tx_error(Errc::invalid_argument, tx, subject,
                    "no worker yet: it is drawn when " + block_str(j->block) +
                        " closes (deliver from " + block_str(j->block + 1) + ")");
  if (m.st.block > delivery_deadline(m.params, *j))
    return tx_error(Errc::invalid_argument, tx, subject,
                    "the delivery deadline was " + block_str(delivery_deadline(m.params, *j)));
  // Exactly one envelope per recipient: the worker's first, then the auditors' in order.
  std::vector<Address> want{j->worker};
  for (const quorum::RegisteredAuditor& a : j->auditors)
    want.push_back(to_address(a.id));
  if (envelopes.size() != want.size())
    return tx_error(Errc::invalid_argument, tx, subject,
                    std::to_string(envelopes.size()) + " envelopes for " +
                        std::to_string(want.size()) + " recipients (the worker and " +
                        std::to_string(j->auditors.size()) + " auditors)");
  for (size_t i = 0; i < want.size(); ++i) {
    const Envelope& e = envelopes[i];
    const std::string which = "envelope " + std::to_string(i);
    if (e.to != want[i])
      return tx_error(Errc::invalid_argument, tx, subject,
                      which + " is addressed to " + to_hex(e.to) + ", expected " +
                          (i == 0 ? "the worker " : "auditor ") + to_hex(want[i]));
    if (e.sealed.empty() || e.sealed.size() > kMaxEnvelopeBytes)
      return tx_error(Errc::invalid_argument, tx, subject,
                      which + " has " + std::to_string(e.sealed.size()) +
                          " bytes (1 to " + std::to_string(kMaxEnvelopeBytes) + ")");
  }
  quorum::SampledParams sp;
  sp.commit_blocks = m.params.round.commit_blocks;
  sp.audit_blocks = m.params.round.commit_blocks;
  sp.reveal_blocks = m.params.round.reveal_blocks;
  sp.p_bps = j->p_bps;
  auto round = quorum::SampledRound::open(job_id, to_node_id(j->worker), j->auditors, sp,
                                          m.st.block);
  if (!round)
    return tx_error(round.error().code, tx, subject, round.error().message);

  SampledJobRecord& mut = m.sampled_job_mut(job_id);
  mut.envelopes = envelopes;
  mut.round = std::move(round).value();
  mut.status = SampledStatus::open;
  m.emit(EventKind::sampled_delivered, job_id, 0, mut.worker, 0,
         std::to_string(envelopes.size()) + " envelopes; commit until " +
             block_str(mut.round->commit_deadline) + ", audits until " +
             block_str(mut.round->audit_deadline) + ", reveals until " +
             block_str(mut.round->reveal_deadline));
  return m.commit(tx);
}

Status MemoryLedger::sampled_cancel(const Address& caller, const Hash& job_id) {
  Impl& m = *impl_;
  const char* tx = "sampled_cancel";
  VINFER_TRY(const SampledJobRecord* j, sampled_in(m, tx, job_id, {SampledStatus::posted}));
  // The client, any time before delivery; anyone once the delivery deadline has passed
  // (an undelivered job would otherwise hold its worker's stake for ever).
  if (caller != j->client && m.st.block <= delivery_deadline(m.params, *j))
    return tx_error(Errc::invalid_argument, tx, job_subject(job_id),
                    to_hex(caller) + " is not the job's client (anyone may cancel after " +
                        block_str(delivery_deadline(m.params, *j)) + ")");
  SampledJobRecord& mut = m.sampled_job_mut(job_id);
  m.credit(mut.client, mut.escrow);
  m.emit(EventKind::refund, job_id, 0, mut.client, mut.escrow, "cancelled before delivery");
  mut.escrow = 0;
  mut.status = SampledStatus::cancelled;
  if (mut.worker != Address{})
    m.st.seated.erase(mut.worker);
  m.st.unseated.erase(job_id);
  return m.commit(tx);
}

Status MemoryLedger::sampled_refuse(const Address& worker, const Hash& job_id) {
  Impl& m = *impl_;
  const char* tx = "sampled_refuse";
  const std::string subject = job_subject(job_id);
  VINFER_TRY(const SampledJobRecord* j, sampled_in(m, tx, job_id, {SampledStatus::open}));
  if (worker != j->worker)
    return tx_error(Errc::invalid_argument, tx, subject, to_hex(worker) + " is not its worker");
  if (j->round->worker_committed)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "the worker has committed: it answers or is slashed");
  if (j->round->phase(m.st.block) != quorum::SampledPhase::commit)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "the commit phase ended at " + block_str(j->round->commit_deadline));
  SampledJobRecord& mut = m.sampled_job_mut(job_id);
  m.emit(EventKind::sampled_refused, job_id, 0, worker, 0);
  m.credit(mut.client, mut.escrow);
  m.emit(EventKind::refund, job_id, 0, mut.client, mut.escrow, "the worker declined the job");
  mut.escrow = 0;
  mut.status = SampledStatus::refused;
  m.st.seated.erase(worker);
  return m.commit(tx);
}

Result<SampledJobRecord> MemoryLedger::sampled_job(const Hash& id) const {
  const SampledJobRecord* j = impl_->find_sampled_job(id);
  if (!j)
    return tx_error(Errc::invalid_argument, "sampled_job", job_subject(id), "no such sampled job");
  return *j;
}

// ---- the round ----

Status MemoryLedger::sampled_commit(const Address& worker, const Hash& job_id, const Hash& c) {
  Impl& m = *impl_;
  const char* tx = "sampled_commit";
  VINFER_TRY(const SampledJobRecord* j, sampled_in(m, tx, job_id, {SampledStatus::open}));
  quorum::SampledRound next = *j->round;  // played on a copy
  if (auto ok = next.commit(to_node_id(worker), c, m.st.block); !ok)
    return tx_error(ok.error().code, tx, job_subject(job_id), ok.error().message);
  m.sampled_job_mut(job_id).round = std::move(next);
  m.emit(EventKind::sampled_commit, job_id, 0, worker, 0, hex(c));
  return m.commit(tx);
}

Status MemoryLedger::audit_commit(const Address& auditor, const Hash& job_id, const Hash& c) {
  Impl& m = *impl_;
  const char* tx = "audit_commit";
  VINFER_TRY(const SampledJobRecord* j, sampled_in(m, tx, job_id, {SampledStatus::open}));
  if (const Amount st = staked(auditor); st == 0 || st < m.params.min_stake)
    return tx_error(Errc::invalid_argument, tx, job_subject(job_id),
                    "auditor " + to_hex(auditor) + " has bonded stake " + std::to_string(st) +
                        ", below the minimum " + std::to_string(m.params.min_stake) +
                        ": nothing backs its audit");
  quorum::SampledRound next = *j->round;
  if (auto ok = next.audit_commit(to_node_id(auditor), c, m.st.block); !ok)
    return tx_error(ok.error().code, tx, job_subject(job_id), ok.error().message);
  m.sampled_job_mut(job_id).round = std::move(next);
  m.emit(EventKind::audit_commit, job_id, 0, auditor, 0, hex(c));
  return m.commit(tx);
}

Status MemoryLedger::sampled_reveal(const Address& worker,
                                    const Hash& job_id,
                                    const Hash& output_hash,
                                    const Hash& salt) {
  Impl& m = *impl_;
  const char* tx = "sampled_reveal";
  VINFER_TRY(const SampledJobRecord* j, sampled_in(m, tx, job_id, {SampledStatus::open}));
  quorum::SampledRound next = *j->round;
  if (auto ok = next.reveal(to_node_id(worker), output_hash, salt, m.st.block); !ok)
    return tx_error(ok.error().code, tx, job_subject(job_id), ok.error().message);
  m.sampled_job_mut(job_id).round = std::move(next);
  m.emit(EventKind::sampled_reveal, job_id, 0, worker, 0, hex(output_hash));
  return m.commit(tx);
}

Status MemoryLedger::audit_reveal(const Address& auditor,
                                  const Hash& job_id,
                                  const Hash& output_hash,
                                  const Hash& salt,
                                  const Hash& secret) {
  Impl& m = *impl_;
  const char* tx = "audit_reveal";
  VINFER_TRY(const SampledJobRecord* j, sampled_in(m, tx, job_id, {SampledStatus::open}));
  quorum::SampledRound next = *j->round;
  if (auto ok = next.audit_reveal(to_node_id(auditor), output_hash, salt, secret, m.st.block); !ok)
    return tx_error(ok.error().code, tx, job_subject(job_id), ok.error().message);
  m.sampled_job_mut(job_id).round = std::move(next);
  m.emit(EventKind::audit_reveal, job_id, 0, auditor, 0, hex(output_hash));
  // The secret is public now: anyone could compute its draws, so it audits no more jobs.
  if (auto it = m.st.auditors.find(auditor);
      it != m.st.auditors.end() && it->second == quorum::audit_commitment(to_node_id(auditor), secret)) {
    m.st.auditors.erase(it);
    m.dirty.auditors.insert(auditor);
    m.emit(EventKind::auditor_retired, job_id, 0, auditor, 0,
           "its secret was revealed (register a fresh one)");
  }
  return m.commit(tx);
}

// ---- settlement and escalation ----

Status MemoryLedger::sampled_settle(const Hash& job_id) {
  Impl& m = *impl_;
  const char* tx = "sampled_settle";
  const std::string subject = job_subject(job_id);
  VINFER_TRY(const SampledJobRecord* j,
             sampled_in(m, tx, job_id, {SampledStatus::open, SampledStatus::escalated}));

  if (j->status == SampledStatus::escalated) {
    // The worker had until its defend deadline to publish the job and its claim.
    if (m.st.block <= j->defend_deadline)
      return tx_error(Errc::invalid_argument, tx, subject,
                      "the worker may defend until " + block_str(j->defend_deadline) + " (now " +
                          block_str(m.st.block) + ")");
    SampledJobRecord& mut = m.sampled_job_mut(job_id);
    m.emit(EventKind::sampled_settled, job_id, 0, mut.worker, 0,
           "escalated, and the worker did not defend its answer");
    m.slash_stake(mut.worker, job_id, "did not defend its disputed answer");
    m.credit(mut.client, mut.escrow);
    m.emit(EventKind::refund, job_id, 0, mut.client, mut.escrow, "the answer was not defended");
    mut.escrow = 0;
    mut.status = SampledStatus::worker_slashed;
    m.st.seated.erase(mut.worker);
    return m.commit(tx);
  }

  auto outcome = j->round->settle(m.st.block);
  if (!outcome)
    return tx_error(outcome.error().code, tx, subject, outcome.error().message);
  const quorum::SampledOutcome& o = *outcome;
  const auto defend_deadline = checked_add(m.st.block, m.params.challenge_window);
  if (!defend_deadline)
    return tx_error(Errc::overflow, tx, subject, "the defend deadline overflows");

  SampledJobRecord& mut = m.sampled_job_mut(job_id);
  m.emit(EventKind::sampled_settled, job_id, 0, mut.worker, 0,
         std::string(quorum::sampled_verdict_name(o.verdict)) + "; worker " +
             quorum::worker_outcome_name(o.worker) + "; " + std::to_string(o.audits.size()) +
             " audits, " + std::to_string(o.disagreeing.size()) + " disagreeing");
  // Audit fees: every auditor that proved its selection and revealed did the work, except
  // a disagreeing one: its reward is the worker's bond share, if it wins the dispute.
  for (const quorum::AuditResult& a : o.audits) {
    const Address who = to_address(a.auditor);
    if (quorum::is_slashed(a.outcome)) {
      m.slash_stake(who, job_id, std::string("audit ") + quorum::audit_outcome_name(a.outcome));
      continue;
    }
    if (a.outcome == quorum::AuditOutcome::disagreed)
      continue;
    if (mut.offer.audit_fee) {
      m.credit(who, mut.offer.audit_fee);
      mut.escrow -= mut.offer.audit_fee;  // escrow holds a fee per snapshot auditor
      m.emit(EventKind::node_paid, job_id, 0, who, mut.offer.audit_fee,
             std::string("audit fee (") + quorum::audit_outcome_name(a.outcome) + ")");
    }
  }
  // What stays in escrow from here is the reward; the unused audit fees go back.
  const Amount unused = mut.escrow - mut.offer.reward;
  switch (o.verdict) {
    case quorum::SampledVerdict::paid:
      m.credit(mut.worker, mut.offer.reward);
      m.emit(EventKind::payment, job_id, 0, mut.worker, mut.offer.reward, "sampled answer");
      mut.escrow -= mut.offer.reward;
      mut.status = SampledStatus::paid;
      m.st.seated.erase(mut.worker);
      break;
    case quorum::SampledVerdict::worker_slashed:
      m.slash_stake(mut.worker, job_id,
                    std::string("worker ") + quorum::worker_outcome_name(o.worker));
      mut.status = SampledStatus::worker_slashed;
      m.st.seated.erase(mut.worker);
      break;
    case quorum::SampledVerdict::escalate:
      mut.status = SampledStatus::escalated;
      mut.defend_deadline = *defend_deadline;
      break;
  }
  Amount refund = mut.status == SampledStatus::escalated ? unused : mut.escrow;
  if (refund) {
    m.credit(mut.client, refund);
    m.emit(EventKind::refund, job_id, 0, mut.client, refund,
           mut.status == SampledStatus::worker_slashed ? "no accepted answer"
                                                       : "audit fees not earned");
    mut.escrow -= refund;
  }
  mut.outcome = o;
  return m.commit(tx);
}

Status MemoryLedger::sampled_defend(const Address& worker,
                                    const model::Job& job,
                                    const dispute::Claim& claim,
                                    std::span<const Hash> last_peaks) {
  Impl& m = *impl_;
  const char* tx = "sampled_defend";
  const Hash id = job.id();
  const std::string subject = job_subject(id);
  VINFER_TRY(const SampledJobRecord* j, sampled_in(m, tx, id, {SampledStatus::escalated}));
  if (worker != j->worker)
    return tx_error(Errc::invalid_argument, tx, subject, to_hex(worker) + " is not its worker");
  if (m.st.block > j->defend_deadline)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "the defend deadline was " + block_str(j->defend_deadline));
  if (job.model_root != j->model_root)
    return tx_error(Errc::mismatch, tx, subject,
                    "the job names model " + short_hex(job.model_root) + ", the post named " +
                        short_hex(j->model_root));
  if (claim.job_id != id || claim.output_hash != j->outcome->output_hash)
    return tx_error(Errc::mismatch, tx, subject,
                    "the claim is not for the output the worker revealed (" +
                        short_hex(j->outcome->output_hash) + ")");
  if (auto v = model::validate(job, m.st.models.at(j->model_root).cfg); !v)
    return tx_error(v.error().code, tx, subject, v.error().message);
  VINFER_TRY(const uint64_t window_end, m.admit_claim(tx, subject, job, worker, claim, last_peaks));
  const Amount bond = m.params.worker_bond;
  m.debit(worker, bond);
  SampledJobRecord& s = m.sampled_job_mut(id);
  JobRecord rec;
  rec.id = id;
  rec.job = job;
  rec.client = s.client;
  rec.payment = s.escrow;
  rec.escrow = s.escrow;  // the reward, moved from the sampled job
  rec.status = JobStatus::claimed;
  rec.block = m.st.block;
  rec.claim = ClaimRecord{worker, claim, bond, m.st.block, window_end};
  s.escrow = 0;
  s.status = SampledStatus::disputed;
  m.st.jobs[id] = std::move(rec);
  m.dirty.jobs.insert(id);
  m.emit(EventKind::sampled_defended, id, 0, worker, bond, hex(claim.trace_root));
  m.emit(EventKind::result_posted, id, 0, worker, bond,
         "challenge window ends at block " + std::to_string(window_end));
  return m.commit(tx);
}

}  // namespace vinfer::ledger
