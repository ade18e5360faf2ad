// deploy / call / send over JSON-RPC (client.hpp).
#include "ledger/evm/client.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "ledger/evm/abi.hpp"

namespace vinfer::ledger::evm {
namespace {

std::string quantity(std::uint64_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[v & 15]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}

}  // namespace

Result<std::uint64_t> parse_quantity(const nlohmann::json& q) {
  if (!q.is_string())
    return fail(Errc::parse, "json-rpc quantity is not a string: " + q.dump());
  const std::string s = q.get<std::string>();
  if (s.size() < 3 || s[0] != '0' || s[1] != 'x' || s.size() > 18)
    return fail(Errc::parse, "json-rpc quantity '" + s + "' is not 0x + 1..16 hex digits");
  std::uint64_t v = 0;
  for (std::size_t i = 2; i < s.size(); ++i) {
    const char c = s[i];
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0)
      return fail(Errc::parse, "json-rpc quantity '" + s + "': bad digit");
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  return v;
}

EvmClient::EvmClient(JsonRpc rpc, std::string from)
    : rpc_(std::move(rpc)), from_(std::move(from)) {}

Status EvmClient::init() {
  if (!from_.empty())
    return ok_status();
  VINFER_TRY(auto accounts, rpc_.call("eth_accounts", nlohmann::json::array()));
  if (!accounts.is_array() || accounts.empty() || !accounts[0].is_string())
    return fail(Errc::mismatch, "eth_accounts: the node unlocks no account");
  from_ = accounts[0].get<std::string>();
  return ok_status();
}

Result<std::string> EvmClient::deploy(std::span<const std::uint8_t> init_code) {
  VINFER_CHECK(init());
  nlohmann::json tx = {
      {"from", from_}, {"data", abi::to_hex(init_code)}, {"gas", quantity(16'000'000)}};
  VINFER_TRY(auto hash, rpc_.call("eth_sendTransaction", nlohmann::json::array({tx})));
  if (!hash.is_string())
    return fail(Errc::parse, "eth_sendTransaction: result is not a transaction hash");
  VINFER_TRY(Receipt r, receipt(hash.get<std::string>()));
  if (!r.success || r.contract_address.empty())
    return fail(Errc::mismatch, "deploy: transaction " + r.tx_hash + " reverted");
  return r.contract_address;
}

Result<std::vector<std::uint8_t>> EvmClient::call(const std::string& to,
                                                  std::span<const std::uint8_t> data,
                                                  const std::string& block) {
  VINFER_CHECK(init());
  nlohmann::json tx = {{"from", from_}, {"to", to}, {"data", abi::to_hex(data)}};
  VINFER_TRY(auto out, rpc_.call("eth_call", nlohmann::json::array({tx, block})));
  if (!out.is_string())
    return fail(Errc::parse, "eth_call: result is not hex data");
  return abi::from_hex(out.get<std::string>());
}

Result<Receipt> EvmClient::send(const std::string& to,
                                std::span<const std::uint8_t> data,
                                std::uint64_t gas,
                                std::uint64_t value_wei) {
  VINFER_CHECK(init());
  nlohmann::json tx = {
      {"from", from_}, {"to", to}, {"data", abi::to_hex(data)}, {"gas", quantity(gas)}};
  if (value_wei != 0)
    tx["value"] = quantity(value_wei);
  VINFER_TRY(auto hash, rpc_.call("eth_sendTransaction", nlohmann::json::array({tx})));
  if (!hash.is_string())
    return fail(Errc::parse, "eth_sendTransaction: result is not a transaction hash");
  return receipt(hash.get<std::string>());
}

Result<std::string> EvmClient::snapshot() {
  VINFER_TRY(auto id, rpc_.call("evm_snapshot", nlohmann::json::array()));
  if (!id.is_string())
    return fail(Errc::parse, "evm_snapshot: result is not a snapshot id");
  return id.get<std::string>();
}

Status EvmClient::revert_to(const std::string& snapshot_id) {
  VINFER_TRY(auto ok, rpc_.call("evm_revert", nlohmann::json::array({snapshot_id})));
  if (!ok.is_boolean() || !ok.get<bool>())
    return fail(Errc::mismatch, "evm_revert: no snapshot " + snapshot_id);
  return ok_status();
}

Result<std::vector<std::uint8_t>> EvmClient::code_at(const std::string& address) {
  VINFER_TRY(auto code, rpc_.call("eth_getCode", nlohmann::json::array({address, "latest"})));
  if (!code.is_string())
    return fail(Errc::parse, "eth_getCode: result is not hex data");
  return abi::from_hex(code.get<std::string>());
}

Result<std::uint64_t> EvmClient::block_number() {
  VINFER_TRY(auto n, rpc_.call("eth_blockNumber", nlohmann::json::array()));
  return parse_quantity(n);
}

Result<commit::Hash> EvmClient::block_hash(std::uint64_t number) {
  VINFER_TRY(auto b,
             rpc_.call("eth_getBlockByNumber", nlohmann::json::array({quantity(number), false})));
  if (!b.is_object() || !b.contains("hash") || !b["hash"].is_string())
    return fail(Errc::invalid_argument, "eth_getBlockByNumber: no block " + std::to_string(number));
  VINFER_TRY(auto bytes, abi::from_hex(b["hash"].get<std::string>()));
  if (bytes.size() != 32)
    return fail(Errc::parse, "eth_getBlockByNumber: a block hash is not 32 bytes");
  commit::Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

Result<std::vector<std::string>> EvmClient::accounts() {
  VINFER_TRY(auto a, rpc_.call("eth_accounts", nlohmann::json::array()));
  if (!a.is_array())
    return fail(Errc::parse, "eth_accounts: result is not an array");
  std::vector<std::string> out;
  for (const auto& x : a) {
    if (!x.is_string())
      return fail(Errc::parse, "eth_accounts: an account is not a string");
    out.push_back(x.get<std::string>());
  }
  return out;
}

Status EvmClient::mine(std::uint64_t blocks) {
  VINFER_TRY(auto r, rpc_.call("anvil_mine", nlohmann::json::array({quantity(blocks)})));
  (void)r;
  return ok_status();
}

Result<Receipt> EvmClient::receipt(const std::string& tx_hash) {
  for (int tries = 0; tries < 500; ++tries) {
    VINFER_TRY(auto r, rpc_.call("eth_getTransactionReceipt", nlohmann::json::array({tx_hash})));
    if (r.is_null()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    Receipt out;
    out.tx_hash = tx_hash;
    VINFER_TRY(std::uint64_t status, parse_quantity(r.value("status", nlohmann::json())));
    VINFER_TRY(out.gas_used, parse_quantity(r.value("gasUsed", nlohmann::json())));
    out.success = status == 1;
    VINFER_TRY(out.block_number, parse_quantity(r.value("blockNumber", nlohmann::json())));
    if (r.contains("contractAddress") && r["contractAddress"].is_string())
      out.contract_address = r["contractAddress"].get<std::string>();
    return out;
  }
  return fail(Errc::io, "eth_getTransactionReceipt: " + tx_hash + " not mined after 5 s");
}

}  // namespace vinfer::ledger::evm
