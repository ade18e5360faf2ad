// `vinfer eval`: how far the canonical int8 engine is from the fp32 engine on held-out
// text: top-1 agreement of their next-token predictions and both perplexities.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "common.hpp"
#include "graph_commands.hpp"
#include "progress.hpp"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/fp32_engine.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/onnx.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::cli {
namespace {

struct EvalOptions {
  std::string model;
  std::string text;
  std::string data;
  unsigned threads = 0;
  uint32_t max_tokens = 0;
  bool json = false;
};

// One position's verdict: the predicted id and -log p(true next token).
struct Prediction {
  uint32_t argmax = 0;
  double nll = 0;
};

// Log-softmax in double of logits[i] * scale at `target`; argmax ties to the lowest id.
template <class T>
Prediction predict(std::span<const T> logits, double scale, uint32_t target) {
  const auto best = std::max_element(logits.begin(), logits.end());
  const double mx = static_cast<double>(*best) * scale;
  double sum = 0;
  for (T v : logits) {
    sum += std::exp(static_cast<double>(v) * scale - mx);
  }
  Prediction p;
  p.argmax = static_cast<uint32_t>(best - logits.begin());
  p.nll = mx + std::log(sum) - static_cast<double>(logits[target]) * scale;
  return p;
}

Result<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(Errc::io, "cannot open text file " + path.string());
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (s.str().empty()) {
    return fail(Errc::invalid_argument, "text file " + path.string() + " is empty");
  }
  return s.str();
}

