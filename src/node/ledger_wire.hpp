// Internal to src/node: the JSON of the ledger's HTTP API (docs/ledger-http.md), shared by
// the server and RemoteLedger so that both read and write exactly one layout. A record
// that has a binary codec (model::Job, dispute::Claim, dispute::Move, dispute::GameState,
// Params, a quorum job's Round, Tally and Payout, SampledJobRecord) travels as the hex of
// those bytes; everything else (addresses, hashes, amounts, the small structs that have no
// codec) as plain JSON fields.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinfer/ledger/event.hpp"
#include "vinfer/ledger/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node::wire {

using ledger::Address;
using ledger::Hash;
using nlohmann::json;

/// Lower-case hex, no "0x".
std::string hex(std::span<const uint8_t> b);
/// Parses hex (either case, an optional "0x"); the error names the first bad character.
Result<std::vector<uint8_t>> unhex(std::string_view text);

/// A JSON dump that never throws: bytes that are not UTF-8 (none of the ledger's strings
/// has any) become U+FFFD.
std::string dump(const json& j);

/// Reads the fields of one JSON object. The first thing wrong (a missing field, a value of
/// the wrong type, bytes a codec rejects) is kept and every later read returns a default,
/// so a caller reads all its fields and then asks finish() once. Messages name the object
/// (`what`) and the field.
class Fields {
 public:
  /// `from_query`: the object holds a URL's query parameters, all strings, so an integer
  /// field is read from its decimal digits.
  Fields(const json& obj, std::string what, bool from_query = false);

  Address address(const char* key);
  Hash hash(const char* key);
  uint64_t u64(const char* key);
  uint32_t u32(const char* key);
  bool flag(const char* key);
  std::string text(const char* key);
  std::vector<uint8_t> bytes(const char* key);
  /// An array of hashes.
  std::vector<Hash> hashes(const char* key);
  /// An array; each element is read by the caller (element(key, i) names it).
  const json& array(const char* key);
  /// The value at `key` if it is present and not null (an optional record), else nullptr;
  /// marks it read.
  const json* optional(const char* key);
  /// "<what>.key", for the Fields of a nested object.
  std::string child(const char* key) const;
  /// The object at `key` read with `read(Fields&)`, its unknown fields errors too.
  template <class Read>
  auto object(const char* key, Read&& read) {
    using T = decltype(read(std::declval<Fields&>()));
    const json* j = field(key, "an object", is_object);
    if (!j)
      return T{};
    Fields sub(*j, child(key));
    T v = read(sub);
    if (Status s = sub.finish(); !s)
      set(s.error());
    return v;
  }
  /// The hex bytes at `key` through a codec: `decode(bytes)` returns Result<T>.
  template <class T, class Decode>
  T record(const char* key, Decode&& decode) {
    const std::vector<uint8_t> b = bytes(key);
    if (!ok())
      return T{};
    auto r = decode(std::span<const uint8_t>(b));
    if (!r) {
      set(Error{r.error().code, name(key) + ": " + r.error().message});
      return T{};
    }
    return std::move(r).value();
  }
  /// "<what>.key[i]", for the Fields of an array element.
  std::string element(const char* key, size_t i) const;

  bool ok() const { return !error_.has_value(); }
  /// Records a failure found by the caller (the first one wins).
  void set(Error e);
  /// The first failure, or a field the caller did not read (an unknown field is an error,
  /// so that a misspelt one is not silently ignored).
  Status finish();

 private:
  const json* field(const char* key, const char* expect, bool (*is)(const json&));
  static bool is_object(const json& j) { return j.is_object(); }
  template <class T, class Parse>
  T parsed(const char* key, const char* expect, Parse&& parse);
  std::string name(const char* key) const;
  const json& obj_;
  std::string what_;
  bool from_query_;
  std::set<std::string> read_;
  std::optional<Error> error_;
};

// ---- records (to JSON, and back through Fields) ----

json to_json(const ledger::ModelRegistration& r);
ledger::ModelRegistration read_registration(Fields& f);

json to_json(const ledger::ModelRecord& r);
ledger::ModelRecord read_model(Fields& f);

json to_json(const ledger::JobRecord& r);
ledger::JobRecord read_job(Fields& f);

json to_json(const ledger::GameRecord& r);
ledger::GameRecord read_game(Fields& f);

json to_json(const ledger::QuorumJobRecord& r);
ledger::QuorumJobRecord read_quorum_job(Fields& f);

json to_json(const ledger::SampledOffer& o);
ledger::SampledOffer read_offer(Fields& f);

json to_json(const ledger::Envelope& e);
ledger::Envelope read_envelope(Fields& f);

json to_json(const ledger::Event& e);
ledger::Event read_event(Fields& f);

json to_json(const ledger::Totals& t);
ledger::Totals read_totals(Fields& f);

json to_json(const quorum::Candidate& c);
quorum::Candidate read_candidate(Fields& f);

json to_json(const quorum::RegisteredAuditor& a);
quorum::RegisteredAuditor read_auditor(Fields& f);

/// Reads every element of the array at `key` with `read(Fields&)`, each as an object.
template <class Read>
auto read_array(Fields& f, const char* key, Read&& read) {
  using T = decltype(read(std::declval<Fields&>()));
  std::vector<T> out;
  const json& a = f.array(key);
  for (size_t i = 0; f.ok() && i < a.size(); ++i) {
    Fields e(a[i], f.element(key, i));
    T v = read(e);
    if (Status s = e.finish(); !s)
      f.set(s.error());
    out.push_back(std::move(v));
  }
  return out;
}

/// A JSON array of to_json(x) for each x.
template <class T>
json to_json_array(const std::vector<T>& v) {
  json a = json::array();
  for (const T& x : v)
    a.push_back(to_json(x));
  return a;
}

// ---- errors ----

/// {"errc": <number>, "code": <errc_name>, "message": ...}
json to_json(const Error& e);
/// An Error read off the wire (Result<Error> cannot tell it from a failure to read one).
struct WireError {
  Error error;
};
/// The Error of to_json(const Error&); a bad errc is itself an error.
Result<WireError> read_error(const json& j);

}  // namespace vinfer::node::wire
