// Generic GGUF (v3, also v2) reader and v3 writer over byte spans (docs/model-format.md).
// The reader never trusts the bytes: every count and offset is checked against the
// input size with overflow-safe arithmetic before anything is allocated, and each error
// names the key or tensor and the byte offset where the problem was found.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vinfer/result.hpp"

namespace vinfer::model {

/// GGUF metadata value types (gguf_type).
enum class GgufType : uint32_t {
  u8 = 0,
  i8 = 1,
  u16 = 2,
  i16 = 3,
  u32 = 4,
  i32 = 5,
  f32 = 6,
  boolean = 7,
  string = 8,
  array = 9,
  u64 = 10,
  i64 = 11,
  f64 = 12,
};
/// "u32", "string", ...; "?" for a value outside the enum.
const char* gguf_type_name(GgufType t);
/// Size in bytes of a scalar type; 0 for string and array (and unknown values).
uint32_t gguf_scalar_size(GgufType t);

/// ggml tensor element types that vinfer reads and writes.
enum class GgmlType : uint32_t { f32 = 0, f16 = 1, q8_0 = 8, i8 = 24, i32 = 26, i64 = 27 };
/// "F32", "Q8_0", ...; "?" for a value outside the enum.
const char* ggml_type_name(GgmlType t);
/// Bytes taken by n elements of type t; nullopt if t is not supported, n is not a
/// multiple of the block size (32 for Q8_0) or the size overflows.
std::optional<uint64_t> ggml_nbytes(GgmlType t, uint64_t n);

/// One metadata value. Scalars keep their raw bits; arrays keep their elements packed.
struct GgufValue {
  GgufType type = GgufType::u8;
  uint64_t bits = 0;                  ///< scalar: little-endian bits, zero-extended
  std::string str;                    ///< string
  GgufType elem_type = GgufType::u8;  ///< array: element type
  uint64_t count = 0;                 ///< array: element count
  std::vector<uint8_t> raw;           ///< array of scalars: count * size bytes, little-endian
  std::vector<std::string> strings;   ///< array of strings
  std::vector<GgufValue> arrays;      ///< array of arrays (each of type array)

  static GgufValue u32(uint32_t v);
  static GgufValue i32(int32_t v);
  static GgufValue u64(uint64_t v);
  static GgufValue i64(int64_t v);
  static GgufValue f32(float v);
  static GgufValue f64(double v);
  static GgufValue boolean(bool v);
  static GgufValue string(std::string v);
  /// Scalar of any scalar type from raw bits (tests use it for every type).
  static GgufValue scalar(GgufType t, uint64_t bits);
  static GgufValue string_array(std::vector<std::string> v);
  static GgufValue f32_array(std::span<const float> v);
  static GgufValue i32_array(std::span<const int32_t> v);
  /// Array of scalars of type `elem` from packed little-endian bytes (raw.size() == n * size).
  static GgufValue scalar_array(GgufType elem, std::vector<uint8_t> raw);
  /// Array of arrays.
  static GgufValue array_of_arrays(std::vector<GgufValue> items);

  /// Integer value of an integer scalar (u8..i64; bool is not an integer).
  std::optional<int64_t> as_int() const;
  /// Unsigned value of an integer scalar that is >= 0.
  std::optional<uint64_t> as_uint() const;
  /// Value of an f32 or f64 scalar.
  std::optional<double> as_float() const;
  /// Value of a bool scalar.
  std::optional<bool> as_bool() const;
  /// Element i of an integer array (i < count).
  std::optional<int64_t> int_at(uint64_t i) const;
  /// Element i of an f32 / f64 array (i < count).
  std::optional<double> float_at(uint64_t i) const;

  bool operator==(const GgufValue&) const = default;
};

/// One key-value pair and where it starts in the file.
struct GgufKv {
  std::string key;
  GgufValue value;
  uint64_t offset = 0;  ///< file offset of the key
};

/// One tensor info record.
struct GgufTensorInfo {
  std::string name;
  uint32_t n_dims = 0;
  std::array<uint64_t, 4> ne{1, 1, 1, 1};  ///< ne[0] is the fastest-moving dimension
  GgmlType type = GgmlType::f32;
  uint64_t offset = 0;       ///< relative to the data section
  uint64_t n_elements = 0;   ///< product of ne
  uint64_t n_bytes = 0;      ///< ggml_nbytes(type, n_elements)
  uint64_t info_offset = 0;  ///< file offset of this record (for error messages)
};

/// A parsed GGUF file. Views into the input bytes, which must outlive it.
struct GgufFile {
  uint32_t version = 3;
  uint64_t alignment = 32;   ///< general.alignment (default 32)
  uint64_t data_offset = 0;  ///< file offset of the data section
  std::vector<GgufKv> kv;
  std::vector<GgufTensorInfo> tensors;
  std::span<const uint8_t> bytes;  ///< the whole file

  /// The value of `key`, or nullptr.
  const GgufValue* find(std::string_view key) const;
  /// The tensor named `name`, or nullptr.
  const GgufTensorInfo* find_tensor(std::string_view name) const;
  /// The tensor's bytes (offsets were checked by parse_gguf).
  std::span<const uint8_t> data(const GgufTensorInfo& t) const;

  std::unordered_map<std::string, size_t> kv_index;      ///< key -> index in kv
  std::unordered_map<std::string, size_t> tensor_index;  ///< name -> index in tensors
};

/// Parses a GGUF v2/v3 file. Checks every count, string, array, tensor shape, type,
/// alignment and data range against the input; rejects duplicate keys and tensor names.
Result<GgufFile> parse_gguf(std::span<const uint8_t> bytes);

/// Builds a GGUF v3 file in memory: key-value pairs and tensors in insertion order,
/// each tensor's data aligned to `alignment` (written as general.alignment if not 32).
class GgufWriter {
 public:
  explicit GgufWriter(uint32_t alignment = 32);

  /// Adds a key; a duplicate key is a programmer error.
  void add(std::string key, GgufValue value);
  /// Adds a tensor; data.size() must equal ggml_nbytes(type, product of ne), 1 <= ne.size() <= 4.
  void add_tensor(std::string name,
                  std::vector<uint64_t> ne,
                  GgmlType type,
                  std::vector<uint8_t> data);
  /// The complete file.
  std::vector<uint8_t> serialize() const;

 private:
  struct Tensor {
    std::string name;
    std::vector<uint64_t> ne;
    GgmlType type;
    std::vector<uint8_t> data;
  };
  uint32_t alignment_;
  std::vector<std::pair<std::string, GgufValue>> kv_;
  std::vector<Tensor> tensors_;
};

/// IEEE half (binary16) bits -> float, exact for every input (subnormals, inf, NaN).
float half_to_float(uint16_t h);
/// float -> IEEE half bits, round to nearest even (for writing F16 test files).
uint16_t float_to_half(float f);

/// Decodes an F32, F16 or Q8_0 tensor to floats (exact: Q8_0 is f16 scale * int8).
Result<std::vector<float>> gguf_tensor_to_float(const GgufFile& f, const GgufTensorInfo& t);

}  // namespace vinfer::model
