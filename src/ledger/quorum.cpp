// MemoryLedger: node keys and quorum mode (ledger.hpp) — the candidates, the block hash,
// posting a quorum job with its selection, commits and reveals, and the settlement that
// carries out a round's payout (quorum/payout.hpp).
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

// Whether `a`'s account could sit in a quorum, leaving aside rounds it sits in already.
bool eligible(const detail::State& st, const Params& p, const Address& a, Amount stake) {
  return stake > 0 && stake >= p.min_stake && st.keys.count(a) != 0;
}

// The quorum job a commit or a reveal acts on: it must exist and its round be unsettled.
Result<const QuorumJobRecord*> unsettled_quorum_job(const MemoryLedger::Impl& m,
                                                    const char* tx,
                                                    const std::string& subject,
                                                    const Hash& job_id) {
  const QuorumJobRecord* q = m.find_quorum_job(job_id);
  if (!q)
    return tx_error(Errc::invalid_argument, tx, subject, "no such quorum job");
  if (q->settled)
    return tx_error(Errc::invalid_argument, tx, subject, "the round is settled");
  return q;
}

}  // namespace

// ---- node keys ----

Status MemoryLedger::register_key(const Address& node, const NodeKey& x25519_pk) {
  Impl& m = *impl_;
  const char* tx = "register_key";
  if (x25519_pk == NodeKey{})
    return tx_error(Errc::invalid_argument, tx, to_hex(node),
                    "the all-zero key is not an X25519 public key");
  std::string detail = hex(x25519_pk);
  if (auto it = m.st.keys.find(node); it != m.st.keys.end() && it->second != x25519_pk)
    detail += " (replaces " + hex(it->second) + ")";
  m.set_key(node, x25519_pk);
  m.emit(EventKind::key_registered, {}, 0, node, 0, std::move(detail));
  return m.commit(tx);
}

Result<NodeKey> MemoryLedger::node_key(const Address& node) const {
  auto it = impl_->st.keys.find(node);
  if (it == impl_->st.keys.end())
    return tx_error(Errc::invalid_argument, "node_key", to_hex(node), "no key registered");
  return it->second;
}

// ---- quorum mode ----

std::vector<quorum::Candidate> MemoryLedger::candidates() const {
  const Impl& m = *impl_;
  std::vector<quorum::Candidate> out;
  for (const auto& [a, acc] : m.st.accounts)  // std::map: ascending address order
    if (eligible(m.st, m.params, a, acc.stake) && m.seat_of(a) == nullptr)
      out.push_back({to_node_id(a), acc.stake});
  return out;
}

Result<Hash> MemoryLedger::block_hash(uint64_t block) const {
  const Impl& m = *impl_;
  if (block > m.st.block)
    return fail(Errc::invalid_argument, "block_hash: " + block_str(block) +
                                            " is after the current " + block_str(m.st.block));
  return m.block_hashes.at(block);
}

