#include "vinfer/engine/fp32_engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/fixtures.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/engine/engine.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/synthetic.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::engine {
namespace {

using testing::small_config;
constexpr auto job = testing::test_job;

// Wide heads and a long context, so the attention is split across threads too.
model::LlamaConfig wide_config() {
  model::LlamaConfig c;
  c.dim = 256;
  c.hidden_dim = 512;
  c.n_layers = 1;
  c.n_heads = 4;
  c.n_kv_heads = 1;
  c.vocab_size = 300;
  c.seq_len = 96;
  c.rope_theta = 500000.0f;
  return c;
}

std::vector<uint32_t> some_tokens(uint32_t n, uint32_t vocab) {
  std::vector<uint32_t> t = {1};
  for (uint32_t i = 1; i < n; ++i) {
    t.push_back((i * 7919u + 13u) % vocab);
  }
  return t;
}

// ---- A naive scalar double-precision forward pass, written from the Llama definition ----

using Vec = std::vector<double>;

Vec matvec(const std::vector<float>& W, const Vec& x, size_t rows) {
  Vec y(rows, 0.0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t k = 0; k < x.size(); ++k) {
      y[r] += double{W[r * x.size() + k]} * x[k];
    }
  }
  return y;
}

Vec rmsnorm(const Vec& x, const std::vector<float>& g, double eps) {
  double ss = 0;
  for (double v : x) {
    ss += v * v;
  }
  const double r = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + eps);
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    y[i] = x[i] * r * g[i];
  }
  return y;
}

void rope(Vec& x, uint32_t hd, uint32_t pos, double theta) {
  for (size_t h = 0; h < x.size() / hd; ++h) {
    for (uint32_t i = 0; i < hd / 2; ++i) {
      const double a = pos * std::pow(theta, -2.0 * i / hd);
      double& x0 = x[h * hd + 2 * i];
      double& x1 = x[h * hd + 2 * i + 1];
      const double y0 = x0 * std::cos(a) - x1 * std::sin(a);
      const double y1 = x0 * std::sin(a) + x1 * std::cos(a);
      x0 = y0, x1 = y1;
    }
  }
}

// logits[pos][id] for teacher-forced `tokens`.
std::vector<Vec> reference_logits(const model::FloatModel& m, const std::vector<uint32_t>& tokens) {
  const auto& c = m.cfg;
  const uint32_t hd = c.head_dim(), group = c.n_heads / c.n_kv_heads;
  std::vector<std::vector<Vec>> kc(c.n_layers), vc(c.n_layers);  // (layer, pos) -> kv row
  std::vector<Vec> out;
  for (uint32_t pos = 0; pos < tokens.size(); ++pos) {
    Vec x(m.tok_embd.begin() + size_t{tokens[pos]} * c.dim,
          m.tok_embd.begin() + size_t{tokens[pos] + 1} * c.dim);
    for (uint32_t l = 0; l < c.n_layers; ++l) {
      const auto& L = m.layers[l];
      Vec xn = rmsnorm(x, L.attn_norm, c.norm_eps);
      Vec q = matvec(L.wq, xn, size_t{c.n_heads} * hd);
      Vec k = matvec(L.wk, xn, c.kv_dim());
      Vec v = matvec(L.wv, xn, c.kv_dim());
      rope(q, hd, pos, c.rope_theta);
      rope(k, hd, pos, c.rope_theta);
      kc[l].push_back(k);
      vc[l].push_back(v);
      Vec av(size_t{c.n_heads} * hd, 0.0);
      for (uint32_t h = 0; h < c.n_heads; ++h) {
        const size_t kv = size_t{h / group} * hd;
        Vec s(pos + 1);
        for (uint32_t t = 0; t <= pos; ++t) {
          for (uint32_t i = 0; i < hd; ++i) {
            s[t] += q[h * hd + i] * kc[l][t][kv + i];
          }
          s[t] /= std::sqrt(static_cast<double>(hd));
        }
        const double mx = *std::max_element(s.begin(), s.end());
        double sum = 0;
        for (double& e : s) {
          sum += e = std::exp(e - mx);
        }
        for (uint32_t t = 0; t <= pos; ++t) {
          for (uint32_t i = 0; i < hd; ++i) {
            av[h * hd + i] += s[t] / sum * vc[l][t][kv + i];
          }
        }
      }
      Vec o = matvec(L.wo, av, c.dim);
      for (uint32_t i = 0; i < c.dim; ++i) {
        x[i] += o[i];
      }
      xn = rmsnorm(x, L.ffn_norm, c.norm_eps);
      Vec g = matvec(L.w1, xn, c.hidden_dim);
      const Vec u = matvec(L.w3, xn, c.hidden_dim);
      for (uint32_t i = 0; i < c.hidden_dim; ++i) {
        g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
      }
      o = matvec(L.w2, g, c.dim);
      for (uint32_t i = 0; i < c.dim; ++i) {
        x[i] += o[i];
      }
    }
    out.push_back(matvec(m.wcls, rmsnorm(x, m.out_norm, c.norm_eps), c.vocab_size));
  }
  return out;
}

std::vector<std::vector<float>> fp32_logits(Fp32Engine& e, const std::vector<uint32_t>& tokens) {
  std::vector<std::vector<float>> out(tokens.size());
  auto st = e.evaluate(tokens, [&](uint32_t pos, std::span<const float> l) {
    out.at(pos).assign(l.begin(), l.end());
  });
  EXPECT_TRUE(st.ok());
  return out;
}

