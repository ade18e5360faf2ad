// The canonical int8 Llama engine. forward() reads top to bottom, one step at a time,
// in exactly the order of model::Schedule; emit() checks every step's op and shape
// against the schedule, so the engine and the referee cannot drift apart.
// Every number here comes from vinfer::arith (the spec) or a kernel equal to it.
#include "vinfer/engine/engine.hpp"

#include <chrono>
#include <cstring>

#include "vinfer/arith/ops.hpp"
#include "vinfer/arith/sampler.hpp"
#include "vinfer/arith/tables.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/tensor/gemv.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::engine {

using model::Op;
using namespace vinfer::arith;

// Everything one run needs: the schedule, the KV cache and scratch rows.
struct Engine::State {
  const model::CanonicalModel& m;
  const model::Job& job;
  model::Schedule sched;
  tensor::ThreadPool* pool;
  StepSink* sink;
  uint64_t next = 0;                     // index of the next step to emit
  const LogitsCallback* eval = nullptr;  // evaluation mode: logits everywhere, no schedule

  // Shapes.
  uint32_t dim, hd, nh, nkv, kvd, hid, vocab;
  int64_t score_c;
  std::vector<int32_t> rope;  // (seq_len, hd/2, {cos, sin}) Q30

  // KV cache: (layer) -> (position, kv_dim) Q12, K after RoPE.
  std::vector<std::vector<int32_t>> kcache, vcache;
  // Scratch rows.
  std::vector<int32_t> h, xn, q, k, v, att, e, p, av, o, g, u, logits, acc;
  std::vector<int8_t> xq;
  std::vector<uint32_t> generated;

  State(const model::CanonicalModel& model,
        const model::Job& j,
        model::Schedule s,
        tensor::ThreadPool* tp,
        StepSink* sk)
      : m(model), job(j), sched(s), pool(tp), sink(sk) {
    const auto& c = m.cfg;
    dim = c.dim, hd = c.head_dim(), nh = c.n_heads, nkv = c.n_kv_heads, kvd = c.kv_dim();
    hid = c.hidden_dim, vocab = c.vocab_size;
    score_c = score_scale(hd);
    rope = rope_table(hd, sched.positions(), c.rope_theta);
    kcache.assign(c.n_layers, std::vector<int32_t>(size_t{sched.positions()} * kvd));
    vcache.assign(c.n_layers, std::vector<int32_t>(size_t{sched.positions()} * kvd));
    const size_t wide = std::max({dim, hid, vocab, nh * hd});
    for (auto* row : {&h, &xn, &q, &k, &v, &av, &o, &g, &u, &logits, &acc})
      row->resize(wide);
    att.resize(size_t{nh} * sched.positions());
    e.resize(std::max<size_t>(att.size(), vocab));
    p.resize(att.size());
    xq.resize(wide);
  }

  // ---- emission: one call per schedule step ----
  void emit(Op op, uint32_t rows, uint32_t cols, const void* data) {
    if (eval)
      return;  // evaluation runs are not jobs: nothing to check or commit
    const model::Step st = sched.at(next);
    VINFER_ASSERT(st.op == op && st.rows == rows && st.cols == cols);  // engine == schedule
    if (sink) {
      const size_t n = size_t{rows} * cols * commit::dtype_size(model::op_dtype(op));
      sink->on_step(next, st, {static_cast<const uint8_t*>(data), n});
    }
    ++next;
  }
  void emit_scalars(Op op, const int64_t* s, uint32_t rows) { emit(op, rows, 1, s); }

  // ---- building blocks ----
  // sumsq -> rmsnorm -> absmax -> quantize; returns the absmax m (the scale of xq).
  int64_t norm_and_quantize(const int32_t* x, const std::vector<int32_t>& gain) {
    const int64_t ss = sumsq(x, dim);
    emit_scalars(Op::sumsq, &ss, 1);
    const int64_t r = rms_scale(ss, dim, m.norm_eps_q24);
    for (uint32_t i = 0; i < dim; ++i)
      xn[i] = rmsnorm_elem(x[i], gain[i], r);
    emit(Op::rmsnorm, 1, dim, xn.data());
    return quantize_row(xn.data(), dim);
  }
  int64_t quantize_row(const int32_t* x, uint32_t n) {
    const int64_t mx = absmax(x, n);
    emit_scalars(Op::absmax, &mx, 1);
    for (uint32_t i = 0; i < n; ++i)
      xq[i] = quantize_elem(x[i], mx);
    emit(Op::quantize, 1, n, xq.data());
    return mx;
  }
  // out = requant(W . xq); one step.
  void matmul(const model::QMatrix& W, int64_t mx, int32_t* out) {
    // Each thread computes and rescales its own rows: a row's integers do not depend
    // on which thread computes it, so the split cannot change a bit.
    pool->parallel_for(W.rows, [&](size_t r0, size_t r1) {
      tensor::gemv_s8s8_s32(W.row(static_cast<uint32_t>(r0)), r1 - r0, W.cols, xq.data(),
                            acc.data() + r0, nullptr);
      for (size_t j = r0; j < r1; ++j)
        out[j] = matmul_requant(acc[j], mx, W.scale[j]);
    });
    emit(Op::matmul, 1, W.rows, out);
  }
  void rope_rows(int32_t* x, uint32_t heads, uint32_t pos) {
    const int32_t* t = rope.data() + size_t{pos} * hd;  // (hd/2) pairs of {cos, sin}
    for (uint32_t hh = 0; hh < heads; ++hh) {
      int32_t* row = x + size_t{hh} * hd;
      for (uint32_t i = 0; i < hd / 2; ++i) {
        rope_pair(row[2 * i], row[2 * i + 1], t[2 * i], t[2 * i + 1], &row[2 * i], &row[2 * i + 1]);
      }
    }
    emit(Op::rope, heads, hd, x);
  }

