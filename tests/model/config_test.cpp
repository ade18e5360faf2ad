// LlamaConfig: parameter count and every validation rule.
#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/model/config.hpp"

namespace vinfer::model {
namespace {

LlamaConfig good() {
  LlamaConfig c = testing::small_config();
  c.vocab_size = 300;
  return c;
}

void expect_invalid(const LlamaConfig& c, const std::string& field) {
  const Status s = validate(c);
  ASSERT_FALSE(s.ok()) << "expected " << field << " to be rejected";
  EXPECT_NE(s.error().message.find(field), std::string::npos) << s.error().message;
}

TEST(Config, ParamCountCountsEveryTensor) {
  const LlamaConfig c = good();  // dim 64, hidden 96, 2 layers, 4 heads, 2 kv heads
  const uint64_t kv = 32;
  const uint64_t layer = 64 + 64 * 64 + 2 * kv * 64 + 64 * 64 + 64 + 3 * 96 * 64;
  EXPECT_EQ(c.param_count(), 300 * 64 + 2 * layer + 64 + 300 * 64);
  EXPECT_EQ(c.head_dim(), 16u);
  EXPECT_EQ(c.kv_dim(), 32u);
}

TEST(Config, AcceptsAValidConfig) {
  EXPECT_TRUE(validate(good()).ok());
}

TEST(Config, RejectsEachBrokenRule) {
  auto with = [](auto f) {
    LlamaConfig c = good();
    f(c);
    return c;
  };
  expect_invalid(with([](LlamaConfig& c) { c.dim = 0; }), "dim");
  expect_invalid(with([](LlamaConfig& c) { c.hidden_dim = 0; }), "hidden_dim");
  expect_invalid(with([](LlamaConfig& c) { c.n_layers = 0; }), "n_layers");
  expect_invalid(with([](LlamaConfig& c) { c.n_heads = 0; }), "n_heads");
  expect_invalid(with([](LlamaConfig& c) { c.n_kv_heads = 0; }), "n_kv_heads");
  expect_invalid(with([](LlamaConfig& c) { c.vocab_size = 0; }), "vocab_size");
  expect_invalid(with([](LlamaConfig& c) { c.seq_len = 0; }), "seq_len");
  expect_invalid(with([](LlamaConfig& c) { c.n_heads = 5; }), "dim");  // 64 % 5
  expect_invalid(with([](LlamaConfig& c) {
                   c.n_heads = 64;
                   c.n_kv_heads = 1;
                 }),
                 "head_dim");
  expect_invalid(with([](LlamaConfig& c) { c.n_kv_heads = 3; }), "n_heads");
  expect_invalid(with([](LlamaConfig& c) { c.dim = (1u << 14) + 64; }), "kMaxDim");
  expect_invalid(with([](LlamaConfig& c) { c.hidden_dim = arith::kMaxDotLen + 1; }), "hidden_dim");
  expect_invalid(with([](LlamaConfig& c) { c.seq_len = (1u << 16) + 1; }), "seq_len");
  expect_invalid(with([](LlamaConfig& c) { c.vocab_size = 1u << 24; }), "vocab_size");
  expect_invalid(with([](LlamaConfig& c) { c.n_layers = 1025; }), "n_layers");
  expect_invalid(with([](LlamaConfig& c) { c.rope_theta = NAN; }), "rope_theta");
  expect_invalid(with([](LlamaConfig& c) { c.rope_theta = -1; }), "rope_theta");
  expect_invalid(with([](LlamaConfig& c) { c.rope_theta = 1.0f; }),
                 "rope_theta");  // rope_table needs > 1
  expect_invalid(with([](LlamaConfig& c) { c.rope_theta = 0.5f; }), "rope_theta");
  expect_invalid(with([](LlamaConfig& c) { c.norm_eps = 0; }), "norm_eps");
  expect_invalid(with([](LlamaConfig& c) { c.norm_eps = INFINITY; }), "norm_eps");
  // The bounds themselves are accepted.
  EXPECT_TRUE(validate(with([](LlamaConfig& c) {
                c.seq_len = 1u << 16;
                c.n_layers = 1024;
                c.vocab_size = (1u << 24) - 1;
              })).ok());
}

}  // namespace
}  // namespace vinfer::model
