// Tokenizer: vocabulary checks and the greedy merge-by-score encoder (docs/tokenizer.md).
//
// The rule is the one of llama2.c: per piece, start with one byte token per byte and
// repeatedly merge the adjacent pair whose concatenation is a normal token with the
// highest score (leftmost on ties). Implemented with a max-heap of candidate pairs and
// lazy deletion, which picks exactly the pair the literal O(n^2) rule picks: every
// current adjacent pair is in the heap, stale entries are recognised and dropped, and
// the heap orders by (score desc, left start asc) where start offsets increase along
// the sequence.
#include <cmath>
#include <cstdio>
#include <queue>

#include "model/byte_io.hpp"
#include "vinfer/model/tokenizer.hpp"

namespace vinfer::model {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

/// "<0xXX>" -> XX, or -1.
int parse_byte_text(std::string_view t) {
  if (t.size() != 6 || t.substr(0, 3) != "<0x" || t[5] != '>') {
    return -1;
  }
  const int hi = hex_digit(t[3]), lo = hex_digit(t[4]);
  return (hi < 0 || lo < 0) ? -1 : hi * 16 + lo;
}

/// A candidate merge of the symbols starting at `left` and `right`.
struct Candidate {
  float score;
  uint32_t left, right;          // start offsets in the piece
  uint32_t left_len, right_len;  // lengths when pushed (a change means stale)
  uint32_t id;
};

struct Lower {  // priority_queue pops the "largest": highest score, then leftmost
  bool operator()(const Candidate& a, const Candidate& b) const {
    if (a.score != b.score) {
      return a.score < b.score;
    }
    return a.left > b.left;
  }
};

}  // namespace

Result<Tokenizer> Tokenizer::create(std::vector<std::string> tokens,
                                    std::vector<float> scores,
                                    std::vector<int32_t> types,
                                    uint32_t bos,
                                    uint32_t eos,
                                    uint32_t unk) {
  const size_t n = tokens.size();
  if (n == 0) {
    return fail(Errc::parse, "tokenizer: empty vocabulary");
  }
  if (scores.size() != n || types.size() != n) {
    return fail(Errc::mismatch, "tokenizer: " + std::to_string(n) + " tokens but " +
                                    std::to_string(scores.size()) + " scores and " +
                                    std::to_string(types.size()) + " types");
  }
  for (const auto& [name, id] : {std::pair{"bos", bos}, {"eos", eos}, {"unk", unk}}) {
    if (id >= n) {
      return fail(Errc::parse, std::string("tokenizer: ") + name + " id " + std::to_string(id) +
                                   " is not below vocabulary size " + std::to_string(n));
    }
  }
  Tokenizer t;
  t.bos_ = bos;
  t.eos_ = eos;
  t.unk_ = unk;
  for (auto& b : t.byte_id_) {
    b = kNone;
  }
  t.bytes_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string where =
        "tokenizer: token " + std::to_string(i) + " ('" + detail::printable(tokens[i]) + "')";
    if (std::isnan(scores[i])) {
      return fail(Errc::parse, where + ": score is NaN");
    }
    const int32_t type = types[i];
    if (type < 0 || type > 6) {
      return fail(Errc::parse, where + ": token type " + std::to_string(type) + " not in [0, 6]");
    }
    if (type == static_cast<int32_t>(TokenType::byte)) {
      const int b = parse_byte_text(tokens[i]);
      if (b < 0) {
        return fail(Errc::parse, where + ": byte token text is not <0xXX>");
      }
      if (t.byte_id_[b] != kNone) {
        return fail(Errc::parse, where + ": duplicate byte token for byte " + std::to_string(b) +
                                     " (also id " + std::to_string(t.byte_id_[b]) + ")");
      }
      t.byte_id_[b] = static_cast<uint32_t>(i);
      t.bytes_[i] = std::string(1, static_cast<char>(b));
    } else if (type != static_cast<int32_t>(TokenType::control)) {
      t.bytes_[i] = tokens[i];
    }
    if (type == static_cast<int32_t>(TokenType::normal)) {
      const auto [it, fresh] = t.mergeable_.emplace(tokens[i], static_cast<uint32_t>(i));
      if (!fresh) {
        return fail(Errc::parse,
                    where + ": duplicate byte string (also id " + std::to_string(it->second) + ")");
      }
    }
  }
  // Bytes without a byte token encode to unk (and never merge).
  for (auto& b : t.byte_id_) {
    if (b == kNone) {
      b = unk;
    }
  }
  t.tokens_ = std::move(tokens);
  t.scores_ = std::move(scores);
  t.types_ = std::move(types);
  return t;
}

std::vector<uint32_t> Tokenizer::encode(std::string_view text, bool add_bos) const {
  std::vector<uint32_t> out;
  if (add_bos) {
    out.push_back(bos_);
  }
  // Per-piece state, reused across pieces; indexed by the symbol's start offset.
  std::vector<uint32_t> len, id, next, prev;
  std::string key;
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t nl = text.find('\n', begin);
    const size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    const std::string_view piece = text.substr(begin, end - begin);
    begin = end;
    VINFER_ASSERT(piece.size() < kNone);
    const auto n = static_cast<uint32_t>(piece.size());
    len.assign(n, 1);
    id.resize(n);
    next.resize(n);
    prev.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      id[i] = byte_id_[static_cast<uint8_t>(piece[i])];
      next[i] = i + 1 < n ? i + 1 : kNone;
      prev[i] = i > 0 ? i - 1 : kNone;
    }
    std::priority_queue<Candidate, std::vector<Candidate>, Lower> heap;
    auto can_merge = [&](uint32_t s) {
      return len[s] > 1 ||
             (id[s] < types_.size() && types_[id[s]] == static_cast<int32_t>(TokenType::byte));
    };
    auto consider = [&](uint32_t l, uint32_t r) {
      if (l == kNone || r == kNone) {
        return;
      }
      // A symbol holding unk (a byte without a byte token) never merges.
      if (!can_merge(l) || !can_merge(r)) {
        return;
      }
      key.assign(piece.substr(l, len[l] + len[r]));
      const auto it = mergeable_.find(key);
      if (it == mergeable_.end()) {
        return;
      }
      heap.push(Candidate{scores_[it->second], l, r, len[l], len[r], it->second});
    };
    for (uint32_t i = 0; i + 1 < n; ++i) {
      consider(i, i + 1);
    }
    while (!heap.empty()) {
      const Candidate c = heap.top();
      heap.pop();
      // Stale: either symbol was merged away or grew since the candidate was pushed.
      if (len[c.left] != c.left_len || next[c.left] != c.right || len[c.right] != c.right_len ||
          len[c.right] == 0) {
        continue;
      }
      len[c.left] += len[c.right];
      len[c.right] = 0;
      id[c.left] = c.id;
      next[c.left] = next[c.right];
      if (next[c.left] != kNone) {
        prev[next[c.left]] = c.left;
      }
      consider(prev[c.left], c.left);
      consider(c.left, next[c.left]);
    }
    for (uint32_t i = 0; i != kNone && n > 0; i = next[i]) {
      out.push_back(id[i]);
    }
  }
  return out;
}

std::string Tokenizer::decode(uint32_t id) const {
  return id < bytes_.size() ? bytes_[id] : "";
}

std::string Tokenizer::decode(const std::vector<uint32_t>& ids) const {
  std::string out;
  for (uint32_t id : ids) {
    out += decode(id);
  }
  return out;
}

}  // namespace vinfer::model
