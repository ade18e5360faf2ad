// libFuzzer target: the ONNX import (protobuf decoding, graph building) on arbitrary bytes,
// and on every graph it accepts that is small enough to run fast: the quantizer, the
// checks, the model root, and the fast forward pass against its scalar twin (a
// differential fuzzer: any difference traps).
#include <cstddef>
#include <cstdint>
#include <span>

#include "vinfer/engine/graph_engine.hpp"
#include "vinfer/model/onnx.hpp"

using namespace vinfer;

namespace {

// Multiply-adds of one float forward pass, a bound on the fuzzer's time per input.
uint64_t macs(const model::FloatGraph& g) {
  uint64_t n = 0;
  for (const auto& f : g.nodes) {
    const uint64_t out = model::shape_elems(f.out_shape);
    n += out * (f.k ? f.k : uint64_t{f.win.kh} * f.win.kw);
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto g = model::parse_onnx(std::span<const uint8_t>(data, size), "fuzz");
  if (!g.ok() || macs(*g) > (uint64_t{1} << 18))
    return 0;
  const uint64_t elems = model::shape_elems(g->input_shape);
  auto q = model::quantize_graph(*g, model::synthetic_calibration(elems, 2));
  if (!q.ok())
    return 0;
  // What the quantizer produces passes the load-time checks, and both passes agree.
  if (!model::check_graph(*q).ok())
    __builtin_trap();
  (void)model::commit_graph(*q);
  std::vector<int8_t> x(2 * elems);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<int8_t>(static_cast<int>((i * 37 + size) % 255) - 127);
  auto fast = engine::graph_forward(*q, x, 2);
  auto ref = engine::graph_forward_ref(*q, x, 2);
  if (!fast.ok() || !ref.ok() || fast->values != ref->values)
    __builtin_trap();
  return 0;
}
