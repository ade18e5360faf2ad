// `vinfer demo optimistic` and `vinfer demo` (every mode): the one schema of DESIGN §7,
// every cheater caught, no honest party slashed, the game within its round bound.
#include <set>

#include "run_vinfer.hpp"

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)

const char* kKeys[] = {"mode",           "scenario",        "cheater", "caught",
                       "honest_slashed", "cost_multiplier", "latency", "latency_unit",
                       "rounds",         "referee_macs",    "wall_s"};

TEST(DemoCli, OptimisticRowsCatchEveryCheaterWithinTheRoundBound) {
  const Outcome o = vinfer({"demo", "optimistic", "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  ASSERT_TRUE(j["scenarios"].is_array());
  ASSERT_GE(j["scenarios"].size(), 8u);
  size_t refereed = 0;
  for (const auto& r : j["scenarios"]) {
    for (const char* k : kKeys)
      EXPECT_TRUE(r.contains(k)) << k << " missing in " << r.dump();
    EXPECT_EQ(r["mode"], "optimistic");
    EXPECT_EQ(r["latency_unit"], "blocks");
    EXPECT_FALSE(r["honest_slashed"].get<bool>()) << r.dump();
    EXPECT_EQ(r["caught"].get<bool>(), r["cheater"] != "none") << r.dump();
    ASSERT_TRUE(r["rounds"].is_number()) << r.dump();
    // kjv-large, 8 tokens: ceil(log2 1864 steps) + ceil(log2 12 chunks) + 2 = 17.
    EXPECT_LE(r["rounds"].get<int>(), 17) << r.dump();
    refereed += r["referee_macs"].is_number();
  }
  EXPECT_GE(refereed, 3u);
  EXPECT_EQ(j["scenarios"][0]["cheater"], "none");
}

TEST(DemoCli, NoModeRunsEveryModeIntoOneTable) {
  const Outcome o = vinfer({"demo", "--batch", "2", "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  std::set<std::string> modes;
  const nlohmann::json j = o.json();
  for (const auto& r : j["scenarios"])
    modes.insert(r["mode"].get<std::string>());
  EXPECT_EQ(modes, (std::set<std::string>{"proof", "optimistic", "quorum:5"}));
  const Outcome table = vinfer({"demo", "--batch", "2"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("optimistic"), std::string::npos);
  EXPECT_NE(table.out.find("proof"), std::string::npos);
}

TEST(DemoCli, QuorumRowsSlashLiarsAndShowTheColludingMajorityWinning) {
  const Outcome o = vinfer({"demo", "quorum:3", "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  ASSERT_GE(j["scenarios"].size(), 5u);
  bool weakness_shown = false;
  for (const auto& r : j["scenarios"]) {
    for (const char* k : kKeys)
      EXPECT_TRUE(r.contains(k)) << k << " missing in " << r.dump();
    EXPECT_EQ(r["mode"], "quorum:3");
    EXPECT_TRUE(r["rounds"].is_null());
    EXPECT_TRUE(r["referee_macs"].is_null());
    const bool majority = r["scenario"].get<std::string>().find("majority") != std::string::npos;
    if (majority) {
      weakness_shown = true;
      EXPECT_FALSE(r["caught"].get<bool>()) << r.dump();
      EXPECT_TRUE(r["honest_slashed"].get<bool>()) << r.dump();
    } else {
      EXPECT_FALSE(r["honest_slashed"].get<bool>()) << r.dump();
      EXPECT_EQ(r["caught"].get<bool>(), r["cheater"] != "none") << r.dump();
    }
  }
  EXPECT_TRUE(weakness_shown);
  for (const char* bad : {"quorum:0", "quorum:x", "quorum:", "quorum:99"}) {
    const Outcome e = vinfer({"demo", bad});
    EXPECT_EQ(e.code, 1) << bad;
    EXPECT_NE(e.err.find("quorum:N"), std::string::npos) << e.err;
  }
}

}  // namespace
