// libFuzzer target: the blob routes' path parser (node/blob_path.hpp) — a request path
// comes from any peer. Nothing may crash; whatever parses must print back to a path that
// parses to the same hash (the canonical spelling: lower-case hex, no "0x").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinfer/node/blob_path.hpp"

using namespace vinfer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view path(reinterpret_cast<const char*>(data), size);
  auto h = node::parse_blob_path(path);
  if (!h) {
    if (h.error().message.rfind("blob path: ", 0) != 0)
      std::abort();  // every refusal says what it is about
    return 0;
  }
  auto again = node::parse_blob_path(node::blob_path(*h));
  if (!again || *again != *h)
    std::abort();
  return 0;
}
