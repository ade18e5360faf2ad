// One-step recomputation from operands (see replay.hpp).
#include "vinfer/engine/replay.hpp"

#include <cstring>
#include <string>

#include "vinfer/arith/ops.hpp"
#include "vinfer/arith/sampler.hpp"
#include "vinfer/arith/tables.hpp"
#include "vinfer/commit/tensor_root.hpp"

namespace vinfer::engine {

using model::Op;
using model::Step;
using namespace vinfer::arith;

namespace {

// Typed view of an operand's output, with its shape from the schedule.
template <class T>
struct View {
  const T* data = nullptr;
  uint32_t rows = 0, cols = 0;
  size_t size() const { return size_t{rows} * cols; }
};

template <class T>
Result<View<T>> view(const model::Schedule& sched, const OutputOf& out, uint64_t k) {
  const Step s = sched.at(k);
  const auto bytes = out(k);
  const size_t want = size_t{s.rows} * s.cols * sizeof(T);
  if (bytes.size() != want || commit::dtype_size(model::op_dtype(s.op)) != sizeof(T)) {
    return fail(Errc::mismatch, "operand " + sched.describe(k) + " has " +
                                    std::to_string(bytes.size()) + " bytes, expected " +
                                    std::to_string(want));
  }
  return View<T>{reinterpret_cast<const T*>(bytes.data()), s.rows, s.cols};
}

const model::QMatrix& matrix(const model::CanonicalModel& m, const Step& s) {
  using model::Weight;
  if (s.weight == Weight::wcls)
    return m.wcls;
  const auto& L = m.layers[s.layer];
  switch (s.weight) {
    case Weight::wq:
      return L.wq;
    case Weight::wk:
      return L.wk;
    case Weight::wv:
      return L.wv;
    case Weight::wo:
      return L.wo;
    case Weight::w1:
      return L.w1;
    case Weight::w2:
      return L.w2;
    case Weight::w3:
      return L.w3;
    default:
      VINFER_ASSERT(false);
  }
  return m.wcls;
}

const std::vector<int32_t>& gain(const model::CanonicalModel& m, const Step& s) {
  if (s.weight == model::Weight::out_norm)
    return m.out_norm;
  return s.weight == model::Weight::attn_norm ? m.layers[s.layer].attn_norm
                                              : m.layers[s.layer].ffn_norm;
}

}  // namespace

Result<std::vector<uint8_t>> recompute_step(const model::CanonicalModel& m,
                                            const model::Job& job,
                                            const model::Schedule& sched,
                                            uint64_t k,
                                            const OutputOf& out) {
  const Step s = sched.at(k);
  const size_t n_out = size_t{s.rows} * s.cols;
  std::vector<int64_t> v(n_out);  // widened result, narrowed to the op's dtype at the end
  const auto& c = m.cfg;
  const uint32_t hd = c.head_dim();

  switch (s.op) {
    case Op::embed: {
      uint32_t tok;
      if (s.a.kind == model::Operand::Kind::job_token) {
        tok = job.tokens[s.a.index];
      } else {
        VINFER_TRY(auto t, view<int32_t>(sched, out, s.a.index));
        tok = static_cast<uint32_t>(t.data[0]);
      }
      if (tok >= c.vocab_size)
        return fail(Errc::invalid_argument, "embed: token out of range");
      for (size_t i = 0; i < n_out; ++i)
        v[i] = embed_elem(m.tok_embd.row(tok)[i], m.tok_embd.scale[tok]);
      break;
    }
    case Op::sumsq: {
      VINFER_TRY(auto h, view<int32_t>(sched, out, s.a.index));
      v[0] = sumsq(h.data, h.size());
      break;
    }
    case Op::rmsnorm: {
      VINFER_TRY(auto h, view<int32_t>(sched, out, s.a.index));
      VINFER_TRY(auto ss, view<int64_t>(sched, out, s.b.index));
      const int64_t r = rms_scale(ss.data[0], c.dim, m.norm_eps_q24);
      const auto& g = gain(m, s);
      for (size_t i = 0; i < n_out; ++i)
        v[i] = rmsnorm_elem(h.data[i], g[i], r);
      break;
    }
    case Op::absmax: {
      VINFER_TRY(auto x, view<int32_t>(sched, out, s.a.index));
      v[0] = absmax(x.data, x.size());
      break;
    }
    case Op::quantize: {
      VINFER_TRY(auto x, view<int32_t>(sched, out, s.a.index));
      VINFER_TRY(auto mx, view<int64_t>(sched, out, s.b.index));
      for (size_t i = 0; i < n_out; ++i)
        v[i] = quantize_elem(x.data[i], mx.data[0]);
      break;
    }
    case Op::matmul: {
      VINFER_TRY(auto xq, view<int8_t>(sched, out, s.a.index));
      VINFER_TRY(auto mx, view<int64_t>(sched, out, s.b.index));
      const auto& W = matrix(m, s);
      for (size_t j = 0; j < n_out; ++j) {
        v[j] = matmul_requant(dot_s8(W.row(static_cast<uint32_t>(j)), xq.data, W.cols), mx.data[0],
                              W.scale[j]);
      }
      break;
    }
    case Op::rope: {
      VINFER_TRY(auto x, view<int32_t>(sched, out, s.a.index));
      const auto table = rope_table(hd, s.pos + 1, c.rope_theta);
      const int32_t* t = table.data() + size_t{s.pos} * hd;
      for (size_t i = 0; i < n_out; i += 2) {
        const size_t pair = (i % hd) / 2;
        int32_t y0, y1;
        rope_pair(x.data[i], x.data[i + 1], t[2 * pair], t[2 * pair + 1], &y0, &y1);
        v[i] = y0;
        v[i + 1] = y1;
      }
      break;
    }
    case Op::scores: {
      VINFER_TRY(auto q, view<int32_t>(sched, out, s.a.index));
      const uint32_t group = c.n_heads / c.n_kv_heads;
      const int64_t sc = score_scale(hd);
      for (uint32_t t = 0; t < s.kv_count; ++t) {
        VINFER_TRY(auto kr, view<int32_t>(sched, out, sched.layer_index(t, s.layer, s.kv_step)));
        for (uint32_t h = 0; h < s.rows; ++h) {
          v[size_t{h} * s.cols + t] =
              score_elem(q.data + size_t{h} * hd, kr.data + size_t{h / group} * hd, hd, sc);
        }
      }
      break;
    }
    case Op::rowmax:
    case Op::rowsum: {
      VINFER_TRY(auto x, view<int32_t>(sched, out, s.a.index));
      for (uint32_t r = 0; r < s.rows; ++r) {
        const int32_t* row = x.data + size_t{r} * x.cols;
        v[r] = s.op == Op::rowmax ? rowmax(row, x.cols) : rowsum(row, x.cols);
      }
      break;
    }
    case Op::exp:
    case Op::softmax: {
      VINFER_TRY(auto x, view<int32_t>(sched, out, s.a.index));
      VINFER_TRY(auto r, view<int64_t>(sched, out, s.b.index));
      for (size_t i = 0; i < n_out; ++i) {
        const int64_t rv = r.data[i / s.cols];
        v[i] = s.op == Op::exp ? exp_elem(x.data[i], rv) : softmax_elem(x.data[i], rv);
      }
      break;
    }
    case Op::attn_av: {
      VINFER_TRY(auto p, view<int32_t>(sched, out, s.a.index));
      const uint32_t group = c.n_heads / c.n_kv_heads;
      std::vector<int32_t> vcol(s.kv_count);
      for (uint32_t h = 0; h < c.n_heads; ++h) {
        for (uint32_t j = 0; j < hd; ++j) {
          for (uint32_t t = 0; t < s.kv_count; ++t) {
            VINFER_TRY(auto vr,
                       view<int32_t>(sched, out, sched.layer_index(t, s.layer, s.kv_step)));
            vcol[t] = vr.data[size_t{h / group} * hd + j];
          }
          v[size_t{h} * hd + j] = av_elem(p.data + size_t{h} * p.cols, vcol.data(), 1, s.kv_count);
        }
      }
      break;
    }
    case Op::silu_mul:
    case Op::add: {
      VINFER_TRY(auto a, view<int32_t>(sched, out, s.a.index));
      VINFER_TRY(auto b, view<int32_t>(sched, out, s.b.index));
      for (size_t i = 0; i < n_out; ++i) {
        v[i] =
            s.op == Op::add ? add_elem(a.data[i], b.data[i]) : silu_mul_elem(a.data[i], b.data[i]);
      }
      break;
    }
    case Op::argmax: {
      VINFER_TRY(auto x, view<int32_t>(sched, out, s.a.index));
      v[0] = argmax(x.data, x.size());
      break;
    }
    case Op::temp_scale: {
      VINFER_TRY(auto x, view<int32_t>(sched, out, s.a.index));
      for (size_t i = 0; i < n_out; ++i)
        v[i] = temp_scale_elem(x.data[i], job.temperature_q16);
      break;
    }
    case Op::topp: {
      VINFER_TRY(auto e, view<int32_t>(sched, out, s.a.index));
      VINFER_TRY(auto sum, view<int64_t>(sched, out, s.b.index));
      v[0] = topp_threshold(e.data, e.size(), sum.data[0], job.top_p_q16);
      break;
    }
    case Op::sample: {
      VINFER_TRY(auto e, view<int32_t>(sched, out, s.a.index));
      VINFER_TRY(auto tau, view<int64_t>(sched, out, s.b.index));
      v[0] = sample_index(e.data, e.size(), tau.data[0], rng_draw(job.seed, s.pos + 1));
      break;
    }
    case Op::output: {
      uint32_t i = 0;
      for (uint32_t pos = sched.n_prompt() - 1; pos < sched.positions(); ++pos) {
        VINFER_TRY(auto t, view<int32_t>(sched, out, sched.token_step(pos)));
        v[i++] = t.data[0];
      }
      break;
    }
  }

  const size_t es = commit::dtype_size(model::op_dtype(s.op));
  std::vector<uint8_t> bytes(n_out * es);
  for (size_t i = 0; i < n_out; ++i) {
    if (es == 1)
      bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(v[i]));
    if (es == 4) {
      const auto x = static_cast<int32_t>(v[i]);
      std::memcpy(&bytes[i * 4], &x, 4);
    }
    if (es == 8)
      std::memcpy(&bytes[i * 8], &v[i], 8);
  }
  return bytes;
}

}  // namespace vinfer::engine
