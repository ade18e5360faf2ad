// GGUF type tables and GgufValue constructors / accessors.
#include <cstring>

#include "model/byte_io.hpp"
#include "vinfer/model/gguf.hpp"

namespace vinfer::model {

const char* gguf_type_name(GgufType t) {
  switch (t) {
    case GgufType::u8:
      return "u8";
    case GgufType::i8:
      return "i8";
    case GgufType::u16:
      return "u16";
    case GgufType::i16:
      return "i16";
    case GgufType::u32:
      return "u32";
    case GgufType::i32:
      return "i32";
    case GgufType::f32:
      return "f32";
    case GgufType::boolean:
      return "bool";
    case GgufType::string:
      return "string";
    case GgufType::array:
      return "array";
    case GgufType::u64:
      return "u64";
    case GgufType::i64:
      return "i64";
    case GgufType::f64:
      return "f64";
  }
  return "?";
}

uint32_t gguf_scalar_size(GgufType t) {
  switch (t) {
    case GgufType::u8:
    case GgufType::i8:
    case GgufType::boolean:
      return 1;
    case GgufType::u16:
    case GgufType::i16:
      return 2;
    case GgufType::u32:
    case GgufType::i32:
    case GgufType::f32:
      return 4;
    case GgufType::u64:
    case GgufType::i64:
    case GgufType::f64:
      return 8;
    case GgufType::string:
    case GgufType::array:
      return 0;
  }
  return 0;
}

const char* ggml_type_name(GgmlType t) {
  switch (t) {
    case GgmlType::f32:
      return "F32";
    case GgmlType::f16:
      return "F16";
    case GgmlType::q8_0:
      return "Q8_0";
    case GgmlType::i8:
      return "I8";
    case GgmlType::i32:
      return "I32";
    case GgmlType::i64:
      return "I64";
  }
  return "?";
}

std::optional<uint64_t> ggml_nbytes(GgmlType t, uint64_t n) {
  uint64_t out = 0;
  switch (t) {
    case GgmlType::f32:
    case GgmlType::i32:
      if (!detail::mul_u64(n, 4, &out)) {
        return std::nullopt;
      }
      return out;
    case GgmlType::f16:
      if (!detail::mul_u64(n, 2, &out)) {
        return std::nullopt;
      }
      return out;
    case GgmlType::i8:
      return n;
    case GgmlType::i64:
      if (!detail::mul_u64(n, 8, &out)) {
        return std::nullopt;
      }
      return out;
    case GgmlType::q8_0:  // blocks of 32: f16 scale + 32 int8
      if (n % 32 != 0) {
        return std::nullopt;
      }
      return n / 32 * 34;
  }
  return std::nullopt;
}

namespace {

template <class T>
uint64_t to_bits(T v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}

/// Sign-extends or zero-extends the low bytes of `bits` as integer type t.
std::optional<int64_t> int_from_bits(GgufType t, uint64_t bits) {
  switch (t) {
    case GgufType::u8:
      return static_cast<int64_t>(static_cast<uint8_t>(bits));
    case GgufType::i8:
      return static_cast<int64_t>(static_cast<int8_t>(bits));
    case GgufType::u16:
      return static_cast<int64_t>(static_cast<uint16_t>(bits));
    case GgufType::i16:
      return static_cast<int64_t>(static_cast<int16_t>(bits));
    case GgufType::u32:
      return static_cast<int64_t>(static_cast<uint32_t>(bits));
    case GgufType::i32:
      return static_cast<int64_t>(static_cast<int32_t>(bits));
    case GgufType::i64:
      return static_cast<int64_t>(bits);
    case GgufType::u64:
      if (bits > static_cast<uint64_t>(INT64_MAX)) {
        return std::nullopt;
      }
      return static_cast<int64_t>(bits);
    default:
      return std::nullopt;
  }
}

std::optional<double> float_from_bits(GgufType t, uint64_t bits) {
  if (t == GgufType::f32) {
    float f;
    const auto b = static_cast<uint32_t>(bits);
    std::memcpy(&f, &b, 4);
    return static_cast<double>(f);
  }
  if (t == GgufType::f64) {
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  return std::nullopt;
}

uint64_t element_bits(const GgufValue& v, uint64_t i) {
  const uint32_t size = gguf_scalar_size(v.elem_type);
  uint64_t bits = 0;
  std::memcpy(&bits, v.raw.data() + i * size, size);
  return bits;
}

}  // namespace

GgufValue GgufValue::scalar(GgufType t, uint64_t bits) {
  GgufValue v;
  v.type = t;
  v.bits = bits;
  return v;
}
GgufValue GgufValue::u32(uint32_t x) {
  return scalar(GgufType::u32, x);
}
GgufValue GgufValue::i32(int32_t x) {
  return scalar(GgufType::i32, to_bits(x));
}
GgufValue GgufValue::u64(uint64_t x) {
  return scalar(GgufType::u64, x);
}
GgufValue GgufValue::i64(int64_t x) {
  return scalar(GgufType::i64, to_bits(x));
}
GgufValue GgufValue::f32(float x) {
  return scalar(GgufType::f32, to_bits(x));
}
GgufValue GgufValue::f64(double x) {
  return scalar(GgufType::f64, to_bits(x));
}
GgufValue GgufValue::boolean(bool x) {
  return scalar(GgufType::boolean, x ? 1 : 0);
}

GgufValue GgufValue::string(std::string x) {
  GgufValue v;
  v.type = GgufType::string;
  v.str = std::move(x);
  return v;
}

GgufValue GgufValue::string_array(std::vector<std::string> items) {
  GgufValue v;
  v.type = GgufType::array;
  v.elem_type = GgufType::string;
  v.count = items.size();
  v.strings = std::move(items);
  return v;
}

GgufValue GgufValue::scalar_array(GgufType elem, std::vector<uint8_t> raw) {
  const uint32_t size = gguf_scalar_size(elem);
  VINFER_ASSERT(size != 0 && raw.size() % size == 0);
  GgufValue v;
  v.type = GgufType::array;
  v.elem_type = elem;
  v.count = raw.size() / size;
  v.raw = std::move(raw);
  return v;
}

GgufValue GgufValue::f32_array(std::span<const float> items) {
  std::vector<uint8_t> raw(items.size() * 4);
  if (!items.empty()) {
    std::memcpy(raw.data(), items.data(), raw.size());
  }
  return scalar_array(GgufType::f32, std::move(raw));
}

GgufValue GgufValue::i32_array(std::span<const int32_t> items) {
  std::vector<uint8_t> raw(items.size() * 4);
  if (!items.empty()) {
    std::memcpy(raw.data(), items.data(), raw.size());
  }
  return scalar_array(GgufType::i32, std::move(raw));
}

GgufValue GgufValue::array_of_arrays(std::vector<GgufValue> items) {
  for (const auto& it : items) {
    VINFER_ASSERT(it.type == GgufType::array);
  }
  GgufValue v;
  v.type = GgufType::array;
  v.elem_type = GgufType::array;
  v.count = items.size();
  v.arrays = std::move(items);
  return v;
}

std::optional<int64_t> GgufValue::as_int() const {
  return int_from_bits(type, bits);
}

std::optional<uint64_t> GgufValue::as_uint() const {
  if (type == GgufType::u64) {
    return bits;
  }
  const auto v = as_int();
  if (!v || *v < 0) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(*v);
}

std::optional<double> GgufValue::as_float() const {
  return float_from_bits(type, bits);
}

std::optional<bool> GgufValue::as_bool() const {
  if (type != GgufType::boolean) {
    return std::nullopt;
  }
  return bits != 0;
}

std::optional<int64_t> GgufValue::int_at(uint64_t i) const {
  if (type != GgufType::array || i >= count || gguf_scalar_size(elem_type) == 0) {
    return std::nullopt;
  }
  return int_from_bits(elem_type, element_bits(*this, i));
}

std::optional<double> GgufValue::float_at(uint64_t i) const {
  if (type != GgufType::array || i >= count || gguf_scalar_size(elem_type) == 0) {
    return std::nullopt;
  }
  return float_from_bits(elem_type, element_bits(*this, i));
}

}  // namespace vinfer::model
