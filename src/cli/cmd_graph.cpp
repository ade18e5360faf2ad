// `vinfer eval` of a graph model and `vinfer infer` (graph_commands.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "common.hpp"
#include "graph_commands.hpp"
#include "progress.hpp"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/engine/graph_engine.hpp"
#include "vinfer/model/digits.hpp"
#include "vinfer/model/graph_input.hpp"
#include "vinfer/model/onnx.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Index of the largest value, ties to the lowest index.
template <class T>
uint32_t argmax(const T* x, size_t n) {
  return static_cast<uint32_t>(std::max_element(x, x + n) - x);
}

// The batch a forward pass of the digits runs in (memory stays small, results do not change).
constexpr uint32_t kEvalChunk = 500;

}  // namespace

std::filesystem::path graph_data_dir() {
  return std::filesystem::path(VINFER_SOURCE_DIR) / "data";
}

int eval_graph(const std::string& model_file, const std::string& data, bool json) {
  const std::filesystem::path data_path =
      data.empty() ? graph_data_dir() / "mnist-test.bin" : std::filesystem::path(data);
  Progress progress;
  progress.update("eval: loading %s", model_file.c_str());
  auto fg = model::load_onnx(model_file);
  if (!fg.ok())
    return report(fg.error());
  auto calib = model::default_calibration(*fg, graph_data_dir());
  if (!calib.ok())
    return report(calib.error());
  auto q = model::quantize_graph(*fg, *calib);
  if (!q.ok())
    return report(fail(q.error().code, model_file + ": " + q.error().message));
  const model::GraphCommitment commitment = model::commit_graph(*q);
  auto digits = model::load_digits(data_path);
  if (!digits.ok())
    return report(digits.error());
  if (model::shape_elems(q->input_shape) != model::kDigitPixels) {
    return report(fail(Errc::mismatch, "eval: " + model_file + " takes " +
                                           model::shape_str(q->input_shape) +
                                           " inputs; digit files hold 28x28 = 784 pixels"));
  }
  if (digits->count == 0)
    return report(fail(Errc::invalid_argument, "eval: " + data_path.string() + " has no digits"));
  const uint64_t classes = model::shape_elems(q->output_shape);

  uint32_t ok32 = 0, ok8 = 0, agree = 0;
  double s32 = 0, s8 = 0;
  std::vector<int8_t> x;
  for (uint32_t d0 = 0; d0 < digits->count; d0 += kEvalChunk) {
    const uint32_t n = std::min(kEvalChunk, digits->count - d0);
    x.clear();
    for (size_t p = size_t{d0} * model::kDigitPixels; p < size_t{d0 + n} * model::kDigitPixels; ++p)
      x.push_back(model::quantize_pixel_u8(digits->pixels[p]));
    const auto t8 = Clock::now();
    auto run = engine::graph_forward(*q, x, n);
    s8 += seconds_since(t8);
    if (!run.ok())
      return report(run.error());
    const std::vector<int32_t>& out = run->values[q->output];
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t label = digits->labels[d0 + i];
      const uint32_t p8 = argmax(out.data() + i * classes, classes);
      const auto px = digits->as_float(d0 + i);
      const auto t32 = Clock::now();
      const std::vector<float> y = model::float_forward(*fg, px.data());
      s32 += seconds_since(t32);
      const uint32_t p32 = argmax(y.data(), y.size());
      ok8 += p8 == label;
      ok32 += p32 == label;
      agree += p8 == p32;
    }
    progress.update("eval: %u/%u digits, int8 top-1 %.4f", d0 + n, digits->count,
                    static_cast<double>(ok8) / (d0 + n));
  }
  progress.done();
  const double n = digits->count;
  const double top32 = ok32 / n, top8 = ok8 / n;
  const char* isa = tensor::isa_name(tensor::active_isa());
  if (json) {
    nlohmann::json j;
    j["model"] = model_file;
    j["model_root"] = commit::to_hex(commitment.root);
    j["data"] = data_path.string();
    j["digits"] = digits->count;
    j["params"] = model::graph_param_count(*fg);
    j["nodes"] = q->nodes.size();
    j["fp32_top1"] = top32;
    j["int8_top1"] = top8;
    j["fp32_correct"] = ok32;
    j["int8_correct"] = ok8;
    j["int8_fp32_agreement"] = agree / n;
    j["fp32_seconds"] = s32;
    j["int8_seconds"] = s8;
    j["isa"] = isa;
    print_json(j);
    return 0;
  }
  std::printf("model            %s (%llu params, %zu canonical steps)\n", model_file.c_str(),
              static_cast<unsigned long long>(model::graph_param_count(*fg)), q->nodes.size());
  std::printf("model_root       %s\n", commit::to_hex(commitment.root).c_str());
  std::printf("data             %s: %u digits\n", data_path.string().c_str(), digits->count);
  std::printf("fp32 top-1       %.4f  (%u correct)\n", top32, ok32);
  std::printf("int8 top-1       %.4f  (%u correct, canonical)\n", top8, ok8);
  std::printf("agreement        %.4f  (int8 and fp32 predict the same digit)\n", agree / n);
  std::printf("time             int8 %.3f s, fp32 %.3f s, %s kernels\n", s8, s32, isa);
  return 0;
}