Result<Hash> MemoryLedger::post_quorum_job(const Address& client,
                                           const model::Job& job,
                                           uint32_t n,
                                           Amount reward_per_node) {
  Impl& m = *impl_;
  const char* tx = "post_quorum_job";
  const Hash id = job.id();
  const std::string subject = job_subject(id);
  VINFER_CHECK(m.check_new_job(tx, job, /*quorum=*/true));
  if (n == 0)
    return tx_error(Errc::invalid_argument, tx, subject, "n = 0: a quorum needs a node");
  const auto escrow = quorum::checked_mul(reward_per_node, n);
  if (!escrow)
    return tx_error(Errc::overflow, tx, subject,
                    "n × reward_per_node = " + std::to_string(n) + " × " +
                        std::to_string(reward_per_node) + " overflows");
  const Amount bal = m.balance_of(client);
  if (bal < *escrow)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "client " + to_hex(client) + " has balance " + std::to_string(bal) +
                        ", less than the escrow n × reward_per_node = " + std::to_string(*escrow));
  const std::vector<quorum::Candidate> cands = candidates();
  if (cands.size() < n) {
    size_t busy = 0;
    for (const auto& [a, acc] : m.st.accounts)
      busy += eligible(m.st, m.params, a, acc.stake) && m.seat_of(a) != nullptr;
    return tx_error(
        Errc::invalid_argument, tx, subject,
        "n = " + std::to_string(n) + " but only " + std::to_string(cands.size()) +
            " candidates (bonded stake of at least " + std::to_string(m.params.min_stake) +
            " and a registered key" +
            (busy ? ", and " + std::to_string(busy) + " more seated in unsettled rounds)" : ")"));
  }
  VINFER_TRY(const Hash bh, block_hash(m.st.block));
  const Hash seed = quorum::selection_seed(id, bh);
  auto selected = quorum::select_quorum(seed, cands, n);
  if (!selected)
    return tx_error(selected.error().code, tx, subject, selected.error().message);
  auto round = quorum::Round::open(id, *selected, m.params.round, m.st.block);
  if (!round)
    return tx_error(round.error().code, tx, subject, round.error().message);

  m.debit(client, *escrow);
  QuorumJobRecord rec;
  rec.id = id;
  rec.job = job;
  rec.client = client;
  rec.n = n;
  rec.reward_per_node = reward_per_node;
  rec.escrow = *escrow;
  rec.round = std::move(round).value();
  rec.block = m.st.block;
  m.emit(EventKind::quorum_job_posted, id, 0, client, *escrow,
         "n = " + std::to_string(n) + ", reward " + std::to_string(reward_per_node) +
             " per node; commits until " + block_str(rec.round.commit_deadline) +
             ", reveals until " + block_str(rec.round.reveal_deadline) + "; seed " +
             short_hex(seed));
  for (size_t i = 0; i < rec.round.seats.size(); ++i) {
    const quorum::Seat& s = rec.round.seats[i];
    m.st.seated[to_address(s.node)] = id;
    m.emit(EventKind::quorum_seated, id, 0, to_address(s.node), s.stake,
           "seat " + std::to_string(i + 1) + " of " + std::to_string(n));
  }
  m.st.quorum_jobs[id] = std::move(rec);
  m.dirty.quorum_jobs.insert(id);
  VINFER_CHECK(m.commit(tx));
  return id;
}

Result<QuorumJobRecord> MemoryLedger::quorum_job(const Hash& id) const {
  const QuorumJobRecord* q = impl_->find_quorum_job(id);
  if (!q)
    return tx_error(Errc::invalid_argument, "quorum_job", job_subject(id), "no such quorum job");
  return *q;
}

Status MemoryLedger::quorum_commit(const Address& node,
                                   const Hash& job_id,
                                   const Hash& commitment) {
  Impl& m = *impl_;
  const char* tx = "quorum_commit";
  const std::string subject = job_subject(job_id);
  VINFER_TRY(const QuorumJobRecord* q, unsettled_quorum_job(m, tx, subject, job_id));
  // Played on a copy: the round's rules reject without changing it, but the ledger does
  // not depend on that.
  quorum::Round next = q->round;
  if (auto ok = next.commit(to_node_id(node), commitment, m.st.block); !ok)
    return tx_error(ok.error().code, tx, subject, ok.error().message);
  m.quorum_job_mut(job_id).round = std::move(next);
  m.emit(EventKind::quorum_commit, job_id, 0, node, 0, hex(commitment));
  return m.commit(tx);
}

Status MemoryLedger::quorum_reveal(const Address& node,
                                   const Hash& job_id,
                                   const Hash& output_hash,
                                   const Hash& salt) {
  Impl& m = *impl_;
  const char* tx = "quorum_reveal";
  const std::string subject = job_subject(job_id);
  VINFER_TRY(const QuorumJobRecord* q, unsettled_quorum_job(m, tx, subject, job_id));
  quorum::Round next = q->round;
  if (auto ok = next.reveal(to_node_id(node), output_hash, salt, m.st.block); !ok)
    return tx_error(ok.error().code, tx, subject, ok.error().message);
  m.quorum_job_mut(job_id).round = std::move(next);
  m.emit(EventKind::quorum_reveal, job_id, 0, node, 0, hex(output_hash));
  return m.commit(tx);
}

