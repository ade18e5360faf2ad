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
  EXPECT_EQ(modes, (std::set<std::string>{"proof", "optimistic"}));
  const Outcome table = vinfer({"demo", "--batch", "2"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("optimistic"), std::string::npos);
  EXPECT_NE(table.out.find("proof"), std::string::npos);
}

}  // namespace
