// Tokenizer: the greedy merge-by-score rule on vocabularies whose answer is known, the
// heap encoder against a literal implementation of the rule, round trips and errors.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <set>
#include <unordered_map>

#include "fixtures.hpp"
#include "vinfer/model/tokenizer.hpp"

namespace vinfer::model {
namespace {

using testing::test_tokenizer;

/// Byte tokens plus the given normal tokens with the given scores.
Tokenizer vocab(const std::vector<std::pair<std::string, float>>& normal) {
  std::vector<std::string> merges;
  for (const auto& [t, s] : normal) {
    merges.push_back(t);
  }
  Tokenizer base = test_tokenizer(merges);
  std::vector<float> scores = base.scores();
  for (size_t i = 0; i < normal.size(); ++i) {
    scores[259 + i] = normal[i].second;
  }
  auto t = Tokenizer::create(base.tokens(), scores, base.types(), 1, 2, 0);
  EXPECT_TRUE(t.ok());
  return std::move(t).value();
}

std::vector<std::string> pieces_of(const Tokenizer& t, const std::vector<uint32_t>& ids) {
  std::vector<std::string> out;
  for (uint32_t id : ids) {
    out.push_back(t.decode(id));
  }
  return out;
}

/// The rule exactly as written: per piece, scan all adjacent pairs each round.
std::vector<uint32_t> encode_literal(const Tokenizer& t, std::string_view text) {
  std::unordered_map<std::string, uint32_t> normal;
  for (uint32_t i = 0; i < t.size(); ++i) {
    if (t.types()[i] == 1) {
      normal.emplace(t.tokens()[i], i);
    }
  }
  std::unordered_map<int, uint32_t> byte_id;
  for (uint32_t i = 0; i < t.size(); ++i) {
    if (t.types()[i] == 6) {
      byte_id[static_cast<uint8_t>(t.decode(i)[0])] = i;
    }
  }
  std::vector<uint32_t> out;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    end = end == std::string_view::npos ? text.size() : end + 1;
    std::vector<uint32_t> ids;
    for (size_t i = begin; i < end; ++i) {
      ids.push_back(byte_id.at(static_cast<uint8_t>(text[i])));
    }
    begin = end;
    for (;;) {
      int best_pos = -1;
      uint32_t best = 0;
      for (size_t i = 0; i + 1 < ids.size(); ++i) {
        const auto it = normal.find(t.decode(ids[i]) + t.decode(ids[i + 1]));
        if (it != normal.end() && (best_pos < 0 || t.scores()[it->second] > t.scores()[best])) {
          best = it->second;
          best_pos = static_cast<int>(i);
        }
      }
      if (best_pos < 0) {
        break;
      }
      ids[best_pos] = best;
      ids.erase(ids.begin() + best_pos + 1);
    }
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

TEST(Tokenizer, MergesHighestScoreFirstNotLeftmost) {
  // ab(1) bc(3) cd(2) bcd(0.5): bc first, then bc+d, and "abc" is no token: [a, bcd].
  const Tokenizer t = vocab({{"ab", 1}, {"bc", 3}, {"cd", 2}, {"bcd", 0.5f}});
  EXPECT_EQ(pieces_of(t, t.encode("abcd", false)), (std::vector<std::string>{"a", "bcd"}));
  // With abcd added the last merge completes the word.
  const Tokenizer t2 = vocab({{"ab", 1}, {"bc", 3}, {"cd", 2}, {"bcd", 0.5f}, {"abcd", -9}});
  EXPECT_EQ(pieces_of(t2, t2.encode("abcd", false)), (std::vector<std::string>{"abcd"}));
}

TEST(Tokenizer, TiesGoToTheLeftmostPair) {
  const Tokenizer t = vocab({{"aa", 1}});
  EXPECT_EQ(pieces_of(t, t.encode("aaa", false)), (std::vector<std::string>{"aa", "a"}));
  EXPECT_EQ(pieces_of(t, t.encode("aaaaa", false)), (std::vector<std::string>{"aa", "aa", "a"}));
  // Equal scores of different tokens: leftmost wins too.
  const Tokenizer t2 = vocab({{"xy", 0}, {"yz", 0}});
  EXPECT_EQ(pieces_of(t2, t2.encode("xyz", false)), (std::vector<std::string>{"xy", "z"}));
}

TEST(Tokenizer, SplitsAfterEveryNewline) {
  const Tokenizer t = vocab({{"b\nc", 9}, {"b\n", 1}, {"\n\n", 2}});
  EXPECT_EQ(pieces_of(t, t.encode("ab\ncd", false)),
            (std::vector<std::string>{"a", "b\n", "c", "d"}));
  // "\n\n" cannot merge: the first '\n' ends its piece.
  EXPECT_EQ(pieces_of(t, t.encode("\n\n", false)), (std::vector<std::string>{"\n", "\n"}));
  EXPECT_EQ(t.encode("", true), (std::vector<uint32_t>{1}));
  EXPECT_TRUE(t.encode("", false).empty());
}

TEST(Tokenizer, HeapEncoderMatchesTheLiteralRule) {
  std::mt19937_64 rng(7);
  const std::string alphabet = "abc \n";
  for (int v = 0; v < 20; ++v) {
    // A random vocabulary of 2..4-byte strings, with many equal scores.
    std::vector<std::pair<std::string, float>> normal;
    std::set<std::string> seen;
    for (int i = 0; i < 30; ++i) {
      std::string s;
      const int len = 2 + static_cast<int>(rng() % 3);
      for (int k = 0; k < len; ++k) {
        s += alphabet[rng() % alphabet.size()];
      }
      if (seen.insert(s).second) {
        normal.emplace_back(s, static_cast<float>(rng() % 5));
      }
    }
    const Tokenizer t = vocab(normal);
    for (int n = 0; n < 50; ++n) {
      std::string text;
      const int len = static_cast<int>(rng() % 40);
      for (int k = 0; k < len; ++k) {
        text += alphabet[rng() % alphabet.size()];
      }
      ASSERT_EQ(t.encode(text, false), encode_literal(t, text)) << "text '" << text << "'";
    }
  }
}

TEST(Tokenizer, RoundTripsAsciiAndArbitraryBytes) {
  const Tokenizer t = test_tokenizer();
  const std::string ascii =
      "In the beginning God created the heaven and the earth.\n\nAnd the LORD said, Let there be "
      "light: and there was light.\n";
  auto ids = t.encode(ascii);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], t.bos());
  EXPECT_LT(ids.size(), ascii.size());  // merges happened
  EXPECT_EQ(t.decode(ids), ascii);
  auto expected = encode_literal(t, ascii);
  expected.insert(expected.begin(), t.bos());
  EXPECT_EQ(ids, expected);
  std::mt19937_64 rng(3);
  for (int n = 0; n < 100; ++n) {
    std::string bytes(rng() % 300, '\0');
    for (auto& c : bytes) {
      c = static_cast<char>(rng());
    }
    EXPECT_EQ(t.decode(t.encode(bytes, false)), bytes);
    EXPECT_EQ(t.encode(bytes, false), encode_literal(t, bytes));
  }
}

TEST(Tokenizer, DecodesControlAsEmptyAndUnknownIdsAsEmpty) {
  const Tokenizer t = test_tokenizer();
  EXPECT_EQ(t.decode(t.bos()), "");
  EXPECT_EQ(t.decode(t.eos()), "");
  EXPECT_EQ(t.decode(3 + 'A'), "A");
  EXPECT_EQ(t.decode(t.size()), "");
  EXPECT_EQ(t.decode(0xffffffffu), "");
}

TEST(Tokenizer, BytesWithoutByteTokenBecomeUnkAndNeverMerge) {
  // Only bytes 'a' and 'b' have byte tokens; "ab" and "bc" are normal tokens.
  auto t = Tokenizer::create({"<unk>", "<s>", "</s>", "<0x61>", "<0x62>", "ab", "bc"},
                             {0, 0, 0, 0, 0, 1, 2}, {2, 3, 3, 6, 6, 1, 1}, 1, 2, 0);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->encode("abc", false), (std::vector<uint32_t>{5, 0}));
  EXPECT_EQ(t->encode("xab", false), (std::vector<uint32_t>{0, 5}));
}