  uint32_t token_at(uint32_t pos) const {
    return pos < job.tokens.size() ? job.tokens[pos] : generated[pos - job.tokens.size()];
  }

  // ---- the model ----
  void forward(uint32_t pos) {
    const model::QMatrix& E = m.tok_embd;  // (vocab, dim)
    const uint32_t tok = token_at(pos);
    for (uint32_t i = 0; i < dim; ++i)
      h[i] = embed_elem(E.row(tok)[i], E.scale[tok]);
    emit(Op::embed, 1, dim, h.data());

    for (uint32_t l = 0; l < m.cfg.n_layers; ++l) {
      attention(m.layers[l], l, pos);
      feed_forward(m.layers[l]);
    }
    if (eval) {
      final_logits();
      (*eval)(pos, std::span<const int32_t>(logits.data(), vocab));
      return;
    }
    if (sched.samples_at(pos))
      generated.push_back(head(pos));
  }

  void final_logits() {
    const int64_t mx = norm_and_quantize(h.data(), m.out_norm);
    matmul(m.wcls, mx, logits.data());
  }

  void attention(const model::QLayer& L, uint32_t l, uint32_t pos) {
    const uint32_t n = pos + 1;  // positions attended to
    const int64_t mx = norm_and_quantize(h.data(), L.attn_norm);
    matmul(L.wq, mx, q.data());  // (nh*hd)
    matmul(L.wk, mx, k.data());  // (kvd)
    matmul(L.wv, mx, v.data());  // (kvd)
    std::memcpy(&vcache[l][size_t{pos} * kvd], v.data(), kvd * sizeof(int32_t));
    rope_rows(q.data(), nh, pos);
    rope_rows(k.data(), nkv, pos);
    std::memcpy(&kcache[l][size_t{pos} * kvd], k.data(), kvd * sizeof(int32_t));

    const uint32_t group = nh / nkv;  // query heads per kv head
    for (uint32_t hh = 0; hh < nh; ++hh) {
      const int32_t* kbase = kcache[l].data() + size_t{hh / group} * hd;
      for (uint32_t t = 0; t < n; ++t) {
        att[size_t{hh} * n + t] =
            score_elem(q.data() + size_t{hh} * hd, kbase + size_t{t} * kvd, hd, score_c);
      }
    }
    emit(Op::scores, nh, n, att.data());
    softmax_rows(att.data(), nh, n);  // rowmax, exp, rowsum, softmax -> p
    for (uint32_t hh = 0; hh < nh; ++hh) {
      const int32_t* vbase = vcache[l].data() + size_t{hh / group} * hd;
      for (uint32_t j = 0; j < hd; ++j) {
        av[size_t{hh} * hd + j] = av_elem(p.data() + size_t{hh} * n, vbase + j, kvd, n);
      }
    }
    emit(Op::attn_av, 1, nh * hd, av.data());
    const int64_t am = quantize_row(av.data(), nh * hd);
    matmul(L.wo, am, o.data());
    for (uint32_t i = 0; i < dim; ++i)
      h[i] = add_elem(h[i], o[i]);
    emit(Op::add, 1, dim, h.data());
  }

  // Steps rowmax, exp, rowsum, softmax over `rows` rows of n; leaves exps in e, probs in p.
  void softmax_rows(const int32_t* x, uint32_t rows, uint32_t n) {
    std::vector<int64_t> mx(rows), sum(rows);
    for (uint32_t r = 0; r < rows; ++r)
      mx[r] = rowmax(x + size_t{r} * n, n);
    emit_scalars(Op::rowmax, mx.data(), rows);
    for (uint32_t r = 0; r < rows; ++r) {
      for (uint32_t t = 0; t < n; ++t)
        e[size_t{r} * n + t] = exp_elem(x[size_t{r} * n + t], mx[r]);
    }
    emit(Op::exp, rows, n, e.data());
    for (uint32_t r = 0; r < rows; ++r)
      sum[r] = rowsum(e.data() + size_t{r} * n, n);
    emit_scalars(Op::rowsum, sum.data(), rows);
    for (uint32_t r = 0; r < rows; ++r) {
      for (uint32_t t = 0; t < n; ++t)
        p[size_t{r} * n + t] = softmax_elem(e[size_t{r} * n + t], sum[r]);
    }
    emit(Op::softmax, rows, n, p.data());
  }

