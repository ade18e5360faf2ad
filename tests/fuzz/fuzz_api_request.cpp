// libFuzzer target: the API's request bodies and modes (node/api_request.hpp) — a body comes
// from any client. Nothing may crash; a body that parses has values inside the documented
// bounds, and a mode that parses prints back to a mode that parses to the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinfer/node/api_request.hpp"

using namespace vinfer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto r = node::parse_completion_request(body, (data[0] & 1) != 0);
  if (r) {
    if (r->prompt.empty() || r->max_tokens < 1 || r->max_tokens > node::kMaxApiTokens ||
        r->wait_s > node::kMaxWaitSeconds || r->mode.n < 1 || r->mode.n > node::kMaxQuorum)
      std::abort();
  } else if (r.error().message.empty()) {
    std::abort();  // every refusal says why
  }
  auto m = node::parse_mode(body);
  if (m) {
    auto again = node::parse_mode(m->text());
    if (!again || !(*again == *m))
      std::abort();
  }
  return 0;
}
