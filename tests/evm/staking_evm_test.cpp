// Registry and Staking on anvil, against the rules of MemoryLedger::register_model, stake,
// unbond and withdraw_unbonded: the model root is the Merkle root of its four leaves; a stake
// is at least min_stake; unbonded stake waits unbonding_blocks; the money identity holds
// after every transaction (the fixture checks it).
#include "evm/settlement.hpp"

namespace vinfer::ledger::evm {
namespace {

using testing::Settlement;
using testing::tag;

class EvmRegistry : public Settlement {};
class EvmStaking : public Settlement {};

constexpr const char* kRegister = "registerModel(bytes32,bytes,bytes32,bytes32,bytes32)";

TEST_F(EvmRegistry, test_registerModel_rootOfFourLeaves_succeeds) {
  const commit::Hash root = register_model(3, "tiny-arch");
  const auto m = view("model(bytes32)", {abi::bytes32(root)});
  EXPECT_EQ(testing::address_word(m, 0), id(3));  // owner
  EXPECT_EQ(testing::u64(m, 1), testing::chain().client.block_number().value());
  const std::string arch = "tiny-arch";
  EXPECT_EQ(testing::h256(m, 2), commit::keccak256(std::span<const uint8_t>(
                                     reinterpret_cast<const uint8_t*>(arch.data()), arch.size())));
  EXPECT_EQ(testing::h256(m, 5), tag("tiny-arch/weights"));
}

TEST_F(EvmRegistry, test_registerModel_wrongRoot_reverts) {
  const std::vector<uint8_t> arch = {1, 2, 3};
  const commit::Hash leaves[4] = {commit::keccak256(arch), tag("a"), tag("t"), tag("w")};
  commit::Hash root = commit::merkle_root(leaves);
  // The leaves in another order give another root.
  const commit::Hash swapped[4] = {leaves[0], leaves[2], leaves[1], leaves[3]};
  ASSERT_NE(commit::merkle_root(swapped), root);
  expect_revert(0, kRegister,
                {abi::bytes32(root), abi::bytes(arch), abi::bytes32(leaves[2]),
                 abi::bytes32(leaves[1]), abi::bytes32(leaves[3])},
                "ModelRootMismatch(bytes32,bytes32)");
  root[31] ^= 1;
  expect_revert(0, kRegister,
                {abi::bytes32(root), abi::bytes(arch), abi::bytes32(leaves[1]),
                 abi::bytes32(leaves[2]), abi::bytes32(leaves[3])},
                "ModelRootMismatch(bytes32,bytes32)");
  expect_revert(0, "model(bytes32)", {abi::bytes32(root)}, "ModelNotRegistered(bytes32)");
}

TEST_F(EvmRegistry, test_registerModel_twice_reverts) {
  const std::string name = "m";
  const commit::Hash root = register_model(1, name);
  const std::vector<uint8_t> arch(name.begin(), name.end());
  expect_revert(2, kRegister,
                {abi::bytes32(root), abi::bytes(arch), abi::bytes32(tag("m/arith")),
                 abi::bytes32(tag("m/tokenizer")), abi::bytes32(tag("m/weights"))},
                "ModelExists(bytes32,uint256)");
  EXPECT_EQ(testing::address_word(view("model(bytes32)", {abi::bytes32(root)}), 0), id(1));
}

// As ledger::validate(Params): phases of at least one block, shares of at most 10000 bps.
TEST_F(EvmStaking, test_constructor_badParams_reverts) {
  const auto deploy = [](uint64_t commit_blocks, uint32_t slash_bps) {
    auto code =
        abi::from_hex(testing::artifacts()["contracts"]["Quorum"]["bytecode"].get<std::string>());
    const auto args =
        abi::encode(abi::tuple({abi::uint_(100), abi::uint_(10), abi::uint_(commit_blocks),
                                abi::uint_(8), abi::uint_(slash_bps), abi::uint_(5000)}));
    code->insert(code->end(), args.begin(), args.end());
    return testing::chain().client.deploy(*code).ok();
  };
  EXPECT_FALSE(deploy(0, 10000));
  EXPECT_FALSE(deploy(8, 10001));
  EXPECT_TRUE(deploy(8, 10000));
}

TEST_F(EvmStaking, test_deposit_withdraw_succeeds) {
  tx(4, "deposit()", {}, 5000);
  EXPECT_EQ(balance(4), 5000u);
  tx(4, "withdraw(uint64)", {abi::uint_(1234)});
  EXPECT_EQ(balance(4), 5000u - 1234u);
  EXPECT_EQ(testing::u64(view("moneyIdentity()", {}), 0), 5000u - 1234u);
  expect_revert(4, "withdraw(uint64)", {abi::uint_(5000)},
                "InsufficientFunds(address,uint256,uint256)");
  expect_revert(4, "deposit()", {}, "ZeroAmount()");
}

TEST_F(EvmStaking, test_stake_belowMin_reverts) {
  tx(5, "deposit()", {}, 1000);
  expect_revert(5, "stake(uint64)", {abi::uint_(params().min_stake - 1)},
                "BelowMinStake(uint256,uint256)");
  expect_revert(5, "stake(uint64)", {abi::uint_(1001)},
                "InsufficientFunds(address,uint256,uint256)");
  expect_revert(5, "stake(uint64)", {abi::uint_(0)}, "ZeroAmount()");
  tx(5, "stake(uint64)", {abi::uint_(params().min_stake)});
  tx(5, "stake(uint64)", {abi::uint_(1)});  // the minimum binds the total, not each top-up
  EXPECT_EQ(stake(5), params().min_stake + 1);
  EXPECT_EQ(balance(5), 1000u - params().min_stake - 1);
}

TEST_F(EvmStaking, test_unbond_delay_succeeds) {
  tx(6, "deposit()", {}, 1000);
  tx(6, "stake(uint64)", {abi::uint_(600)});
  // What stays bonded is zero or at least the minimum.
  expect_revert(6, "unbond(uint64)", {abi::uint_(600 - params().min_stake + 1)},
                "BelowMinStake(uint256,uint256)");
  expect_revert(6, "unbond(uint64)", {abi::uint_(601)},
                "InsufficientFunds(address,uint256,uint256)");
  const Receipt r = tx(6, "unbond(uint64)", {abi::uint_(200)});
  EXPECT_EQ(stake(6), 400u);
  EXPECT_EQ(testing::u64(view("unbondingOf(address)", {abi::address(id(6))}), 0), 200u);
  const uint64_t release = r.block_number + params().unbonding_blocks;
  expect_revert(6, "withdrawUnbonded()", {}, "NothingMatured(uint256,uint256)");
  next_tx_in_block(release - 1);
  expect_revert(6, "withdrawUnbonded()", {}, "NothingMatured(uint256,uint256)");
  next_tx_in_block(release);
  const Receipt w = tx(6, "withdrawUnbonded()", {});
  EXPECT_EQ(w.block_number, release);
  EXPECT_EQ(balance(6), 600u);
  EXPECT_EQ(testing::u64(view("unbondingOf(address)", {abi::address(id(6))}), 0), 0u);
  expect_revert(6, "withdrawUnbonded()", {}, "NothingUnbonding(address)");
  tx(6, "unbond(uint64)", {abi::uint_(400)});  // all of it
  EXPECT_EQ(stake(6), 0u);
}

TEST_F(EvmStaking, test_registerKey_zero_reverts) {
  expect_revert(7, "registerKey(bytes32)", {abi::bytes32(commit::Hash{})}, "ZeroKey()");
  tx(7, "registerKey(bytes32)", {abi::bytes32(tag("k1"))});
  tx(7, "registerKey(bytes32)", {abi::bytes32(tag("k2"))});  // a replacement
  EXPECT_EQ(testing::h256(view("keyOf(address)", {abi::address(id(7))}), 0), tag("k2"));
}

}  // namespace
}  // namespace vinfer::ledger::evm