  void feed_forward(const model::QLayer& L) {
    const int64_t mx = norm_and_quantize(h.data(), L.ffn_norm);
    matmul(L.w1, mx, g.data());  // gate (hid)
    matmul(L.w3, mx, u.data());  // up (hid)
    for (uint32_t i = 0; i < hid; ++i)
      g[i] = silu_mul_elem(g[i], u[i]);
    emit(Op::silu_mul, 1, hid, g.data());
    const int64_t dm = quantize_row(g.data(), hid);
    matmul(L.w2, dm, o.data());  // down (dim)
    for (uint32_t i = 0; i < dim; ++i)
      h[i] = add_elem(h[i], o[i]);
    emit(Op::add, 1, dim, h.data());
  }

  // Final norm, logits, and the sampler; returns the token for position pos + 1.
  uint32_t head(uint32_t pos) {
    final_logits();  // (vocab)
    if (job.temperature_q16 == 0) {
      const int32_t tok = static_cast<int32_t>(argmax(logits.data(), vocab));
      emit(Op::argmax, 1, 1, &tok);
      return static_cast<uint32_t>(tok);
    }
    for (uint32_t i = 0; i < vocab; ++i)
      logits[i] = temp_scale_elem(logits[i], job.temperature_q16);
    emit(Op::temp_scale, 1, vocab, logits.data());
    const int64_t lmax = rowmax(logits.data(), vocab);
    emit_scalars(Op::rowmax, &lmax, 1);
    for (uint32_t i = 0; i < vocab; ++i)
      e[i] = exp_elem(logits[i], lmax);
    emit(Op::exp, 1, vocab, e.data());
    const int64_t sum = rowsum(e.data(), vocab);
    emit_scalars(Op::rowsum, &sum, 1);
    const int64_t tau = topp_threshold(e.data(), vocab, sum, job.top_p_q16);
    emit_scalars(Op::topp, &tau, 1);
    const auto tok =
        static_cast<int32_t>(sample_index(e.data(), vocab, tau, rng_draw(job.seed, pos + 1)));
    emit(Op::sample, 1, 1, &tok);
    return static_cast<uint32_t>(tok);
  }
};

Engine::Engine(const model::CanonicalModel& model, unsigned threads)
    : model_(model), pool_(std::make_unique<tensor::ThreadPool>(threads < 1 ? 1 : threads)) {}

Engine::~Engine() = default;

Result<RunResult> Engine::run(const model::Job& job,
                              StepSink* sink,
                              const TokenCallback& on_token) {
  VINFER_TRY(model::Schedule sched, model::Schedule::create(model_.cfg, job));
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  State st(model_, job, sched, pool_.get(), sink);
  auto decode_start = t0;
  for (uint32_t pos = 0; pos < sched.positions(); ++pos) {
    if (pos + 1 == sched.n_prompt())
      decode_start = clock::now();
    st.forward(pos);
    if (sched.samples_at(pos) && on_token) {
      on_token(static_cast<uint32_t>(st.generated.size() - 1), st.generated.back());
    }
  }
  std::vector<int32_t> out(st.generated.begin(), st.generated.end());
  st.emit(Op::output, 1, job.max_tokens, out.data());
  VINFER_ASSERT(st.next == sched.size());

  RunResult r;
  r.tokens = st.generated;
  r.output_hash =
      commit::tensor_root(commit::DType::i32, 1, job.max_tokens,
                          {reinterpret_cast<const uint8_t*>(out.data()), out.size() * 4});
  r.steps = sched.size();
  const auto t1 = clock::now();
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.decode_seconds = std::chrono::duration<double>(t1 - decode_start).count();
  return r;
}

Status Engine::evaluate(std::span<const uint32_t> tokens, const LogitsCallback& on_logits) {
  model::Job job;
  job.tokens.assign(tokens.begin(), tokens.end());
  job.max_tokens = 1;
  VINFER_TRY(model::Schedule sched, model::Schedule::create(model_.cfg, job));
  State st(model_, job, sched, pool_.get(), nullptr);
  st.eval = &on_logits;
  for (uint32_t pos = 0; pos < job.tokens.size(); ++pos)
    st.forward(pos);
  return ok_status();
}

}  // namespace vinfer::engine
