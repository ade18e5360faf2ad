// `vinfer run`: local inference on the canonical engine, optionally with its trace root.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "common.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/engine/trace.hpp"
#include "vinfer/model/onnx.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::cli {
namespace {

struct RunOptions {
  std::string model;
  std::string prompt = "In the beginning";
  uint32_t tokens = 64;
  uint64_t seed = 0;
  std::string temperature = "0.8";
  std::string top_p = "0.9";
  unsigned threads = 0;
  bool trace = false;
  bool json = false;
  std::string prompts_file;
};

// Reads one prompt per non-empty line.
Result<std::vector<std::string>> read_prompts(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return fail(Errc::io, "--prompts-file: cannot open '" + path + "'");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty())
      out.push_back(line);
  }
  if (out.empty())
    return fail(Errc::invalid_argument, "--prompts-file: '" + path + "' has no prompts");
  return out;
}

int run_one(const RunOptions& o,
            const LoadedModel& loaded,
            engine::Engine& eng,
            unsigned threads,
            const std::string& prompt,
            uint32_t temperature_q16,
            uint32_t top_p_q16,
            bool json_lines) {
  const auto& m = loaded.model;
  const std::filesystem::path& path = loaded.path;

  model::Job job;
  job.model_root = loaded.commitment.root;
  job.tokens = m.tokenizer.encode(prompt);
  job.max_tokens = o.tokens;
  job.temperature_q16 = temperature_q16;
  job.top_p_q16 = top_p_q16;
  job.seed = o.seed;

  engine::TraceRecorder recorder(threads);  // hashes its batches on as many threads
  if (!o.json) {
    std::cout << prompt << std::flush;
  }
  auto stream = [&](uint32_t, uint32_t tok) {
    if (!o.json)
      std::cout << m.tokenizer.decode(tok) << std::flush;
  };
  auto r = eng.run(job, o.trace ? &recorder : nullptr, stream);
  if (!r.ok())
    return report(r.error());

  const double tok_s = r->decode_seconds > 0 ? job.max_tokens / r->decode_seconds : 0.0;
  const std::string text = m.tokenizer.decode(r->tokens);
  if (o.json) {
    nlohmann::json j;
    j["job_id"] = commit::to_hex(job.id());
    j["model"] = path.string();
    j["model_root"] = commit::to_hex(job.model_root);
    j["prompt"] = prompt;
    j["prompt_tokens"] = job.tokens;
    j["tokens"] = r->tokens;
    j["text"] = text;
    j["output_hash"] = commit::to_hex(r->output_hash);
    j["temperature_q16"] = job.temperature_q16;
    j["top_p_q16"] = job.top_p_q16;
    j["seed"] = job.seed;
    j["threads"] = threads;
    j["isa"] = tensor::isa_name(tensor::active_isa());
    j["seconds"] = r->seconds;
    j["tokens_per_s"] = tok_s;
    j["steps"] = r->steps;
    if (o.trace) {
      j["trace_root"] = commit::to_hex(recorder.root());
      j["trace_steps"] = recorder.size();
    }
    if (json_lines) {
      std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      print_json(j);
    }
  } else {
    std::cout << "\n" << std::endl;
    std::fprintf(stderr, "model_root  %s\njob_id      %s\noutput_hash %s\n",
                 commit::to_hex(job.model_root).c_str(), commit::to_hex(job.id()).c_str(),
                 commit::to_hex(r->output_hash).c_str());
    if (o.trace) {
      std::fprintf(stderr, "trace_root  %s (%llu steps)\n", commit::to_hex(recorder.root()).c_str(),
                   static_cast<unsigned long long>(recorder.size()));
    }
    std::fprintf(stderr, "%u tokens, %.1f tok/s, %u threads, %s kernels\n", job.max_tokens, tok_s,
                 threads, tensor::isa_name(tensor::active_isa()));
  }
  return 0;
}

int run(const RunOptions& o) {
  // Options first: a typo is reported before any model is loaded.
  auto temp = arith::parse_decimal_q16(o.temperature);
  if (!temp.ok())
    return report(fail(Errc::invalid_argument, "--temperature: " + temp.error().message));
  auto top_p = arith::parse_decimal_q16(o.top_p);
  if (!top_p.ok())
    return report(fail(Errc::invalid_argument, "--top-p: " + top_p.error().message));
  const std::filesystem::path path =
      o.model.empty() ? default_model_path() : std::filesystem::path(o.model);
  if (model::is_onnx_path(path)) {
    return report(fail(Errc::unsupported, path.string() +
                                              " is a graph model: run it with `vinfer infer "
                                              "--model M.onnx --input I.json`"));
  }
  auto loaded = load_model(path);
  if (!loaded.ok())
    return report(loaded.error());
  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  engine::Engine eng(loaded->model, threads);
  if (o.prompts_file.empty())
    return run_one(o, *loaded, eng, threads, o.prompt, *temp, *top_p, false);
  auto prompts = read_prompts(o.prompts_file);
  if (!prompts.ok())
    return report(prompts.error());
  for (const auto& p : *prompts) {
    if (int rc = run_one(o, *loaded, eng, threads, p, *temp, *top_p, true); rc != 0)
      return rc;
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd =
      app.add_subcommand("run", "Run a job on the canonical int8 engine and print the text");
  cmd->add_option("--model", o->model, "Model file (.gguf float or canonical, llama2.c .bin)");
  cmd->add_option("--prompt", o->prompt, "Prompt text")->capture_default_str();
  cmd->add_option("--tokens", o->tokens, "Tokens to generate (exactly this many)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 20));
  cmd->add_option("--seed", o->seed, "Sampler seed")->capture_default_str();
  cmd->add_option("--temperature", o->temperature, "Temperature, decimal; 0 = greedy")
      ->capture_default_str();
  cmd->add_option("--top-p", o->top_p, "Top-p in (0, 1], decimal")->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads (default: all cores; results do not change)");
  cmd->add_flag("--trace", o->trace, "Commit to every step and print the trace root");
  cmd->add_flag("--json", o->json,
                "Print one JSON object (one line per prompt with --prompts-file)");
  cmd->add_option("--prompts-file", o->prompts_file,
                  "Run one job per line of this file (same model and options)");
  cmd->callback([o] { std::exit(run(*o)); });
}

}  // namespace vinfer::cli
