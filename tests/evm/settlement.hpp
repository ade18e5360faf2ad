// The fixture of the settlement contracts' tests (Registry, Staking, Quorum): one Quorum
// deployed per test process with the MemoryLedger's parameters written out, anvil's ten
// unlocked accounts as clients and nodes, every test run from a snapshot and reverted to it
// after, and the money identity checked after every transaction a test sends.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evm/chain.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/quorum/types.hpp"

namespace vinfer::ledger::evm::testing {

/// The contract's parameters (constructor order); slash and share are not 100 % / 50 % so
/// that every floor of settle_round has something to round.
struct SettlementParams {
  uint64_t min_stake = 100;
  uint64_t unbonding_blocks = 10;
  uint64_t commit_blocks = 8;
  uint64_t reveal_blocks = 8;
  uint32_t slash_bps = 7500;
  uint32_t majority_share_bps = 4000;
};

/// Word `i` of ABI return data.
inline abi::Word word(const std::vector<uint8_t>& data, size_t i) {
  abi::Word w{};
  EXPECT_GE(data.size(), 32 * (i + 1)) << "return data too short for word " << i;
  if (data.size() >= 32 * (i + 1))
    std::copy(data.begin() + static_cast<std::ptrdiff_t>(32 * i),
              data.begin() + static_cast<std::ptrdiff_t>(32 * (i + 1)), w.begin());
  return w;
}

/// Word `i` as an unsigned integer that must fit 64 bits.
inline uint64_t u64(const std::vector<uint8_t>& data, size_t i) {
  const abi::Word w = word(data, i);
  for (size_t k = 0; k < 24; ++k)
    EXPECT_EQ(w[k], 0) << "word " << i << " does not fit 64 bits";
  uint64_t v = 0;
  for (size_t k = 24; k < 32; ++k)
    v = v << 8 | w[k];
  return v;
}

inline commit::Hash h256(const std::vector<uint8_t>& data, size_t i) {
  const abi::Word w = word(data, i);
  commit::Hash h;
  std::copy(w.begin(), w.end(), h.begin());
  return h;
}

inline quorum::NodeId address_word(const std::vector<uint8_t>& data, size_t i) {
  const abi::Word w = word(data, i);
  quorum::NodeId a;
  std::copy(w.begin() + 12, w.end(), a.begin());
  return a;
}

/// A 32-byte value from a label, for salts, outputs and keys.
inline commit::Hash tag(const std::string& s) {
  return commit::keccak256(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

class Settlement : public ::testing::Test {
 protected:
  static constexpr size_t kAccounts = 10;

  void SetUp() override {
    Chain& c = chain();
    if (clients().empty()) {
      auto accts = c.client.accounts();
      ASSERT_TRUE(accts.ok()) << accts.error().to_string();
      ASSERT_GE(accts->size(), kAccounts);
      for (size_t i = 0; i < kAccounts; ++i) {
        clients().emplace_back(JsonRpc(c.anvil.url()), (*accts)[i]);
        auto id = abi::from_hex((*accts)[i]);
        ASSERT_TRUE(id.ok() && id->size() == 20);
        quorum::NodeId a;
        std::copy(id->begin(), id->end(), a.begin());
        ids().push_back(a);
      }
      quorum_address() = deploy_quorum(params());
      harness_address() = c.address("Harness");
    }
    auto s = c.client.snapshot();
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    snapshot_ = *s;
  }

  void TearDown() override { EXPECT_TRUE(chain().client.revert_to(snapshot_).ok()); }

  static const SettlementParams& params() {
    static const SettlementParams p;
    return p;
  }

  /// Deploys Quorum (which is Registry and Staking) with `p`.
  static std::string deploy_quorum(const SettlementParams& p) {
    const nlohmann::json& art = artifacts()["contracts"]["Quorum"];
    auto code = abi::from_hex(art["bytecode"].get<std::string>());
    VINFER_ASSERT(code.ok());
    const auto args = abi::encode(abi::tuple(
        {abi::uint_(p.min_stake), abi::uint_(p.unbonding_blocks), abi::uint_(p.commit_blocks),
         abi::uint_(p.reveal_blocks), abi::uint_(p.slash_bps), abi::uint_(p.majority_share_bps)}));
    code->insert(code->end(), args.begin(), args.end());
    auto addr = chain().client.deploy(*code);
    EXPECT_TRUE(addr.ok()) << addr.error().to_string();
    return addr.ok() ? *addr : std::string();
  }

  static std::vector<EvmClient>& clients() {
    static std::vector<EvmClient> c;
    return c;
  }
  static std::vector<quorum::NodeId>& ids() {
    static std::vector<quorum::NodeId> a;
    return a;
  }
  static std::string& quorum_address() {
    static std::string a;
    return a;
  }
  static std::string& harness_address() {
    static std::string a;
    return a;
  }
  static const quorum::NodeId& id(size_t account) { return ids().at(account); }

  /// eth_call of Quorum from account 0; fails the test on a revert.
  static std::vector<uint8_t> view(std::string_view sig, std::vector<abi::Value> args) {
    auto r = clients()[0].call(quorum_address(), abi::calldata(sig, std::move(args)));
    EXPECT_TRUE(r.ok()) << sig << ": " << r.error().to_string();
    return r.ok() ? *r : std::vector<uint8_t>();
  }
  static std::vector<uint8_t> harness(std::string_view sig, std::vector<abi::Value> args) {
    auto r = clients()[0].call(harness_address(), abi::calldata(sig, std::move(args)));
    EXPECT_TRUE(r.ok()) << sig << ": " << r.error().to_string();
    return r.ok() ? *r : std::vector<uint8_t>();
  }

  static uint64_t balance(size_t a) {
    return u64(view("balanceOf(address)", {abi::address(id(a))}), 0);
  }
  static uint64_t stake(size_t a) {
    return u64(view("stakeOf(address)", {abi::address(id(a))}), 0);
  }
  static uint64_t burned() { return u64(view("burned()", {}), 0); }

  /// The money identity: the wei held, the wei deposited and the sum of the buckets agree.
  static void expect_money_identity(std::string_view after) {
    const auto m = view("moneyIdentity()", {});
    const uint64_t held = u64(m, 0), deposits = u64(m, 1), buckets = u64(m, 2);
    EXPECT_EQ(held, deposits) << "after " << after;
    EXPECT_EQ(deposits, buckets) << "after " << after;
  }

  /// Sends `sig(args)` from `account` with `value` wei; it must succeed. Checks the money
  /// identity after it.
  static Receipt tx(size_t account,
                    std::string_view sig,
                    std::vector<abi::Value> args,
                    uint64_t value = 0) {
    auto r = clients()[account].send(quorum_address(), abi::calldata(sig, std::move(args)),
                                     16'000'000, value);
    EXPECT_TRUE(r.ok()) << sig << ": " << r.error().to_string();
    if (!r.ok())
      return {};
    if (!r->success) {
      ADD_FAILURE() << sig << " from account " << account << " reverted";
    }
    expect_money_identity(sig);
    return *r;
  }

  /// `sig(args)` from `account` must revert with the custom error `error_sig`: eth_call on
  /// the pending block names the error; the transaction sent after it is mined as failed, and the
  /// money identity holds.
  static void expect_revert(size_t account,
                            std::string_view sig,
                            std::vector<abi::Value> args,
                            const char* error_sig,
                            uint64_t value = 0) {
    const auto data = abi::calldata(sig, std::move(args));
    EvmClient& c = clients()[account];
    // "pending": the call sees the block number the transaction will be mined with.
    auto r = c.call(quorum_address(), data, "pending");
    ASSERT_FALSE(r.ok()) << sig << " did not revert";
    EXPECT_EQ(c.rpc().last_error().data.substr(0, 10), error_selector(error_sig))
        << sig << ": "
        << abi::describe_revert(artifacts()["contracts"]["Quorum"]["abi"],
                                abi::from_hex(c.rpc().last_error().data).value());
    auto rc = c.send(quorum_address(), data, 1'000'000, value);
    ASSERT_TRUE(rc.ok()) << rc.error().to_string();
    EXPECT_FALSE(rc->success) << sig << " was mined as a success";
    expect_money_identity(sig);
  }

  /// Mines empty blocks so that the next transaction lands in block `b` (or later if the
  /// chain is past b - 1 already).
  static void next_tx_in_block(uint64_t b) {
    const uint64_t now = chain().client.block_number().value();
    if (now + 1 < b) {
      ASSERT_TRUE(chain().client.mine(b - now - 1).ok());
    }
  }

  /// A registered model: the root of four leaves, as commit::merkle_root builds it.
  static commit::Hash register_model(size_t owner, const std::string& name) {
    const std::vector<uint8_t> arch(name.begin(), name.end());
    const commit::Hash leaves[4] = {commit::keccak256(arch), tag(name + "/arith"),
                                    tag(name + "/tokenizer"), tag(name + "/weights")};
    const commit::Hash root = commit::merkle_root(leaves);
    tx(owner, "registerModel(bytes32,bytes,bytes32,bytes32,bytes32)",
       {abi::bytes32(root), abi::bytes(arch), abi::bytes32(leaves[1]), abi::bytes32(leaves[2]),
        abi::bytes32(leaves[3])});
    return root;
  }

  /// A job on `model` whose id differs by `seed`.
  static model::Job job_on(const commit::Hash& model, uint64_t seed) {
    model::Job j;
    j.model_root = model;
    j.tokens = {1, 2, 3};
    j.max_tokens = 4;
    j.seed = seed;
    return j;
  }

  /// Account `a` deposits `deposit` wei, stakes `amount` and registers a key.
  static void make_node(size_t a, uint64_t amount, uint64_t deposit) {
    tx(a, "deposit()", {}, deposit);
    tx(a, "stake(uint64)", {abi::uint_(amount)});
    tx(a, "registerKey(bytes32)", {abi::bytes32(tag("key" + std::to_string(a)))});
  }

 private:
  std::string snapshot_;
};

}  // namespace vinfer::ledger::evm::testing
