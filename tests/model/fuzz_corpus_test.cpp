// Seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/): tiny valid inputs so the
// fuzzers start deep inside the loaders. VINFER_WRITE_VECTORS=1 (re)writes them; otherwise
// this checks that every committed seed still loads.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "fixtures.hpp"
#include "vinfer/model/canonical_file.hpp"
#include "vinfer/model/load.hpp"

namespace vinfer::model {
namespace {

/// A 6-token vocabulary and a 1-layer model of width `dim`.
FloatModel tiny_model(uint32_t dim, bool tied) {
  LlamaConfig c;
  c.dim = dim;
  c.hidden_dim = dim;
  c.n_layers = 1;
  c.n_heads = 2;
  c.n_kv_heads = 1;
  c.seq_len = 4;
  FloatModel m = testing::random_model(99, c, tied);
  auto t = Tokenizer::create({"<unk>", "<s>", "</s>", "<0x61>", "<0x62>", "ab"},
                             {0, 0, 0, 0, 0, -1}, {2, 3, 3, 6, 6, 1}, 1, 2, 0);
  EXPECT_TRUE(t.ok());
  m.tokenizer = *t;
  m.cfg.vocab_size = 6;
  m.tok_embd.resize(6 * dim);
  m.wcls.resize(6 * dim);
  if (tied) {
    m.wcls = m.tok_embd;
  }
  return m;
}

std::vector<uint8_t> two_parts(const std::vector<uint8_t>& first, const std::string& second) {
  std::vector<uint8_t> out(2 + first.size() + second.size());
  out[0] = static_cast<uint8_t>(first.size());
  out[1] = static_cast<uint8_t>(first.size() >> 8);
  std::copy(first.begin(), first.end(), out.begin() + 2);
  std::copy(second.begin(), second.end(), out.begin() + 2 + static_cast<ptrdiff_t>(first.size()));
  return out;
}

std::vector<uint8_t> two_parts(const std::vector<uint8_t>& first,
                               const std::vector<uint8_t>& second) {
  return two_parts(first, std::string(second.begin(), second.end()));
}

struct Seed {
  std::string target, name;
  std::vector<uint8_t> bytes;
};

std::vector<Seed> seeds() {
  const FloatModel small = tiny_model(4, false), tied = tiny_model(4, true);
  const FloatModel wide = tiny_model(32, false);
  const auto tok = serialize_llama2c_tokenizer(small.tokenizer);
  const auto full_tok = serialize_llama2c_tokenizer(testing::test_tokenizer());
  return {
      {"fuzz_gguf", "float_f32.gguf", serialize_gguf_float(small, GgmlType::f32)},
      {"fuzz_gguf", "float_f16.gguf", serialize_gguf_float(tied, GgmlType::f16)},
      {"fuzz_gguf", "float_q8_0.gguf", serialize_gguf_float(wide, GgmlType::q8_0)},
      {"fuzz_gguf", "canonical.gguf", serialize_canonical(*quantize(small))},
      {"fuzz_llama2c", "unshared.bin", two_parts(tok, testing::llama2c_bytes(small, false))},
      {"fuzz_llama2c", "shared.bin", two_parts(tok, testing::llama2c_bytes(tied, true))},
      {"fuzz_tokenizer", "tiny.bin", two_parts(tok, std::string("abab\nba\n\nab"))},
      {"fuzz_tokenizer", "bytes.bin",
       two_parts(full_tok, std::string("In the beginning the LORD and\n\nthe thing \xff\x01"))},
  };
}

/// Loads a seed the way its fuzz target does; true if the loader accepts it.
bool loads(const Seed& s) {
  if (s.target == "fuzz_gguf") {
    return load_gguf_float(s.bytes).ok() || read_canonical(s.bytes).ok();
  }
  const size_t n = s.bytes[0] | (size_t{s.bytes[1]} << 8);
  const std::span<const uint8_t> first(s.bytes.data() + 2, n),
      rest(s.bytes.data() + 2 + n, s.bytes.size() - 2 - n);
  if (s.target == "fuzz_llama2c") {
    return load_llama2c(rest, first).ok();
  }
  return parse_llama2c_tokenizer(first).ok();
}

TEST(FuzzCorpus, SeedsAreValidInputs) {
  const auto dir = testing::source_dir() / "tests/fuzz/corpus";
  const bool write = std::getenv("VINFER_WRITE_VECTORS") != nullptr;
  for (const Seed& s : seeds()) {
    ASSERT_TRUE(loads(s)) << s.target << "/" << s.name;
    const auto path = dir / s.target / s.name;
    if (write) {
      std::filesystem::create_directories(path.parent_path());
      testing::write_bytes(path, s.bytes);
    }
    if (!std::filesystem::exists(path)) {
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    Seed committed{s.target, s.name, std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {})};
    EXPECT_TRUE(loads(committed)) << path;
  }
}

}  // namespace
}  // namespace vinfer::model
