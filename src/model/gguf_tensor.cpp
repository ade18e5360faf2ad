// Half-precision conversion and decoding of float GGUF tensors (F32, F16, Q8_0).
#include <cstring>

#include "model/byte_io.hpp"
#include "vinfer/model/gguf.hpp"

namespace vinfer::model {
namespace {

float bits_to_float(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

}  // namespace

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0x1f) {
    return bits_to_float(sign | 0x7f800000u | (mant << 13));  // inf, NaN
  }
  if (exp == 0) {
    if (mant == 0) {
      return bits_to_float(sign);  // +-0
    }
    // Subnormal: normalize so the implicit bit is set; each shift lowers the exponent.
    int e = -14;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --e;
    }
    mant &= 0x3ffu;
    return bits_to_float(sign | (static_cast<uint32_t>(e + 127) << 23) | (mant << 13));
  }
  return bits_to_float(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const auto sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) {
    return sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u : 0u);
  }
  if (ax >= 0x477ff000u) {
    return sign | 0x7c00u;  // >= 65520 rounds to infinity
  }
  if (ax < 0x38800000u) {  // below 2^-14: half subnormal (or zero)
    if (ax < 0x33000000u) {
      return sign;  // below 2^-25 rounds to zero
    }
    const uint32_t e = ax >> 23;
    const uint32_t m = (ax & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - e;  // in [14, 24]
    uint32_t q = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (q & 1u))) {
      ++q;
    }
    return static_cast<uint16_t>(sign | q);
  }
  uint32_t h = ((((ax >> 23) - 127 + 15)) << 10) | ((ax & 0x7fffffu) >> 13);
  const uint32_t rem = ax & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) {
    ++h;  // a carry into the exponent is right
  }
  return static_cast<uint16_t>(sign | h);
}

Result<std::vector<float>> gguf_tensor_to_float(const GgufFile& f, const GgufTensorInfo& t) {
  const std::span<const uint8_t> b = f.data(t);
  const auto n = static_cast<size_t>(t.n_elements);
  std::vector<float> out;
  switch (t.type) {
    case GgmlType::f32:
      out.resize(n);
      if (n) {
        std::memcpy(out.data(), b.data(), n * 4);
      }
      return out;
    case GgmlType::f16:
      out.resize(n);
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, b.data() + 2 * i, 2);
        out[i] = half_to_float(h);
      }
      return out;
    case GgmlType::q8_0:
      out.resize(n);
      for (size_t blk = 0; blk < n / 32; ++blk) {
        const uint8_t* p = b.data() + blk * 34;
        uint16_t h;
        std::memcpy(&h, p, 2);
        const float d = half_to_float(h);
        // f16 (11 significant bits) times int8 (8 bits) is exact in float.
        for (size_t i = 0; i < 32; ++i) {
          out[blk * 32 + i] = d * static_cast<float>(static_cast<int8_t>(p[2 + i]));
        }
      }
      return out;
    default:
      return fail(Errc::unsupported, "tensor '" + detail::printable(t.name) + "': type " +
                                         ggml_type_name(t.type) +
                                         " is not a float type (F32, F16, Q8_0 are)");
  }
}

}  // namespace vinfer::model
