// The money totals of a MemoryLedger, summed over the records, and the derived seat
// index (state.hpp).
#include "ledger/state.hpp"

#include <string>

namespace vinfer::ledger::detail {
namespace {

// Adds to a bucket; a wrapped sum would hide a broken identity, so it is a bug.
void add(Amount& bucket, Amount v) {
  const auto sum = checked_add(bucket, v);
  VINFER_ASSERT(sum.has_value() && "a money total overflows");
  bucket = *sum;
}

}  // namespace

Totals compute_totals(const State& s) {
  Totals t;
  t.deposits = s.deposits;
  t.burned = s.burned;
  for (const auto& [addr, acc] : s.accounts) {
    add(t.balances, acc.balance);
    add(t.stakes, acc.stake);
    for (const Unbonding& u : acc.unbonding)
      add(t.unbonding, u.amount);
  }
  for (const auto& [id, job] : s.jobs) {
    add(t.escrow, job.escrow);
    if (job.claim)
      add(t.bonds, job.claim->bond);
  }
  for (const auto& [id, game] : s.games)
    add(t.bonds, game.bond);
  for (const auto& [id, q] : s.quorum_jobs)
    add(t.escrow, q.escrow);
  for (const auto& [id, j] : s.sampled_jobs)
    add(t.escrow, j.escrow);
  return t;
}

Status index_seats(State& s) {
  s.seated.clear();
  s.unseated.clear();
  for (const auto& [id, q] : s.quorum_jobs) {
    if (q.settled)
      continue;
    if (q.round.seats.empty())
      s.unseated.insert(id);
    for (const quorum::Seat& seat : q.round.seats) {
      const Address a = to_address(seat.node);
      const auto [it, fresh] = s.seated.emplace(a, id);
      if (!fresh)
        return fail(Errc::mismatch, "node " + to_hex(a) + " is seated in the unsettled rounds of " +
                                        "jobs " + short_hex(it->second) + " and " + short_hex(id));
      auto acc = s.accounts.find(a);
      const Amount bonded = acc == s.accounts.end() ? 0 : acc->second.stake;
      if (bonded < seat.stake)
        return fail(Errc::mismatch, "node " + to_hex(a) + " has stake " + std::to_string(bonded) +
                                        ", less than the " + std::to_string(seat.stake) +
                                        " its seat in job " + short_hex(id) + " holds");
    }
  }
  for (const auto& [id, j] : s.sampled_jobs) {
    if (j.status == SampledStatus::posted && j.worker == Address{}) {
      if (j.block != s.block)
        return fail(Errc::mismatch, "sampled job " + short_hex(id) + " has no worker, but " +
                                        "its post's block " + std::to_string(j.block) +
                                        " has closed");
      s.unseated.insert(id);
    }
    auto opt = s.jobs.find(id);
    const bool live = opt != s.jobs.end() && opt->second.status == JobStatus::claimed;
    if (!holds_worker(j, live))
      continue;
    const auto [it, fresh] = s.seated.emplace(j.worker, id);
    if (!fresh)
      return fail(Errc::mismatch, "node " + to_hex(j.worker) + " is held by the unsettled jobs " +
                                      short_hex(it->second) + " and " + short_hex(id));
  }
  return ok_status();
}

bool holds_worker(const SampledJobRecord& j, bool claim_live) {
  switch (j.status) {
    case SampledStatus::posted:
      return j.worker != Address{};  // none until the post's block closes
    case SampledStatus::open:
    case SampledStatus::escalated:
      return true;
    case SampledStatus::disputed:
      return claim_live;
    case SampledStatus::cancelled:
    case SampledStatus::refused:
    case SampledStatus::paid:
    case SampledStatus::worker_slashed:
      return false;
  }
  return false;
}

}  // namespace vinfer::ledger::detail
