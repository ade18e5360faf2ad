// Big-endian writer and bounds-checked reader for vinfer's wire and record encodings
// (dispute moves, ledger records): integers big-endian as the EVM's ABI and the hashed
// preimages have them, hashes as 32 raw bytes. A reader takes untrusted bytes; every
// failed read names its field and offset. Also the hex digits every text form of bytes
// (addresses, ABI words, the ledger's HTTP records) is written and read with.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "vinfer/result.hpp"

namespace vinfer::wire {

/// The value of one hex digit, either case; -1 for any other character.
constexpr int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Two lowercase hex digits per byte, no prefix.
inline std::string hex_of(std::span<const uint8_t> b) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * b.size());
  for (uint8_t v : b) {
    s.push_back(kDigits[v >> 4]);
    s.push_back(kDigits[v & 15]);
  }
  return s;
}

/// Appends big-endian integers and raw bytes.
class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { be(v, 2); }
  void u32(uint32_t v) { be(v, 4); }
  void u64(uint64_t v) { be(v, 8); }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  template <size_t N>
  void fixed(const std::array<uint8_t, N>& a) {
    bytes(a);
  }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  void be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i)
      out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> out_;
};

/// Reads what ByteWriter wrote; every read names its field if the bytes run out.
class ByteReader {
 public:
  /// `what` prefixes every error ("game state").
  ByteReader(std::span<const uint8_t> b, std::string what) : b_(b), what_(std::move(what)) {}

  Result<uint64_t> be(const char* field, int n) {
    VINFER_CHECK(need(field, static_cast<size_t>(n)));
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v = (v << 8) | b_[at_++];
    return v;
  }
  Result<uint8_t> u8(const char* field) {
    VINFER_TRY(uint64_t v, be(field, 1));
    return static_cast<uint8_t>(v);
  }
  Result<uint16_t> u16(const char* field) {
    VINFER_TRY(uint64_t v, be(field, 2));
    return static_cast<uint16_t>(v);
  }
  Result<uint32_t> u32(const char* field) {
    VINFER_TRY(uint64_t v, be(field, 4));
    return static_cast<uint32_t>(v);
  }
  Result<uint64_t> u64(const char* field) { return be(field, 8); }
  template <size_t N>
  Status fixed(const char* field, std::array<uint8_t, N>& out) {
    VINFER_CHECK(need(field, N));
    std::memcpy(out.data(), b_.data() + at_, N);
    at_ += N;
    return ok_status();
  }
  Result<std::string> str(const char* field, size_t n) {
    VINFER_CHECK(need(field, n));
    std::string s(reinterpret_cast<const char*>(b_.data() + at_), n);
    at_ += n;
    return s;
  }
  /// Checks a 4-byte magic and a u16 version.
  Status header(const char magic[4], uint16_t version) {
    VINFER_CHECK(need("magic", 4));
    if (std::memcmp(b_.data(), magic, 4) != 0)
      return fail(Errc::parse,
                  what_ + ": bad magic at offset 0 (expected \"" + std::string(magic, 4) + "\")");
    at_ = 4;
    VINFER_TRY(uint16_t v, u16("version"));
    if (v != version)
      return fail(Errc::unsupported,
                  what_ + ": version " + std::to_string(v) + " at offset 4 is not supported");
    return ok_status();
  }
  /// Errors unless every byte was read.
  Status finish() const {
    if (at_ != b_.size())
      return fail(Errc::parse, what_ + ": " + std::to_string(b_.size() - at_) +
                                   " trailing bytes at offset " + std::to_string(at_));
    return ok_status();
  }
  size_t offset() const { return at_; }
  /// Bytes not read yet.
  size_t remaining() const { return b_.size() - at_; }
  /// Reads a u32 element count and checks that `count * min_bytes` bytes can still follow,
  /// so a forged count cannot make the caller allocate more than the input could fill.
  Result<uint32_t> count(const char* field, size_t min_bytes) {
    VINFER_TRY(uint32_t n, u32(field));
    if (min_bytes > 0 && n > remaining() / min_bytes)
      return fail(Errc::truncated, what_ + ": " + field + " = " + std::to_string(n) +
                                       " at offset " + std::to_string(at_ - 4) + ", but only " +
                                       std::to_string(remaining()) + " bytes follow");
    return n;
  }
  /// An error naming `field` at the current offset.
  Error bad(const char* field, const std::string& why) const {
    return fail(Errc::parse,
                what_ + ": " + field + " at offset " + std::to_string(at_) + ": " + why);
  }

 private:
  Status need(const char* field, size_t n) const {
    if (b_.size() - at_ < n)
      return fail(Errc::truncated, what_ + ": " + field + " at offset " + std::to_string(at_) +
                                       " needs " + std::to_string(n) + " bytes, " +
                                       std::to_string(b_.size() - at_) + " left");
    return ok_status();
  }
  std::span<const uint8_t> b_;
  std::string what_;
  size_t at_ = 0;
};

}  // namespace vinfer::wire
