// The committed tokenizer: a byte-level BPE applied greedily by score, as in
// llama2.c (docs/tokenizer.md). Clients tokenize with it; jobs carry token ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vinfer/result.hpp"

namespace vinfer::model {

/// GGUF token types (tokenizer.ggml.token_type).
enum class TokenType : int32_t {
  normal = 1,
  unknown = 2,
  control = 3,
  user = 4,
  unused = 5,
  byte = 6
};

/// Vocabulary plus scores; encode() is the greedy merge-by-score algorithm.
class Tokenizer {
 public:
  /// Builds from GGUF-style arrays; a byte token's text is "<0xXX>". Fails on duplicate
  /// byte strings, NaN scores or mismatched array sizes. A byte with no byte token
  /// encodes as unk.
  static Result<Tokenizer> create(std::vector<std::string> tokens,
                                  std::vector<float> scores,
                                  std::vector<int32_t> types,
                                  uint32_t bos,
                                  uint32_t eos,
                                  uint32_t unk);

  /// Text -> ids: BOS, then the text split after every '\n', each piece merged greedily.
  std::vector<uint32_t> encode(std::string_view text, bool add_bos = true) const;
  /// One id -> its bytes (empty for control tokens).
  std::string decode(uint32_t id) const;
  /// Ids -> text.
  std::string decode(const std::vector<uint32_t>& ids) const;

  uint32_t size() const { return static_cast<uint32_t>(tokens_.size()); }
  uint32_t bos() const { return bos_; }
  uint32_t eos() const { return eos_; }
  uint32_t unk() const { return unk_; }
  const std::vector<std::string>& tokens() const { return tokens_; }
  const std::vector<float>& scores() const { return scores_; }
  const std::vector<int32_t>& types() const { return types_; }

 private:
  std::vector<std::string> tokens_;  // GGUF text form
  std::vector<float> scores_;
  std::vector<int32_t> types_;
  std::vector<std::string> bytes_;                       // decoded byte string of each id
  std::unordered_map<std::string, uint32_t> mergeable_;  // byte string -> id (normal tokens)
  uint32_t byte_id_[256] = {};
  uint32_t bos_ = 1, eos_ = 2, unk_ = 0;
};

}  // namespace vinfer::model
