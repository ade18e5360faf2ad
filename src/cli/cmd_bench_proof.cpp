// `vinfer bench proof`: what proof mode costs, measured (issue 3 §7 and "Must show").
//
// Graph models: per (model, batch) one forked child loads the model, runs the canonical
// forward pass (best of 5), commits the weights once, proves (best of 3) and verifies the
// proof file's bytes (best of 5); the parent reads the child's peak RSS from wait4() and its
// row from a pipe. A model the prover refuses gets a row naming the operator.
//
// --transformer: decoder layer 0 of kjv-large for one token, step by step: each int8
// projection's accumulator by the matmul sumcheck, each table step (exp, silu) by a logUp of
// that layer's one-token lookups. These per-step proofs are not chained (each starts from a
// claim the bench hands it), exclude the weight commitment opening, and leave the
// requantizations, norms, RoPE, softmax and the sampler unproven: the JSON lists them.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common.hpp"
#include "progress.hpp"
#include "vinfer/arith/ops.hpp"
#include "vinfer/arith/tables.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/graph_engine.hpp"
#include "vinfer/model/digits.hpp"
#include "vinfer/model/onnx.hpp"
#include "vinfer/model/schedule.hpp"
#include "vinfer/proof/circuit.hpp"
#include "vinfer/proof/graph_proof.hpp"
#include "vinfer/proof/logup.hpp"
#include "vinfer/proof/matmul.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/proof_file.hpp"
#include "vinfer/proof/prover_status.hpp"
#include "vinfer/tensor/gemv.hpp"

