// `vinfer demo optimistic` and `vinfer demo` (every mode): the one schema of DESIGN §7,
// every cheater caught, no honest party slashed, the game within its round bound.
#include <cmath>
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
  const Outcome o = vinfer({"demo", "--batch", "2", "--jobs", "10", "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  std::set<std::string> modes;
  const nlohmann::json j = o.json();
  for (const auto& r : j["scenarios"])
    modes.insert(r["mode"].get<std::string>());
  EXPECT_EQ(modes, (std::set<std::string>{"proof", "optimistic", "quorum:5", "sampled:0.1"}));
  const Outcome table = vinfer({"demo", "--batch", "2", "--jobs", "10"});
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

TEST(DemoCli, SampledRowsCostOnePlusPAndCheatingDoesNotPayAtTheDemosStake) {
  const Outcome o = vinfer({"demo", "sampled:0.1", "--jobs", "60", "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  ASSERT_EQ(j["scenarios"].size(), 6u);
  for (const auto& r : j["scenarios"]) {
    for (const char* k : kKeys)
      EXPECT_TRUE(r.contains(k)) << k << " missing in " << r.dump();
    EXPECT_EQ(r["mode"], "sampled:0.1");
    EXPECT_EQ(r["latency_unit"], "blocks");
    EXPECT_FALSE(r["honest_slashed"].get<bool>()) << r.dump();
    EXPECT_TRUE(r["referee_macs"].is_null());
  }
  const auto& honest = j["scenarios"][0];
  EXPECT_EQ(honest["cheater"], "none");
  EXPECT_FALSE(honest["caught"].get<bool>());
  EXPECT_GE(honest["cost_multiplier"].get<double>(), 1.0);
  EXPECT_LE(honest["cost_multiplier"].get<double>(), 1.3);  // 1 + audits / jobs; E = 1.1
  // A worker that never reveals is slashed on every job, audited or not.
  EXPECT_EQ(j["scenarios"][3]["cheater"], "never-reveals");
  EXPECT_TRUE(j["scenarios"][3]["caught"].get<bool>());
  const auto& e = j["sampled_economics"];
  EXPECT_NEAR(e["p_audit"].get<double>(), 1 - std::pow(1 - 334 / 10000.0, 3), 1e-9);
  EXPECT_LT(e["cheat_profit_per_job"].get<double>(), 0.0);
  EXPECT_LT(e["breakeven_stake"].get<double>(), e["stake"].get<double>());
  for (const char* bad : {"sampled:0", "sampled:x", "sampled:", "sampled:1.5", "sampled:0.00001"}) {
    const Outcome err = vinfer({"demo", bad});
    EXPECT_EQ(err.code, 1) << bad;
    EXPECT_NE(err.err.find("sampled:P"), std::string::npos) << err.err;
  }
}

}  // namespace
