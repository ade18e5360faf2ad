// The blob routes' paths (docs/blobs.md): "/v1/blobs/" and the 64 hex digits of a blob's
// keccak-256. One parser for the server, the fetcher and the fuzzer (fuzz_blob_path).
#pragma once

#include <string>
#include <string_view>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node {

/// Every blob route starts with this.
inline constexpr std::string_view kBlobRoute = "/v1/blobs/";

/// The hash a blob route names: `path` is kBlobRoute and then 64 hex digits (either case,
/// an optional "0x"), nothing before or after. Errc::parse naming what is wrong: the prefix,
/// the length of the hash, or the offset of the first character that is not a hex digit.
Result<commit::Hash> parse_blob_path(std::string_view path);

/// kBlobRoute and the lower-case hex of `h`: what parse_blob_path reads back as `h`.
std::string blob_path(const commit::Hash& h);

}  // namespace vinfer::node
