// Synthetic models (see synthetic.hpp).
#include "vinfer/model/synthetic.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "vinfer/arith/sampler.hpp"

namespace vinfer::model {
namespace {

// Uniform in [-a, a] from a counter-based generator: reproducible and fast.
void fill(std::vector<float>& v, size_t n, float a, uint64_t seed, uint64_t stream) {
  v.resize(n);
  const uint64_t base = arith::mix64(seed ^ arith::mix64(stream));
  for (size_t i = 0; i < n; ++i) {
    const uint64_t r = arith::mix64(base + i);
    const float u = static_cast<float>(r >> 40) * (1.0f / 16777216.0f);  // [0, 1)
    v[i] = (2.0f * u - 1.0f) * a;
  }
}

Tokenizer byte_tokenizer(uint32_t vocab) {
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<int32_t> types = {2, 3, 3};
  char buf[8];
  for (int b = 0; b < 256; ++b) {
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    tokens.emplace_back(buf);
    types.push_back(6);
  }
  for (uint32_t i = static_cast<uint32_t>(tokens.size()); i < vocab; ++i) {
    tokens.push_back("<pad" + std::to_string(i) + ">");
    types.push_back(5);  // unused: never produced by encode()
  }
  std::vector<float> scores(tokens.size(), 0.0f);
  auto t = Tokenizer::create(tokens, scores, types, 1, 2, 0);
  VINFER_ASSERT(t.ok());
  return std::move(t).value();
}

}  // namespace

LlamaConfig synthetic_config(uint64_t params) {
  LlamaConfig best;
  for (uint32_t dim = 64; dim <= 8192; dim += 64) {
    LlamaConfig c;
    c.dim = dim;
    c.n_layers = dim / 64;
    c.n_heads = dim / 64;
    c.n_kv_heads = c.n_heads;
    c.hidden_dim = ((dim * 8 / 3) + 63) / 64 * 64;
    c.vocab_size = dim < 256 ? 512 : 8192;
    c.seq_len = 512;
    if (best.dim != 0 && c.param_count() > params)
      break;
    best = c;
  }
  return best;
}

FloatModel synthetic_model(const LlamaConfig& c, uint64_t seed) {
  FloatModel m;
  m.name = "synthetic-" + std::to_string(c.param_count());
  m.cfg = c;
  m.tokenizer = byte_tokenizer(c.vocab_size);
  const float a = std::sqrt(3.0f / static_cast<float>(c.dim));  // unit-variance outputs
  const float ah = std::sqrt(3.0f / static_cast<float>(c.hidden_dim));
  uint64_t stream = 0;
  fill(m.tok_embd, size_t{c.vocab_size} * c.dim, 1.0f, seed, stream++);
  m.layers.resize(c.n_layers);
  for (auto& L : m.layers) {
    L.attn_norm.assign(c.dim, 1.0f);
    L.ffn_norm.assign(c.dim, 1.0f);
    fill(L.wq, size_t{c.dim} * c.dim, a, seed, stream++);
    fill(L.wk, size_t{c.kv_dim()} * c.dim, a, seed, stream++);
    fill(L.wv, size_t{c.kv_dim()} * c.dim, a, seed, stream++);
    fill(L.wo, size_t{c.dim} * c.dim, a * 0.5f, seed, stream++);
    fill(L.w1, size_t{c.hidden_dim} * c.dim, a, seed, stream++);
    fill(L.w3, size_t{c.hidden_dim} * c.dim, a, seed, stream++);
    fill(L.w2, size_t{c.dim} * c.hidden_dim, ah * 0.5f, seed, stream++);
  }
  m.out_norm.assign(c.dim, 1.0f);
  fill(m.wcls, size_t{c.vocab_size} * c.dim, a, seed, stream++);
  return m;
}

}  // namespace vinfer::model
