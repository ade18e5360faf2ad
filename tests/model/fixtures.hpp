// Test helpers for tests/model: small seeded models, llama2.c writers and comparisons.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "vinfer/model/canonical.hpp"
#include "vinfer/model/float_model.hpp"
#include "vinfer/model/tokenizer.hpp"

namespace vinfer::model::testing {

/// A small config: Q8_0-compatible widths (multiples of 32), grouped-query attention.
inline LlamaConfig small_config() {
  LlamaConfig c;
  c.dim = 64;
  c.hidden_dim = 96;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.vocab_size = 0;  // set from the tokenizer
  c.seq_len = 32;
  return c;
}

/// <unk>, <s>, </s>, 256 byte tokens (ids 3 + b), then `merges` normal tokens with
/// decreasing scores (earlier = higher), like tools/train_kjv.py's tokenizer.
inline Tokenizer test_tokenizer(const std::vector<std::string>& merges = {
                                    "th", "he", "the", "in", " t", " the", "an", "nd", "and",
                                    "\n\n", "er", "ing", "ll", "LORD"}) {
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<int32_t> types = {2, 3, 3};
  std::vector<float> scores = {0, 0, 0};
  static const char* hex = "0123456789ABCDEF";
  for (int b = 0; b < 256; ++b) {
    tokens.push_back(std::string{'<', '0', 'x', hex[b >> 4], hex[b & 15], '>'});
    types.push_back(6);
    scores.push_back(0);
  }
  for (size_t i = 0; i < merges.size(); ++i) {
    tokens.push_back(merges[i]);
    types.push_back(1);
    scores.push_back(-static_cast<float>(i));
  }
  auto t = Tokenizer::create(tokens, scores, types, 1, 2, 0);
  EXPECT_TRUE(t.ok()) << t.error().to_string();
  return std::move(t).value();
}

/// splitmix64: a portable seeded generator (std distributions differ between libraries).
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [-a, a): 24 random bits, exact float arithmetic.
  float uniform(float a) {
    const float u = static_cast<float>(next() >> 40) * (1.0f / 16777216.0f);
    return (2.0f * u - 1.0f) * a;
  }
};

inline void fill_uniform(std::vector<float>& v, size_t n, float a, SplitMix& rng) {
  v.resize(n);
  for (auto& x : v) {
    x = rng.uniform(a);
  }
}

/// A model with seeded uniform weights (the same floats on every platform); gains around 1; tied =
/// wcls equals tok_embd.
inline FloatModel random_model(uint64_t seed, LlamaConfig c = small_config(), bool tied = false) {
  FloatModel m;
  m.name = "test-model";
  m.tokenizer = test_tokenizer();
  c.vocab_size = m.tokenizer.size();
  m.cfg = c;
  SplitMix rng{seed};
  const size_t d = c.dim, h = c.hidden_dim, kv = c.kv_dim(), v = c.vocab_size;
  fill_uniform(m.tok_embd, v * d, 1.0f, rng);
  m.layers.resize(c.n_layers);
  for (auto& L : m.layers) {
    fill_uniform(L.attn_norm, d, 0.5f, rng);
    for (auto& g : L.attn_norm) {
      g += 1.0f;
    }
    fill_uniform(L.wq, d * d, 0.2f, rng);
    fill_uniform(L.wk, kv * d, 0.2f, rng);
    fill_uniform(L.wv, kv * d, 0.2f, rng);
    fill_uniform(L.wo, d * d, 0.2f, rng);
    fill_uniform(L.ffn_norm, d, 0.5f, rng);
    for (auto& g : L.ffn_norm) {
      g += 1.0f;
    }
    fill_uniform(L.w1, h * d, 0.2f, rng);
    fill_uniform(L.w2, d * h, 0.2f, rng);
    fill_uniform(L.w3, h * d, 0.2f, rng);
  }
  fill_uniform(m.out_norm, d, 0.5f, rng);
  for (auto& g : m.out_norm) {
    g += 1.0f;
  }
  if (tied) {
    m.wcls = m.tok_embd;
  } else {
    fill_uniform(m.wcls, v * d, 0.2f, rng);
  }
  return m;
}

