// The Ledger conformance suite (DESIGN §6: one suite against every backend). The test
// bodies (conformance.cpp) see only the Ledger interface; a backend's test file
// instantiates them with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Memory, LedgerConformance,
//                            ::testing::Values(LedgerFactory{"memory", make_memory}),
//                            factory_name);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "vinfer/ledger/ledger.hpp"

namespace vinfer::ledger::testing {

/// Makes a fresh, empty ledger with the given params; a persistent backend also says how
/// to close and reopen one, and every test then ends with a reopen that must show the
/// same ledger.
struct LedgerFactory {
  std::string name;
  std::function<std::unique_ptr<Ledger>(const Params&)> make;
  std::function<std::unique_ptr<Ledger>(std::unique_ptr<Ledger>, const Params&)> reopen;
};

/// The params the suite runs with: distinct bonds and a 40 % share so every payout is
/// told apart; quorum rounds of 4 commit and 3 reveal blocks, a 60 % slash and a 25 %
/// bounty share (none of them the defaults).
Params conformance_params();

/// The suite: each test gets a fresh ledger from the factory.
class LedgerConformance : public ::testing::TestWithParam<LedgerFactory> {
 protected:
  void SetUp() override {
    ledger_ = GetParam().make(conformance_params());
    ASSERT_TRUE(ledger_);
  }
  void TearDown() override;
  Ledger& l() { return *ledger_; }
  /// A persistent backend closes and reopens the ledger here, and the reopened one must
  /// show the same ledger; an in-memory one carries on unchanged.
  void reopen();
  std::unique_ptr<Ledger> ledger_;
};

/// How gtest prints a factory (its name, not its bytes).
inline void PrintTo(const LedgerFactory& f, std::ostream* os) {
  *os << f.name;
}

/// gtest's name for an instantiation ("memory", "sqlite").
inline std::string factory_name(const ::testing::TestParamInfo<LedgerFactory>& info) {
  return info.param.name;
}

}  // namespace vinfer::ledger::testing
