// ABI encoding (abi.hpp): heads of static values in place, offsets to the tails of dynamic ones.
#include "ledger/evm/abi.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "vinfer/wire.hpp"

namespace vinfer::ledger::evm::abi {
namespace {

void put_u64(Word& w, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    w[31 - i] = static_cast<std::uint8_t>(v >> (8 * i));
}

void append_word(std::vector<std::uint8_t>& out, const Word& w) {
  out.insert(out.end(), w.begin(), w.end());
}

void append_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  Word w{};
  put_u64(w, v);
  append_word(out, w);
}

std::vector<std::uint8_t> encode_items(const std::vector<Value>& items) {
  std::size_t head = 0;
  for (const Value& v : items)
    head += is_dynamic(v) ? 32 : encode(v).size();
  std::vector<std::uint8_t> heads, tails;
  heads.reserve(head);
  for (const Value& v : items) {
    std::vector<std::uint8_t> e = encode(v);
    if (is_dynamic(v)) {
      append_u64(heads, head + tails.size());
      tails.insert(tails.end(), e.begin(), e.end());
    } else {
      heads.insert(heads.end(), e.begin(), e.end());
    }
  }
  heads.insert(heads.end(), tails.begin(), tails.end());
  return heads;
}

using wire::hex_digit;

}  // namespace

Value uint_(std::uint64_t v) {
  Value x;
  put_u64(x.word, v);
  return x;
}

Value int_(std::int64_t v) {
  Value x;
  x.word.fill(v < 0 ? 0xff : 0x00);
  put_u64(x.word, static_cast<std::uint64_t>(v));
  return x;
}

Value bytes32(const commit::Hash& h) {
  Value x;
  std::memcpy(x.word.data(), h.data(), 32);
  return x;
}

Value address(const std::array<std::uint8_t, 20>& a) {
  Value x;
  std::memcpy(x.word.data() + 12, a.data(), 20);
  return x;
}

Value bytes(std::span<const std::uint8_t> b) {
  Value x;
  x.kind = Value::Kind::bytes;
  x.bytes.assign(b.begin(), b.end());
  return x;
}

Value bytes32_array(std::span<const commit::Hash> hs) {
  std::vector<Value> items;
  items.reserve(hs.size());
  for (const commit::Hash& h : hs)
    items.push_back(bytes32(h));
  return array(std::move(items));
}

Value array(std::vector<Value> items) {
  Value x;
  x.kind = Value::Kind::array;
  x.items = std::move(items);
  return x;
}

Value tuple(std::vector<Value> fields) {
  Value x;
  x.kind = Value::Kind::tuple;
  x.items = std::move(fields);
  return x;
}

bool is_dynamic(const Value& v) {
  switch (v.kind) {
    case Value::Kind::word:
      return false;
    case Value::Kind::bytes:
    case Value::Kind::array:
      return true;
    case Value::Kind::tuple:
      for (const Value& f : v.items)
        if (is_dynamic(f))
          return true;
      return false;
  }
  return false;
}

std::vector<std::uint8_t> encode(const Value& v) {
  std::vector<std::uint8_t> out;
  switch (v.kind) {
    case Value::Kind::word:
      append_word(out, v.word);
      break;
    case Value::Kind::bytes:
      append_u64(out, v.bytes.size());
      out.insert(out.end(), v.bytes.begin(), v.bytes.end());
      out.resize(out.size() + (32 - v.bytes.size() % 32) % 32, 0);
      break;
    case Value::Kind::array: {
      append_u64(out, v.items.size());
      std::vector<std::uint8_t> body = encode_items(v.items);
      out.insert(out.end(), body.begin(), body.end());
      break;
    }
    case Value::Kind::tuple:
      out = encode_items(v.items);
      break;
  }
  return out;
}

std::array<std::uint8_t, 4> selector(std::string_view signature) {
  const commit::Hash h = commit::keccak256(signature);
  return {h[0], h[1], h[2], h[3]};
}

