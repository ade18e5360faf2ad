// `vinfer bench`: decode speed of the int8 engine and the fp32 engine on one model, side
// by side, and how close the int8 engine comes to the machine's memory read bandwidth.
// `vinfer bench trace`: the same int8 runs without a sink and with the TraceRecorder,
// interleaved in one process, and the recorder's overhead.
// `vinfer bench proof` (proof mode's costs) lives in cmd_bench_proof.cpp.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <thread>

#include "common.hpp"
#include "progress.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/fp32_engine.hpp"
#include "vinfer/engine/trace.hpp"
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

// The model a bench runs on: float weights too where the file has them (fp32 engine).
struct BenchModel {
  std::optional<model::FloatModel> fm;
  std::optional<model::CanonicalModel> qm;
  std::string source;
};

// --synthetic-params N builds and quantizes a seeded model; else --model or the default file.
Result<BenchModel> load_bench_model(const std::string& model_path,
                                    const std::string& synthetic,
                                    Progress& progress) {
  if (!model_path.empty() && !synthetic.empty()) {
    return fail(Errc::invalid_argument, "--model and --synthetic-params exclude each other");
  }
  BenchModel b;
  if (!synthetic.empty()) {
    VINFER_TRY(uint64_t params, parse_param_count(synthetic));
    const model::LlamaConfig cfg = model::synthetic_config(params);
    progress.update("bench: building a synthetic model of %llu parameters",
                    static_cast<unsigned long long>(cfg.param_count()));
    b.fm = model::synthetic_model(cfg, 1);
    b.source = "synthetic:" + synthetic;
  } else {
    const std::filesystem::path path =
        model_path.empty() ? default_model_path() : std::filesystem::path(model_path);
    b.source = path.string();
    progress.update("bench: loading %s", b.source.c_str());
    auto f = model::load_any_float(path);
    if (f.ok()) {
      b.fm = std::move(f).value();
    } else if (f.error().code == Errc::unsupported) {  // canonical file: int8 only
      VINFER_TRY(LoadedModel loaded, load_model(path));
      b.qm = std::move(loaded.model);
    } else {
      return f.error();
    }
  }
  if (b.fm) {
    progress.update("bench: quantizing");
    VINFER_TRY(model::CanonicalModel q, model::quantize(*b.fm));
    b.qm = std::move(q);
  }
  return b;
}