int eval(const EvalOptions& o) {
  if (model::is_onnx_path(o.model))
    return eval_graph(o.model, o.data, o.json);
  if (!o.data.empty()) {
    return report(fail(Errc::invalid_argument,
                       "--data (digit files) is for graph models (.onnx); use --text here"));
  }
  using clock = std::chrono::steady_clock;
  const std::filesystem::path model_path =
      o.model.empty() ? default_model_path() : std::filesystem::path(o.model);
  const std::filesystem::path text_path =
      o.text.empty() ? default_heldout_path() : std::filesystem::path(o.text);
  auto text = read_text(text_path);
  if (!text.ok()) {
    return report(text.error());
  }

  Progress progress;
  progress.update("eval: loading %s", model_path.string().c_str());
  auto fm = model::load_any_float(model_path);
  if (!fm.ok()) {
    return report(fm.error());
  }
  auto loaded = load_model(model_path);
  if (!loaded.ok()) {
    return report(loaded.error());
  }
  const auto& qm = loaded->model;
  const auto& cfg = qm.cfg;
  if (cfg.seq_len < 2) {
    return report(fail(Errc::unsupported, "eval: context shorter than 2 tokens"));
  }

  std::vector<uint32_t> ids = qm.tokenizer.encode(*text, false);
  if (o.max_tokens > 0 && ids.size() > o.max_tokens) {
    ids.resize(o.max_tokens);
  }
  if (ids.empty()) {
    return report(fail(Errc::invalid_argument, "text " + text_path.string() + " has no tokens"));
  }

  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  engine::Engine int8(qm, threads);
  engine::Fp32Engine fp32(*fm, threads);

  // Windows of seq_len tokens: BOS, then the next seq_len - 1 text tokens. Position p
  // of a window predicts window[p + 1], so every text token is predicted exactly once.
  const size_t per_window = cfg.seq_len - 1;
  const size_t n_windows = (ids.size() + per_window - 1) / per_window;
  uint64_t positions = 0, agree = 0;
  double nll_int8 = 0, nll_fp32 = 0, s_int8 = 0, s_fp32 = 0;
  std::vector<Prediction> pred8;
  const auto t0 = clock::now();
  for (size_t w = 0; w < n_windows; ++w) {
    const size_t begin = w * per_window;
    const size_t end = std::min(ids.size(), begin + per_window);
    std::vector<uint32_t> win = {qm.tokenizer.bos()};
    win.insert(win.end(), ids.begin() + static_cast<ptrdiff_t>(begin),
               ids.begin() + static_cast<ptrdiff_t>(end));
    const auto scored = static_cast<uint32_t>(win.size() - 1);
    pred8.assign(scored, {});

    const auto a = clock::now();
    auto st = int8.evaluate(win, [&](uint32_t pos, std::span<const int32_t> logits) {
      if (pos < scored) {
        pred8[pos] = predict(logits, 1.0 / 4096.0, win[pos + 1]);
      }
    });
    if (!st.ok()) {
      return report(st.error());
    }
    const auto b = clock::now();
    st = fp32.evaluate(win, [&](uint32_t pos, std::span<const float> logits) {
      if (pos >= scored) {
        return;
      }
      const Prediction p = predict(logits, 1.0, win[pos + 1]);
      agree += p.argmax == pred8[pos].argmax;
      nll_fp32 += p.nll;
      nll_int8 += pred8[pos].nll;
    });
    if (!st.ok()) {
      return report(st.error());
    }
    const auto c = clock::now();
    s_int8 += std::chrono::duration<double>(b - a).count();
    s_fp32 += std::chrono::duration<double>(c - b).count();
    positions += scored;
    progress.update("eval: window %zu/%zu, %llu/%zu tokens, top-1 agreement %.4f", w + 1, n_windows,
                    static_cast<unsigned long long>(positions), ids.size(),
                    static_cast<double>(agree) / static_cast<double>(positions));
  }
  progress.done();
  const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
  const double n = static_cast<double>(positions);
  const double top1 = static_cast<double>(agree) / n;
  const double ppl8 = std::exp(nll_int8 / n), ppl32 = std::exp(nll_fp32 / n);
  const char* isa = tensor::isa_name(tensor::active_isa());

  if (o.json) {
    nlohmann::json j;
    j["model"] = model_path.string();
    j["model_root"] = commit::to_hex(loaded->commitment.root);
    j["text"] = text_path.string();
    j["tokens"] = ids.size();
    j["positions"] = positions;
    j["windows"] = n_windows;
    j["seq_len"] = cfg.seq_len;
    j["top1_agreement"] = top1;
    j["ppl_int8"] = ppl8;
    j["ppl_fp32"] = ppl32;
    j["ppl_ratio"] = ppl8 / ppl32;
    j["seconds"] = seconds;
    j["int8_seconds"] = s_int8;
    j["fp32_seconds"] = s_fp32;
    j["threads"] = threads;
    j["isa"] = isa;
    print_json(j);
    return 0;
  }
  std::printf("model            %s\n", model_path.string().c_str());
  std::printf("model_root       %s\n", commit::to_hex(loaded->commitment.root).c_str());
  std::printf("text             %s: %zu tokens, %zu windows of <= %u\n", text_path.string().c_str(),
              ids.size(), n_windows, cfg.seq_len);
  std::printf("top-1 agreement  %.4f  (%llu of %llu positions)\n", top1,
              static_cast<unsigned long long>(agree), static_cast<unsigned long long>(positions));
  std::printf("perplexity       int8 %.4f   fp32 %.4f   ratio %.4f\n", ppl8, ppl32, ppl8 / ppl32);
  std::printf("time             %.2f s (int8 %.2f s, fp32 %.2f s), %u threads, %s kernels\n",
              seconds, s_int8, s_fp32, threads, isa);
  return 0;
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  auto* cmd = app.add_subcommand(
      "eval",
      "Compare the int8 engine with the fp32 engine on held-out text (agreement, perplexity), "
      "or a graph model (.onnx) on held-out digits (top-1 accuracy)");
  cmd->add_option("--model", o->model, "Float model file (.gguf, llama2.c .bin, or .onnx)");
  cmd->add_option("--data", o->data, "Digit file for a graph model (default: data/mnist-test.bin)");
  cmd->add_option("--text", o->text, "Text file to score (default: data/kjv-heldout.txt)");
  cmd->add_option("--threads", o->threads, "Threads (default: all cores)");
  cmd->add_option("--max-tokens", o->max_tokens, "Score at most this many text tokens (0 = all)")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o] { std::exit(eval(*o)); });
}

}  // namespace vinfer::cli
