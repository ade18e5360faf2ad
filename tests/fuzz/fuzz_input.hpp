// Splits one fuzzer input into two byte strings: a u16 little-endian length n, then n
// bytes (clamped to what is there), then the rest. The seed corpus uses the same layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vinfer::fuzz {

struct TwoParts {
  std::span<const uint8_t> first, second;
};

inline TwoParts split_input(const uint8_t* data, size_t size) {
  if (size < 2)
    return {{}, {data, size}};
  size_t n = static_cast<size_t>(data[0]) | (static_cast<size_t>(data[1]) << 8);
  if (n > size - 2)
    n = size - 2;
  return {{data + 2, n}, {data + 2 + n, size - 2 - n}};
}

}  // namespace vinfer::fuzz
