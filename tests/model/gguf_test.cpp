// GGUF reader/writer: round trips of every value and tensor type, half conversion, and
// hostile input (every truncation, header bit flips) giving errors that name the field.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "vinfer/model/gguf.hpp"

namespace vinfer::model {
namespace {

template <class T>
std::string error_of(const Result<T>& r) {
  return r.ok() ? std::string("<ok>") : r.error().to_string();
}

#define EXPECT_ERROR_HAS(result, text)                                                     \
  do {                                                                                     \
    const auto& r_ = (result);                                                             \
    ASSERT_FALSE(r_.ok()) << "expected an error containing '" << (text) << "'";            \
    EXPECT_NE(r_.error().message.find(text), std::string::npos) << r_.error().to_string(); \
  } while (0)

std::vector<uint8_t> bytes_of(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  return {b, b + n};
}

/// The 24-byte header of a file with no tensors and no keys (kv_count is byte 16).
std::vector<uint8_t> header_only() {
  auto b = GgufWriter().serialize();
  b.resize(24);
  return b;
}

/// A file with every value type and every tensor type; each tensor's size is a multiple of
/// 32 bytes, so the file ends exactly at the end of the last tensor's data.
std::vector<uint8_t> sample_file(uint32_t alignment = 32) {
  GgufWriter w(alignment);
  w.add("general.architecture", GgufValue::string("llama"));
  w.add("u8", GgufValue::scalar(GgufType::u8, 200));
  w.add("i8", GgufValue::scalar(GgufType::i8, 0x80));  // -128
  w.add("u16", GgufValue::scalar(GgufType::u16, 65535));
  w.add("i16", GgufValue::scalar(GgufType::i16, 0x8000));
  w.add("u32", GgufValue::u32(4000000000u));
  w.add("i32", GgufValue::i32(-5));
  w.add("f32", GgufValue::f32(1.5f));
  w.add("bool", GgufValue::boolean(true));
  w.add("u64", GgufValue::u64(~uint64_t{0}));
  w.add("i64", GgufValue::i64(-1234567890123));
  w.add("f64", GgufValue::f64(-0.25));
  w.add("strings", GgufValue::string_array({"a", "", "hello\nworld"}));
  const float fs[] = {1.0f, -2.0f};
  w.add("floats", GgufValue::f32_array(fs));
  w.add("bools", GgufValue::scalar_array(GgufType::boolean, {1, 0, 1}));
  w.add("empty", GgufValue::scalar_array(GgufType::u16, {}));
  w.add("nested",
        GgufValue::array_of_arrays(
            {GgufValue::string_array({"x"}),
             GgufValue::array_of_arrays({GgufValue::i32_array(std::vector<int32_t>{7})})}));
  std::vector<uint8_t> f32(32), f16(32), q8(34 * 16), i8(64), i32(32), i64(32);
  for (size_t i = 0; i < f32.size(); ++i) {
    f32[i] = static_cast<uint8_t>(i * 7);
  }
  for (size_t i = 0; i < 16; ++i) {
    const uint16_t h = float_to_half(static_cast<float>(i) - 8.0f);
    std::memcpy(f16.data() + 2 * i, &h, 2);
  }
  // 16 Q8_0 blocks: 544 bytes, a multiple of 32.
  for (size_t b = 0; b < 16; ++b) {
    const uint16_t d = float_to_half(0.5f * static_cast<float>(b + 1));
    std::memcpy(q8.data() + 34 * b, &d, 2);
    for (size_t i = 0; i < 32; ++i) {
      q8[34 * b + 2 + i] = static_cast<uint8_t>(i * 9 - 127);
    }
  }
  for (size_t i = 0; i < i8.size(); ++i) {
    i8[i] = static_cast<uint8_t>(i);
  }
  w.add_tensor("t.f32", {4, 2}, GgmlType::f32, f32);
  w.add_tensor("t.f16", {16}, GgmlType::f16, f16);
  w.add_tensor("t.q8", {64, 2, 2, 2}, GgmlType::q8_0, q8);
  w.add_tensor("t.i8", {8, 8}, GgmlType::i8, i8);
  w.add_tensor("t.i32", {8}, GgmlType::i32, i32);
  w.add_tensor("t.i64", {2, 2}, GgmlType::i64, i64);
  return w.serialize();
}

TEST(Gguf, RoundTripsEveryValueAndTensorType) {
  const auto bytes = sample_file();
  auto f = parse_gguf(bytes);
  ASSERT_TRUE(f.ok()) << error_of(f);
  EXPECT_EQ(f->version, 3u);
  EXPECT_EQ(f->alignment, 32u);
  EXPECT_EQ(f->find("general.architecture")->str, "llama");
  EXPECT_EQ(f->find("u8")->as_int(), 200);
  EXPECT_EQ(f->find("i8")->as_int(), -128);
  EXPECT_EQ(f->find("u16")->as_int(), 65535);
  EXPECT_EQ(f->find("i16")->as_int(), -32768);
  EXPECT_EQ(f->find("u32")->as_uint(), 4000000000u);
  EXPECT_EQ(f->find("i32")->as_int(), -5);
  EXPECT_FALSE(f->find("i32")->as_uint().has_value());
  EXPECT_EQ(f->find("f32")->as_float(), 1.5);
  EXPECT_EQ(f->find("bool")->as_bool(), true);
  EXPECT_EQ(f->find("u64")->as_uint(), ~uint64_t{0});
  EXPECT_FALSE(f->find("u64")->as_int().has_value());
  EXPECT_EQ(f->find("i64")->as_int(), -1234567890123);
  EXPECT_EQ(f->find("f64")->as_float(), -0.25);
  EXPECT_EQ(f->find("strings")->strings, (std::vector<std::string>{"a", "", "hello\nworld"}));
  EXPECT_EQ(f->find("floats")->float_at(1), -2.0);
  EXPECT_EQ(f->find("bools")->count, 3u);
  EXPECT_EQ(f->find("empty")->count, 0u);
  const GgufValue* nested = f->find("nested");
  ASSERT_EQ(nested->arrays.size(), 2u);
  EXPECT_EQ(nested->arrays[0].strings[0], "x");
  EXPECT_EQ(nested->arrays[1].arrays[0].int_at(0), 7);
  EXPECT_EQ(f->find("missing"), nullptr);

  ASSERT_EQ(f->tensors.size(), 6u);
  const GgufTensorInfo* q8 = f->find_tensor("t.q8");
  ASSERT_NE(q8, nullptr);
  EXPECT_EQ(q8->n_dims, 4u);
  EXPECT_EQ(q8->n_elements, 512u);
  EXPECT_EQ(q8->n_bytes, 544u);
  for (const auto& t : f->tensors) {
    EXPECT_EQ((f->data_offset + t.offset) % 32, 0u) << t.name;
  }
  EXPECT_EQ(f->data(*f->find_tensor("t.i8"))[63], 63);

  // Writing the parsed content again gives the same bytes.
  GgufWriter w;
  for (const auto& kv : f->kv) {
    w.add(kv.key, kv.value);
  }
  for (const auto& t : f->tensors) {
    const auto d = f->data(t);
    w.add_tensor(t.name, std::vector<uint64_t>(t.ne.begin(), t.ne.begin() + t.n_dims), t.type,
                 std::vector<uint8_t>(d.begin(), d.end()));
  }
  EXPECT_EQ(w.serialize(), bytes);
}

TEST(Gguf, DecodesFloatTensorsExactly) {
  const auto bytes = sample_file();
  auto f = parse_gguf(bytes);
  ASSERT_TRUE(f.ok());
  auto f16 = gguf_tensor_to_float(*f, *f->find_tensor("t.f16"));
  ASSERT_TRUE(f16.ok());
  for (size_t i = 0; i < 16; ++i) {
    EXPECT_EQ((*f16)[i], static_cast<float>(i) - 8.0f);
  }
  auto q8 = gguf_tensor_to_float(*f, *f->find_tensor("t.q8"));
  ASSERT_TRUE(q8.ok());
  for (size_t b = 0; b < 16; ++b) {
    for (size_t i = 0; i < 32; ++i) {
      const auto q = static_cast<int8_t>(static_cast<uint8_t>(i * 9 - 127));
      EXPECT_EQ((*q8)[b * 32 + i], 0.5f * static_cast<float>(b + 1) * q);
    }
  }
  EXPECT_FALSE(gguf_tensor_to_float(*f, *f->find_tensor("t.i8")).ok());
}

TEST(Gguf, HonoursAlignmentAndAcceptsVersion2) {
  auto bytes = sample_file(64);
  auto f = parse_gguf(bytes);
  ASSERT_TRUE(f.ok()) << error_of(f);
  EXPECT_EQ(f->alignment, 64u);
  EXPECT_EQ(f->data_offset % 64, 0u);
  bytes[4] = 2;
  auto v2 = parse_gguf(bytes);
  ASSERT_TRUE(v2.ok()) << error_of(v2);
  EXPECT_EQ(v2->version, 2u);
}

TEST(Gguf, HalfConversionIsExactForEveryHalf) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = half_to_float(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(half_to_float(float_to_half(f))));
      continue;
    }
    ASSERT_EQ(float_to_half(f), h) << "half 0x" << std::hex << h;
  }
  EXPECT_EQ(half_to_float(0x3c00), 1.0f);
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(half_to_float(0x7bff), 65504.0f);
  EXPECT_EQ(half_to_float(0xfc00), -INFINITY);
  EXPECT_EQ(float_to_half(1.0f + std::ldexp(1.0f, -11)), 0x3c00);      // tie to even
  EXPECT_EQ(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);  // tie to even (up)
  EXPECT_EQ(float_to_half(65519.0f), 0x7bff);
  EXPECT_EQ(float_to_half(65520.0f), 0x7c00);
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(float_to_half(std::ldexp(1.5f, -25)), 0x0001);
}

