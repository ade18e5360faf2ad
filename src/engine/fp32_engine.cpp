// The fp32 Llama engine (NON-CANONICAL, see fp32_engine.hpp). forward() reads top to
// bottom like the canonical engine's, with float in place of the integer operators:
// RMSNorm, adjacent-pair RoPE, grouped-query attention, SwiGLU, untied classifier.
#include "vinfer/engine/fp32_engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>

#include "vinfer/arith/sampler.hpp"
#include "vinfer/tensor/sgemv.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::engine {
namespace {

// Below this many multiply-adds per call the attention runs on the calling thread:
// waking the pool would cost more than the work.
constexpr size_t kMinParallelAttention = size_t{1} << 14;

// q . k with eight partial sums, so the compiler can vectorize it without -ffast-math.
float dot(const float* a, const float* b, uint32_t n) {
  float acc[8] = {};
  uint32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (uint32_t j = 0; j < 8; ++j) {
      acc[j] += a[i + j] * b[i + j];
    }
  }
  float s = 0;
  for (; i < n; ++i) {
    s += a[i] * b[i];
  }
  for (float x : acc) {
    s += x;
  }
  return s;
}

void rmsnorm(float* out, const float* x, const float* gain, uint32_t n, float eps) {
  double ss = 0;
  for (uint32_t i = 0; i < n; ++i) {
    ss += double{x[i]} * x[i];
  }
  const float r = static_cast<float>(1.0 / std::sqrt(ss / n + eps));
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = x[i] * r * gain[i];
  }
}

// Softmax over logits / temperature, top-p, then the draw in index order (as the
// canonical sampler walks the kept set); returns the chosen id.
uint32_t sample(const float* logits,
                uint32_t vocab,
                const model::Job& job,
                uint32_t pos,
                std::vector<double>& prob,
                std::vector<uint32_t>& order) {
  const double inv_t = 65536.0 / job.temperature_q16;
  const float mx = *std::max_element(logits, logits + vocab);
  double sum = 0;
  prob.resize(vocab);
  for (uint32_t i = 0; i < vocab; ++i) {
    sum += prob[i] = std::exp((logits[i] - mx) * inv_t);
  }
  for (uint32_t i = 0; i < vocab; ++i) {
    prob[i] /= sum;
  }

  // The smallest set of most probable ids whose mass reaches top_p: everything with
  // probability >= the threshold tau.
  double tau = 0;
  if (job.top_p_q16 < (1u << 16)) {
    const double top_p = job.top_p_q16 / 65536.0;
    order.resize(vocab);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return prob[a] > prob[b]; });
    double mass = 0;
    for (uint32_t id : order) {
      mass += prob[id];
      tau = prob[id];
      if (mass >= top_p) {
        break;
      }
    }
  }
  double kept = 0;
  for (uint32_t i = 0; i < vocab; ++i) {
    kept += prob[i] >= tau ? prob[i] : 0.0;
  }
  const double u = static_cast<double>(arith::rng_draw(job.seed, pos + 1) >> 11) * 0x1p-53;
  const double target = u * kept;
  double run = 0;
  uint32_t last = 0;
  for (uint32_t i = 0; i < vocab; ++i) {
    if (prob[i] < tau) {
      continue;
    }
    run += prob[i];
    last = i;
    if (run > target) {
      return i;
    }
  }
  return last;  // rounding left target at the very end of the kept mass
}

Status check_tokens(std::span<const uint32_t> tokens, const model::LlamaConfig& c) {
  if (tokens.empty()) {
    return fail(Errc::invalid_argument, "evaluate: no tokens");
  }
  if (tokens.size() > c.seq_len) {
    return fail(Errc::invalid_argument, "evaluate: " + std::to_string(tokens.size()) +
                                            " tokens exceed the context of " +
                                            std::to_string(c.seq_len));
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] >= c.vocab_size) {
      return fail(Errc::invalid_argument, "evaluate: token " + std::to_string(i) + " id " +
                                              std::to_string(tokens[i]) + " >= vocab " +
                                              std::to_string(c.vocab_size));
    }
  }
  return ok_status();
}

}  // namespace

// One run's KV cache and scratch rows.
struct Fp32Engine::State {
  const model::FloatModel& m;
  tensor::ThreadPool* pool;
  const float* rope;
  uint32_t dim, hd, nh, nkv, kvd, hid, vocab, seq;
  float eps, att_scale;

