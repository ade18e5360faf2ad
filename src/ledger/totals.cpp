// The money totals of a MemoryLedger, summed over the records (state.hpp).
#include "ledger/state.hpp"

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
  return t;
}

}  // namespace vinfer::ledger::detail
