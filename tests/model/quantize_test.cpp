// The quantizer: its rounding rule on hand-picked values, zero rows, multipliers, gains,
// determinism, and errors that name the tensor and row; check_canonical's bounds.
#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/model_root.hpp"

namespace vinfer::model {
namespace {

using testing::random_model;

TEST(Quantize, RoundsHalfAwayFromZeroPerRow) {
  FloatModel m = random_model(1);
  // Row 0 of wq: maxabs 127 so s = 1 and w = round_half_away(W).
  std::vector<float>& wq = m.layers[0].wq;
  const float row[] = {127.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, 0.49f, -126.5f, -127.0f, 3.0f};
  const int8_t want[] = {127, 1, -1, 2, -2, 3, 0, -127, -127, 3};
  for (size_t k = 0; k < m.cfg.dim; ++k) {
    wq[k] = k < 10 ? row[k] : 0.0f;
  }
  // Row 1: all zero.  Row 2: maxabs 254 so s = 2: 1.0 -> 0.5 -> 1, -3.0 -> -1.5 -> -2.
  for (size_t k = 0; k < m.cfg.dim; ++k) {
    wq[m.cfg.dim + k] = 0.0f;
  }
  for (size_t k = 0; k < m.cfg.dim; ++k) {
    wq[2 * m.cfg.dim + k] = 0.0f;
  }
  wq[2 * m.cfg.dim + 0] = 254.0f;
  wq[2 * m.cfg.dim + 1] = 1.0f;
  wq[2 * m.cfg.dim + 2] = -3.0f;
  auto q = quantize(m);
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  const QMatrix& Q = q->layers[0].wq;
  for (size_t k = 0; k < 10; ++k) {
    EXPECT_EQ(Q.w[k], want[k]) << "k=" << k;
  }
  for (size_t k = 0; k < m.cfg.dim; ++k) {
    EXPECT_EQ(Q.row(1)[k], 0);
  }
  EXPECT_EQ(Q.scale[1], (arith::Dyadic{0, 0}));
  EXPECT_EQ(Q.row(2)[0], 127);
  EXPECT_EQ(Q.row(2)[1], 1);
  EXPECT_EQ(Q.row(2)[2], -2);
  // Multipliers: s / 127 for projections.
  arith::Dyadic d1;
  ASSERT_TRUE(arith::dyadic_from_double(1.0 / 127.0, &d1));
  EXPECT_EQ(Q.scale[0], d1);
  arith::Dyadic d2;
  ASSERT_TRUE(arith::dyadic_from_double(2.0 / 127.0, &d2));
  EXPECT_EQ(Q.scale[2], d2);
  EXPECT_EQ(Q.scale[0].mant, d2.mant);
  EXPECT_EQ(Q.scale[0].shift, d2.shift + 1);
}

TEST(Quantize, EmbeddingMultiplierIsQ12AndGainsAreQ16) {
  FloatModel m = random_model(2);
  for (size_t k = 0; k < m.cfg.dim; ++k) {
    m.tok_embd[k] = k == 0 ? -0.5f : 0.25f;
  }
  m.layers[1].ffn_norm[3] = 1.0f;
  m.layers[1].ffn_norm[4] = -2.5f;
  m.layers[1].ffn_norm[5] = 1.0f / 65536.0f * 0.5f;  // exactly half a unit: rounds up
  m.out_norm[0] = 16.0f;                             // == kGainMax / 2^16: allowed
  auto q = quantize(m);
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  arith::Dyadic d;
  ASSERT_TRUE(arith::dyadic_from_double(0.5 / 127.0 * 4096.0, &d));
  EXPECT_EQ(q->tok_embd.scale[0], d);
  EXPECT_EQ(q->tok_embd.row(0)[0], -127);
  EXPECT_EQ(q->tok_embd.row(0)[1], 64);  // 0.25 / (0.5/127) = 63.5 -> 64
  EXPECT_EQ(q->layers[1].ffn_norm[3], 65536);
  EXPECT_EQ(q->layers[1].ffn_norm[4], -163840);
  EXPECT_EQ(q->layers[1].ffn_norm[5], 1);
  EXPECT_EQ(q->out_norm[0], arith::kGainMax);
  EXPECT_EQ(q->norm_eps_q24, 168);  // round(1e-5f * 2^24) = round(167.77...)
  EXPECT_TRUE(check_canonical(*q).ok());
}

TEST(Quantize, IsDeterministic) {
  const FloatModel m = random_model(3);
  auto a = quantize(m), b = quantize(m);
  ASSERT_TRUE(a.ok() && b.ok());
  testing::expect_same_canonical(*a, *b);
  EXPECT_EQ(commit_model(*a).root, commit_model(*b).root);
  // Every weight is in range and every nonzero row reaches +-127.
  for (int8_t w : a->layers[0].w2.w) {
    EXPECT_GE(w, -127);
    EXPECT_LE(w, 127);
  }
}

TEST(Quantize, ErrorsNameTheTensorAndRow) {
  {
    FloatModel m = random_model(4);
    m.layers[1].wv[3 * m.cfg.dim + 5] = NAN;
    auto q = quantize(m);
    ASSERT_FALSE(q.ok());
    EXPECT_NE(q.error().message.find("blk.1.attn_v.weight' row 3 column 5"), std::string::npos)
        << q.error().message;
  }
  {
    FloatModel m = random_model(4);
    m.out_norm[7] = 16.5f;
    auto q = quantize(m);
    ASSERT_FALSE(q.ok());
    EXPECT_NE(q.error().message.find("output_norm.weight' index 7"), std::string::npos)
        << q.error().message;
  }
  {
    FloatModel m = random_model(4);
    m.wcls[5] = 1e30f;  // multiplier s / 127 ~ 6e25 does not fit a Dyadic
    auto q = quantize(m);
    ASSERT_FALSE(q.ok());
    EXPECT_NE(q.error().message.find("output.weight' row 0"), std::string::npos)
        << q.error().message;
  }
  {
    FloatModel m = random_model(4);
    m.layers[0].w3.pop_back();
    EXPECT_FALSE(quantize(m).ok());
  }
}

TEST(CheckCanonical, RejectsOutOfRangeValues) {
  auto q = quantize(random_model(5));
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(check_canonical(*q).ok());
  auto expect_bad = [&](auto mutate, const std::string& text) {
    CanonicalModel c = *q;
    mutate(c);
    const Status s = check_canonical(c);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(s.error().message.find(text), std::string::npos) << s.error().message;
  };
  expect_bad([](CanonicalModel& c) { c.layers[1].wk.w[40] = -128; }, "blk.1.attn_k.weight' row 0");
  expect_bad([](CanonicalModel& c) { c.wcls.scale[2] = {5, 3}; }, "output.weight.scale' row 2");
  expect_bad([](CanonicalModel& c) { c.wcls.scale[2] = {1 << 30, 101}; }, "row 2");
  expect_bad([](CanonicalModel& c) { c.wcls.scale[2] = {0, 4}; }, "row 2");
  expect_bad([](CanonicalModel& c) { c.layers[0].attn_norm[1] = (1 << 20) + 1; },
             "blk.0.attn_norm.weight' index 1");
  expect_bad([](CanonicalModel& c) { c.out_norm.pop_back(); }, "output_norm.weight");
  expect_bad([](CanonicalModel& c) { c.layers[0].w1.rows = 3; }, "ffn_gate");
  expect_bad([](CanonicalModel& c) { c.layers.pop_back(); }, "layers");
  expect_bad([](CanonicalModel& c) { c.norm_eps_q24 = 0; }, "norm_eps_q24");
  expect_bad([](CanonicalModel& c) { c.cfg.n_kv_heads = 3; }, "n_heads");
  expect_bad([](CanonicalModel& c) { c.cfg.vocab_size += 1; }, "tokenizer");
}

}  // namespace
}  // namespace vinfer::model
