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
    return tx_error(Errc::invalid_argument, tx, subject,
                    q->round.seats.empty() ? "the job was refunded: nobody could be seated"
                                           : "the round is settled");
  if (q->round.seats.empty())
    return tx_error(Errc::invalid_argument, tx, subject,
                    "nobody is seated yet: the quorum is drawn when " + block_str(q->block) +
                        " closes");
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

std::vector<quorum::Candidate> MemoryLedger::Impl::candidates() const {
  std::vector<quorum::Candidate> out;
  for (const auto& [a, acc] : st.accounts)  // std::map: ascending address order
    if (eligible(st, params, a, acc.stake) && seat_of(a) == nullptr)
      out.push_back({to_node_id(a), acc.stake});
  return out;
}

std::vector<quorum::Candidate> MemoryLedger::candidates() const {
  return impl_->candidates();
}

Result<Hash> MemoryLedger::block_hash(uint64_t block) const {
  const Impl& m = *impl_;
  if (block >= m.st.block)
    return fail(Errc::invalid_argument,
                "block_hash: " + block_str(block) + " has not closed (the current block is " +
                    std::to_string(m.st.block) + "; a block's hash is fixed when it closes)");
  return m.block_hashes.at(block, m.st.events);
}

size_t MemoryLedger::Impl::unseated_demand() const {
  size_t seats = 0;
  for (const Hash& id : st.unseated) {
    if (const QuorumJobRecord* q = find_quorum_job(id))
      seats += q->n;
    else
      seats += 1;  // a sampled job's worker
  }
  return seats;
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
  const size_t cands = m.candidates().size();
  const size_t claimed = m.unseated_demand();
  if (cands < claimed + n) {
    size_t busy = 0;
    for (const auto& [a, acc] : m.st.accounts)
      busy += eligible(m.st, m.params, a, acc.stake) && m.seat_of(a) != nullptr;
    return tx_error(
        Errc::invalid_argument, tx, subject,
        "n = " + std::to_string(n) + " but only " + std::to_string(cands) +
            " candidates (bonded stake of at least " + std::to_string(m.params.min_stake) +
            " and a registered key" +
            (busy ? ", and " + std::to_string(busy) + " more seated in unsettled rounds" : "") +
            ")" +
            (claimed ? ", " + std::to_string(claimed) +
                           " of them wanted by jobs posted earlier in this block"
                     : ""));
  }
  // The round's phases count from this block, but nobody is seated yet: the seed is the
  // hash of this block, fixed only when it closes (seat_unseated), so the client cannot
  // know it when it chooses the job.
  quorum::RoundParams rp = m.params.round;
  if (rp.commit_blocks > UINT64_MAX - m.st.block ||
      rp.reveal_blocks > UINT64_MAX - m.st.block - rp.commit_blocks)
    return tx_error(Errc::overflow, tx, subject, "the reveal deadline is past block 2^64 - 1");

  m.debit(client, *escrow);
  QuorumJobRecord rec;
  rec.id = id;
  rec.job = job;
  rec.client = client;
  rec.n = n;
  rec.reward_per_node = reward_per_node;
  rec.escrow = *escrow;
  rec.block = m.st.block;
  m.emit(EventKind::quorum_job_posted, id, 0, client, *escrow,
         "n = " + std::to_string(n) + ", reward " + std::to_string(reward_per_node) +
             " per node; drawn when " + block_str(m.st.block) + " closes, commits until " +
             block_str(m.st.block + rp.commit_blocks) + ", reveals until " +
             block_str(m.st.block + rp.commit_blocks + rp.reveal_blocks));
  m.st.quorum_jobs[id] = std::move(rec);
  m.st.unseated.insert(id);
  m.dirty.quorum_jobs.insert(id);
  VINFER_CHECK(m.commit(tx));
  return id;
}

void MemoryLedger::Impl::seat_unseated(uint64_t closed, const Hash& h) {
  const std::set<Hash> ids = std::move(st.unseated);
  st.unseated.clear();
  for (const Hash& id : ids) {
    if (st.quorum_jobs.count(id)) {
      QuorumJobRecord& q = quorum_job_mut(id);
      VINFER_ASSERT(q.block == closed && q.round.seats.empty());
      seat_quorum_job(q, h);
    } else {
      SampledJobRecord& j = sampled_job_mut(id);
      VINFER_ASSERT(j.block == closed && j.worker == Address{});
      draw_sampled_worker(j, h);
    }
  }
}

void MemoryLedger::Impl::seat_quorum_job(QuorumJobRecord& q, const Hash& h) {
  const Hash seed = quorum::selection_seed(q.id, h);
  const std::vector<quorum::Candidate> cands = candidates();
  auto selected = quorum::select_quorum(seed, cands, q.n);
  Result<quorum::Round> round =
      selected ? quorum::Round::open(q.id, *selected, params.round, q.block)
               : Result<quorum::Round>(selected.error());
  if (!round) {
    // Stake left the candidates later in the post's block: nobody to seat.
    credit(q.client, q.escrow);
    emit(EventKind::refund, q.id, 0, q.client, q.escrow,
         "not seated when " + block_str(q.block) + " closed: " + round.error().message);
    q.escrow = 0;
    q.settled = true;
    return;
  }
  q.round = std::move(round).value();
  for (size_t i = 0; i < q.round.seats.size(); ++i) {
    const quorum::Seat& s = q.round.seats[i];
    st.seated[to_address(s.node)] = q.id;
    emit(EventKind::quorum_seated, q.id, 0, to_address(s.node), s.stake,
         "seat " + std::to_string(i + 1) + " of " + std::to_string(q.n) + "; seed " +
             short_hex(seed) + " from the hash of " + block_str(q.block));
  }
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
  if (q->settled && !q->tally)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "refunded when " + block_str(q->block) + " closed: nobody could be seated");
  if (q->settled)
    return tx_error(
        Errc::invalid_argument, tx, subject,
        std::string("already settled (") + quorum::verdict_name(q->tally->verdict) + ")");
  if (q->round.seats.empty())
    return tx_error(Errc::invalid_argument, tx, subject,
                    "nobody is seated yet: the quorum is drawn when " + block_str(q->block) +
                        " closes");
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
