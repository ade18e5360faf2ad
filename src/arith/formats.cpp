// Decimal text -> Q16, integer-only, so a job's temperature and top-p are the same
// integers on every node whatever its float library does.
#include "vinfer/arith/formats.hpp"

#include <string>

#include "vinfer/arith/requant.hpp"

namespace vinfer::arith {

Result<uint32_t> parse_decimal_q16(std::string_view text) {
  if (text.empty())
    return fail(Errc::parse, "empty number");
  uint64_t int_part = 0;
  uint64_t frac = 0;
  uint64_t frac_scale = 1;
  size_t i = 0;
  size_t int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    int_part = int_part * 10 + static_cast<uint64_t>(text[i] - '0');
    if (++int_digits > 6)
      return fail(Errc::limit, "number '" + std::string(text) + "' too large");
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t nd = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (++nd > 9)
        return fail(Errc::parse, "more than 9 decimals in '" + std::string(text) + "'");
      frac = frac * 10 + static_cast<uint64_t>(text[i] - '0');
      frac_scale *= 10;
    }
    if (nd == 0 && int_digits == 0)
      return fail(Errc::parse, "no digits in '" + std::string(text) + "'");
  } else if (int_digits == 0) {
    return fail(Errc::parse, "not a decimal number: '" + std::string(text) + "'");
  }
  if (i != text.size()) {
    return fail(Errc::parse, "unexpected character '" + std::string(1, text[i]) + "' in '" +
                                 std::string(text) + "'");
  }
  const int64_t frac_q16 =
      div_round(static_cast<int64_t>(frac) << kFracParam, static_cast<int64_t>(frac_scale));
  const uint64_t v = (int_part << kFracParam) + static_cast<uint64_t>(frac_q16);
  if (v > 0xffffffffULL)
    return fail(Errc::limit, "number '" + std::string(text) + "' too large");
  return static_cast<uint32_t>(v);
}

std::string q16_to_string(uint32_t v) {
  // Six decimals, trailing zeros trimmed; display only.
  const uint64_t ip = v >> kFracParam;
  const uint64_t fp = ((uint64_t{v} & 0xffff) * 1000000 + 32768) >> 16;
  std::string s = std::to_string(ip + fp / 1000000);
  uint64_t f = fp % 1000000;
  if (f == 0)
    return s;
  std::string d = std::to_string(f);
  d = std::string(6 - d.size(), '0') + d;
  while (!d.empty() && d.back() == '0')
    d.pop_back();
  return s + "." + d;
}

}  // namespace vinfer::arith