TEST(Tokenizer, CreateRejectsBadVocabularies) {
  const std::vector<std::string> tok = {"<unk>", "<s>", "</s>", "<0x41>", "ab"};
  const std::vector<float> sc = {0, 0, 0, 0, 0};
  const std::vector<int32_t> ty = {2, 3, 3, 6, 1};
  EXPECT_TRUE(Tokenizer::create(tok, sc, ty, 1, 2, 0).ok());
  EXPECT_FALSE(Tokenizer::create({}, {}, {}, 1, 2, 0).ok());
  EXPECT_FALSE(Tokenizer::create(tok, {0, 0}, ty, 1, 2, 0).ok());
  EXPECT_FALSE(Tokenizer::create(tok, sc, ty, 5, 2, 0).ok());
  EXPECT_FALSE(Tokenizer::create(tok, sc, ty, 1, 2, 99).ok());
  EXPECT_FALSE(Tokenizer::create(tok, {0, 0, 0, NAN, 0}, ty, 1, 2, 0).ok());
  EXPECT_FALSE(Tokenizer::create(tok, sc, {2, 3, 3, 6, 9}, 1, 2, 0).ok());
  EXPECT_FALSE(Tokenizer::create({"<unk>", "<s>", "</s>", "<0x4G>", "ab"}, sc, ty, 1, 2, 0).ok());
  EXPECT_FALSE(
      Tokenizer::create({"<unk>", "<s>", "</s>", "<0x41>", "<0x41>"}, sc, {2, 3, 3, 6, 6}, 1, 2, 0)
          .ok());
  auto dup = Tokenizer::create({"<unk>", "<s>", "</s>", "ab", "ab"}, sc, {2, 3, 3, 1, 1}, 1, 2, 0);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("token 4"), std::string::npos) << dup.error().message;
}

TEST(Tokenizer, LongTextsAreFast) {
  const Tokenizer t = test_tokenizer();
  std::string lines, one_line;
  std::mt19937_64 rng(11);
  const char* words[] = {"the ", "and ", "LORD ", "thing ", "in ", "hall ", "of ", "Israel, "};
  while (lines.size() < 60000) {
    lines += words[rng() % 8];
    if (rng() % 12 == 0) {
      lines += "\n";
    }
  }
  for (char c : lines) {
    one_line += c == '\n' ? ' ' : c;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto a = t.encode(lines);
  const auto b = t.encode(one_line);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(t.decode(a), lines);
  EXPECT_EQ(t.decode(b), one_line);
  EXPECT_LT(s, 2.0);
}

}  // namespace
}  // namespace vinfer::model