TEST(Gguf, EveryTruncationIsAnError) {
  const auto bytes = sample_file();
  ASSERT_TRUE(parse_gguf(bytes).ok());
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
    const auto r = parse_gguf(prefix);
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes parsed";
  }
}

TEST(Gguf, HeaderBitFlipsNameTheField) {
  const auto good = sample_file();
  auto parsed = parse_gguf(good);
  ASSERT_TRUE(parsed.ok());
  auto flipped = [&](size_t offset, uint8_t mask) {
    auto b = good;
    b[offset] ^= mask;
    return parse_gguf(b);
  };
  EXPECT_ERROR_HAS(flipped(0, 0x01), "magic");
  EXPECT_ERROR_HAS(flipped(4, 0x40), "version");
  EXPECT_ERROR_HAS(flipped(4 + 3, 0x80), "version");
  EXPECT_ERROR_HAS(flipped(8 + 6, 0x10), "tensor_count");
  EXPECT_ERROR_HAS(flipped(16 + 5, 0x10), "kv_count");
  EXPECT_ERROR_HAS(flipped(24 + 4, 0x01), "key #0");  // key length
  const size_t type0 = 24 + 8 + std::strlen("general.architecture");
  EXPECT_ERROR_HAS(flipped(type0, 0x20), "unknown value type");
  EXPECT_ERROR_HAS(flipped(type0 + 4 + 5, 0x01), "key 'general.architecture'");  // string length
  const GgufTensorInfo& t = parsed->tensors[2];  // t.q8: name, n_dims, 4 x ne, type, offset
  const size_t name_end = t.info_offset + 8 + t.name.size();
  EXPECT_ERROR_HAS(flipped(name_end, 0x08), "n_dims");
  EXPECT_ERROR_HAS(flipped(name_end + 4, 0x01), "Q8_0 block size");  // ne[0] = 65
  EXPECT_ERROR_HAS(flipped(name_end + 4 + 8 + 7, 0x01), "t.q8");     // ne[1] huge
  EXPECT_ERROR_HAS(flipped(name_end + 4 + 32, 0x40), "ggml type");
  EXPECT_ERROR_HAS(flipped(name_end + 4 + 32 + 4, 0x01), "alignment");  // offset + 1
  EXPECT_ERROR_HAS(flipped(name_end + 4 + 32 + 4 + 2, 0x10), "past end of file");
}

