// LibArith (contracts/src/lib/LibArith.sol) against src/arith, bit for bit: the packed int8
// dot product on random and extreme rows of every tail length, and matmul_requant's
// rounding and saturation at their edges.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "evm/chain.hpp"
#include "vinfer/arith/ops.hpp"

namespace vinfer::ledger::evm {
namespace {

using testing::call;

Result<int64_t> evm_dot(const std::vector<int8_t>& w, const std::vector<int8_t>& x) {
  auto bw = std::span(reinterpret_cast<const uint8_t*>(w.data()), w.size());
  auto bx = std::span(reinterpret_cast<const uint8_t*>(x.data()), x.size());
  testing::Chain& c = testing::chain();
  VINFER_TRY(auto out,
             c.client.call(c.address("Harness"),
                           abi::calldata("dotS8(bytes,bytes)", {abi::bytes(bw), abi::bytes(bx)})));
  return abi::decode_int(out);
}

int64_t cpp_dot(const std::vector<int8_t>& w, const std::vector<int8_t>& x) {
  return arith::dot_s8(w.data(), x.data(), w.size());
}

TEST(EvmArith, DotS8MatchesArithOnRandomRowsOfEveryTail) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> byte(-128, 127);
  int cases = 0;
  for (size_t n : {1,   2,   3,   7,   8,   31,   32,   33,   63,   64,    65,   95,
                   100, 160, 255, 256, 257, 1000, 4095, 4096, 4097, 11008, 16384}) {
    for (int rep = 0; rep < 3; ++rep) {
      std::vector<int8_t> w(n), x(n);
      for (size_t i = 0; i < n; ++i) {
        w[i] = static_cast<int8_t>(byte(rng));
        x[i] = static_cast<int8_t>(byte(rng));
      }
      auto got = evm_dot(w, x);
      ASSERT_TRUE(got.ok()) << "n=" << n << ": " << got.error().to_string();
      ASSERT_EQ(*got, cpp_dot(w, x)) << "n=" << n << " rep " << rep;
      ++cases;
    }
  }
  EXPECT_EQ(cases, 69);
}

TEST(EvmArith, DotS8MatchesArithAtTheExtremes) {
  // Every packed lane at its largest (127 -> 255 after the offset) over the widest row the
  // packing allows, the most negative products, and -128 (offset 0) against everything.
  struct Case {
    size_t n;
    int8_t w, x;
  };
  for (const Case& c :
       {Case{65536, 127, 127}, Case{65536, -128, -128}, Case{65536, -128, 127},
        Case{65536, 127, -127}, Case{4096, -128, 0}, Case{33, 0, 0}, Case{4097, 127, -128}}) {
    std::vector<int8_t> w(c.n, c.w), x(c.n, c.x);
    auto got = evm_dot(w, x);
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    EXPECT_EQ(*got, int64_t{c.w} * c.x * static_cast<int64_t>(c.n))
        << "n=" << c.n << " w=" << int{c.w} << " x=" << int{c.x};
  }
  // Alternating signs cancel exactly.
  std::vector<int8_t> w(4096), x(4096, 127);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = i % 2 ? -127 : 127;
  EXPECT_EQ(evm_dot(w, x).value(), 0);
}

TEST(EvmArith, DotS8RevertsPastTheWidthItIsExactFor) {
  std::vector<int8_t> w(65537, 1), x(65537, 1);
  auto got = evm_dot(w, x);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(testing::chain().client.rpc().last_error().data.substr(0, 10),
            testing::error_selector("DotTooWide(uint256)"));
}

int64_t evm_requant(int64_t acc, int64_t m, arith::Dyadic d) {
  auto out = call("Harness", abi::calldata("matmulRequant(int256,int256,int256,uint256)",
                                           {abi::int_(acc), abi::int_(m), abi::int_(d.mant),
                                            abi::uint_(static_cast<uint64_t>(d.shift))}));
  return abi::decode_int(out).value();
}

TEST(EvmArith, MatmulRequantMatchesArithOnRandomOperands) {
  std::mt19937_64 rng(12);
  for (int i = 0; i < 200; ++i) {
    const int32_t acc = static_cast<int32_t>(rng() % (uint64_t{1} << 29)) - (1 << 28);
    const int64_t m = static_cast<int64_t>(rng() % ((uint64_t{1} << 31) + 1));
    const arith::Dyadic d{static_cast<int32_t>((uint64_t{1} << 30) + rng() % (uint64_t{1} << 30)),
                          static_cast<int32_t>(rng() % 101)};
    ASSERT_EQ(evm_requant(acc, m, d), arith::matmul_requant(acc, m, d))
        << "acc=" << acc << " m=" << m << " mant=" << d.mant << " shift=" << d.shift;
  }
}

TEST(EvmArith, MatmulRequantRoundsHalvesUpAndSaturatesAsArith) {
  const arith::Dyadic one_half{1 << 30, 31};  // x * 2^-1
  int checked = 0;
  for (int32_t acc : {-5, -3, -1, 1, 3, 5}) {  // odd: exactly half way; -2.5 -> -2, 2.5 -> 3
    const int64_t want = arith::matmul_requant(acc, 1, one_half);
    EXPECT_EQ(evm_requant(acc, 1, one_half), want) << acc;
    EXPECT_EQ(want, (acc + 1) >> 1);  // half toward +inf
    ++checked;
  }
  // Around the saturation bound 2^24 on both sides, with shift 0 (value = acc * m * mant).
  const arith::Dyadic unit{1, 0};
  for (int64_t v :
       {(int64_t{1} << 24) - 1, int64_t{1} << 24, (int64_t{1} << 24) + 1, -(int64_t{1} << 24) + 1,
        -(int64_t{1} << 24), -(int64_t{1} << 24) - 1, int64_t{1} << 30, -(int64_t{1} << 30)}) {
    const int64_t want = arith::matmul_requant(static_cast<int32_t>(v), 1, unit);
    EXPECT_EQ(evm_requant(v, 1, unit), want) << v;
    EXPECT_LE(std::abs(want), int64_t{1} << 24);
    ++checked;
  }
  // The largest operands: |acc| near 2^31, m = 2^31, mant near 2^31, shifts 0 and 100.
  for (int32_t shift : {0, 1, 62, 63, 64, 93, 100}) {
    for (int32_t acc : {INT32_MIN, INT32_MAX, -1, 0}) {
      const arith::Dyadic d{INT32_MAX, shift};
      EXPECT_EQ(evm_requant(acc, int64_t{1} << 31, d),
                arith::matmul_requant(acc, int64_t{1} << 31, d))
          << "acc=" << acc << " shift=" << shift;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6 + 8 + 28);
}

}  // namespace
}  // namespace vinfer::ledger::evm
