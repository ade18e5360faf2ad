// `vinfer bench tolerance`: the fp32 tolerance rule's rates in one schema; a few runs:
// honest nodes on other ISAs and thread counts pass, the substituted model is caught.
#include "run_vinfer.hpp"

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)

TEST(ToleranceCli, HonestSettingsPassTheSubstituteIsCaught) {
  const Outcome o = vinfer({"bench", "tolerance", "--runs", "3", "--tokens", "4", "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  for (const char* k : {"runs", "settings", "false_positives", "false_positive_rate", "detected",
                        "detection_rate", "honest_worst_abs_diff", "substitute_best_abs_diff"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["runs"], 3);
  EXPECT_EQ(j["false_positives"], 0) << j.dump();
  EXPECT_EQ(j["detected"], 3) << j.dump();
  EXPECT_LT(j["honest_worst_abs_diff"].get<double>(), j["max_abs_diff"].get<double>());
  const Outcome bad = vinfer({"bench", "tolerance", "--runs", "0"});
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("--runs"), std::string::npos) << bad.err;
}

}  // namespace
