// Internal to src/model: little-endian byte cursor and appender used by the GGUF,
// llama2.c and tokenizer readers/writers. Every read is bounds-checked; a failed read
// leaves the cursor where it was so the caller can name the offset that failed.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace vinfer::model::detail {

static_assert(std::endian::native == std::endian::little,
              "vinfer's file formats are little-endian; big-endian hosts are not supported");

/// A read position over a byte span.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  uint64_t pos() const { return pos_; }
  uint64_t size() const { return bytes_.size(); }
  uint64_t remaining() const { return bytes_.size() - pos_; }

  /// Reads a trivially copyable little-endian value; false if fewer than sizeof(T) bytes remain.
  template <class T>
  bool read(T* out) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (remaining() < sizeof(T)) {
      return false;
    }
    std::memcpy(out, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }

  /// Takes the next n bytes as a view; false if fewer remain.
  bool take(uint64_t n, std::span<const uint8_t>* out) {
    if (remaining() < n) {
      return false;
    }
    *out = bytes_.subspan(static_cast<size_t>(pos_), static_cast<size_t>(n));
    pos_ += n;
    return true;
  }

  /// Skips n bytes; false if fewer remain.
  bool skip(uint64_t n) {
    if (remaining() < n) {
      return false;
    }
    pos_ += n;
    return true;
  }

 private:
  std::span<const uint8_t> bytes_;
  uint64_t pos_ = 0;
};

/// Appends little-endian values to a byte vector.
class ByteWriter {
 public:
  template <class T>
  void put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const size_t at = out_.size();
    out_.resize(at + sizeof(T));
    std::memcpy(out_.data() + at, &v, sizeof(T));
  }
  void put_bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void put_bytes(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  void pad_to(uint64_t alignment) {
    while (out_.size() % alignment != 0) {
      out_.push_back(0);
    }
  }
  size_t size() const { return out_.size(); }
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  std::vector<uint8_t> out_;
};

/// a + b, false on uint64 overflow.
inline bool add_u64(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}
/// a * b, false on uint64 overflow.
inline bool mul_u64(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}

/// Text of a possibly hostile name for an error message: at most 64 bytes, control bytes escaped.
std::string printable(std::string_view s);

}  // namespace vinfer::model::detail