  std::vector<std::vector<float>> kcache, vcache;  // (layer) -> (position, kv_dim), K after RoPE
  std::vector<float> x, xn, q, k, v, att, av, o, g, u, logits;

  State(const model::FloatModel& model,
        tensor::ThreadPool* tp,
        const float* rope_table,
        uint32_t positions)
      : m(model), pool(tp), rope(rope_table) {
    const auto& c = m.cfg;
    dim = c.dim, hd = c.head_dim(), nh = c.n_heads, nkv = c.n_kv_heads, kvd = c.kv_dim();
    hid = c.hidden_dim, vocab = c.vocab_size, seq = positions;
    eps = c.norm_eps;
    att_scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd)));
    kcache.assign(c.n_layers, std::vector<float>(size_t{seq} * kvd));
    vcache.assign(c.n_layers, std::vector<float>(size_t{seq} * kvd));
    x.resize(dim), xn.resize(dim), o.resize(dim);
    q.resize(size_t{nh} * hd), av.resize(size_t{nh} * hd);
    k.resize(kvd), v.resize(kvd);
    g.resize(hid), u.resize(hid);
    logits.resize(vocab);
    att.resize(size_t{nh} * seq);
  }

  void matmul(const std::vector<float>& W,
              const float* in,
              float* out,
              uint32_t rows,
              uint32_t cols) {
    tensor::sgemv_f32(W.data(), rows, cols, in, out, pool);
  }

  void rope_rows(float* r, uint32_t heads, uint32_t pos) {
    const float* t = rope + size_t{pos} * hd;  // (hd/2) pairs of {cos, sin}
    for (uint32_t hh = 0; hh < heads; ++hh) {
      float* row = r + size_t{hh} * hd;
      for (uint32_t i = 0; i < hd / 2; ++i) {
        const float x0 = row[2 * i], x1 = row[2 * i + 1], c = t[2 * i], s = t[2 * i + 1];
        row[2 * i] = x0 * c - x1 * s;
        row[2 * i + 1] = x0 * s + x1 * c;
      }
    }
  }

  // ---- the model ----
  void forward(uint32_t tok, uint32_t pos) {
    std::memcpy(x.data(), m.tok_embd.data() + size_t{tok} * dim, dim * sizeof(float));
    for (uint32_t l = 0; l < m.cfg.n_layers; ++l) {
      attention(m.layers[l], l, pos);
      feed_forward(m.layers[l]);
    }
    rmsnorm(xn.data(), x.data(), m.out_norm.data(), dim, eps);
    matmul(m.wcls, xn.data(), logits.data(), vocab, dim);  // (vocab)
  }

  void attention(const model::FloatLayer& L, uint32_t l, uint32_t pos) {
    rmsnorm(xn.data(), x.data(), L.attn_norm.data(), dim, eps);
    matmul(L.wq, xn.data(), q.data(), nh * hd, dim);  // (nh*hd)
    matmul(L.wk, xn.data(), k.data(), kvd, dim);      // (kvd)
    matmul(L.wv, xn.data(), v.data(), kvd, dim);      // (kvd)
    rope_rows(q.data(), nh, pos);
    rope_rows(k.data(), nkv, pos);
    std::memcpy(&kcache[l][size_t{pos} * kvd], k.data(), kvd * sizeof(float));
    std::memcpy(&vcache[l][size_t{pos} * kvd], v.data(), kvd * sizeof(float));

    const uint32_t n = pos + 1;
    auto heads = [&](size_t h0, size_t h1) {
      for (size_t hh = h0; hh < h1; ++hh) {
        attend_head(l, static_cast<uint32_t>(hh), n);
      }
    };
    if (pool->size() > 1 && size_t{nh} * n * hd >= kMinParallelAttention) {
      pool->parallel_for(nh, heads);
    } else {
      heads(0, nh);
    }
    matmul(L.wo, av.data(), o.data(), dim, nh * hd);  // (dim)
    for (uint32_t i = 0; i < dim; ++i) {
      x[i] += o[i];
    }
  }

  // One query head over positions [0, n): scores, softmax, weighted sum of V.
  void attend_head(uint32_t l, uint32_t hh, uint32_t n) {
    const uint32_t group = nh / nkv;  // query heads per kv head
    const float* qh = q.data() + size_t{hh} * hd;
    const float* kbase = kcache[l].data() + size_t{hh / group} * hd;
    const float* vbase = vcache[l].data() + size_t{hh / group} * hd;
    float* a = att.data() + size_t{hh} * seq;
    float mx = -INFINITY;
    for (uint32_t t = 0; t < n; ++t) {
      a[t] = dot(qh, kbase + size_t{t} * kvd, hd) * att_scale;
      mx = std::max(mx, a[t]);
    }
    float sum = 0;
    for (uint32_t t = 0; t < n; ++t) {
      sum += a[t] = std::exp(a[t] - mx);
    }
    const float inv = 1.0f / sum;
    float* out = av.data() + size_t{hh} * hd;
    std::fill(out, out + hd, 0.0f);
    for (uint32_t t = 0; t < n; ++t) {
      const float p = a[t] * inv;
      const float* vt = vbase + size_t{t} * kvd;
      for (uint32_t i = 0; i < hd; ++i) {
        out[i] += p * vt[i];
      }
    }
  }

  void feed_forward(const model::FloatLayer& L) {
    rmsnorm(xn.data(), x.data(), L.ffn_norm.data(), dim, eps);
    matmul(L.w1, xn.data(), g.data(), hid, dim);  // gate (hid)
    matmul(L.w3, xn.data(), u.data(), hid, dim);  // up (hid)
    for (uint32_t i = 0; i < hid; ++i) {
      g[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
    }
    matmul(L.w2, g.data(), o.data(), dim, hid);  // down (dim)
    for (uint32_t i = 0; i < dim; ++i) {
      x[i] += o[i];
    }
  }
};

