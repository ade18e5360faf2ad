// Names of quorum values in messages (types.hpp).
#include "vinfer/quorum/types.hpp"

namespace vinfer::quorum {

std::string short_hex(const NodeId& id) {
  static const char digits[] = "0123456789abcdef";
  std::string s = "0x";
  for (size_t i = 0; i < 4; ++i) {
    s.push_back(digits[id[i] >> 4]);
    s.push_back(digits[id[i] & 15]);
  }
  return s + "\xE2\x80\xA6";  // "…"
}

}  // namespace vinfer::quorum