namespace vinfer::cli {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Best (smallest) wall time of `reps` calls of f, in seconds.
template <class F>
double best_of(unsigned reps, F&& f) {
  double best = 1e30;
  for (unsigned r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    f();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

// Best per-call time of a tiny step: each trial runs f `inner` times (inner sized so that a
// trial lasts >= ~50 us, far above the clock's resolution), best mean of 30 trials.
template <class F>
double best_us(F&& f) {
  unsigned inner = 1;
  while (inner < (1u << 20)) {
    const auto t0 = Clock::now();
    for (unsigned i = 0; i < inner; ++i)
      f();
    if (seconds_since(t0) >= 50e-6)
      break;
    inner *= 2;
  }
  return 1e6 *
         best_of(30,
                 [&] {
                   for (unsigned i = 0; i < inner; ++i)
                     f();
                 }) /
         inner;
}

double mib(long kib) {
  return static_cast<double>(kib) / 1024.0;
}

std::filesystem::path source_dir() {
  return std::filesystem::path(VINFER_SOURCE_DIR);
}

// A relative path that does not exist here is read from the source tree.
std::filesystem::path resolve(const std::string& p) {
  const std::filesystem::path path(p);
  if (path.is_relative() && !std::filesystem::exists(path) &&
      std::filesystem::exists(source_dir() / path))
    return source_dir() / path;
  return path;
}

// ---- graph models: one (model, batch) row, computed in a forked child ----

// The first `batch` held-out digits for a 784-pixel input, else a fixed synthetic batch.
Result<std::vector<std::int8_t>> bench_input(const model::QGraph& g,
                                             std::uint32_t batch,
                                             std::string* what) {
  const std::uint64_t per = model::shape_elems(g.input_shape);
  std::vector<std::int8_t> in;
  in.reserve(per * batch);
  if (per == model::kDigitPixels) {
    VINFER_TRY(model::Digits d, model::load_digits(source_dir() / "data" / "mnist-test.bin"));
    if (d.count < batch)
      return fail(Errc::invalid_argument, "data/mnist-test.bin holds " + std::to_string(d.count) +
                                              " digits, fewer than the batch");
    for (std::uint64_t i = 0; i < per * batch; ++i)
      in.push_back(model::quantize_pixel_u8(d.pixels[i]));
    *what = (batch == 1 ? "held-out digit 0" : "held-out digits 0.." + std::to_string(batch - 1)) +
            std::string(" of data/mnist-test.bin");
    return in;
  }
  std::uint64_t s = 0x9e3779b97f4a7c15ull;  // fixed xorshift: the same batch every run
  for (std::uint64_t i = 0; i < per * batch; ++i) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    in.push_back(static_cast<std::int8_t>(static_cast<int>(s % 255) - 127));
  }
  *what = "synthetic int8 in [-127, 127] (xorshift)";
  return in;
}

// Everything but the peak RSS, which the parent takes from wait4().
json graph_row(const std::filesystem::path& path, std::uint32_t batch) {
  json row = {{"model", path.string()}, {"batch", batch}};
  auto err = [&](const Error& e) {
    row["error"] = e.to_string();
    return row;
  };
  auto g = model::load_onnx_canonical(path, source_dir() / "data");
  if (!g.ok())
    return err(g.error());
  row["name"] = g->name;
  std::string what;
  auto in = bench_input(*g, batch, &what);
  if (!in.ok())
    return err(in.error());
  row["input"] = what;
  Result<engine::GraphRun> run = fail(Errc::invalid_argument, "no run");
  run = engine::graph_forward(*g, *in, batch);  // warm-up: starts the engine's thread pool
  row["infer_s"] = best_of(5, [&] { run = engine::graph_forward(*g, *in, batch); });
  if (!run.ok())
    return err(run.error());
  auto c = proof::build_circuit(*g, batch);
  if (!c.ok())
    return err(c.error());  // names the node and its operator (e.g. conv)
  auto t0 = Clock::now();
  const proof::WeightCommitment w = proof::commit_weights(*c, *g);
  row["weights_commit_s"] = seconds_since(t0);
  proof::GraphStatement st;
  st.model_root = model::commit_graph(*g).root;
  st.weights_root = w.pcs.root;
  st.batch = batch;
  st.input = *in;
  st.output = run->values[g->output];
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  row["rss_before_prove_mib"] = mib(before.ru_maxrss);

  double prove_s = 1e30;
  proof::ProveStats best_stats;
  std::vector<std::uint8_t> body;
  for (int r = 0; r < 3; ++r) {
    proof::ProveStats stats;
    t0 = Clock::now();
    auto b = proof::graph_prove(*c, *g, w, st, run->values, &stats);
    const double s = seconds_since(t0);
    if (!b.ok())
      return err(b.error());
    if (s < prove_s)
      prove_s = s, best_stats = stats;
    body = std::move(b).value();
  }
  proof::ProofFile f;
  f.model_root = st.model_root;
  f.weights_root = st.weights_root;
  f.batch = batch;
  f.body = std::move(body);
  const std::vector<std::uint8_t> bytes = proof::write_proof_file(f);

  // The verifier's side: the proof file's bytes to a verdict (parse + graph_verify).
  Status verdict = ok_status();
  const double verify_s = best_of(5, [&] {
    auto pf = proof::parse_proof_file(bytes);
    verdict = pf.ok() ? proof::graph_verify(*c, st, pf->body) : Status(pf.error());
  });
  const double infer_s = row["infer_s"].get<double>();
  row["prove_s"] = prove_s;
  row["ratio"] = prove_s / infer_s;
  row["verify_ms"] = verify_s * 1e3;
  row["verify_ok"] = verdict.ok();
  if (!verdict.ok())
    row["verify_reason"] = verdict.error().to_string();
  row["proof_bytes"] = bytes.size();
  row["steps_s"] = {{"witness", best_stats.witness_s}, {"commit", best_stats.commit_s},
                    {"lookups", best_stats.lookup_s},  {"identities", best_stats.zerocheck_s},
                    {"matmuls", best_stats.matmul_s},  {"openings", best_stats.open_s}};
  row["witness_entries"] = best_stats.witness_entries;
  row["lookups"] = best_stats.lookup_entries;
  return row;
}

// Runs graph_row in a child process: the prover's peak memory is the child's ru_maxrss
// (wait4), not polluted by other rows. The parent has started no threads before this.
json graph_row_in_child(const std::filesystem::path& path, std::uint32_t batch) {
  json row = {{"model", path.string()}, {"batch", batch}};
  int fds[2];
  if (pipe(fds) != 0) {
    row["error"] = std::string("pipe: ") + std::strerror(errno);
    return row;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    row["error"] = std::string("fork: ") + std::strerror(errno);
    return row;
  }
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      out = graph_row(path, batch).dump();
    } catch (const std::exception& e) {
      json j = row;
      j["error"] = std::string("exception in the prover child: ") + e.what();
      out = j.dump();
    }
    for (std::size_t off = 0; off < out.size();) {
      const ssize_t n = write(fds[1], out.data() + off, out.size() - off);
      if (n <= 0)
        _exit(2);
      off += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string in;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  const json child = json::parse(in, nullptr, false);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || child.is_discarded()) {
    row["error"] = WIFSIGNALED(status)
                       ? "the prover child died of signal " + std::to_string(WTERMSIG(status))
                       : "the prover child exited without a row";
    return row;
  }
  row = child;
  if (!row.contains("error"))  // a refused model's child never ran the prover
    row["peak_rss_mib"] = mib(ru.ru_maxrss);
  return row;
}

// ---- transformer: decoder layer 0 of one token, step by step ----

// Records, from one run of the canonical engine, layer 0's step outputs and the wall time
// between the last step before layer 0 and the layer's last step.
class LayerSink : public engine::StepSink {
 public:
  LayerSink(const model::Schedule& s, bool capture) : sched_(s), capture_(capture) {
    first_ = s.position_start(0);  // embed: layer 0 starts right after it
    last_ = s.layer_index(0, 0, model::LayerStep::ffn_add);
  }
  void on_step(uint64_t index, const model::Step&, std::span<const uint8_t> bytes) override {
    if (index == first_)
      t0_ = Clock::now();
    if (index == last_)
      seconds_ = seconds_since(t0_);
    if (capture_ && index > first_ && index <= last_)
      steps_[index].assign(bytes.begin(), bytes.end());
  }
  double seconds() const { return seconds_; }
  template <class T>
  std::vector<T> get(model::LayerStep s) const {
    const auto& b = steps_.at(sched_.layer_index(0, 0, s));
    std::vector<T> v(b.size() / sizeof(T));
    std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
    return v;
  }

