// Keccak-f[1600] and the Keccak-256 sponge (rate 136 bytes, capacity 64 bytes).
//
// The permutation follows the Keccak reference (Bertoni, Daemen, Peeters, Van Assche,
// "The Keccak reference", v3.0, §1.2): theta, rho, pi, chi, iota on 25 64-bit lanes, lane
// (x, y) stored at index x + 5y. The round is expanded at compile time from the rho and pi
// tables below, so every lane index is a constant and the state lives in registers.
#include "vinfer/commit/keccak.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace vinfer::commit {
namespace {

// One round on lanes A0..A24 into E0..E24. Theta's column parities c and their mix d come
// first; then each output plane y is chi of five lanes that rho and pi bring into it:
// lane (x, y) rotated by its rho offset lands at (y, 2x + 3y mod 5). Each PLANE line below
// lists, for one output plane, its five source lanes (x + 5y) and their rho offsets.
#define VINFER_KECCAK_PLANE(e0, e1, e2, e3, e4, s0, r0, s1, r1, s2, r2, s3, r3, s4, r4) \
  b0 = std::rotl(s0, r0);                                                               \
  b1 = std::rotl(s1, r1);                                                               \
  b2 = std::rotl(s2, r2);                                                               \
  b3 = std::rotl(s3, r3);                                                               \
  b4 = std::rotl(s4, r4);                                                               \
  (e0) = b0 ^ (~b1 & b2);                                                               \
  (e1) = b1 ^ (~b2 & b3);                                                               \
  (e2) = b2 ^ (~b3 & b4);                                                               \
  (e3) = b3 ^ (~b4 & b0);                                                               \
  (e4) = b4 ^ (~b0 & b1)

#define VINFER_KECCAK_ROUND(A, E, rc)                                                              \
  do {                                                                                             \
    std::uint64_t c0 = A##0 ^ A##5 ^ A##10 ^ A##15 ^ A##20;                                        \
    std::uint64_t c1 = A##1 ^ A##6 ^ A##11 ^ A##16 ^ A##21;                                        \
    std::uint64_t c2 = A##2 ^ A##7 ^ A##12 ^ A##17 ^ A##22;                                        \
    std::uint64_t c3 = A##3 ^ A##8 ^ A##13 ^ A##18 ^ A##23;                                        \
    std::uint64_t c4 = A##4 ^ A##9 ^ A##14 ^ A##19 ^ A##24;                                        \
    const std::uint64_t d0 = c4 ^ std::rotl(c1, 1);                                                \
    const std::uint64_t d1 = c0 ^ std::rotl(c2, 1);                                                \
    const std::uint64_t d2 = c1 ^ std::rotl(c3, 1);                                                \
    const std::uint64_t d3 = c2 ^ std::rotl(c4, 1);                                                \
    const std::uint64_t d4 = c3 ^ std::rotl(c0, 1);                                                \
    std::uint64_t b0, b1, b2, b3, b4;                                                              \
    VINFER_KECCAK_PLANE(E##0, E##1, E##2, E##3, E##4, A##0 ^ d0, 0, A##6 ^ d1, 44, A##12 ^ d2, 43, \
                        A##18 ^ d3, 21, A##24 ^ d4, 14);                                           \
    E##0 ^= (rc);                                                                                  \
    VINFER_KECCAK_PLANE(E##5, E##6, E##7, E##8, E##9, A##3 ^ d3, 28, A##9 ^ d4, 20, A##10 ^ d0, 3, \
                        A##16 ^ d1, 45, A##22 ^ d2, 61);                                           \
    VINFER_KECCAK_PLANE(E##10, E##11, E##12, E##13, E##14, A##1 ^ d1, 1, A##7 ^ d2, 6, A##13 ^ d3, \
                        25, A##19 ^ d4, 8, A##20 ^ d0, 18);                                        \
    VINFER_KECCAK_PLANE(E##15, E##16, E##17, E##18, E##19, A##4 ^ d4, 27, A##5 ^ d0, 36,           \
                        A##11 ^ d1, 10, A##17 ^ d2, 15, A##23 ^ d3, 56);                           \
    VINFER_KECCAK_PLANE(E##20, E##21, E##22, E##23, E##24, A##2 ^ d2, 62, A##8 ^ d3, 55,           \
                        A##14 ^ d4, 39, A##15 ^ d0, 41, A##21 ^ d1, 2);                            \
  } while (0)

inline std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap64(v);
  }
  return v;
}

inline void store_le64(std::uint8_t* p, std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap64(v);
  }
  std::memcpy(p, &v, 8);
}

// Two rounds per iteration ping-pong between lanes a* and e*, so no round copies the state.
void keccak_f1600(std::uint64_t (&s)[25]) {
  std::uint64_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4], a5 = s[5], a6 = s[6],
                a7 = s[7], a8 = s[8], a9 = s[9], a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13],
                a14 = s[14], a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19],
                a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
  std::uint64_t e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13, e14, e15, e16, e17, e18,
      e19, e20, e21, e22, e23, e24;
  for (int r = 0; r < 24; r += 2) {
    VINFER_KECCAK_ROUND(a, e, kKeccakRoundConstants[r]);
    VINFER_KECCAK_ROUND(e, a, kKeccakRoundConstants[r + 1]);
  }
  // clang-format off
  s[0] = a0; s[1] = a1; s[2] = a2; s[3] = a3; s[4] = a4;
  s[5] = a5; s[6] = a6; s[7] = a7; s[8] = a8; s[9] = a9;
  s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14;
  s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19;
  s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24;
  // clang-format on
}

