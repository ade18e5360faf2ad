// `vinfer bench`: decode speed of the int8 engine and the fp32 engine on one model, side
// by side, and how close the int8 engine comes to the machine's memory read bandwidth.
// `vinfer bench proof` (proof mode's costs) lives in cmd_bench_proof.cpp.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <thread>

#include "common.hpp"
#include "progress.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/fp32_engine.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/synthetic.hpp"
#include "vinfer/tensor/bandwidth.hpp"
#include "vinfer/tensor/isa.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::cli {
namespace {

struct BenchOptions {
  std::string model;
  std::string synthetic;
  unsigned threads = 0;
  uint32_t tokens = 32;
  unsigned reps = 3;
  bool json = false;
};

/// "2000000", "100M", "1.5G", "250k" -> a parameter count (k/M/G = 1e3/1e6/1e9).
Result<uint64_t> parse_param_count(std::string_view s) {
  const std::string what = "--synthetic-params '" + std::string(s) + "'";
  double mult = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'k':
      case 'K':
        mult = 1e3;
        break;
      case 'm':
      case 'M':
        mult = 1e6;
        break;
      case 'g':
      case 'G':
      case 'b':
      case 'B':
        mult = 1e9;
        break;
      default:
        break;
    }
    if (mult != 1) {
      s.remove_suffix(1);
    }
  }
  uint64_t whole = 0, frac = 0, frac_div = 1;
  bool digits = false, dot = false;
  for (char ch : s) {
    if (ch == '.' && !dot) {
      dot = true;
    } else if (ch >= '0' && ch <= '9') {
      digits = true;
      if (dot) {
        if (frac_div >= 1000000000) {
          continue;  // further digits cannot matter
        }
        frac = frac * 10 + static_cast<uint64_t>(ch - '0');
        frac_div *= 10;
      } else {
        if (whole > 1000000000000ull) {
          return fail(Errc::invalid_argument, what + ": too large");
        }
        whole = whole * 10 + static_cast<uint64_t>(ch - '0');
      }
    } else {
      return fail(Errc::invalid_argument,
                  what + ": expected a number with an optional k, M or G suffix");
    }
  }
  if (!digits) {
    return fail(Errc::invalid_argument,
                what + ": expected a number with an optional k, M or G suffix");
  }
  const double v = (static_cast<double>(whole) + static_cast<double>(frac) / frac_div) * mult;
  if (v < 1 || v > 1e12) {
    return fail(Errc::invalid_argument, what + ": out of range");
  }
  return static_cast<uint64_t>(std::llround(v));
}

// Bytes of every weight matrix one decoded token reads, counted as `elem` bytes per
// weight: each layer's seven projections, the classifier and one embedding row.
uint64_t weight_bytes(const model::LlamaConfig& c, uint64_t elem) {
  const uint64_t dim = c.dim, hd = c.head_dim(), kvd = c.kv_dim(), hid = c.hidden_dim;
  const uint64_t layer = dim * (c.n_heads * hd) * 2 + 2 * kvd * dim + 3 * hid * dim;
  return elem * (c.n_layers * layer + uint64_t{c.vocab_size} * dim + dim);
}

// Runs `decode` once to warm up, then `reps` times; returns every repetition's tokens/s.
template <class F>
Result<std::vector<double>> time_decode(const char* name,
                                        unsigned reps,
                                        Progress& progress,
                                        F decode) {
  progress.update("bench: %s engine, warm-up", name);
  VINFER_TRY(double warm, decode(true));
  (void)warm;
  std::vector<double> runs;
  for (unsigned r = 0; r < reps; ++r) {
    progress.update("bench: %s engine, repetition %u/%u", name, r + 1, reps);
    VINFER_TRY(double tok_s, decode(false));
    runs.push_back(tok_s);
  }
  return runs;
}

