// libFuzzer target: certificates (node/certificate.hpp) — `vinfer certificate verify` reads
// one from anyone. Nothing may crash; a certificate that parses prints back to one that
// parses to the same, and its consistency check answers without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinfer/node/certificate.hpp"

using namespace vinfer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = node::parse_certificate(text);
  if (!c) {
    if (c.error().message.rfind("certificate", 0) != 0)
      std::abort();  // every refusal says what it is about
    return 0;
  }
  auto again = node::parse_certificate(node::certificate_json(*c));
  if (!again || !(*again == *c))
    std::abort();
  (void)node::check_certificate(*c);
  return 0;
}