 private:
  const model::Schedule& sched_;
  bool capture_;
  uint64_t first_ = 0, last_ = 0;
  Clock::time_point t0_{};
  double seconds_ = 0;
  std::map<uint64_t, std::vector<uint8_t>> steps_;
};

std::vector<std::uint8_t> label_bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

// The int32 accumulator Y = W x of one projection (batch 1), by the matmul sumcheck from a
// claim Y~(ry) at a point drawn from the transcript. The verifier's leftover claims on x
// (the quantize step's output) and on W (the weight commitment) are checked here against the
// true values, outside the timed verifier: a chained proof would hand them on instead.
json matmul_step(const std::string& name, const model::QMatrix& W, const std::vector<int8_t>& x) {
  const proof::MatmulShape s{1, W.rows, W.cols};
  std::vector<std::int32_t> acc(W.rows);
  const double infer_us = best_us(
      [&] { tensor::gemv_s8s8_s32(W.w.data(), W.rows, W.cols, x.data(), acc.data(), nullptr); });
  const std::string domain = "vinfer-bench-layer-matmul";
  const unsigned rv = proof::log2_ceil(W.rows);
  std::vector<std::uint8_t> bytes;
  proof::MatmulClaims pcl;
  const double prove_s = best_of(5, [&] {
    proof::ProverChannel pc(domain);
    pc.transcript().absorb("step", label_bytes(name));
    const auto ry = pc.transcript().challenge_point("ry", rv);
    pc.send_ext("claim",
                proof::mle_eval(proof::embed<std::int32_t>(acc, std::size_t{1} << rv), ry));
    pcl = proof::matmul_prove(s, x, W.w, ry, {}, pc);
    bytes = pc.finish();
  });
  Status verdict = ok_status();
  std::vector<proof::Ext> ry;
  proof::Ext v{};
  proof::MatmulClaims vcl;
  const double verify_s = best_of(5, [&] {
    proof::VerifierChannel vc(domain, bytes);
    vc.transcript().absorb("step", label_bytes(name));
    ry = vc.transcript().challenge_point("ry", rv);
    auto claim = vc.recv_ext("claim");
    if (!claim.ok()) {
      verdict = claim.error();
      return;
    }
    v = *claim;
    auto r = proof::matmul_verify(s, ry, {}, v, vc);
    verdict = r.ok() ? vc.finish() : Status(r.error());
    if (r.ok())
      vcl = *r;
  });
  const bool claims_true =
      verdict.ok() &&
      v == proof::mle_eval(proof::embed<std::int32_t>(acc, std::size_t{1} << rv), ry) &&
      vcl.x_eval == proof::matrix_mle_eval(x, 1, W.cols, vcl.point_k, {}) &&
      vcl.w_eval == proof::matrix_mle_eval(W.w, W.rows, W.cols, vcl.point_k, ry);
  json j = {{"op", "matmul"},
            {"step", name},
            {"shape", std::to_string(W.rows) + "x" + std::to_string(W.cols)},
            {"infer_us", infer_us},
            {"prove_ms", prove_s * 1e3},
            {"verify_ms", verify_s * 1e3},
            {"proof_bytes", bytes.size()},
            {"verify_ok", verdict.ok()},
            {"leftover_claims_true", claims_true}};
  if (!verdict.ok())
    j["verify_reason"] = verdict.error().to_string();
  return j;
}

// A table of rows (key, value...) folded by gamma into one field element per row.
struct Table {
  std::vector<std::vector<std::int64_t>> rows;
};
proof::Ext fold_row(const std::vector<std::int64_t>& r, proof::Ext gamma) {
  proof::Ext acc = proof::Ext::zero(), pow = proof::Ext::one();
  for (std::int64_t x : r) {
    acc += pow * proof::Fp::from_i64(x);
    pow *= gamma;
  }
  return acc;
}

// A logUp of `wit` (row indices into t) against t, rows folded by a challenge gamma. The
// verifier draws the same challenges, runs logup_verify and evaluates the public table's
// MLE itself; the leftover claims on the witness and the multiplicities (which a chained
// proof would check against a commitment) are compared with the true values untimed.
json lookup_step(const std::string& op,
                 const std::string& name,
                 const Table& t,
                 const std::vector<std::size_t>& wit,
                 double infer_us,
                 const std::string& note) {
  const std::string domain = "vinfer-bench-layer-lookup";
  const unsigned vars = proof::lookup_vars(t.rows.size(), std::max<std::size_t>(1, wit.size()));
  const std::size_t n = std::size_t{1} << vars;
  std::vector<proof::Ext> table, witness;
  std::vector<proof::Fp> mult;
  auto fold = [&](proof::Ext gamma) {
    table.clear();
    witness.clear();
    for (const auto& r : t.rows)
      table.push_back(fold_row(r, gamma));
    for (std::size_t i : wit)
      witness.push_back(table[i]);
    if (witness.empty())
      witness.push_back(table[0]);  // one dummy lookup: logUp needs a witness entry
  };
  std::vector<std::uint8_t> bytes;
  std::string prove_error;
  const double prove_s = best_of(5, [&] {
    proof::ProverChannel pc(domain);
    pc.transcript().absorb("step", label_bytes(name));
    fold(pc.challenge("gamma"));
    auto m = proof::lookup_multiplicities(table, witness, n);
    if (!m.ok()) {
      prove_error = m.error().to_string();
      return;
    }
    mult = std::move(m).value();
    proof::logup_prove(table, mult, witness, pc.challenge("alpha"), pc);
    bytes = pc.finish();
  });
  Status verdict = ok_status();
  proof::LookupClaims vcl;
  const double verify_s = best_of(5, [&] {
    proof::VerifierChannel vc(domain, bytes);
    vc.transcript().absorb("step", label_bytes(name));
    const proof::Ext gamma = vc.challenge("gamma");
    const proof::Ext alpha = vc.challenge("alpha");
    auto r = proof::logup_verify(vars, alpha, vc);
    if (!r.ok()) {
      verdict = r.error();
      return;
    }
    std::vector<proof::Ext> tp(n, proof::Ext::zero());
    for (std::size_t i = 0; i < t.rows.size(); ++i)
      tp[i] = fold_row(t.rows[i], gamma);
    if (proof::mle_eval(tp, r->point) != r->table_eval) {
      verdict = fail(Errc::mismatch, name + ": the table claim is not the table's MLE");
      return;
    }
    verdict = vc.finish();
    vcl = *r;
  });
  bool claims_true = false;
  if (verdict.ok()) {
    std::vector<proof::Ext> wp(n, table[0]);
    std::copy(witness.begin(), witness.end(), wp.begin());
    claims_true = proof::mle_eval(wp, vcl.point) == vcl.wit_eval &&
                  proof::mle_eval(std::span<const proof::Fp>(mult), vcl.point) == vcl.mult_eval;
  }
  json j = {{"op", op},
            {"step", name},
            {"shape", std::to_string(wit.size()) + " lookups into " +
                          std::to_string(t.rows.size()) + " rows"},
            {"infer_us", infer_us},
            {"prove_ms", prove_s * 1e3},
            {"verify_ms", verify_s * 1e3},
            {"proof_bytes", bytes.size()},
            {"verify_ok", verdict.ok() && prove_error.empty()},
            {"leftover_claims_true", claims_true},
            {"note", note}};
  if (!prove_error.empty())
    j["verify_reason"] = prove_error;
  else if (!verdict.ok())
    j["verify_reason"] = verdict.error().to_string();
  return j;
}

// Every operator of one full token (greedy and sampled schedules of a one-token job), with
// its steps per token and its prover status: all of them are short of `proven`.
json token_ops(const model::LlamaConfig& cfg, std::uint32_t bos) {
  std::map<model::Op, std::pair<std::uint64_t, std::uint64_t>> count;  // greedy, sampled
  for (std::uint32_t temp : {0u, 1u << 16}) {
    model::Job job;
    job.tokens = {bos};
    job.max_tokens = 1;
    job.temperature_q16 = temp;
    auto s = model::Schedule::create(cfg, job);
    if (!s.ok())
      continue;
    for (std::uint64_t k = 0; k < s->size(); ++k) {
      auto& c = count[s->at(k).op];
      (temp == 0 ? c.first : c.second) += 1;
    }
  }
  json out = json::array();
  for (const auto& [op, c] : count) {
    if (proof::prover_status(op) == proof::ProverStatus::proven)
      continue;
    const bool here = op == model::Op::matmul || op == model::Op::exp || op == model::Op::silu_mul;
    out.push_back({{"op", std::string(model::op_name(op))},
                   {"status", std::string(proof::prover_status_name(proof::prover_status(op)))},
                   {"note", std::string(proof::prover_status_note(op))},
                   {"steps_per_token_greedy", c.first},
                   {"steps_per_token_sampled", c.second},
                   {"per_step_proof_in_this_bench", here}});
  }
  return out;
}

Result<json> transformer_layer(const std::filesystem::path& path, Progress& progress) {
  progress.update("bench proof: loading %s", path.string().c_str());
  VINFER_TRY(LoadedModel lm, load_model(path));
  const model::CanonicalModel& m = lm.model;
  if (m.layers.empty())
    return fail(Errc::invalid_argument, path.string() + " has no decoder layer");
  const model::QLayer& L = m.layers[0];
  model::Job job;
  job.tokens = {m.tokenizer.bos()};
  job.max_tokens = 1;
  VINFER_TRY(model::Schedule sched, model::Schedule::create(m.cfg, job));

  // One token through the canonical engine (one thread): layer 0's values, then its time.
  progress.update("bench proof: layer 0 inference");
  engine::Engine eng(m, 1);
  LayerSink capture(sched, true);
  VINFER_TRY(engine::RunResult first, eng.run(job, &capture));
  (void)first;
  double layer_s = 1e30;
  for (int r = 0; r < 50; ++r) {
    LayerSink timing(sched, false);
    VINFER_TRY(engine::RunResult rr, eng.run(job, &timing));
    (void)rr;
    layer_s = std::min(layer_s, timing.seconds());
  }
  using LS = model::LayerStep;
  const auto x_attn = capture.get<int8_t>(LS::attn_quant);
  const auto x_av = capture.get<int8_t>(LS::av_quant);
  const auto x_ffn = capture.get<int8_t>(LS::ffn_quant);
  const auto x_down = capture.get<int8_t>(LS::down_quant);
  const auto scores = capture.get<int32_t>(LS::scores);  // (n_heads, 1) at position 0
  const auto rmax = capture.get<int64_t>(LS::smax_max);  // (n_heads)
  const auto gate = capture.get<int32_t>(LS::w1);        // (hidden), before silu
  const auto up = capture.get<int32_t>(LS::w3);

  json steps = json::array();
  struct Proj {
    const char* name;
    const model::QMatrix* w;
    const std::vector<int8_t>* x;  // the quantize step it reads
  };
  const Proj projs[] = {{"wq", &L.wq, &x_attn}, {"wk", &L.wk, &x_attn}, {"wv", &L.wv, &x_attn},
                        {"wo", &L.wo, &x_av},   {"w1", &L.w1, &x_ffn},  {"w3", &L.w3, &x_ffn},
                        {"w2", &L.w2, &x_down}};
  for (const Proj& p : projs) {
    progress.update("bench proof: layer 0 %s", p.name);
    steps.push_back(matmul_step(p.name, *p.w, *p.x));
  }

  // exp: expneg_q16(max - x) reads T_hi[d >> 8] and T_lo[d & 255] (d < 16.0 in Q12; a larger d
  // gives 0, which needs a range proof instead). Table rows (tag, index, value).
  progress.update("bench proof: layer 0 exp, silu");
  Table exp_t;
  for (int tag = 0; tag < 2; ++tag) {
    const auto& v = tag == 0 ? arith::exp_table_hi() : arith::exp_table_lo();
    for (std::size_t i = 0; i < v.size(); ++i)
      exp_t.rows.push_back({tag, static_cast<std::int64_t>(i), v[i]});
  }
  std::vector<std::size_t> exp_wit;
  std::size_t exp_zero = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const std::int64_t d = rmax[i] - scores[i];
    if (d >= (std::int64_t{16} << 12)) {
      ++exp_zero;
      continue;
    }
    exp_wit.push_back(static_cast<std::size_t>(d >> 8));
    exp_wit.push_back(256 + static_cast<std::size_t>(d & 255));
  }
  std::vector<std::int32_t> e(scores.size());
  const double exp_us = best_us([&] {
    for (std::size_t i = 0; i < scores.size(); ++i)
      e[i] = arith::exp_elem(scores[i], rmax[i]);
  });
  steps.push_back(lookup_step(
      "exp", "smax_exp", exp_t, exp_wit, exp_us,
      "T_hi and T_lo reads of " + std::to_string(scores.size()) +
          " scores (one per head at position 0, so d = 0); " + std::to_string(exp_zero) +
          " saturated to 0 without a lookup; the product and its rounding are not proven"));