TEST(Gguf, EverySingleBitFlipIsSafe) {
  const auto good = sample_file();
  auto parsed = parse_gguf(good);
  ASSERT_TRUE(parsed.ok());
  size_t errors = 0;
  for (size_t i = 0; i < parsed->data_offset; ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto b = good;
      b[i] ^= static_cast<uint8_t>(1u << bit);
      const auto r = parse_gguf(b);  // must return, ok or not
      errors += r.ok() ? 0 : 1;
      if (!r.ok()) {
        EXPECT_FALSE(r.error().message.empty());
      }
    }
  }
  EXPECT_GT(errors, 0u);
}

TEST(Gguf, RejectsStructuralProblems) {
  {
    GgufWriter w;
    w.add("general.alignment", GgufValue::u32(48));
    EXPECT_ERROR_HAS(parse_gguf(w.serialize()), "power of two");
  }
  {
    GgufWriter w;
    w.add("general.alignment", GgufValue::u64(64));
    EXPECT_ERROR_HAS(parse_gguf(w.serialize()), "general.alignment");
  }
  {
    auto b = header_only();  // then the key "a" twice, by hand
    std::vector<uint8_t> kv = {1, 0, 0, 0, 0, 0, 0, 0, 'a', 7, 0, 0, 0, 1};
    b[16] = 2;
    b.insert(b.end(), kv.begin(), kv.end());
    b.insert(b.end(), kv.begin(), kv.end());
    EXPECT_ERROR_HAS(parse_gguf(b), "duplicate key");
  }
  {
    auto b = header_only();
    b[16] = 1;
    std::vector<uint8_t> kv = {1, 0, 0, 0, 0, 0, 0, 0, 'b', 7, 0, 0, 0, 2};  // bool 2
    b.insert(b.end(), kv.begin(), kv.end());
    EXPECT_ERROR_HAS(parse_gguf(b), "not 0 or 1");
  }
  {
    // An array claiming 2^60 u32 elements must fail before allocating.
    auto b = header_only();
    b[16] = 1;
    std::vector<uint8_t> kv = {1, 0, 0, 0, 0, 0, 0, 0, 'c', 9, 0, 0, 0, 4, 0, 0, 0};
    const uint64_t count = uint64_t{1} << 60;
    const auto cb = bytes_of(&count, 8);
    kv.insert(kv.end(), cb.begin(), cb.end());
    b.insert(b.end(), kv.begin(), kv.end());
    EXPECT_ERROR_HAS(parse_gguf(b), "runs past end of file");
  }
  {
    // Arrays nested 9 deep exceed the depth limit.
    GgufValue v = GgufValue::i32_array(std::vector<int32_t>{1});
    for (int i = 0; i < 9; ++i) {
      v = GgufValue::array_of_arrays({v});
    }
    GgufWriter w;
    w.add("deep", v);
    EXPECT_ERROR_HAS(parse_gguf(w.serialize()), "nested deeper");
  }
  {
    GgufWriter w;
    w.add_tensor("x", {32}, GgmlType::i8, std::vector<uint8_t>(32));
    w.add_tensor("y", {32}, GgmlType::i8, std::vector<uint8_t>(32));
    auto b = w.serialize();
    for (size_t i = 24; i < b.size(); ++i) {
      if (b[i] == 'y' && b[i - 8] == 1) {
        b[i] = 'x';
        break;
      }
    }
    EXPECT_ERROR_HAS(parse_gguf(b), "duplicate tensor name");
  }
}

}  // namespace
}  // namespace vinfer::model