/// A llama2.c legacy checkpoint of `m` (shared: positive vocab_size, no wcls).
inline std::vector<uint8_t> llama2c_bytes(const FloatModel& m, bool shared) {
  const LlamaConfig& c = m.cfg;
  std::vector<uint8_t> out;
  auto put = [&out](const void* p, size_t n) {
    const size_t at = out.size();
    out.resize(at + n);
    if (n) {
      std::memcpy(out.data() + at, p, n);
    }
  };
  const int32_t vocab =
      shared ? static_cast<int32_t>(c.vocab_size) : -static_cast<int32_t>(c.vocab_size);
  const int32_t h[7] = {static_cast<int32_t>(c.dim),        static_cast<int32_t>(c.hidden_dim),
                        static_cast<int32_t>(c.n_layers),   static_cast<int32_t>(c.n_heads),
                        static_cast<int32_t>(c.n_kv_heads), vocab,
                        static_cast<int32_t>(c.seq_len)};
  put(h, sizeof h);
  auto tensor = [&put](const std::vector<float>& t) { put(t.data(), t.size() * 4); };
  tensor(m.tok_embd);
  for (auto& L : m.layers) {
    tensor(L.attn_norm);
  }
  for (auto& L : m.layers) {
    tensor(L.wq);
  }
  for (auto& L : m.layers) {
    tensor(L.wk);
  }
  for (auto& L : m.layers) {
    tensor(L.wv);
  }
  for (auto& L : m.layers) {
    tensor(L.wo);
  }
  for (auto& L : m.layers) {
    tensor(L.ffn_norm);
  }
  for (auto& L : m.layers) {
    tensor(L.w1);
  }
  for (auto& L : m.layers) {
    tensor(L.w2);
  }
  for (auto& L : m.layers) {
    tensor(L.w3);
  }
  tensor(m.out_norm);
  const std::vector<float> freq(static_cast<size_t>(c.seq_len) * c.head_dim() / 2, 0.5f);
  tensor(freq);  // freq_cis_real
  tensor(freq);  // freq_cis_imag
  if (!shared) {
    tensor(m.wcls);
  }
  return out;
}

inline void expect_same_tokenizer(const Tokenizer& a, const Tokenizer& b) {
  EXPECT_EQ(a.tokens(), b.tokens());
  EXPECT_EQ(a.scores(), b.scores());
  EXPECT_EQ(a.types(), b.types());
  EXPECT_EQ(a.bos(), b.bos());
  EXPECT_EQ(a.eos(), b.eos());
  EXPECT_EQ(a.unk(), b.unk());
}

inline void expect_same_float(const FloatModel& a, const FloatModel& b) {
  EXPECT_EQ(a.cfg, b.cfg);
  expect_same_tokenizer(a.tokenizer, b.tokenizer);
  EXPECT_EQ(a.tok_embd, b.tok_embd);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t l = 0; l < a.layers.size(); ++l) {
    const FloatLayer &x = a.layers[l], &y = b.layers[l];
    EXPECT_EQ(x.attn_norm, y.attn_norm);
    EXPECT_EQ(x.wq, y.wq);
    EXPECT_EQ(x.wk, y.wk);
    EXPECT_EQ(x.wv, y.wv);
    EXPECT_EQ(x.wo, y.wo);
    EXPECT_EQ(x.ffn_norm, y.ffn_norm);
    EXPECT_EQ(x.w1, y.w1);
    EXPECT_EQ(x.w2, y.w2);
    EXPECT_EQ(x.w3, y.w3);
  }
  EXPECT_EQ(a.out_norm, b.out_norm);
  EXPECT_EQ(a.wcls, b.wcls);
}

inline void expect_same_matrix(const QMatrix& a, const QMatrix& b) {
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.cols, b.cols);
  EXPECT_EQ(a.w, b.w);
  EXPECT_EQ(a.scale, b.scale);
}

inline void expect_same_canonical(const CanonicalModel& a, const CanonicalModel& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.cfg, b.cfg);
  EXPECT_EQ(a.norm_eps_q24, b.norm_eps_q24);
  expect_same_tokenizer(a.tokenizer, b.tokenizer);
  expect_same_matrix(a.tok_embd, b.tok_embd);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t l = 0; l < a.layers.size(); ++l) {
    const QLayer &x = a.layers[l], &y = b.layers[l];
    EXPECT_EQ(x.attn_norm, y.attn_norm);
    expect_same_matrix(x.wq, y.wq);
    expect_same_matrix(x.wk, y.wk);
    expect_same_matrix(x.wv, y.wv);
    expect_same_matrix(x.wo, y.wo);
    EXPECT_EQ(x.ffn_norm, y.ffn_norm);
    expect_same_matrix(x.w1, y.w1);
    expect_same_matrix(x.w2, y.w2);
    expect_same_matrix(x.w3, y.w3);
  }
  EXPECT_EQ(a.out_norm, b.out_norm);
  expect_same_matrix(a.wcls, b.wcls);
}

/// A fresh empty folder under the system temp folder, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("vinfer-model-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::filesystem::path& p, const std::vector<uint8_t>& b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// The repository root (env VINFER_SOURCE_DIR, else the compile-time definition).
inline std::filesystem::path source_dir() {
  if (const char* e = std::getenv("VINFER_SOURCE_DIR")) {
    return e;
  }
#ifdef VINFER_SOURCE_DIR
  return VINFER_SOURCE_DIR;
#else
  return ".";
#endif
}

}  // namespace vinfer::model::testing