template <class T>
uint32_t argmax_of(const std::vector<T>& v) {
  return static_cast<uint32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

class Fp32EngineVsReference : public ::testing::TestWithParam<model::LlamaConfig> {};

TEST_P(Fp32EngineVsReference, LogitsMatchADoubleForwardPass) {
  const auto m = model::synthetic_model(GetParam(), 5);
  const auto tokens = some_tokens(GetParam().seq_len, GetParam().vocab_size);
  const auto want = reference_logits(m, tokens);
  for (tensor::Isa isa : tensor::available_isas()) {
    tensor::set_isa_for_testing(isa);
    for (unsigned threads : {1u, 2u, 3u}) {
      Fp32Engine e(m, threads);
      const auto got = fp32_logits(e, tokens);
      double worst = 0;
      for (size_t p = 0; p < tokens.size(); ++p) {
        for (size_t i = 0; i < want[p].size(); ++i) {
          worst = std::max(worst, std::abs(got[p][i] - want[p][i]));
        }
      }
      // Logits are O(1) (unit-variance synthetic weights); float carries ~7 digits and
      // the observed worst case is ~3e-6, so 5e-5 leaves room for other FMA orders.
      EXPECT_LT(worst, 5e-5) << tensor::isa_name(isa) << " x" << threads;
    }
  }
  tensor::set_isa_for_testing(tensor::best_isa());
}

INSTANTIATE_TEST_SUITE_P(Shapes,
                         Fp32EngineVsReference,
                         ::testing::Values(small_config(), wide_config()));

TEST(Fp32Engine, GeneratesExactlyMaxTokens) {
  const auto m = model::synthetic_model(small_config(), 11);
  Fp32Engine e(m, 2);
  for (bool sampled : {false, true}) {
    auto r = e.generate(job(sampled));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->tokens.size(), 12u);
    for (uint32_t t : r->tokens) {
      EXPECT_LT(t, m.cfg.vocab_size);
    }
    EXPECT_GE(r->seconds, r->decode_seconds);
  }
}

TEST(Fp32Engine, GreedyTokensAreTheArgmaxOfTeacherForcedLogits) {
  const auto m = model::synthetic_model(small_config(), 11);
  Fp32Engine e(m, 1);
  const auto j = job(false);
  auto r = e.generate(j);
  ASSERT_TRUE(r.ok());
  std::vector<uint32_t> seq = j.tokens;
  seq.insert(seq.end(), r->tokens.begin(), r->tokens.end() - 1);
  const auto logits = fp32_logits(e, seq);
  for (uint32_t i = 0; i < j.max_tokens; ++i) {
    EXPECT_EQ(argmax_of(logits[j.tokens.size() - 1 + i]), r->tokens[i]) << "token " << i;
  }
}

TEST(Fp32Engine, SamplingIsSeededAndTheSmallestTopPIsGreedy) {
  const auto m = model::synthetic_model(small_config(), 11);
  Fp32Engine e(m, 1);
  auto a = job(true);
  EXPECT_EQ(e.generate(a)->tokens, e.generate(a)->tokens);
  a.top_p_q16 = 1;  // keeps only the most probable token
  EXPECT_EQ(e.generate(a)->tokens, e.generate(job(false))->tokens);
}

TEST(Fp32Engine, RejectsWhatDoesNotFit) {
  const auto m = model::synthetic_model(small_config(), 11);
  Fp32Engine e(m, 1);
  auto j = job(false);
  j.max_tokens = 100;
  EXPECT_FALSE(e.generate(j).ok());
  const auto cb = [](uint32_t, std::span<const float>) {};
  EXPECT_FALSE(e.evaluate(some_tokens(49, 300), cb).ok());  // context is 48
  EXPECT_FALSE(e.evaluate(std::vector<uint32_t>{1, 300}, cb).ok());
  EXPECT_FALSE(e.evaluate(std::vector<uint32_t>{}, cb).ok());
}

// The synthetic weights give unit-variance activations, so the int8 engine's logits
// (Q12) should track the fp32 ones closely: this is a meaningful accuracy check.
TEST(Fp32Engine, Int8LogitsTrackFp32Logits) {
  const auto fm = model::synthetic_model(small_config(), 5);
  auto qm = model::quantize(fm);
  ASSERT_TRUE(qm.ok()) << qm.error().to_string();
  const auto tokens = some_tokens(48, 300);
  Fp32Engine f(fm, 1);
  const auto want = fp32_logits(f, tokens);
  Engine q(*qm, 1);
  uint32_t agree = 0;
  double sxy = 0, sxx = 0, syy = 0, sx = 0, sy = 0, n = 0;
  auto st = q.evaluate(tokens, [&](uint32_t pos, std::span<const int32_t> l) {
    std::vector<double> got(l.size());
    for (size_t i = 0; i < l.size(); ++i) {
      got[i] = l[i] / 4096.0;
    }
    agree += argmax_of(got) == argmax_of(want[pos]);
    for (size_t i = 0; i < l.size(); ++i) {
      const double x = got[i], y = want[pos][i];
      sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, n += 1;
    }
  });
  ASSERT_TRUE(st.ok());
  const double corr = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
  EXPECT_GT(corr, 0.98);
  EXPECT_GE(agree, 40u) << "of 48 positions (chance: 1 in 300)";
}

}  // namespace
}  // namespace vinfer::engine
