// `vinfer econ`: the proof-of-sampling bound and the cheater simulation as JSON, and
// invalid input rejected with exit code 1 and the option's name.
#include "run_vinfer.hpp"

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)

const std::vector<std::string> kBase = {"econ",    "--cost", "1",           "--reward", "1",
                                        "--stake", "9",      "--collusion", "0.2"};

std::vector<std::string> with(std::vector<std::string> extra) {
  std::vector<std::string> a = kBase;
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

TEST(EconCli, JsonHasTheBoundAndTheSimulatedProfits) {
  const Outcome o = vinfer(with({"--jobs", "200000", "--json"}));
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json j = o.json();
  expect_keys(j, {"cost", "reward", "stake", "collusion", "min_p", "p", "p_from", "cost_multiplier",
                  "jobs", "seed", "audited", "caught", "cheat_profit_per_job",
                  "honest_profit_per_job", "cheat_expected_per_job", "cheat_gain_per_job",
                  "cheating_pays", "honest_equilibrium", "min_stake"});
  EXPECT_DOUBLE_EQ(j["min_p"].get<double>(), 0.125);  // 1 / (0.8 × 10)
  EXPECT_DOUBLE_EQ(j["p"].get<double>(), 0.125);
  EXPECT_EQ(j["p_from"], "min_p");
  EXPECT_EQ(j["jobs"], 200000);
  EXPECT_FALSE(j["honest_equilibrium"].get<bool>());  // p = p* breaks even
}

TEST(EconCli, AboveTheBoundCheatingDoesNotPayAndBelowItDoes) {
  const Outcome above = vinfer(with({"--p", "0.2", "--json"}));
  ASSERT_EQ(above.code, 0) << above.err;
  const nlohmann::json a = above.json();
  EXPECT_FALSE(a["cheating_pays"].get<bool>());
  EXPECT_TRUE(a["honest_equilibrium"].get<bool>());
  EXPECT_LT(a["cheat_profit_per_job"].get<double>(), a["honest_profit_per_job"].get<double>());
  EXPECT_DOUBLE_EQ(a["min_stake"].get<double>(), 1 / (0.2 * 0.8) - 1);
  const Outcome below = vinfer(with({"--p", "0.05", "--json"}));
  ASSERT_EQ(below.code, 0) << below.err;
  EXPECT_TRUE(below.json()["cheating_pays"].get<bool>());
  // The same seed gives the same numbers.
  EXPECT_EQ(vinfer(with({"--p", "0.2", "--json"})).out, above.out);
}

TEST(EconCli, TextNamesTheBound) {
  const Outcome o = vinfer(with({"--jobs", "1000"}));
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("p* = C / ((1 - r)(R + S)) = 0.125"), std::string::npos) << o.out;
}

TEST(EconCli, InvalidInputExitsOneNamingTheOption) {
  const struct {
    std::vector<std::string> args;
    const char* option;
  } cases[] = {
      {{"econ", "--cost", "1", "--reward", "1", "--stake", "9", "--collusion", "1"}, "--collusion"},
      {{"econ", "--cost", "-1", "--reward", "1", "--stake", "9", "--collusion", "0"}, "--cost"},
      {{"econ", "--cost", "1", "--reward", "0", "--stake", "0", "--collusion", "0"}, "--stake"},
      {with({"--p", "1.5"}), "--p"},
      {with({"--jobs", "0"}), "--jobs"},
  };
  for (const auto& c : cases) {
    const Outcome o = vinfer(c.args);
    EXPECT_EQ(o.code, 1) << c.option << ": " << o.err;
    EXPECT_NE(o.err.find(c.option), std::string::npos) << o.err;
    EXPECT_TRUE(o.out.empty()) << o.out;
  }
}

TEST(EconCli, HelpStatesTheModel) {
  const Outcome o = vinfer({"econ", "--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("C / ((1 - r)(R + S))"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--collusion"), std::string::npos);
}

}  // namespace