  // silu: sigmoid_q16 interpolates between rows i and i+1 of the sigmoid table, i = (x+8.0)>>5
  // in Q12, for x in [-8, 8); outside it saturates (needs a range proof). Rows (i, T[i], T[i+1]).
  const auto& sg = arith::sigmoid_table();
  Table silu_t;
  for (std::size_t i = 0; i + 1 < sg.size(); ++i)
    silu_t.rows.push_back({static_cast<std::int64_t>(i), sg[i], sg[i + 1]});
  std::vector<std::size_t> silu_wit;
  std::size_t silu_sat = 0;
  constexpr std::int64_t kEdge = std::int64_t{8} << 12;
  for (std::int32_t gv : gate) {
    if (gv < -kEdge || gv >= kEdge) {
      ++silu_sat;
      continue;
    }
    silu_wit.push_back(static_cast<std::size_t>((gv + kEdge) >> 5));
  }
  std::vector<std::int32_t> s(gate.size());
  const double silu_us = best_us([&] {
    for (std::size_t i = 0; i < gate.size(); ++i)
      s[i] = arith::silu_mul_elem(gate[i], up[i]);
  });
  steps.push_back(lookup_step(
      "silu_mul", "silu", silu_t, silu_wit, silu_us,
      "sigmoid table row pairs of " + std::to_string(gate.size()) + " gate values; " +
          std::to_string(silu_sat) +
          " saturated without a lookup; the interpolation, the products and their roundings "
          "are not proven"));

