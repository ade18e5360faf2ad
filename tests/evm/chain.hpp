// The EVM tests' fixture: one anvil per test process (ctest runs each case in its own
// process, each anvil on its own OS-chosen port), the compiled contracts of contracts.json,
// and deployment of a contract by name.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/evm/abi.hpp"
#include "ledger/evm/anvil.hpp"
#include "ledger/evm/client.hpp"

namespace vinfer::ledger::evm::testing {

/// contracts.json as build.js wrote it.
inline const nlohmann::json& artifacts() {
  static const nlohmann::json* j = [] {
    std::ifstream in(VINFER_CONTRACTS_JSON);
    VINFER_ASSERT(in.good());
    return new nlohmann::json(nlohmann::json::parse(in));
  }();
  return *j;
}

/// The hardfork the gas numbers of docs/contracts.md are measured on (build.js compiles
/// for the same one).
inline constexpr const char* kHardfork = "osaka";

/// The chain of this test process and the contracts deployed on it so far.
struct Chain {
  Anvil anvil;
  EvmClient client;
  std::map<std::string, std::string> deployed;  // name -> address

  /// The address of contract `name`, deploying it on first use.
  std::string address(const std::string& name) {
    auto it = deployed.find(name);
    if (it != deployed.end())
      return it->second;
    const nlohmann::json& c = artifacts()["contracts"][name];
    auto code = abi::from_hex(c["bytecode"].get<std::string>());
    VINFER_ASSERT(code.ok());
    auto addr = client.deploy(*code);
    EXPECT_TRUE(addr.ok()) << name << ": " << addr.error().to_string();
    return deployed[name] = addr.ok() ? *addr : std::string();
  }
};

/// This process's chain on `hardfork`, started on first use; it stops (by PID) when the
/// process exits.
inline Chain& chain(const std::string& hardfork = kHardfork) {
  static std::map<std::string, std::unique_ptr<Chain>> chains;
  std::unique_ptr<Chain>& c = chains[hardfork];
  if (!c) {
    auto a = Anvil::start(VINFER_ANVIL, {"--hardfork", hardfork});
    VINFER_ASSERT(a.ok());
    JsonRpc rpc(a->url());
    c = std::make_unique<Chain>(Chain{std::move(a).value(), EvmClient(std::move(rpc)), {}});
  }
  return *c;
}

/// eth_call of `data` on contract `name`; fails the test on a revert.
inline std::vector<uint8_t> call(const std::string& name, const std::vector<uint8_t>& data) {
  Chain& c = chain();
  auto r = c.client.call(c.address(name), data);
  EXPECT_TRUE(r.ok()) << name << ": " << r.error().to_string();
  return r.ok() ? *r : std::vector<uint8_t>();
}

/// The 4-byte selector of custom error `signature` as hex ("0x1234abcd").
inline std::string error_selector(const char* signature) {
  const auto s = abi::selector(signature);
  return abi::to_hex(s);
}

}  // namespace vinfer::ledger::evm::testing
