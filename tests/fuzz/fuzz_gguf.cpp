// libFuzzer target: the GGUF reader and everything built on it (the float loader, the
// quantizer, the canonical reader and the model root) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "vinfer/model/canonical_file.hpp"
#include "vinfer/model/gguf.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/model_root.hpp"

using namespace vinfer::model;

namespace {

/// Model roots build a RoPE table of seq_len x head_dim; keep fuzzing fast.
bool small_enough(const LlamaConfig& c) {
  return uint64_t{c.seq_len} * c.head_dim() <= (uint64_t{1} << 16);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  auto f = parse_gguf(bytes);
  if (f.ok()) {
    for (const auto& t : f->tensors) {
      if (t.type == GgmlType::f32 || t.type == GgmlType::f16 || t.type == GgmlType::q8_0) {
        (void)gguf_tensor_to_float(*f, t);
      }
    }
  }
  auto fm = load_gguf_float(bytes);
  if (fm.ok()) {
    auto q = quantize(*fm);
    if (q.ok() && small_enough(q->cfg)) {
      // What the quantizer produces must survive the canonical file round trip.
      const auto file = serialize_canonical(*q);
      auto back = read_canonical(file);
      if (!back.ok())
        __builtin_trap();
      if (commit_model(*back).root != commit_model(*q).root)
        __builtin_trap();
    }
  }
  auto cm = read_canonical(bytes);
  if (cm.ok() && small_enough(cm->cfg))
    (void)commit_model(*cm);
  return 0;
}