std::vector<std::uint8_t> calldata(std::string_view signature, std::vector<Value> args) {
  const auto sel = selector(signature);
  std::vector<std::uint8_t> out(sel.begin(), sel.end());
  const std::vector<std::uint8_t> body = encode(tuple(std::move(args)));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Result<std::int64_t> decode_int(std::span<const std::uint8_t> data, std::size_t index) {
  if (data.size() < 32 * (index + 1))
    return fail(Errc::truncated, "abi: return data of " + std::to_string(data.size()) +
                                     " bytes has no word " + std::to_string(index));
  const std::uint8_t* w = data.data() + 32 * index;
  const std::uint8_t sign = (w[24] & 0x80) ? 0xff : 0x00;
  for (int i = 0; i < 24; ++i)
    if (w[i] != sign)
      return fail(Errc::overflow, "abi: word " + std::to_string(index) + " does not fit int64");
  std::uint64_t v = 0;
  for (int i = 24; i < 32; ++i)
    v = v << 8 | w[i];
  return static_cast<std::int64_t>(v);
}

namespace {

// The 32-byte word at `offset` of `args` as a number if it fits 64 bits (unsigned).
bool small_word(std::span<const std::uint8_t> args, std::size_t offset, std::uint64_t* v) {
  if (args.size() < offset + 32)
    return false;
  *v = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    if (i < 24 && args[offset + i] != 0)
      return false;
    if (i >= 24)
      *v = *v << 8 | args[offset + i];
  }
  return true;
}

// One argument of type `type` whose head is at `offset` of `args`, as text.
std::string describe_arg(const std::string& type,
                         std::span<const std::uint8_t> args,
                         std::size_t offset) {
  if (args.size() < offset + 32)
    return "<truncated>";
  const auto word = args.subspan(offset, 32);
  if (type == "string") {
    std::uint64_t at = 0, len = 0;
    if (!small_word(args, offset, &at) || !small_word(args, at, &len) ||
        args.size() < at + 32 + len)
      return "<bad string>";
    const auto* p = reinterpret_cast<const char*>(args.data() + at + 32);
    return "\"" + std::string(p, len) + "\"";
  }
  if (type.rfind("uint", 0) == 0 || type == "bool") {
    std::uint64_t v = 0;
    return small_word(args, offset, &v) ? std::to_string(v) : to_hex(word);
  }
  if (type.rfind("int", 0) == 0) {
    auto v = decode_int(word);
    return v.ok() ? std::to_string(*v) : to_hex(word);
  }
  if (type == "address")
    return to_hex(word.subspan(12));
  return to_hex(word);  // bytes32 and anything else: the raw word
}

}  // namespace

std::string describe_revert(const nlohmann::json& abi_json, std::span<const std::uint8_t> data) {
  if (data.size() < 4)
    return data.empty() ? "revert without data" : "revert data " + to_hex(data);
  nlohmann::json errors = nlohmann::json::array();
  if (abi_json.is_array())
    for (const auto& e : abi_json)
      if (e.is_object() && e.value("type", "") == "error")
        errors.push_back(e);
  errors.push_back({{"name", "Error"}, {"inputs", {{{"type", "string"}}}}});
  errors.push_back({{"name", "Panic"}, {"inputs", {{{"type", "uint256"}}}}});
  const auto args = data.subspan(4);
  for (const auto& e : errors) {
    std::string sig = e.value("name", "") + "(";
    std::vector<std::string> types;
    for (const auto& in : e.value("inputs", nlohmann::json::array())) {
      types.push_back(in.value("type", ""));
      sig += (types.size() > 1 ? "," : "") + types.back();
    }
    sig += ")";
    const auto sel = selector(sig);
    if (!std::equal(sel.begin(), sel.end(), data.begin()))
      continue;
    std::string out = e.value("name", "") + "(";
    for (std::size_t i = 0; i < types.size(); ++i)
      out += (i ? ", " : "") + describe_arg(types[i], args, 32 * i);
    return out + ")";
  }
  return "unknown error " + to_hex(data.first(4)) + " (" + std::to_string(data.size()) + " bytes)";
}

std::string to_hex(std::span<const std::uint8_t> b) {
  static const char* kDigits = "0123456789abcdef";
  std::string s = "0x";
  s.reserve(2 + 2 * b.size());
  for (std::uint8_t x : b) {
    s.push_back(kDigits[x >> 4]);
    s.push_back(kDigits[x & 15]);
  }
  return s;
}

Result<std::vector<std::uint8_t>> from_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.size() % 2 != 0)
    return fail(Errc::parse, "hex: odd number of digits (" + std::to_string(text.size()) + ")");
  std::vector<std::uint8_t> out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return fail(Errc::parse, "hex: bad digit at offset " + std::to_string(2 * i));
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace vinfer::ledger::evm::abi