  double infer_us = 0, prove_ms = 0, verify_ms = 0;
  std::uint64_t proof_bytes = 0;
  bool all_ok = true;
  for (const auto& st : steps) {
    infer_us += st["infer_us"].get<double>();
    prove_ms += st["prove_ms"].get<double>();
    verify_ms += st["verify_ms"].get<double>();
    proof_bytes += st["proof_bytes"].get<std::uint64_t>();
    all_ok = all_ok && st["verify_ok"].get<bool>() && st["leftover_claims_true"].get<bool>();
  }
  const double layer_us = layer_s * 1e6;
  json j;
  j["model"] = path.string();
  j["name"] = m.name;
  j["layer"] = 0;
  j["token"] = "one token (BOS) at position 0";
  j["config"] = {{"dim", m.cfg.dim},
                 {"hidden_dim", m.cfg.hidden_dim},
                 {"n_heads", m.cfg.n_heads},
                 {"n_kv_heads", m.cfg.n_kv_heads},
                 {"head_dim", m.cfg.head_dim()}};
  j["steps"] = steps;
  j["totals"] = {{"infer_us_steps", infer_us},
                 {"prove_ms", prove_ms},
                 {"verify_ms", verify_ms},
                 {"proof_bytes", proof_bytes},
                 {"all_verified", all_ok}};
  j["layer_infer_us"] = layer_us;
  j["layer_infer_statistic"] =
      "canonical engine, 1 thread, layer 0 of a one-token job (embed done to ffn_add emitted), "
      "best of 50";
  j["ratio"] = prove_ms * 1e3 / layer_us;
  j["ratio_vs_steps"] = prove_ms * 1e3 / infer_us;
  j["statistic"] =
      "step infer_us: best mean of 30 trials (GEMV: tensor::gemv_s8s8_s32, 1 thread, no "
      "requant); prove and verify: best of 5";
  j["not_proven"] = token_ops(m.cfg, m.tokenizer.bos());
  j["note"] =
      "Per-step proofs, not chained: each matmul starts from a claim on its int32 accumulator "
      "at a transcript point and leaves claims on its int8 input and on W that are checked "
      "against the true values here (a chained proof would pass them to the previous step and "
      "open W on the weight commitment; that opening is excluded). The lookups have no witness "
      "commitment. Not proven at all: every step listed in not_proven whose "
      "per_step_proof_in_this_bench is false (norms, quantization, RoPE, attention scores and "
      "values, softmax, residual adds, the head and the sampler), the requantization of every "
      "matmul, and layers 1.. and the classifier (same arguments, not run here).";
  return j;
}

