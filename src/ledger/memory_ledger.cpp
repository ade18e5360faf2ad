// MemoryLedger: construction, persistence, the clock, money and staking
// (memory_ledger.hpp). Registry and jobs: registry.cpp; optimistic mode: optimistic.cpp;
// keys and quorum mode: quorum.cpp.
#include "vinfer/ledger/memory_ledger.hpp"

#include <algorithm>
#include <cstdio>

#include "ledger/impl.hpp"

namespace vinfer::ledger {

using detail::tx_error;

// ---- Impl helpers ----

const detail::Account* MemoryLedger::Impl::find_account(const Address& a) const {
  auto it = st.accounts.find(a);
  return it == st.accounts.end() ? nullptr : &it->second;
}

Amount MemoryLedger::Impl::balance_of(const Address& a) const {
  const detail::Account* acc = find_account(a);
  return acc ? acc->balance : 0;
}

const JobRecord* MemoryLedger::Impl::find_job(const Hash& id) const {
  auto it = st.jobs.find(id);
  return it == st.jobs.end() ? nullptr : &it->second;
}

const GameRecord* MemoryLedger::Impl::find_game(uint64_t id) const {
  auto it = st.games.find(id);
  return it == st.games.end() ? nullptr : &it->second;
}

const QuorumJobRecord* MemoryLedger::Impl::find_quorum_job(const Hash& id) const {
  auto it = st.quorum_jobs.find(id);
  return it == st.quorum_jobs.end() ? nullptr : &it->second;
}

const SampledJobRecord* MemoryLedger::Impl::find_sampled_job(const Hash& id) const {
  auto it = st.sampled_jobs.find(id);
  return it == st.sampled_jobs.end() ? nullptr : &it->second;
}

const Hash* MemoryLedger::Impl::seat_of(const Address& node) const {
  auto it = st.seated.find(node);
  return it == st.seated.end() ? nullptr : &it->second;
}

detail::Account& MemoryLedger::Impl::account(const Address& a) {
  dirty.accounts.insert(a);
  return st.accounts[a];
}

JobRecord& MemoryLedger::Impl::job_mut(const Hash& id) {
  dirty.jobs.insert(id);
  return st.jobs.at(id);
}

GameRecord& MemoryLedger::Impl::game_mut(uint64_t id) {
  dirty.games.insert(id);
  return st.games.at(id);
}

QuorumJobRecord& MemoryLedger::Impl::quorum_job_mut(const Hash& id) {
  dirty.quorum_jobs.insert(id);
  return st.quorum_jobs.at(id);
}

SampledJobRecord& MemoryLedger::Impl::sampled_job_mut(const Hash& id) {
  dirty.sampled_jobs.insert(id);
  return st.sampled_jobs.at(id);
}

void MemoryLedger::Impl::set_key(const Address& node, const NodeKey& key) {
  dirty.keys.insert(node);
  st.keys[node] = key;
}

void MemoryLedger::Impl::credit(const Address& a, Amount amount) {
  Amount& b = account(a).balance;
  const auto sum = checked_add(b, amount);
  VINFER_ASSERT(sum.has_value());  // bounded by Totals::deposits, which deposit() checks
  b = *sum;
}

void MemoryLedger::Impl::debit(const Address& a, Amount amount) {
  Amount& b = account(a).balance;
  VINFER_ASSERT(b >= amount);  // every caller checked the balance before mutating
  b -= amount;
}

void MemoryLedger::Impl::emit(EventKind kind,
                              const Hash& job,
                              uint64_t game,
                              const Address& who,
                              Amount amount,
                              std::string detail) {
  st.events.push_back(
      Event{st.events.size(), st.block, kind, job, game, who, amount, std::move(detail)});
}

Status MemoryLedger::Impl::commit(const char* tx) {
  const Totals t = detail::compute_totals(st);
  if (!t.holds())
    std::fprintf(stderr, "vinfer: ledger: money identity broken after %s: %s\n", tx,
                 t.to_string().c_str());
  VINFER_ASSERT(t.holds() && "DESIGN §6 money identity");
  if (store) {
    const Status saved = store->save(st, dirty);
    if (!saved) {
      // The SQL transaction rolled back: the file holds the state before this one.
      auto back = store->load();
      VINFER_ASSERT(back.ok() && "the ledger database cannot be read back after a failed write");
      st = std::move(back).value();
      referees.clear();
      block_hashes.clear();
      dirty.clear(st.events.size());
      return fail(saved.error().code,
                  std::string(tx) + ": not persisted, undone: " + saved.error().message);
    }
  }
  dirty.clear(st.events.size());
  return ok_status();
}

Result<const dispute::RefereeContext*> MemoryLedger::Impl::referee(const JobRecord& j) {
  auto& slot = referees[j.id];
  if (!slot) {
    const ModelRecord& m = st.models.at(j.job.model_root);
    auto ctx = dispute::RefereeContext::create(m.cfg, m.norm_eps_q24, m.weights_root, j.job);
    if (!ctx) {
      referees.erase(j.id);
      return ctx.error();
    }
    slot = std::make_unique<const dispute::RefereeContext>(std::move(ctx).value());
  }
  return slot.get();
}

// ---- construction ----

MemoryLedger::MemoryLedger(Params params) : impl_(std::make_unique<Impl>()) {
  VINFER_ASSERT(validate(params).ok());
  impl_->params = params;
}

MemoryLedger::MemoryLedger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MemoryLedger::~MemoryLedger() = default;

Result<std::unique_ptr<MemoryLedger>> MemoryLedger::open(const std::string& path,
                                                         const Params& params) {
  VINFER_CHECK(validate(params));
  VINFER_TRY(auto store, detail::SqliteStore::open(path));
  auto impl = std::make_unique<Impl>();
  impl->params = params;
  if (store->fresh()) {
    VINFER_CHECK(store->create(params, impl->st));
  } else {
    VINFER_TRY(Params stored, store->load_params());
    if (!(stored == params))
      return fail(Errc::mismatch, "open: " + path + ": the ledger was created with other params (" +
                                      "worker_bond " + std::to_string(stored.worker_bond) +
                                      ", challenge_window " +
                                      std::to_string(stored.challenge_window) + ", ...)");
    VINFER_TRY(impl->st, store->load());
    const Totals t = detail::compute_totals(impl->st);
    if (!t.holds())
      return fail(
          Errc::mismatch,
          "open: " + path + ": the stored ledger breaks the money identity: " + t.to_string());
  }
  impl->dirty.clear(impl->st.events.size());
  impl->store = std::move(store);
  return std::unique_ptr<MemoryLedger>(new MemoryLedger(std::move(impl)));
}

bool MemoryLedger::persistent() const {
  return impl_->store != nullptr;
}

const Params& MemoryLedger::params() const {
  return impl_->params;
}

// ---- time ----

uint64_t MemoryLedger::block() const {
  return impl_->st.block;
}

Status MemoryLedger::advance(uint64_t n) {
  const auto next = checked_add(impl_->st.block, n);
  if (!next)
    return fail(Errc::overflow, "advance: block " + std::to_string(impl_->st.block) + " + " +
                                    std::to_string(n) + " overflows");
  Impl& m = *impl_;
  if (n > 0 && !m.st.unseated.empty()) {
    // Block st.block closes: its hash is fixed now, and the jobs posted in it are drawn
    // with it, as the first thing that happens in the next block.
    const uint64_t closed = m.st.block;
    m.st.block = closed + 1;
    m.seat_unseated(closed, m.block_hashes.at(closed, m.st.events));
  }
  m.st.block = *next;
  return m.commit("advance");
}

// ---- money ----

Status MemoryLedger::deposit(const Address& to, Amount amount) {
  Impl& m = *impl_;
  if (amount == 0)
    return tx_error(Errc::invalid_argument, "deposit", to_hex(to), "amount must be positive");
  const auto total = checked_add(m.st.deposits, amount);
  if (!total)
    return tx_error(Errc::overflow, "deposit", to_hex(to),
                    std::to_string(amount) + " would overflow the ledger's total of " +
                        std::to_string(m.st.deposits));
  m.st.deposits = *total;
  m.credit(to, amount);
  m.emit(EventKind::deposit, {}, 0, to, amount);
  return m.commit("deposit");
}

Status MemoryLedger::withdraw(const Address& from, Amount amount) {
  Impl& m = *impl_;
  if (amount == 0)
    return tx_error(Errc::invalid_argument, "withdraw", to_hex(from), "amount must be positive");
  const Amount bal = m.balance_of(from);
  if (bal < amount)
    return tx_error(Errc::invalid_argument, "withdraw", to_hex(from),
                    "balance " + std::to_string(bal) + " is less than " + std::to_string(amount));
  m.debit(from, amount);
  m.st.deposits -= amount;
  m.emit(EventKind::withdraw, {}, 0, from, amount);
  return m.commit("withdraw");
}

Amount MemoryLedger::balance(const Address& a) const {
  return impl_->balance_of(a);
}

// ---- staking ----

Status MemoryLedger::stake(const Address& from, Amount amount) {
  Impl& m = *impl_;
  if (amount == 0)
    return tx_error(Errc::invalid_argument, "stake", to_hex(from), "amount must be positive");
  const Amount bal = m.balance_of(from);
  if (bal < amount)
    return tx_error(Errc::invalid_argument, "stake", to_hex(from),
                    "balance " + std::to_string(bal) + " is less than " + std::to_string(amount));
  const Amount now = staked(from);
  const Amount after = now + amount;  // both bounded by Totals::deposits
  if (after < m.params.min_stake)
    return tx_error(Errc::invalid_argument, "stake", to_hex(from),
                    "stake would be " + std::to_string(after) + ", below the minimum " +
                        std::to_string(m.params.min_stake));
  m.debit(from, amount);
  m.account(from).stake = after;
  m.emit(EventKind::stake, {}, 0, from, amount);
  return m.commit("stake");
}

Status MemoryLedger::unbond(const Address& from, Amount amount) {
  Impl& m = *impl_;
  if (amount == 0)
    return tx_error(Errc::invalid_argument, "unbond", to_hex(from), "amount must be positive");
  const Amount now = staked(from);
  if (amount > now)
    return tx_error(Errc::invalid_argument, "unbond", to_hex(from),
                    "stake " + std::to_string(now) + " is less than " + std::to_string(amount));
  if (const Hash* job = m.seat_of(from))
    return tx_error(Errc::invalid_argument, "unbond", to_hex(from),
                    (m.find_sampled_job(*job) ? "the worker of sampled job " + short_hex(*job)
                                              : "seated in the quorum of job " + short_hex(*job)) +
                        ", which is not settled (its stake is the job's collateral)");
  if (const std::string why = m.audit_hold(from); !why.empty())
    return tx_error(Errc::invalid_argument, "unbond", to_hex(from), why);
  const Amount rest = now - amount;
  if (rest != 0 && rest < m.params.min_stake)
    return tx_error(Errc::invalid_argument, "unbond", to_hex(from),
                    "the remaining stake " + std::to_string(rest) + " would be below the minimum " +
                        std::to_string(m.params.min_stake) + " (unbond all of it instead)");
  const auto release = checked_add(m.st.block, m.params.unbonding_blocks);
  if (!release)
    return tx_error(Errc::overflow, "unbond", to_hex(from), "release block overflows");
  detail::Account& acc = m.account(from);
  acc.stake = rest;
  acc.unbonding.push_back({amount, *release});
  m.emit(EventKind::unbond, {}, 0, from, amount,
         "withdrawable at block " + std::to_string(*release));
  return m.commit("unbond");
}

Result<Amount> MemoryLedger::withdraw_unbonded(const Address& from) {
  Impl& m = *impl_;
  const detail::Account* acc = m.find_account(from);
  if (!acc || acc->unbonding.empty())
    return tx_error(Errc::invalid_argument, "withdraw_unbonded", to_hex(from), "nothing unbonding");
  Amount ready = 0;
  uint64_t next = UINT64_MAX;
  for (const detail::Unbonding& u : acc->unbonding) {
    if (u.release_block <= m.st.block)
      ready += u.amount;
    else
      next = std::min(next, u.release_block);
  }
  if (ready == 0)
    return tx_error(Errc::invalid_argument, "withdraw_unbonded", to_hex(from),
                    "nothing matured yet (next release at block " + std::to_string(next) +
                        ", now " + std::to_string(m.st.block) + ")");
  detail::Account& mut = m.account(from);
  std::erase_if(mut.unbonding,
                [&](const detail::Unbonding& u) { return u.release_block <= m.st.block; });
  m.credit(from, ready);
  m.emit(EventKind::withdraw_unbonded, {}, 0, from, ready);
  VINFER_CHECK(m.commit("withdraw_unbonded"));
  return ready;
}

Amount MemoryLedger::staked(const Address& a) const {
  const detail::Account* acc = impl_->find_account(a);
  return acc ? acc->stake : 0;
}

Amount MemoryLedger::unbonding(const Address& a) const {
  const detail::Account* acc = impl_->find_account(a);
  return acc ? acc->unbonding_total() : 0;
}

// ---- observation ----

std::vector<Event> MemoryLedger::events(uint64_t since_seq) const {
  const auto& ev = impl_->st.events;
  if (since_seq >= ev.size())
    return {};
  return {ev.begin() + static_cast<std::ptrdiff_t>(since_seq), ev.end()};
}

Totals MemoryLedger::totals() const {
  return detail::compute_totals(impl_->st);
}

}  // namespace vinfer::ledger
