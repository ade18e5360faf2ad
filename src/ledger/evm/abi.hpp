// Solidity ABI encoding (the contract ABI specification's head/tail layout) for the values
// vinfer's contracts take: 32-byte words (uintN, intN, bytes32, bool, address), bytes, T[]
// and tuples; plus the few decodings of return data the callers need.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/result.hpp"

namespace vinfer::ledger::evm::abi {

using Word = std::array<std::uint8_t, 32>;

/// One ABI value: a static word, dynamic bytes, a dynamic array T[], or a tuple.
struct Value {
  enum class Kind : std::uint8_t { word, bytes, array, tuple };
  Kind kind = Kind::word;
  Word word{};
  std::vector<std::uint8_t> bytes;
  std::vector<Value> items;  ///< array elements or tuple fields
};

/// uintN (N <= 64) as a word.
Value uint_(std::uint64_t v);
/// intN (N <= 64) as a word (two's complement, sign-extended to 256 bits).
Value int_(std::int64_t v);
/// bytes32.
Value bytes32(const commit::Hash& h);
/// address (20 bytes, right-aligned in the word).
Value address(const std::array<std::uint8_t, 20>& a);
/// bytes.
Value bytes(std::span<const std::uint8_t> b);
/// bytes32[].
Value bytes32_array(std::span<const commit::Hash> hs);
/// T[] of already built values (all of one type).
Value array(std::vector<Value> items);
/// A tuple (struct) of fields.
Value tuple(std::vector<Value> fields);

/// True for bytes, T[] and tuples with a dynamic field.
bool is_dynamic(const Value& v);

/// The encoding of `v` as a function argument list would hold it: a tuple's fields in place.
std::vector<std::uint8_t> encode(const Value& v);

/// The first 4 bytes of keccak256(signature), e.g. "dotS8(bytes,bytes)".
std::array<std::uint8_t, 4> selector(std::string_view signature);

/// Calldata of a call: selector(signature) || encode(tuple(args)).
std::vector<std::uint8_t> calldata(std::string_view signature, std::vector<Value> args);

/// Decodes word `index` of return data as a signed integer that must fit int64.
Result<std::int64_t> decode_int(std::span<const std::uint8_t> data, std::size_t index = 0);

/// A revert's data in words, by the custom errors of a contract's ABI (solc's JSON): the
/// error's name and its arguments, e.g. "TensorRootMismatch(0x12.., 0x34..)"; static
/// arguments (intN, uintN, bytes32, bool, address) and string are decoded. Data matching no
/// error of `abi_json` is named by its selector; Error(string) and Panic(uint256) are known.
std::string describe_revert(const nlohmann::json& abi_json, std::span<const std::uint8_t> data);

/// Lower-case "0x..." hex of bytes.
std::string to_hex(std::span<const std::uint8_t> b);
/// Parses "0x..." (or bare) hex of any even length.
Result<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace vinfer::ledger::evm::abi
