// libFuzzer target: tokenizer.bin parsing and encode/decode of arbitrary text. Input
// layout: u16 LE tokenizer length, the tokenizer.bin bytes, then the text (fuzz_input.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_input.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/tokenizer.hpp"

using namespace vinfer::model;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = vinfer::fuzz::split_input(data, size);
  auto t = parse_llama2c_tokenizer(parts.first);
  if (!t.ok())
    return 0;
  const std::string_view text(reinterpret_cast<const char*>(parts.second.data()),
                              parts.second.size());
  const auto ids = t->encode(text, true);
  for (uint32_t id : ids) {
    if (id >= t->size())
      __builtin_trap();
  }
  // With a byte token for every byte value, decoding gives the text back exactly.
  bool all_bytes = true;
  for (int b = 0; b < 256 && all_bytes; ++b) {
    all_bytes = 3 + b < static_cast<int>(t->size()) && t->types()[3 + b] == 6;
  }
  if (all_bytes && t->decode(ids) != text)
    __builtin_trap();
  return 0;
}