int bench(const BenchOptions& o) {
  if (!o.model.empty() && !o.synthetic.empty()) {
    return report(
        fail(Errc::invalid_argument, "--model and --synthetic-params exclude each other"));
  }
  Progress progress;
  std::optional<model::FloatModel> fm;
  std::optional<model::CanonicalModel> qm;
  std::string source;
  if (!o.synthetic.empty()) {
    auto params = parse_param_count(o.synthetic);
    if (!params.ok()) {
      return report(params.error());
    }
    const model::LlamaConfig cfg = model::synthetic_config(*params);
    progress.update("bench: building a synthetic model of %llu parameters",
                    static_cast<unsigned long long>(cfg.param_count()));
    fm = model::synthetic_model(cfg, 1);
    source = "synthetic:" + o.synthetic;
  } else {
    const std::filesystem::path path =
        o.model.empty() ? default_model_path() : std::filesystem::path(o.model);
    source = path.string();
    progress.update("bench: loading %s", source.c_str());
    auto f = model::load_any_float(path);
    if (f.ok()) {
      fm = std::move(f).value();
    } else if (f.error().code == Errc::unsupported) {  // canonical file: int8 only
      auto loaded = load_model(path);
      if (!loaded.ok()) {
        return report(loaded.error());
      }
      qm = std::move(loaded->model);
    } else {
      return report(f.error());
    }
  }
  if (fm) {
    progress.update("bench: quantizing");
    auto q = model::quantize(*fm);
    if (!q.ok()) {
      return report(q.error());
    }
    qm = std::move(q).value();
  }
  const model::LlamaConfig& cfg = qm->cfg;
  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());

  // Greedy decode from BOS: every position after the first is a generated token.
  auto job_of = [&](bool warm_up) {
    model::Job job;
    job.tokens = {qm->tokenizer.bos()};
    job.max_tokens = warm_up ? std::min<uint32_t>(o.tokens, 4) : o.tokens;
    return job;
  };
  auto tok_s = [](uint32_t n, double s) { return s > 0 ? n / s : 0.0; };

  std::vector<double> int8_runs, fp32_runs;
  {
    engine::Engine eng(*qm, threads);
    auto runs = time_decode("int8", o.reps, progress, [&](bool warm) -> Result<double> {
      const model::Job job = job_of(warm);
      VINFER_TRY(engine::RunResult r, eng.run(job));
      return tok_s(job.max_tokens, r.decode_seconds);
    });
    if (!runs.ok()) {
      return report(runs.error());
    }
    int8_runs = *runs;
  }
  if (fm) {
    engine::Fp32Engine eng(*fm, threads);
    auto runs = time_decode("fp32", o.reps, progress, [&](bool warm) -> Result<double> {
      const model::Job job = job_of(warm);
      VINFER_TRY(engine::Fp32RunResult r, eng.generate(job));
      return tok_s(job.max_tokens, r.decode_seconds);
    });
    if (!runs.ok()) {
      return report(runs.error());
    }
    fp32_runs = *runs;
  }
  progress.update("bench: read bandwidth probe, %u threads", threads);
  double read_gbps = 0;
  {
    tensor::ThreadPool pool(threads);
    read_gbps = tensor::measure_read_bandwidth_gbps(pool);
  }
  progress.done();

  // Best of the repetitions: interference from other processes only ever slows a run.
  const double int8_tok_s = *std::max_element(int8_runs.begin(), int8_runs.end());
  const uint64_t wb = weight_bytes(cfg, 1), wb32 = weight_bytes(cfg, 4);
  const double fraction =
      read_gbps > 0 ? int8_tok_s * static_cast<double>(wb) / (read_gbps * 1e9) : 0;
  std::optional<double> fp32_tok_s;
  if (!fp32_runs.empty()) {
    fp32_tok_s = *std::max_element(fp32_runs.begin(), fp32_runs.end());
  }
  const char* isa = tensor::isa_name(tensor::active_isa());

  if (o.json) {
    nlohmann::json j;
    j["model"] = source;
    j["name"] = qm->name;
    j["params"] = cfg.param_count();
    j["config"] = {
        {"dim", cfg.dim},         {"hidden_dim", cfg.hidden_dim}, {"n_layers", cfg.n_layers},
        {"n_heads", cfg.n_heads}, {"n_kv_heads", cfg.n_kv_heads}, {"vocab_size", cfg.vocab_size},
        {"seq_len", cfg.seq_len}};
    j["threads"] = threads;
    j["isa"] = isa;
    j["tokens"] = o.tokens;
    j["statistic"] = "best of " + std::to_string(o.reps) + " repetitions after one warm-up";
    j["int8_tok_s"] = int8_tok_s;
    j["int8_runs_tok_s"] = int8_runs;
    j["fp32_tok_s"] = fp32_tok_s ? nlohmann::json(*fp32_tok_s) : nlohmann::json(nullptr);
    j["fp32_runs_tok_s"] = fp32_runs;
    j["speedup"] = fp32_tok_s ? nlohmann::json(int8_tok_s / *fp32_tok_s) : nlohmann::json(nullptr);
    j["read_gbps"] = read_gbps;
    j["weight_bytes"] = wb;
    j["fp32_weight_bytes"] = wb32;
    j["bandwidth_fraction"] = fraction;
    j["fp32_bandwidth_fraction"] =
        fp32_tok_s && read_gbps > 0
            ? nlohmann::json(*fp32_tok_s * static_cast<double>(wb32) / (read_gbps * 1e9))
            : nlohmann::json(nullptr);
    print_json(j);
    return 0;
  }
  std::printf("model        %s (%s, %llu parameters)\n", source.c_str(), qm->name.c_str(),
              static_cast<unsigned long long>(cfg.param_count()));
  std::printf("setup        %u threads, %s kernels, %u decoded tokens, best of %u\n", threads, isa,
              o.tokens, o.reps);
  std::printf("int8         %8.2f tok/s   %7.1f MB weights/token\n", int8_tok_s, wb / 1e6);
  if (fp32_tok_s) {
    std::printf("fp32         %8.2f tok/s   %7.1f MB weights/token\n", *fp32_tok_s, wb32 / 1e6);
    std::printf("speedup      %8.2fx\n", int8_tok_s / *fp32_tok_s);
  } else {
    std::printf("fp32         (canonical file: no float weights)\n");
  }
  std::printf("read         %8.2f GB/s  -> int8 reaches %.0f%% of it\n", read_gbps, 100 * fraction);
  return 0;
}

}  // namespace

// `vinfer bench proof` (cmd_bench_proof.cpp).
void add_bench_proof_command(CLI::App& bench);

void add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto* cmd =
      app.add_subcommand("bench", "Decode speed: int8 engine vs fp32 engine, and memory bandwidth");
  auto* model = cmd->add_option("--model", o->model, "Model file (default: the embedded model)");
  cmd->add_option("--synthetic-params", o->synthetic,
                  "Benchmark a synthetic model of about N parameters (100M, 1.5G, ...)")
      ->excludes(model);
  cmd->add_option("--threads", o->threads, "Threads (default: all cores)");
  cmd->add_option("--tokens", o->tokens, "Tokens decoded per repetition")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 16));
  cmd->add_option("--reps", o->reps, "Timed repetitions (the best is reported)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100u));
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o] { std::exit(bench(*o)); });
  add_bench_proof_command(*cmd);
}

}  // namespace vinfer::cli