// ---- the command ----

struct ProofBenchOptions {
  std::vector<std::uint32_t> batches{1, 16, 256};
  std::vector<std::string> models{"models/mnist-mlp.onnx"};
  std::string transformer_model;
  bool transformer = false;
  bool json = false;
};

void print_text(const json& j) {
  std::printf("%-12s %5s %10s %9s %8s %10s %10s %9s  %s\n", "model", "batch", "infer_s", "prove_s",
              "ratio", "verify_ms", "proof_B", "peak_MiB", "");
  for (const auto& r : j["graph"]) {
    const std::string name = r.value("name", r["model"].get<std::string>());
    if (r.contains("error")) {
      std::printf("%-12s %5u  error: %s\n", name.c_str(), r["batch"].get<unsigned>(),
                  r["error"].get<std::string>().c_str());
      continue;
    }
    std::printf("%-12s %5u %10.6f %9.3f %8.1f %10.2f %10llu %9.1f  %s\n", name.c_str(),
                r["batch"].get<unsigned>(), r["infer_s"].get<double>(), r["prove_s"].get<double>(),
                r["ratio"].get<double>(), r["verify_ms"].get<double>(),
                static_cast<unsigned long long>(r["proof_bytes"].get<std::uint64_t>()),
                r["peak_rss_mib"].get<double>(), r["verify_ok"].get<bool>() ? "ok" : "REJECTED");
  }
  if (!j.contains("transformer"))
    return;
  const json& t = j["transformer"];
  if (t.contains("error")) {
    std::printf("\ntransformer: error: %s\n", t["error"].get<std::string>().c_str());
    return;
  }
  std::printf("\n%s layer 0, one token:\n", t["name"].get<std::string>().c_str());
  std::printf("  %-9s %-26s %10s %10s %10s %9s\n", "op", "shape", "infer_us", "prove_ms",
              "verify_ms", "proof_B");
  for (const auto& s : t["steps"])
    std::printf(
        "  %-9s %-26s %10.2f %10.3f %10.3f %9llu %s\n",
        (s["op"].get<std::string>() == "matmul" ? s["step"] : s["op"]).get<std::string>().c_str(),
        s["shape"].get<std::string>().c_str(), s["infer_us"].get<double>(),
        s["prove_ms"].get<double>(), s["verify_ms"].get<double>(),
        static_cast<unsigned long long>(s["proof_bytes"].get<std::uint64_t>()),
        s["verify_ok"].get<bool>() ? "ok" : "REJECTED");
  const json& tot = t["totals"];
  std::printf(
      "  total: prove %.3f ms, verify %.3f ms, %llu bytes; layer inference %.2f us "
      "(steps alone %.2f us): ratio %.0fx\n",
      tot["prove_ms"].get<double>(), tot["verify_ms"].get<double>(),
      static_cast<unsigned long long>(tot["proof_bytes"].get<std::uint64_t>()),
      t["layer_infer_us"].get<double>(), tot["infer_us_steps"].get<double>(),
      t["ratio"].get<double>());
  std::printf("  not proven:");
  for (const auto& o : t["not_proven"])
    if (!o["per_step_proof_in_this_bench"].get<bool>())
      std::printf(" %s", o["op"].get<std::string>().c_str());
  std::printf("\n  %s\n", t["note"].get<std::string>().c_str());
}

