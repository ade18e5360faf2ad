// The anvil handle: each start gets its own OS-chosen port, answers JSON-RPC there, and is
// gone (process reaped, log removed) after stop.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "ledger/evm/anvil.hpp"
#include "ledger/evm/client.hpp"
#include "ledger/evm/rpc.hpp"

namespace vinfer::ledger::evm {
namespace {

TEST(EvmAnvil, TwoChainsGetTheirOwnPortsAndStopByPid) {
  auto a = Anvil::start(VINFER_ANVIL);
  auto b = Anvil::start(VINFER_ANVIL);
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  EXPECT_NE(a->port(), b->port());
  JsonRpc rpc(a->url());
  auto id = rpc.call("eth_chainId", nlohmann::json::array());
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  EXPECT_EQ(parse_quantity(*id).value(), 31337u);  // anvil's default chain id
  const pid_t pid = a->pid();
  const std::string log = a->log_path();
  ASSERT_GT(pid, 0);
  EXPECT_EQ(access(log.c_str(), F_OK), 0);
  a->stop();
  EXPECT_EQ(kill(pid, 0), -1);  // reaped: no such process
  EXPECT_EQ(errno, ESRCH);
  EXPECT_NE(access(log.c_str(), F_OK), 0);
  EXPECT_FALSE(rpc.call("eth_chainId", nlohmann::json::array()).ok());
  // The other chain is untouched.
  JsonRpc rpc_b(b->url());
  EXPECT_TRUE(rpc_b.call("eth_blockNumber", nlohmann::json::array()).ok());
}

TEST(EvmClient, RevertToASnapshotUndoesADeployment) {
  auto a = Anvil::start(VINFER_ANVIL);
  ASSERT_TRUE(a.ok());
  EvmClient client{JsonRpc(a->url())};
  // Init code that deploys the one-byte contract 0x00 (STOP): PUSH1 1 PUSH1 0x0c PUSH1 0
  // CODECOPY PUSH1 1 PUSH1 0 RETURN, then the runtime byte.
  const std::vector<uint8_t> init = {0x60, 0x01, 0x60, 0x0c, 0x60, 0x00, 0x39,
                                     0x60, 0x01, 0x60, 0x00, 0xf3, 0x00};
  auto first = client.deploy(init);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  auto snap = client.snapshot();
  ASSERT_TRUE(snap.ok()) << snap.error().to_string();
  const uint64_t block = client.block_number().value();
  auto second = client.deploy(init);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(client.code_at(*second).value().size(), 1u);
  EXPECT_EQ(client.block_number().value(), block + 1);
  ASSERT_TRUE(client.revert_to(*snap).ok());
  EXPECT_TRUE(client.code_at(*second).value().empty());
  EXPECT_EQ(client.code_at(*first).value().size(), 1u);
  EXPECT_EQ(client.block_number().value(), block);
  EXPECT_FALSE(client.revert_to(*snap).ok());  // a snapshot is used up by its revert
}

TEST(EvmAnvil, AMissingBinaryIsAClearError) {
  auto a = Anvil::start("/nonexistent/anvil");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("bootstrap"), std::string::npos) << a.error().message;
}

TEST(EvmRpc, AnUnknownMethodIsAJsonRpcError) {
  auto a = Anvil::start(VINFER_ANVIL);
  ASSERT_TRUE(a.ok());
  JsonRpc rpc(a->url());
  auto r = rpc.call("eth_noSuchMethod", nlohmann::json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::mismatch);
  EXPECT_NE(rpc.last_error().code, 0);
}

}  // namespace
}  // namespace vinfer::ledger::evm
