// Keccak-256: published vectors, one-shot vs incremental, hex round trips.
#include "vinfer/commit/keccak.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace vinfer::commit {
namespace {

std::vector<std::uint8_t> random_bytes(std::size_t n, std::mt19937_64& rng) {
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) {
    b = static_cast<std::uint8_t>(rng());
  }
  return v;
}

TEST(Keccak, PublishedVectors) {
  EXPECT_EQ(to_hex(keccak256(std::string_view(""))),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(to_hex(keccak256(std::string_view("abc"))),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(to_hex(keccak256(std::string_view("The quick brown fox jumps over the lazy dog"))),
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
}

TEST(Keccak, IsNotSha3) {
  // SHA3-256("") = a7ffc6f8...; the EVM's Keccak-256 pads with 0x01, so it must differ.
  EXPECT_NE(to_hex(keccak256(std::string_view(""))).substr(0, 8), "a7ffc6f8");
}

TEST(Keccak, IncrementalMatchesOneShotAtRandomSplits) {
  std::mt19937_64 rng(42);
  std::vector<std::size_t> lengths = {135, 136, 137, 1000, 271, 272, 273, 4096};
  for (std::size_t n = 0; n < 300; n += 7) {
    lengths.push_back(n);
  }
  for (std::size_t n : lengths) {
    const std::vector<std::uint8_t> msg = random_bytes(n, rng);
    const Hash want = keccak256(msg);
    for (int trial = 0; trial < 20; ++trial) {
      Keccak256 h;
      std::size_t at = 0;
      while (at < n) {
        const std::size_t take = std::min<std::size_t>(n - at, rng() % 300);
        if (take == 1 && trial % 2 == 0) {
          h.update_byte(msg[at]);
        } else {
          h.update(std::span(msg).subspan(at, take));
        }
        at += take;
      }
      ASSERT_EQ(h.finalize(), want) << "length " << n << " trial " << trial;
    }
  }
}

TEST(Keccak, ByteAtATimeAndReset) {
  std::mt19937_64 rng(7);
  const std::vector<std::uint8_t> msg = random_bytes(1000, rng);
  Keccak256 h;
  h.update(msg);  // discarded by reset
  h.reset();
  for (std::uint8_t b : msg) {
    h.update_byte(b);
  }
  EXPECT_EQ(h.finalize(), keccak256(msg));
}

TEST(Keccak, HexRoundTrip) {
  const Hash h = keccak256(std::string_view("abc"));
  const std::string hex = to_hex(h);
  ASSERT_TRUE(hash_from_hex(hex).ok());
  EXPECT_EQ(hash_from_hex(hex).value(), h);
  EXPECT_EQ(hash_from_hex("0x" + hex).value(), h);
  std::string upper = hex;
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(hash_from_hex("0X" + upper).value(), h);
}

TEST(Keccak, HexRejectsMalformed) {
  const std::string hex = to_hex(keccak256(std::string_view("abc")));
  EXPECT_FALSE(hash_from_hex(hex.substr(1)).ok());
  EXPECT_FALSE(hash_from_hex(hex + "0").ok());
  EXPECT_FALSE(hash_from_hex("").ok());
  EXPECT_FALSE(hash_from_hex("0x").ok());
  std::string bad = hex;
  bad[17] = 'g';
  const Result<Hash> r = hash_from_hex(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::parse);
  EXPECT_NE(r.error().message.find("17"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace vinfer::commit
