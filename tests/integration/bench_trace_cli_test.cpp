// `vinfer bench trace` end to end on a tiny synthetic model: the keys of its JSON, positive
// times, and one trace root whatever the recorder's thread count. No ratio is asserted.
#include "run_vinfer.hpp"

namespace {

using namespace vinfer_cli_test;  // NOLINT(google-build-using-namespace)

nlohmann::json bench_trace(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {
      "bench", "trace", "--json", "--synthetic-params", "200k", "--tokens", "3", "--reps", "3"};
  args.insert(args.end(), extra.begin(), extra.end());
  const Outcome o = vinfer(args);
  EXPECT_EQ(o.code, 0) << o.err << o.out;
  return o.json();
}

TEST(BenchTraceCli, JsonHasPositiveTimesAndTheRatio) {
  const nlohmann::json j = bench_trace({});
  expect_keys(j, {"model", "params", "threads", "trace_threads", "isa", "tokens", "reps", "steps",
                  "trace_bytes", "statistic", "plain_s", "traced_s", "overhead", "plain_runs_s",
                  "traced_runs_s", "trace_root", "output_hash"});
  EXPECT_EQ(j["tokens"], 3);
  EXPECT_GT(j["steps"].get<std::uint64_t>(), 0u);
  EXPECT_GT(j["trace_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_GT(j["plain_s"].get<double>(), 0.0);
  EXPECT_GT(j["traced_s"].get<double>(), 0.0);
  EXPECT_NEAR(j["overhead"].get<double>(),
              j["traced_s"].get<double>() / j["plain_s"].get<double>() - 1, 1e-9);
  EXPECT_EQ(j["plain_runs_s"].size(), 3u);
  EXPECT_EQ(j["traced_runs_s"].size(), 3u);
  EXPECT_EQ(j["trace_root"].get<std::string>().size(), 64u);
}

TEST(BenchTraceCli, TraceRootDoesNotDependOnTheRecordersThreads) {
  const nlohmann::json one = bench_trace({"--threads", "1", "--trace-threads", "1"});
  const nlohmann::json three = bench_trace({"--threads", "2", "--trace-threads", "3"});
  EXPECT_EQ(one["trace_root"], three["trace_root"]);
  EXPECT_EQ(one["output_hash"], three["output_hash"]);
  EXPECT_EQ(three["trace_threads"], 3);
}

TEST(BenchTraceCli, TextModeAndExclusiveModelOptions) {
  const Outcome text =
      vinfer({"bench", "trace", "--synthetic-params", "200k", "--tokens", "2", "--reps", "1"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("overhead"), std::string::npos) << text.out;
  const Outcome both =
      vinfer({"bench", "trace", "--synthetic-params", "200k", "--model", "x.gguf"});
  EXPECT_NE(both.code, 0);
}

}  // namespace