#undef VINFER_KECCAK_ROUND
#undef VINFER_KECCAK_PLANE

inline void absorb_block(std::uint64_t (&lanes)[25], const std::uint8_t* block) {
  for (std::size_t i = 0; i < Keccak256::kRateBytes / 8; ++i) {
    lanes[i] ^= load_le64(block + 8 * i);
  }
  keccak_f1600(lanes);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

void Keccak256::reset() {
  std::memset(lanes_, 0, sizeof lanes_);
  buf_len_ = 0;
}

void Keccak256::update(std::span<const std::uint8_t> data) {
  if (data.empty()) {
    return;  // an empty span may carry a null pointer, which memcpy must not see
  }
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  if (buf_len_ > 0) {
    const std::size_t take = std::min(n, kRateBytes - buf_len_);
    std::memcpy(buf_ + buf_len_, p, take);
    buf_len_ += take;
    p += take;
    n -= take;
    if (buf_len_ < kRateBytes) {
      return;
    }
    absorb_block(lanes_, buf_);
    buf_len_ = 0;
  }
  for (; n >= kRateBytes; p += kRateBytes, n -= kRateBytes) {
    absorb_block(lanes_, p);
  }
  if (n > 0) {
    std::memcpy(buf_, p, n);
  }
  buf_len_ = n;
}

void Keccak256::update_byte(std::uint8_t b) {
  buf_[buf_len_++] = b;
  if (buf_len_ == kRateBytes) {
    absorb_block(lanes_, buf_);
    buf_len_ = 0;
  }
}

Hash Keccak256::finalize() {
  // Keccak pad10*1 with the original submission's domain bit: first pad byte 0x01,
  // last byte of the block |= 0x80 (both in one byte, 0x81, when one byte is left).
  std::memset(buf_ + buf_len_, 0, kRateBytes - buf_len_);
  buf_[buf_len_] = 0x01;
  buf_[kRateBytes - 1] |= 0x80;
  absorb_block(lanes_, buf_);
  buf_len_ = 0;
  Hash out;
  for (std::size_t i = 0; i < 4; ++i) {
    store_le64(out.data() + 8 * i, lanes_[i]);
  }
  return out;
}

Hash keccak256(std::span<const std::uint8_t> data) {
  Keccak256 h;
  h.update(data);
  return h.finalize();
}

Hash keccak256(std::string_view data) {
  return keccak256(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

std::string to_hex(const Hash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(64, '0');
  for (std::size_t i = 0; i < h.size(); ++i) {
    s[2 * i] = kDigits[h[i] >> 4];
    s[2 * i + 1] = kDigits[h[i] & 0xf];
  }
  return s;
}

Result<Hash> hash_from_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  if (text.size() != 64) {
    return fail(Errc::parse,
                "hash: expected 64 hex digits, got " + std::to_string(text.size()) + " characters");
  }
  Hash h;
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      const std::size_t at = hi < 0 ? 2 * i : 2 * i + 1;
      return fail(Errc::parse, "hash: character " + std::to_string(at) + " is not a hex digit");
    }
    h[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return h;
}

}  // namespace vinfer::commit
