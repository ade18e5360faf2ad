// ABI encoding against the Solidity documentation's examples and solc's own selectors.
#include <gtest/gtest.h>

#include "evm/chain.hpp"
#include "ledger/evm/abi.hpp"
#include "ledger/evm/referee_calldata.hpp"

namespace vinfer::ledger::evm {
namespace {

TEST(EvmAbi, EncodesTheSpecificationExamples) {
  // docs.soliditylang.org, "Contract ABI Specification", Examples: baz(69, true).
  EXPECT_EQ(abi::to_hex(abi::calldata("baz(uint32,bool)", {abi::uint_(69), abi::uint_(1)})),
            "0xcdcd77c0"
            "0000000000000000000000000000000000000000000000000000000000000045"
            "0000000000000000000000000000000000000000000000000000000000000001");
  // sam("dave", true, [1, 2, 3]): dynamic bytes and a dynamic array, offsets 0x60 and 0xa0.
  const std::vector<uint8_t> dave = {'d', 'a', 'v', 'e'};
  EXPECT_EQ(abi::to_hex(abi::calldata("sam(bytes,bool,uint256[])",
                                      {abi::bytes(dave), abi::uint_(1),
                                       abi::array({abi::uint_(1), abi::uint_(2), abi::uint_(3)})})),
            "0xa5643bf2"
            "0000000000000000000000000000000000000000000000000000000000000060"
            "0000000000000000000000000000000000000000000000000000000000000001"
            "00000000000000000000000000000000000000000000000000000000000000a0"
            "0000000000000000000000000000000000000000000000000000000000000004"
            "6461766500000000000000000000000000000000000000000000000000000000"
            "0000000000000000000000000000000000000000000000000000000000000003"
            "0000000000000000000000000000000000000000000000000000000000000001"
            "0000000000000000000000000000000000000000000000000000000000000002"
            "0000000000000000000000000000000000000000000000000000000000000003");
  EXPECT_EQ(abi::to_hex(abi::encode(abi::int_(-2))),
            "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe");
}

TEST(EvmAbi, DecodesIntsAndRejectsWhatDoesNotFit) {
  auto w = abi::encode(abi::int_(-123456789));
  ASSERT_EQ(abi::decode_int(w).value(), -123456789);
  w[3] = 0x00;  // no longer a sign extension of an int64
  EXPECT_FALSE(abi::decode_int(w).ok());
  EXPECT_FALSE(abi::decode_int(std::vector<uint8_t>(31)).ok());
  EXPECT_FALSE(abi::from_hex("0x123").ok());
  EXPECT_FALSE(abi::from_hex("0xzz").ok());
}

TEST(EvmAbi, DescribesRevertsByTheContractsErrors) {
  const auto& referee_abi = testing::artifacts()["contracts"]["OneStepReferee"]["abi"];
  auto sel = abi::selector("TensorRangeOutOfBounds(uint256,uint256,uint256)");
  std::vector<uint8_t> data(sel.begin(), sel.end());
  for (uint64_t v : {7, 3, 100}) {
    const auto w = abi::encode(abi::uint_(v));
    data.insert(data.end(), w.begin(), w.end());
  }
  EXPECT_EQ(abi::describe_revert(referee_abi, data), "TensorRangeOutOfBounds(7, 3, 100)");
  // Solidity's require(false, "...") is Error(string), known without any ABI.
  const auto err = abi::calldata("Error(string)", {abi::bytes(std::vector<uint8_t>{'n', 'o'})});
  EXPECT_EQ(abi::describe_revert(nlohmann::json::array(), err), "Error(\"no\")");
  EXPECT_EQ(abi::describe_revert(referee_abi, std::vector<uint8_t>{1, 2, 3, 4}),
            "unknown error 0x01020304 (4 bytes)");
  EXPECT_EQ(abi::describe_revert(referee_abi, {}), "revert without data");
}

TEST(EvmAbi, RefereeSignatureIsTheOneSolcCompiled) {
  const auto& ids = testing::artifacts()["contracts"]["OneStepReferee"]["methodIdentifiers"];
  ASSERT_TRUE(ids.contains(kMatmulElementSignature)) << ids.dump();
  EXPECT_EQ("0x" + ids[kMatmulElementSignature].get<std::string>(),
            abi::to_hex(abi::selector(kMatmulElementSignature)));
}

}  // namespace
}  // namespace vinfer::ledger::evm
