// `vinfer bench tolerance`: the fp32 tolerance rule of quorum mode, measured (issue 5 §3).
// Each run takes a held-out verse as the prompt. An honest worker generates with the fp32
// engine under one (ISA, threads) setting and signs its tokens; a verifier on another
// setting re-scores the same tokens and compares (a mismatch is a false positive). A
// cheater generates with the substitute model (kjv-small) and signs with it; the verifier
// re-scores with the claimed model (a match is a missed detection). The 1,000-run number
// comes from scripts/fp32_tolerance.sh; ctest runs a few.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>

#include "common.hpp"
#include "progress.hpp"
#include "vinfer/engine/fp32_signature.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::cli {
namespace {

struct ToleranceOptions {
  std::string model, substitute;
  uint32_t runs = 20, tokens = 8, prompt_tokens = 12;
  bool json = false;
};

struct Setting {
  tensor::Isa isa;
  unsigned threads;
  std::string name() const {
    return std::string(tensor::isa_name(isa)) + "/" + std::to_string(threads) + "t";
  }
};

int bench_tolerance(const ToleranceOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::filesystem::path models = std::filesystem::path(VINFER_SOURCE_DIR) / "models";
  const auto claimed_path =
      o.model.empty() ? models / "kjv-large.gguf" : std::filesystem::path(o.model);
  const auto sub_path =
      o.substitute.empty() ? models / "kjv-small.gguf" : std::filesystem::path(o.substitute);
  auto claimed = model::load_any_float(claimed_path);
  if (!claimed)
    return report(claimed.error());
  auto sub = model::load_any_float(sub_path);
  if (!sub)
    return report(sub.error());
  if (sub->cfg.vocab_size != claimed->cfg.vocab_size)
    return report(fail(Errc::mismatch, "bench tolerance: the substitute's vocabulary differs"));

  std::vector<std::string> verses;
  {
    std::ifstream in(default_heldout_path());
    for (std::string line; std::getline(in, line);) {
      if (line.size() > 20)
        verses.push_back(line);
    }
  }
  if (verses.empty())
    return report(
        fail(Errc::io, "bench tolerance: no held-out text at " + default_heldout_path().string()));

  std::vector<Setting> settings;
  for (tensor::Isa isa : tensor::available_isas()) {
    for (unsigned t : {1u, 2u})
      settings.push_back({isa, t});
  }
  std::map<unsigned, std::unique_ptr<engine::Fp32Engine>> large, small;
  auto eng = [&](auto& cache, const model::FloatModel& m, unsigned t) -> engine::Fp32Engine& {
    auto& e = cache[t];
    if (!e)
      e = std::make_unique<engine::Fp32Engine>(m, t);
    return *e;
  };
  const engine::Fp32Tolerance tol;
  uint32_t false_pos = 0, detected = 0;
  float honest_max_diff = 0, cheat_min_diff = INFINITY;
  uint32_t honest_min_overlap = tol.top_k, cheat_max_overlap = 0;
  std::string first_fp;
  Progress progress;
  for (uint32_t r = 0; r < o.runs; ++r) {
    progress.update("bench tolerance: run %u of %u", r + 1, o.runs);
    const Setting w = settings[r % settings.size()];
    const Setting v = settings[(r + 1 + r / settings.size()) % settings.size()];
    model::Job job;
    job.tokens = claimed->tokenizer.encode(verses[r % verses.size()], true);
    if (job.tokens.size() > o.prompt_tokens)
      job.tokens.resize(o.prompt_tokens);
    job.max_tokens = o.tokens;

    // Honest: same model, another setting.
    tensor::set_isa_for_testing(w.isa);
    auto gen = eng(large, *claimed, w.threads).generate(job);
    if (!gen)
      return report(gen.error());
    auto sw =
        engine::fp32_signature(eng(large, *claimed, w.threads), job.tokens, gen->tokens, tol.top_k);
    tensor::set_isa_for_testing(v.isa);
    auto sv =
        engine::fp32_signature(eng(large, *claimed, v.threads), job.tokens, gen->tokens, tol.top_k);
    if (!sw || !sv)
      return report(!sw ? sw.error() : sv.error());
    const auto hv = engine::compare_signatures(*sw, *sv, tol);
    honest_max_diff = std::max(honest_max_diff, hv.max_abs_diff);
    honest_min_overlap = std::min(honest_min_overlap, hv.min_overlap);
    if (!hv.match) {
      ++false_pos;
      if (first_fp.empty())
        first_fp = w.name() + " vs " + v.name() + ": " + hv.reason;
    }

    // Cheater: the substitute generates and signs; the verifier scores with the claimed model.
    tensor::set_isa_for_testing(w.isa);
    auto cgen = eng(small, *sub, w.threads).generate(job);
    if (!cgen)
      return report(cgen.error());
    auto cs =
        engine::fp32_signature(eng(small, *sub, w.threads), job.tokens, cgen->tokens, tol.top_k);
    tensor::set_isa_for_testing(v.isa);
    auto cv = engine::fp32_signature(eng(large, *claimed, v.threads), job.tokens, cgen->tokens,
                                     tol.top_k);
    if (!cs || !cv)
      return report(!cs ? cs.error() : cv.error());
    const auto dv = engine::compare_signatures(*cs, *cv, tol);
    detected += !dv.match;
    cheat_min_diff = std::min(cheat_min_diff, dv.max_abs_diff);
    cheat_max_overlap = std::max(cheat_max_overlap, dv.min_overlap);
  }
  progress.done();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<std::string> names;
  names.reserve(settings.size());
  for (const Setting& s : settings)
    names.push_back(s.name());
  const double fp_rate = o.runs ? double(false_pos) / o.runs : 0;
  const double det_rate = o.runs ? double(detected) / o.runs : 0;
  if (o.json) {
    print_json({{"runs", o.runs},
                {"settings", names},
                {"top_k", tol.top_k},
                {"min_overlap", tol.min_overlap},
                {"max_abs_diff", tol.max_abs_diff},
                {"max_mean_diff", tol.max_mean_diff},
                {"false_positives", false_pos},
                {"false_positive_rate", fp_rate},
                {"detected", detected},
                {"detection_rate", det_rate},
                {"honest_worst_abs_diff", honest_max_diff},
                {"honest_worst_overlap", honest_min_overlap},
                {"substitute_best_abs_diff", cheat_min_diff},
                {"substitute_best_overlap", cheat_max_overlap},
                {"first_false_positive", first_fp},
                {"wall_s", wall}});
    return 0;
  }
  std::printf("fp32 tolerance rule: top-%u, overlap >= %u, |diff| <= %g, mean <= %g\n", tol.top_k,
              tol.min_overlap, tol.max_abs_diff, tol.max_mean_diff);
  std::printf("settings     %zu (ISA x threads), worker and verifier differ in every run\n",
              settings.size());
  std::printf(
      "honest       %u runs, %u false positives (%.2f%%); worst |diff| %.3g, worst overlap %u\n",
      o.runs, false_pos, 100 * fp_rate, honest_max_diff, honest_min_overlap);
  std::printf("substitute   %u runs, %u detected (%.2f%%); its best |diff| %.3g, best overlap %u\n",
              o.runs, detected, 100 * det_rate, cheat_min_diff, cheat_max_overlap);
  if (!first_fp.empty())
    std::printf("first false positive: %s\n", first_fp.c_str());
  return 0;
}

}  // namespace

void add_bench_tolerance_command(CLI::App& bench) {
  auto o = std::make_shared<ToleranceOptions>();
  auto* cmd = bench.add_subcommand(
      "tolerance",
      "Quorum mode's fp32 tolerance rule: false positives across ISAs and thread counts, "
      "detection of a substituted model");
  cmd->add_option("--model", o->model, "The claimed model (default: models/kjv-large.gguf)");
  cmd->add_option("--substitute", o->substitute,
                  "What the cheater runs (default: models/kjv-small.gguf)");
  cmd->add_option("--runs", o->runs, "Prompts (held-out verses), each honest and cheating")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100000u));
  cmd->add_option("--tokens", o->tokens, "Tokens generated per run")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("--prompt-tokens", o->prompt_tokens, "Prompt tokens kept per verse")
      ->capture_default_str()
      ->check(CLI::Range(2u, 256u));
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o] { std::exit(bench_tolerance(*o)); });
}

}  // namespace vinfer::cli
