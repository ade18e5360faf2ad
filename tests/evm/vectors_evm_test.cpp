// tests/evm/vectors/matmul.txt (written by gen_matmul_vectors.py, a Python implementation
// of the rule) read by both sides: src/arith and the Solidity LibArith must give every
// line's dot product and element.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "evm/chain.hpp"
#include "vinfer/arith/ops.hpp"

namespace vinfer::ledger::evm {
namespace {

struct Vector {
  uint64_t n, wa, wb, xa, xb;
  int64_t m, mant, shift, dot, element;
};

std::vector<int8_t> row(uint64_t n, uint64_t a, uint64_t b) {
  std::vector<int8_t> v(n);
  for (uint64_t i = 0; i < n; ++i)
    v[i] = static_cast<int8_t>(static_cast<uint8_t>((a * (i + (i >> 8)) + b) % 256));
  return v;
}

std::vector<Vector> read_vectors() {
  std::ifstream in(VINFER_SOURCE_DIR "/tests/evm/vectors/matmul.txt");
  EXPECT_TRUE(in.good());
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream ss(line);
    Vector v;
    ss >> v.n >> v.wa >> v.wb >> v.xa >> v.xb >> v.m >> v.mant >> v.shift >> v.dot >> v.element;
    EXPECT_FALSE(ss.fail()) << line;
    out.push_back(v);
  }
  return out;
}

TEST(EvmVectors, ArithAndSolidityGiveEveryMatmulVector) {
  const std::vector<Vector> vs = read_vectors();
  ASSERT_EQ(vs.size(), 200u);
  testing::Chain& c = testing::chain();
  const std::string harness = c.address("Harness");
  uint64_t last_n = 0, last_key = ~uint64_t{0};
  int64_t evm_dot = 0;
  for (const Vector& v : vs) {
    SCOPED_TRACE(::testing::Message()
                 << "n=" << v.n << " w=(" << v.wa << "," << v.wb << ") x=(" << v.xa << "," << v.xb
                 << ") m=" << v.m << " mant=" << v.mant << " shift=" << v.shift);
    const std::vector<int8_t> w = row(v.n, v.wa, v.wb), x = row(v.n, v.xa, v.xb);
    const int32_t dot = arith::dot_s8(w.data(), x.data(), v.n);
    EXPECT_EQ(dot, v.dot);
    const arith::Dyadic d{static_cast<int32_t>(v.mant), static_cast<int32_t>(v.shift)};
    EXPECT_EQ(arith::matmul_requant(dot, v.m, d), v.element);
    // The same rows are shared by consecutive lines: one dot product call per row pair.
    const uint64_t key = v.wa << 24 | v.wb << 16 | v.xa << 8 | v.xb;
    if (v.n != last_n || key != last_key) {
      auto out = c.client.call(
          harness, abi::calldata("dotS8(bytes,bytes)",
                                 {abi::bytes({reinterpret_cast<const uint8_t*>(w.data()), v.n}),
                                  abi::bytes({reinterpret_cast<const uint8_t*>(x.data()), v.n})}));
      ASSERT_TRUE(out.ok()) << out.error().to_string();
      evm_dot = abi::decode_int(*out).value();
      last_n = v.n;
      last_key = key;
    }
    EXPECT_EQ(evm_dot, v.dot);
    auto el = c.client.call(harness, abi::calldata("matmulRequant(int256,int256,int256,uint256)",
                                                   {abi::int_(v.dot), abi::int_(v.m),
                                                    abi::int_(v.mant), abi::uint_(v.shift)}));
    ASSERT_TRUE(el.ok()) << el.error().to_string();
    EXPECT_EQ(abi::decode_int(*el).value(), v.element);
  }
}

}  // namespace
}  // namespace vinfer::ledger::evm