void MemoryLedger::Impl::pay_out(QuorumJobRecord& q,
                                 const quorum::Tally& tally,
                                 const quorum::Payout& payout) {
  // INVARIANT: the payout spends exactly the escrow: Σ reward + client_refund = payment.
  VINFER_ASSERT(payout.payment == q.escrow);
  Amount rewards = 0;
  for (const quorum::NodePayout& np : payout.nodes)
    rewards += np.reward;  // <= payment
  VINFER_ASSERT(rewards + payout.client_refund == payout.payment);
  VINFER_ASSERT(payout.slashed_total - payout.bounty_total == payout.burned);

  for (const quorum::NodePayout& np : payout.nodes) {
    const Address a = to_address(np.node);
    if (np.slashed == 0)
      continue;
    // INVARIANT: a seated node cannot unbond and sits in one round at a time, so its
    // bonded stake still covers the round's snapshot, and the slash is at most that.
    detail::Account& acc = account(a);
    VINFER_ASSERT(acc.stake >= np.stake && np.slashed <= np.stake);
    acc.stake -= np.slashed;
    emit(EventKind::stake_slashed, q.id, 0, a, np.slashed,
         std::string(quorum::outcome_name(np.outcome)) + "; stake " + std::to_string(np.stake) +
             " -> " + std::to_string(np.stake_after()));
  }
  for (const quorum::NodePayout& np : payout.nodes) {
    const auto paid = checked_add(np.reward, np.bounty);
    VINFER_ASSERT(paid.has_value());  // both bounded by the money identity
    if (*paid == 0)
      continue;
    const Address a = to_address(np.node);
    credit(a, *paid);
    emit(EventKind::node_paid, q.id, 0, a, *paid,
         "reward " + std::to_string(np.reward) + " + bounty " + std::to_string(np.bounty) + " (" +
             quorum::outcome_name(np.outcome) + ")");
  }
  if (payout.client_refund) {
    credit(q.client, payout.client_refund);
    size_t unearned = 0;
    for (const quorum::NodePayout& np : payout.nodes)
      unearned += np.outcome != quorum::Outcome::agreed;
    emit(EventKind::refund, q.id, 0, q.client, payout.client_refund,
         "the rewards of " + std::to_string(unearned) + " of " + std::to_string(q.n) +
             " seats, not earned");
  }
  const auto burned = checked_add(st.burned, payout.burned);
  VINFER_ASSERT(burned.has_value());  // bounded by Totals::deposits
  st.burned = *burned;
  if (payout.burned)
    emit(EventKind::burn, q.id, 0, kNoAddress, payout.burned, "slashed and not paid as bounty");
  q.escrow = 0;
  q.settled = true;
  q.tally = tally;
  q.payout = payout;
  for (const quorum::Seat& s : q.round.seats)
    st.seated.erase(to_address(s.node));
}

Status MemoryLedger::quorum_settle(const Hash& job_id) {
  Impl& m = *impl_;
  const char* tx = "quorum_settle";
  const std::string subject = job_subject(job_id);
  const QuorumJobRecord* q = m.find_quorum_job(job_id);
  if (!q)
    return tx_error(Errc::invalid_argument, tx, subject, "no such quorum job");
  if (q->settled)
    return tx_error(
        Errc::invalid_argument, tx, subject,
        std::string("already settled (") + quorum::verdict_name(q->tally->verdict) + ")");
  auto tally = q->round.tally(m.st.block);
  if (!tally)
    return tx_error(tally.error().code, tx, subject, tally.error().message);
  auto payout = quorum::settle_round(
      *tally, {q->reward_per_node, m.params.slash_bps, m.params.majority_share_bps});
  if (!payout)
    return tx_error(payout.error().code, tx, subject, payout.error().message);

  QuorumJobRecord& mut = m.quorum_job_mut(job_id);
  const quorum::Tally& t = *tally;
  std::string verdict;
  if (t.decided())
    verdict = "majority for output " + hex(t.output_hash) + ": stake " +
              std::to_string(t.winning_stake) + " of " + std::to_string(t.total_stake);
  else
    verdict = "no majority: the largest output had stake " + std::to_string(t.winning_stake) +
              " of " + std::to_string(t.total_stake);
  verdict += "; " + std::to_string(t.dissenters.size()) + " dissenting, " +
             std::to_string(t.non_revealers.size()) + " not revealed";
  m.emit(EventKind::quorum_settled, job_id, 0, mut.client, payout->payment, std::move(verdict));
  m.pay_out(mut, t, *payout);
  return m.commit(tx);
}

}  // namespace vinfer::ledger
