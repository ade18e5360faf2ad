// libFuzzer target: graph input files (JSON, model/graph_input.hpp) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vinfer/model/graph_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const vinfer::model::Shape& shape :
       {vinfer::model::Shape{3}, vinfer::model::Shape{1, 2, 2}}) {
    auto in = vinfer::model::parse_graph_input(text, shape);
    if (in.ok() && in->values.size() != in->batch * vinfer::model::shape_elems(shape))
      __builtin_trap();
  }
  return 0;
}
