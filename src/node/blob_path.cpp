// The blob routes' paths (blob_path.hpp).
#include "vinfer/node/blob_path.hpp"

#include <cstddef>

#include "vinfer/wire.hpp"

namespace vinfer::node {

Result<commit::Hash> parse_blob_path(std::string_view path) {
  if (path.substr(0, kBlobRoute.size()) != kBlobRoute)
    return fail(Errc::parse, "blob path: does not start with " + std::string(kBlobRoute));
  std::string_view hex = path.substr(kBlobRoute.size());
  // Offsets in messages count from the start of the hash as the caller wrote it.
  size_t skipped = 0;
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
    hex.remove_prefix(2);
    skipped = 2;
  }
  if (hex.size() != 64)
    return fail(Errc::parse, "blob path: the hash has " + std::to_string(hex.size()) +
                                 " characters, not 64 hex digits");
  commit::Hash h;
  for (size_t i = 0; i < 64; ++i) {
    const int d = wire::hex_digit(hex[i]);
    if (d < 0)
      return fail(Errc::parse, "blob path: character " + std::to_string(skipped + i) +
                                   " of the hash is not a hex digit");
    if (i % 2 == 0)
      h[i / 2] = static_cast<uint8_t>(d << 4);
    else
      h[i / 2] = static_cast<uint8_t>(h[i / 2] | d);
  }
  return h;
}

std::string blob_path(const commit::Hash& h) {
  return std::string(kBlobRoute) + commit::to_hex(h);
}

}  // namespace vinfer::node