namespace {

struct InferOptions {
  std::string model, input;
  bool json = false;
};

int infer(const InferOptions& o) {
  if (!model::is_onnx_path(o.model)) {
    return report(fail(Errc::unsupported,
                       "infer takes graph models (.onnx); for " + o.model + " use `vinfer run`"));
  }
  auto q = model::load_onnx_canonical(o.model, graph_data_dir());
  if (!q.ok())
    return report(q.error());
  auto in = model::load_graph_input(o.input, q->input_shape);
  if (!in.ok())
    return report(in.error());
  const auto t = Clock::now();
  auto run = engine::graph_forward(*q, in->values, in->batch);
  const double seconds = seconds_since(t);
  if (!run.ok())
    return report(run.error());
  const std::vector<int32_t>& out = run->values[q->output];
  const size_t per = model::shape_elems(q->output_shape);
  nlohmann::json output = nlohmann::json::array(), argmaxes = nlohmann::json::array();
  for (uint32_t b = 0; b < in->batch; ++b) {
    const int32_t* row = out.data() + b * per;
    output.push_back(std::vector<int32_t>(row, row + per));
    argmaxes.push_back(argmax(row, per));
  }
  if (!in->batched) {  // one sample: the flat tensor, as the input was
    output = output[0];
    argmaxes = argmaxes[0];
  }
  const std::string root = commit::to_hex(model::commit_graph(*q).root);
  if (o.json) {
    nlohmann::json j;
    j["model"] = o.model;
    j["model_root"] = root;
    j["input"] = o.input;
    j["batch"] = in->batch;
    j["output_shape"] = q->output_shape;
    j["output_frac_bits"] = model::kGraphOutputFrac;
    j["output"] = output;
    j["argmax"] = argmaxes;
    j["infer_s"] = seconds;
    j["isa"] = tensor::isa_name(tensor::active_isa());
    print_json(j);
    return 0;
  }
  for (uint32_t b = 0; b < in->batch; ++b) {
    const int32_t* row = out.data() + b * per;
    std::printf("sample %u: argmax %u, output (Q%d):", b, argmax(row, per),
                model::kGraphOutputFrac);
    for (size_t i = 0; i < per; ++i)
      std::printf(" %d", row[i]);
    std::printf("\n");
  }
  std::fflush(stdout);
  std::fprintf(stderr, "model_root  %s\nbatch %u, %.6f s, %s kernels\n", root.c_str(), in->batch,
               seconds, tensor::isa_name(tensor::active_isa()));
  return 0;
}

}  // namespace

void add_infer_command(CLI::App& app) {
  auto o = std::make_shared<InferOptions>();
  auto* cmd = app.add_subcommand(
      "infer", "Run a graph model (.onnx) on an input file and print the canonical output tensor");
  cmd->add_option("--model", o->model, "Graph model (.onnx)")->required();
  cmd->add_option("--input", o->input,
                  "JSON input: an array of numbers in the model's input units, or an array of "
                  "such arrays (a batch)")
      ->required();
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o] { std::exit(infer(*o)); });
}

}  // namespace vinfer::cli