int bench(const BenchOptions& o) {
  Progress progress;
  auto loaded = load_bench_model(o.model, o.synthetic, progress);
  if (!loaded.ok()) {
    return report(loaded.error());
  }
  const std::optional<model::FloatModel>& fm = loaded->fm;
  const std::optional<model::CanonicalModel>& qm = loaded->qm;
  const std::string& source = loaded->source;
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

// ---- `vinfer bench trace`: what committing to every step costs ----

struct TraceBenchOptions {
  std::string model;
  std::string synthetic;
  unsigned threads = 0;
  unsigned trace_threads = 0;
  uint32_t tokens = 32;
  unsigned reps = 7;
  bool json = false;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int bench_trace(const TraceBenchOptions& o) {
  Progress progress;
  auto loaded = load_bench_model(o.model, o.synthetic, progress);
  if (!loaded.ok()) {
    return report(loaded.error());
  }
  const model::CanonicalModel& qm = *loaded->qm;
  const model::LlamaConfig& cfg = qm.cfg;
  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  const unsigned trace_threads = o.trace_threads ? o.trace_threads : threads;

  model::Job job;  // greedy decode from BOS, as `vinfer bench`
  job.tokens = {qm.tokenizer.bos()};
  job.max_tokens = o.tokens;
  auto sched = model::Schedule::create(cfg, job);
  if (!sched.ok()) {
    return report(sched.error());
  }
  uint64_t trace_bytes = 0;  // bytes of every step output the recorder hashes
  for (uint64_t k = 0; k < sched->size(); ++k) {
    const model::Step st = sched->at(k);
    trace_bytes += uint64_t{st.rows} * st.cols * commit::dtype_size(model::op_dtype(st.op));
  }

  engine::Engine eng(qm, threads);
  using clock = std::chrono::steady_clock;
  uint64_t steps = 0;
  commit::Hash output_hash{}, trace_root{};
  // One recorder for every traced run, as a node keeps one for its jobs: reset() starts
  // each trace and keeps the memory, as the engine keeps what it reuses between runs.
  engine::TraceRecorder rec(trace_threads);
  // One run of either variant, timed from outside so the recorder's root is included.
  auto run_once = [&](bool traced) -> Result<double> {
    const auto t0 = clock::now();
    if (traced) {
      rec.reset();
    }
    VINFER_TRY(engine::RunResult r, eng.run(job, traced ? &rec : nullptr));
    if (traced) {
      const commit::Hash root = rec.root();
      if (trace_root != commit::Hash{} && root != trace_root) {
        return fail(Errc::mismatch, "bench trace: two traced runs gave different trace roots");
      }
      trace_root = root;
    }
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    steps = r.steps;
    output_hash = r.output_hash;
    return s;
  };
  std::vector<double> plain, traced;
  progress.update("bench trace: warm-up");
  for (bool t : {false, true}) {
    if (auto run = run_once(t); !run.ok()) {
      return report(run.error());
    }
  }
  // Interleaved, the order alternating, so drift in machine load hits both variants alike.
  for (unsigned r = 0; r < o.reps; ++r) {
    progress.update("bench trace: repetition %u/%u", r + 1, o.reps);
    for (bool t : {r % 2 == 1, r % 2 == 0}) {
      auto s = run_once(t);
      if (!s.ok()) {
        return report(s.error());
      }
      (t ? traced : plain).push_back(*s);
    }
  }
  progress.done();

  const double plain_s = median(plain), traced_s = median(traced);
  const double overhead = plain_s > 0 ? traced_s / plain_s - 1 : 0;
  const double trace_s = traced_s - plain_s;
  const char* isa = tensor::isa_name(tensor::active_isa());
  if (o.json) {
    nlohmann::json j;
    j["model"] = loaded->source;
    j["name"] = qm.name;
    j["params"] = cfg.param_count();
    j["threads"] = threads;
    j["trace_threads"] = trace_threads;
    j["isa"] = isa;
    j["tokens"] = o.tokens;
    j["reps"] = o.reps;
    j["steps"] = steps;
    j["trace_bytes"] = trace_bytes;
    j["statistic"] = "median of " + std::to_string(o.reps) +
                     " interleaved repetitions of each variant after one warm-up run of each; one "
                     "TraceRecorder, reset before each traced run";
    j["plain_s"] = plain_s;
    j["traced_s"] = traced_s;
    j["overhead"] = overhead;
    j["plain_runs_s"] = plain;
    j["traced_runs_s"] = traced;
    j["trace_MB_s"] = trace_s > 0 ? nlohmann::json(trace_bytes / trace_s / 1e6) : nullptr;
    j["trace_root"] = commit::to_hex(trace_root);
    j["output_hash"] = commit::to_hex(output_hash);
    print_json(j);
    return 0;
  }
  std::printf("model        %s (%s, %llu parameters)\n", loaded->source.c_str(), qm.name.c_str(),
              static_cast<unsigned long long>(cfg.param_count()));
  std::printf(
      "setup        %u threads (trace: %u), %s kernels, %u decoded tokens, %llu steps, "
      "median of %u\n",
      threads, trace_threads, isa, o.tokens, static_cast<unsigned long long>(steps), o.reps);
  std::printf("plain        %8.4f s\n", plain_s);
  std::printf("traced       %8.4f s   %.1f MB of step outputs hashed\n", traced_s,
              trace_bytes / 1e6);
  std::printf("overhead     %+7.1f%%\n", 100 * overhead);
  std::printf("trace root   %s\n", commit::to_hex(trace_root).c_str());
  return 0;
}

void add_bench_trace_command(CLI::App& bench) {
  auto o = std::make_shared<TraceBenchOptions>();
  auto* cmd = bench.add_subcommand(
      "trace", "Trace recording overhead: int8 runs without a sink vs with the TraceRecorder");
  auto* model = cmd->add_option("--model", o->model, "Model file (default: the embedded model)");
  cmd->add_option("--synthetic-params", o->synthetic,
                  "Benchmark a synthetic model of about N parameters (100M, 1.5G, ...)")
      ->excludes(model);
  cmd->add_option("--threads", o->threads, "Engine threads (default: all cores)");
  cmd->add_option("--trace-threads", o->trace_threads,
                  "Threads the recorder hashes on (default: as many as the engine)");
  cmd->add_option("--tokens", o->tokens, "Tokens decoded per run")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 16));
  cmd->add_option("--reps", o->reps, "Timed repetitions of each variant (medians are reported)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100u));
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o] { std::exit(bench_trace(*o)); });
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
  add_bench_trace_command(*cmd);
}

}  // namespace vinfer::cli
