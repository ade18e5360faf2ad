// The few chain operations the EVM tests (and, later, EvmLedger) need on top of JSON-RPC:
// deploy a contract, eth_call, send a transaction and read its receipt. Transactions go
// through eth_sendTransaction from an account the node unlocks (anvil's); signing them with
// secp256k1 here is issue 6's later work.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ledger/evm/rpc.hpp"
#include "vinfer/commit/keccak.hpp"
#include "vinfer/result.hpp"

namespace vinfer::ledger::evm {

/// What a mined transaction's receipt says.
struct Receipt {
  std::string tx_hash;
  bool success = false;
  std::uint64_t gas_used = 0;
  std::string contract_address;    ///< for a deployment
  std::uint64_t block_number = 0;  ///< the block it was mined in
};

class EvmClient {
 public:
  /// `from` is an unlocked account of the node ("0x..."); empty: the node's first account.
  explicit EvmClient(JsonRpc rpc, std::string from = {});

  /// eth_accounts[0] when `from` was not given.
  Status init();
  const std::string& from() const { return from_; }
  JsonRpc& rpc() { return rpc_; }

  /// Deploys `init_code` and returns the new contract's address.
  Result<std::string> deploy(std::span<const std::uint8_t> init_code);
  /// eth_call against `block` ("latest": the state and number of the newest block;
  /// "pending": that state in the block a transaction sent now would land in); a revert is
  /// an error carrying the revert data.
  Result<std::vector<std::uint8_t>> call(const std::string& to,
                                         std::span<const std::uint8_t> data,
                                         const std::string& block = "latest");
  /// anvil's evm_snapshot: an id to revert the whole chain state to.
  Result<std::string> snapshot();
  /// anvil's evm_revert to a snapshot id (which it consumes); an unknown id is an error.
  Status revert_to(const std::string& snapshot_id);
  /// eth_getCode at the latest block (empty for an account without code).
  Result<std::vector<std::uint8_t>> code_at(const std::string& address);
  /// eth_blockNumber.
  Result<std::uint64_t> block_number();
  /// The hash of block `number` (eth_getBlockByNumber); an unknown block is an error.
  Result<commit::Hash> block_hash(std::uint64_t number);
  /// eth_accounts: the node's unlocked accounts ("0x...", lower case as the node gives them).
  Result<std::vector<std::string>> accounts();
  /// anvil_mine: mines `blocks` empty blocks.
  Status mine(std::uint64_t blocks);

  /// Sends a transaction carrying `value_wei`, waits for its receipt (anvil mines at once)
  /// and returns it; a reverted transaction is a receipt with success == false.
  Result<Receipt> send(const std::string& to,
                       std::span<const std::uint8_t> data,
                       std::uint64_t gas = 16'000'000,
                       std::uint64_t value_wei = 0);

 private:
  Result<Receipt> receipt(const std::string& tx_hash);
  JsonRpc rpc_;
  std::string from_;
};

/// Parses a JSON-RPC quantity ("0x1a").
Result<std::uint64_t> parse_quantity(const nlohmann::json& q);

}  // namespace vinfer::ledger::evm