Fp32Engine::Fp32Engine(const model::FloatModel& model, unsigned threads)
    : model_(model), pool_(std::make_unique<tensor::ThreadPool>(threads < 1 ? 1 : threads)) {
  const auto& c = model_.cfg;
  const uint32_t hd = c.head_dim();
  rope_.resize(size_t{c.seq_len} * hd);
  for (uint32_t pos = 0; pos < c.seq_len; ++pos) {
    for (uint32_t i = 0; i < hd / 2; ++i) {
      const double freq = std::pow(static_cast<double>(c.rope_theta), -2.0 * i / hd);
      const double angle = pos * freq;
      rope_[(size_t{pos} * hd / 2 + i) * 2] = static_cast<float>(std::cos(angle));
      rope_[(size_t{pos} * hd / 2 + i) * 2 + 1] = static_cast<float>(std::sin(angle));
    }
  }
}

Fp32Engine::~Fp32Engine() = default;

unsigned Fp32Engine::threads() const {
  return pool_->size();
}

Result<Fp32RunResult> Fp32Engine::generate(const model::Job& job) {
  VINFER_CHECK(model::validate(job, model_.cfg));
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const auto n_prompt = static_cast<uint32_t>(job.tokens.size());
  const uint32_t positions = n_prompt + job.max_tokens - 1;
  State st(model_, pool_.get(), rope_.data(), positions);
  Fp32RunResult r;
  r.tokens.reserve(job.max_tokens);
  std::vector<double> prob;
  std::vector<uint32_t> order;
  auto decode_start = t0;
  for (uint32_t pos = 0; pos < positions; ++pos) {
    if (pos + 1 == n_prompt) {
      decode_start = clock::now();
    }
    const uint32_t tok = pos < n_prompt ? job.tokens[pos] : r.tokens[pos - n_prompt];
    st.forward(tok, pos);
    if (pos + 1 < n_prompt) {
      continue;  // prompt positions only fill the KV cache
    }
    const float* lg = st.logits.data();
    r.tokens.push_back(job.temperature_q16 == 0
                           ? static_cast<uint32_t>(std::max_element(lg, lg + st.vocab) - lg)
                           : sample(lg, st.vocab, job, pos, prob, order));
  }
  const auto t1 = clock::now();
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.decode_seconds = std::chrono::duration<double>(t1 - decode_start).count();
  return r;
}

Status Fp32Engine::evaluate(std::span<const uint32_t> tokens, const Fp32LogitsCallback& on_logits) {
  VINFER_CHECK(check_tokens(tokens, model_.cfg));
  State st(model_, pool_.get(), rope_.data(), static_cast<uint32_t>(tokens.size()));
  for (uint32_t pos = 0; pos < tokens.size(); ++pos) {
    st.forward(tokens[pos], pos);
    on_logits(pos, std::span<const float>(st.logits.data(), st.vocab));
  }
  return ok_status();
}

}  // namespace vinfer::engine