int bench_proof(const ProofBenchOptions& o) {
  Progress progress;
  json j;
  j["statistic"] =
      "infer_s best of 5 after one warm-up, prove_s best of 3 (weights committed once before, "
      "weights_commit_s), "
      "verify_ms best of 5 (proof file bytes to verdict); peak_rss_mib: ru_maxrss of the "
      "forked child that ran the row (model, inputs, values, commitment and prover)";
  j["cores"] = std::thread::hardware_concurrency();
  j["graph"] = json::array();
  // Graph rows first: each in a child, forked before this process starts any thread.
  for (const std::string& m : o.models) {
    for (std::uint32_t b : o.batches) {
      progress.update("bench proof: %s, batch %u", m.c_str(), b);
      j["graph"].push_back(graph_row_in_child(resolve(m), b));
    }
  }
  if (o.transformer) {
    auto t = transformer_layer(
        o.transformer_model.empty() ? default_model_path() : resolve(o.transformer_model),
        progress);
    j["transformer"] = t.ok() ? *t : json{{"error", t.error().to_string()}};
  }
  progress.done();
  if (o.json)
    print_json(j);
  else
    print_text(j);
  // Exit 1 when an honest proof was rejected (a bug), not for a model the prover refuses.
  bool rejected = false;
  for (const auto& r : j["graph"])
    rejected = rejected || (r.contains("verify_ok") && !r["verify_ok"].get<bool>());
  if (j.contains("transformer") && j["transformer"].contains("totals"))
    rejected = rejected || !j["transformer"]["totals"]["all_verified"].get<bool>();
  return rejected ? 1 : 0;
}

}  // namespace

void add_bench_proof_command(CLI::App& bench) {
  auto o = std::make_shared<ProofBenchOptions>();
  auto* cmd = bench.add_subcommand(
      "proof", "Proof mode: prover and verifier time, proof size and prover peak memory");
  cmd->add_option("--batches", o->batches, "Batch sizes, comma-separated")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(1u, 10000u));
  cmd->add_option("--models", o->models, "ONNX graph models, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_flag("--transformer", o->transformer,
                "Also prove decoder layer 0 of the transformer for one token, step by step");
  cmd->add_option("--transformer-model", o->transformer_model,
                  "Transformer model (default: the embedded kjv-large)");
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o] { std::exit(bench_proof(*o)); });
}

}  // namespace vinfer::cli
