// libFuzzer target: llama2.c checkpoint + tokenizer.bin loader. Input layout: u16 LE
// tokenizer length, the tokenizer.bin bytes, then the checkpoint bytes (fuzz_input.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/load.hpp"

using namespace vinfer::model;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = vinfer::fuzz::split_input(data, size);
  auto m = load_llama2c(parts.second, parts.first, "fuzz");
  if (m.ok()) {
    auto q = quantize(*m);
    if (q.ok() && !check_canonical(*q).ok())
      __builtin_trap();  // quantize output is canonical
  }
  return 0;
}
