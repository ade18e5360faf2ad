// Digit file reader (digits.hpp).
#include "vinfer/model/digits.hpp"

#include <cstring>

#include "model/file_io.hpp"

namespace vinfer::model {

std::vector<float> Digits::as_float(uint32_t i) const {
  std::vector<float> x(kDigitPixels);
  for (uint32_t p = 0; p < kDigitPixels; ++p)
    x[p] = static_cast<float>(pixels[size_t{i} * kDigitPixels + p]) / 255.0f;
  return x;
}

Result<Digits> parse_digits(std::span<const uint8_t> b) {
  if (b.size() < 12)
    return fail(Errc::truncated, "digits: file shorter than its 12-byte header");
  if (std::memcmp(b.data(), "VMNIST01", 8) != 0)
    return fail(Errc::parse, "digits: bad magic (expected VMNIST01)");
  Digits d;
  d.count = uint32_t{b[8]} | uint32_t{b[9]} << 8 | uint32_t{b[10]} << 16 | uint32_t{b[11]} << 24;
  if (d.count > (b.size() - 12) / 3)
    return fail(Errc::truncated, "digits: count " + std::to_string(d.count) + " exceeds the file");
  d.pixels.reserve(size_t{d.count} * kDigitPixels);
  size_t p = 12;
  for (uint32_t i = 0; i < d.count; ++i) {
    const std::string where = "digits: digit " + std::to_string(i);
    if (p >= b.size())
      return fail(Errc::truncated, where + ": file ends before its label");
    if (b[p] > 9)
      return fail(Errc::parse,
                  where + ": label " + std::to_string(b[p]) + " at offset " + std::to_string(p));
    d.labels.push_back(b[p++]);
    uint32_t got = 0;
    while (got < kDigitPixels) {
      if (p >= b.size())
        return fail(Errc::truncated, where + ": file ends inside its pixels");
      if (b[p] != 0) {
        d.pixels.push_back(b[p++]);
        ++got;
        continue;
      }
      if (p + 1 >= b.size())
        return fail(Errc::truncated, where + ": file ends inside a zero run");
      const uint32_t n = b[p + 1];
      if (n == 0 || got + n > kDigitPixels)
        return fail(Errc::parse, where + ": bad zero run at offset " + std::to_string(p));
      d.pixels.insert(d.pixels.end(), n, 0);
      got += n;
      p += 2;
    }
  }
  if (p != b.size())
    return fail(Errc::parse, "digits: " + std::to_string(b.size() - p) + " trailing bytes");
  return d;
}

Result<Digits> load_digits(const std::filesystem::path& path) {
  VINFER_TRY(auto bytes, detail::read_file(path));
  return parse_digits(bytes);
}

}  // namespace vinfer::model
