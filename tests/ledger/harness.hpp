// The transaction harness of the ledger tests: every call goes through TX_OK or TX_FAILS,
// which assert the money identity after it, and for a failing call that nothing a
// Ledger shows (totals, block, events, every account, job and game it has named) changed.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <type_traits>

#include "vinfer/ledger/ledger.hpp"

namespace vinfer::ledger::testing {

/// Thrown to stop a test whose transaction failed unexpectedly (gtest reports it).
struct TxAborted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Everything observable through the interface: totals, block and its hash, the event
/// count, the quorum candidates, and every account (with its key), job, quorum job and
/// game any event names, as one comparable text.
std::string observe(const Ledger& l);

/// How many events of kind `k` the ledger logged for job `id`.
size_t count_events(const Ledger& l, EventKind k, const Hash& id);

/// gtest assertion that the money identity holds.
::testing::AssertionResult identity_holds(const Ledger& l);

template <class F>
auto tx_ok(Ledger& l, F&& f, const char* expr, const char* file, int line) {
  auto r = f();
  EXPECT_TRUE(identity_holds(l)) << "after " << expr << " at " << file << ":" << line;
  if (!r.ok()) {
    ADD_FAILURE_AT(file, line) << expr << " failed: " << r.error().to_string();
    throw TxAborted(expr);
  }
  return std::move(r).value();
}

/// `rejected_move`: the call is a move the game's rules reject, which records exactly one
/// move_rejected event and changes nothing else.
template <class F>
std::string tx_fails(Ledger& l,
                     F&& f,
                     const char* expr,
                     const std::string& needle,
                     bool rejected_move,
                     const char* file,
                     int line) {
  const std::string before = observe(l);
  const uint64_t events_before = l.events().size();
  auto r = f();
  EXPECT_TRUE(identity_holds(l)) << "after " << expr << " at " << file << ":" << line;
  if (r.ok()) {
    ADD_FAILURE_AT(file, line) << expr << " succeeded, expected an error containing '" << needle
                               << "'";
    throw TxAborted(expr);
  }
  const std::string msg = r.error().to_string();
  EXPECT_NE(msg.find(needle), std::string::npos)
      << "at " << file << ":" << line << ": " << expr << ": error '" << msg
      << "' does not contain '" << needle << "'";
  if (rejected_move) {
    const auto added = l.events(events_before);
    EXPECT_EQ(added.size(), 1u) << "at " << file << ":" << line;
    if (added.size() == 1) {
      EXPECT_EQ(added[0].kind, EventKind::move_rejected) << "at " << file << ":" << line;
    }
    // The rest of the ledger is as it was: compare with the event count put back.
    std::string after = observe(l);
    const std::string from = "events " + std::to_string(events_before + added.size()) + "\n";
    const std::string to = "events " + std::to_string(events_before) + "\n";
    if (auto at = after.find(from); at != std::string::npos)
      after.replace(at, from.size(), to);
    EXPECT_EQ(after, before) << "at " << file << ":" << line << ": " << expr;
  } else {
    EXPECT_EQ(observe(l), before) << "at " << file << ":" << line << ": " << expr
                                  << " failed but changed the ledger";
  }
  return msg;
}

}  // namespace vinfer::ledger::testing

/// Runs a transaction that must succeed; yields its value (Unit for a Status).
#define TX_OK(L, expr) \
  ::vinfer::ledger::testing::tx_ok((L), [&] { return (expr); }, #expr, __FILE__, __LINE__)
/// Runs a transaction that must fail with an error containing `needle` and change nothing.
#define TX_FAILS(L, expr, needle)                                                          \
  ::vinfer::ledger::testing::tx_fails((L), [&] { return (expr); }, #expr, (needle), false, \
                                      __FILE__, __LINE__)
/// Runs a move the game's rules must reject: one move_rejected event, nothing else changed.
#define TX_REJECTED_MOVE(L, expr, needle)                                                 \
  ::vinfer::ledger::testing::tx_fails((L), [&] { return (expr); }, #expr, (needle), true, \
                                      __FILE__, __LINE__)
