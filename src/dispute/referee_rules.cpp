// One rule per operator: which operand elements one output element reads, and the
// arith call that recomputes it (referee.hpp). The kjv schedules' operators all have a
// rule; graph operators are proof-mode only.
#include <cstring>
#include <string>

#include "vinfer/arith/ops.hpp"
#include "vinfer/arith/sampler.hpp"
#include "vinfer/arith/tables.hpp"
#include "vinfer/dispute/referee.hpp"
#include "vinfer/model/weight_tensors.hpp"

namespace vinfer::dispute {

using model::Op;
using model::Step;

namespace referee_entry {
using K = RefereeKind;
inline constexpr RefereeRule embed{K::elementwise, "token id, one tok_embd element, its row scale"};
inline constexpr RefereeRule sumsq{K::row, "the residual row"};
inline constexpr RefereeRule rmsnorm{K::elementwise, "one element, its gain, the row's sumsq"};
inline constexpr RefereeRule absmax{K::row, "the row"};
inline constexpr RefereeRule quantize{K::elementwise, "one element and the row's absmax"};
inline constexpr RefereeRule matmul{K::row,
                                    "one dot product: the input row, one weight row, "
                                    "the input absmax, the row multiplier"};
inline constexpr RefereeRule rope{K::elementwise, "one pair and the RoPE table entry"};
inline constexpr RefereeRule scores{K::row, "one query head row and one cached key row"};
inline constexpr RefereeRule rowmax{K::row, "one row"};
inline constexpr RefereeRule exp{K::elementwise, "one element and its row's max"};
inline constexpr RefereeRule rowsum{K::row, "one row"};
inline constexpr RefereeRule softmax{K::elementwise, "one element and its row's sum"};
inline constexpr RefereeRule attn_av{K::gather,
                                     "one probability row and one element of each "
                                     "cached value row"};
inline constexpr RefereeRule silu_mul{K::elementwise, "one gate and one up element"};
inline constexpr RefereeRule add{K::elementwise, "one element of each operand"};
inline constexpr RefereeRule argmax{K::row, "the logits row"};
inline constexpr RefereeRule temp_scale{K::elementwise, "one logit and the job's temperature"};
inline constexpr RefereeRule topp{K::row, "the exp row and its sum"};
inline constexpr RefereeRule sample{K::row, "the exp row, its threshold, the job's draw"};
inline constexpr RefereeRule output{K::elementwise, "one sampled token"};
inline constexpr RefereeRule gemm{K::unsupported, "graph models: proof mode only"};
inline constexpr RefereeRule conv{K::unsupported, "graph models: proof mode only"};
inline constexpr RefereeRule requant{K::unsupported, "graph models: proof mode only"};
inline constexpr RefereeRule rescale{K::unsupported, "graph models: proof mode only"};
inline constexpr RefereeRule relu{K::unsupported, "graph models: proof mode only"};
inline constexpr RefereeRule maxpool{K::unsupported, "graph models: proof mode only"};
inline constexpr RefereeRule avgpool{K::unsupported, "graph models: proof mode only"};
inline constexpr RefereeRule qadd{K::unsupported, "graph models: proof mode only"};
}  // namespace referee_entry

// Expanded from ops.def: an operator without an entry above does not compile.
constexpr RefereeRule kRules[] = {
#define VINFER_OP(name, dtype, doc) referee_entry::name,
#include "vinfer/model/ops.def"
};
static_assert(sizeof(kRules) / sizeof(kRules[0]) == model::kOpCount,
              "every operator of ops.def needs a referee rule");

RefereeRule referee_rule(Op op) {
  return kRules[static_cast<size_t>(op)];
}

const char* referee_kind_name(RefereeKind k) {
  switch (k) {
    case RefereeKind::elementwise:
      return "elementwise";
    case RefereeKind::row:
      return "row";
    case RefereeKind::gather:
      return "gather";
    case RefereeKind::unsupported:
      return "unsupported";
  }
  return "invalid";
}

Result<RefereeContext> RefereeContext::create(const model::LlamaConfig& cfg,
                                              int64_t norm_eps_q24,
                                              const Hash& weights_root,
                                              const model::Job& job) {
  VINFER_TRY(auto sched, model::Schedule::create(cfg, job));
  RefereeContext c{cfg, norm_eps_q24, weights_root, job, sched, {}};
  c.rope = arith::rope_table(cfg.head_dim(), cfg.seq_len, cfg.rope_theta);
  return c;
}

namespace {

Error domain(const RefereeContext& ctx, uint64_t k, const std::string& what) {
  return fail(Errc::invalid_argument,
              "referee: step " + ctx.sched.describe(k) + ": operand out of domain: " + what);
}

std::vector<int32_t> narrow32(const std::vector<int64_t>& v) {
  return {v.begin(), v.end()};
}

// A matrix weight row and its multiplier, read through the source.
struct WeightRow {
  std::vector<int8_t> w;
  arith::Dyadic d;
};

Result<WeightRow> weight_row(const RefereeContext& ctx,
                             uint64_t k,
                             ElementSource& src,
                             model::Weight wt,
                             uint32_t layer,
                             uint32_t row,
                             uint64_t first,
                             uint64_t count) {
  const uint32_t t = model::weight_tensor_index(ctx.cfg, wt, layer, false);
  const model::WeightTensorInfo info = model::weight_tensor_info(ctx.cfg, t);
  if (row >= info.rows)
    return domain(ctx, k, "weight row " + std::to_string(row) + " >= " + std::to_string(info.rows));
  const uint64_t base = uint64_t{row} * info.cols;
  VINFER_TRY(auto w, src.weight_values(t, base + first, base + first + count));
  VINFER_TRY(auto s, src.weight_values(t + 1, uint64_t{row} * 2, uint64_t{row} * 2 + 2));
  WeightRow out;
  out.w.assign(w.begin(), w.end());
  out.d = arith::Dyadic{static_cast<int32_t>(s[0]), static_cast<int32_t>(s[1])};
  if (out.d.mant < 0 || out.d.shift < 0 || out.d.shift > arith::kDyadicMaxShift)
    return domain(ctx, k, "row multiplier");
  return out;
}

}  // namespace

Result<ElementValue> recompute_element(const RefereeContext& ctx,
                                       uint64_t k,
                                       uint64_t e,
                                       ElementSource& src) {
  const model::Schedule& sched = ctx.sched;
  if (k >= sched.size())
    return fail(Errc::invalid_argument,
                "referee: step " + std::to_string(k) + " past the schedule");
  const Step s = sched.at(k);
  const uint64_t n_out = uint64_t{s.rows} * s.cols;
  if (e >= n_out)
    return fail(Errc::invalid_argument, "referee: element " + std::to_string(e) + " of " +
                                            sched.describe(k) + " out of range");
  const auto& c = ctx.cfg;
  const uint32_t hd = c.head_dim();
  const uint32_t group = c.n_heads / c.n_kv_heads;
  ElementValue out;
  auto one = [&](uint64_t step, uint64_t i) -> Result<int64_t> {
    VINFER_TRY(auto v, src.step_values(step, i, i + 1));
    ++out.operand_elements;
    return v[0];
  };
  auto row_of = [&](uint64_t step, uint64_t begin, uint64_t end) -> Result<std::vector<int64_t>> {
    VINFER_TRY(auto v, src.step_values(step, begin, end));
    out.operand_elements += v.size();
    return v;
  };
  auto width = [&](const model::Operand& o) { return sched.at(o.index).cols; };

  switch (s.op) {
    case Op::embed: {
      int64_t tok;
      if (s.a.kind == model::Operand::Kind::job_token) {
        tok = ctx.job.tokens[s.a.index];
      } else {
        VINFER_TRY(tok, one(s.a.index, 0));
      }
      if (tok < 0 || tok >= c.vocab_size)
        return domain(ctx, k, "token id " + std::to_string(tok));
      VINFER_TRY(auto w, weight_row(ctx, k, src, model::Weight::tok_embd, 0,
                                    static_cast<uint32_t>(tok), e, 1));
      out.value = arith::embed_elem(w.w[0], w.d);
      break;
    }
    case Op::sumsq:
    case Op::absmax: {
      VINFER_TRY(auto h, row_of(s.a.index, 0, width(s.a)));
      const auto h32 = narrow32(h);
      out.value = s.op == Op::sumsq ? arith::sumsq(h32.data(), h32.size())
                                    : arith::absmax(h32.data(), h32.size());
      out.macs = s.op == Op::sumsq ? h32.size() : 0;
      break;
    }
    case Op::rmsnorm: {
      VINFER_TRY(const int64_t h, one(s.a.index, e));
      VINFER_TRY(const int64_t ss, one(s.b.index, 0));
      if (ss < 0)
        return domain(ctx, k, "negative sum of squares");
      const uint32_t t = model::weight_tensor_index(ctx.cfg, s.weight, s.layer, false);
      VINFER_TRY(auto g, src.weight_values(t, e, e + 1));
      const int64_t r = arith::rms_scale(ss, c.dim, ctx.norm_eps_q24);
      out.value = arith::rmsnorm_elem(static_cast<int32_t>(h), static_cast<int32_t>(g[0]), r);
      break;
    }
    case Op::quantize: {
      VINFER_TRY(const int64_t x, one(s.a.index, e));
      VINFER_TRY(const int64_t m, one(s.b.index, 0));
      if (m < 0 || m > (int64_t{1} << 31))
        return domain(ctx, k, "absmax " + std::to_string(m));
      out.value = int64_t{arith::quantize_elem(static_cast<int32_t>(x), m)};  // int8, sign-extended
      break;
    }
    case Op::matmul: {
      const uint32_t in = width(s.a);
      VINFER_TRY(auto xq64, row_of(s.a.index, 0, in));
      VINFER_TRY(const int64_t m, one(s.b.index, 0));
      if (m < 0 || m > (int64_t{1} << 31))
        return domain(ctx, k, "absmax " + std::to_string(m));
      VINFER_TRY(auto w,
                 weight_row(ctx, k, src, s.weight, s.layer, static_cast<uint32_t>(e), 0, in));
      const std::vector<int8_t> xq(xq64.begin(), xq64.end());
      out.value = arith::matmul_requant(arith::dot_s8(w.w.data(), xq.data(), in), m, w.d);
      out.macs = in;
      break;
    }
    case Op::rope: {
      const uint64_t e0 = e & ~uint64_t{1};
      VINFER_TRY(const int64_t x0, one(s.a.index, e0));
      VINFER_TRY(const int64_t x1, one(s.a.index, e0 + 1));
      const size_t pair = (e0 % hd) / 2;
      const int32_t* t = ctx.rope.data() + size_t{s.pos} * hd;
      int32_t y0, y1;
      arith::rope_pair(static_cast<int32_t>(x0), static_cast<int32_t>(x1), t[2 * pair],
                       t[2 * pair + 1], &y0, &y1);
      out.value = (e & 1) ? y1 : y0;
      break;
    }
    case Op::scores: {
      const uint64_t h = e / s.cols, t = e % s.cols;
      VINFER_TRY(auto q, row_of(s.a.index, h * hd, (h + 1) * hd));
      const uint64_t ks = sched.layer_index(static_cast<uint32_t>(t), s.layer, s.kv_step);
      VINFER_TRY(auto kr, row_of(ks, (h / group) * hd, (h / group + 1) * hd));
      const auto q32 = narrow32(q), k32 = narrow32(kr);
      out.value = arith::score_elem(q32.data(), k32.data(), hd, arith::score_scale(hd));
      out.macs = hd;
      break;
    }
    case Op::rowmax:
    case Op::rowsum: {
      const uint32_t w = width(s.a);
      VINFER_TRY(auto x, row_of(s.a.index, e * w, (e + 1) * w));
      const auto x32 = narrow32(x);
      out.value = s.op == Op::rowmax ? arith::rowmax(x32.data(), w) : arith::rowsum(x32.data(), w);
      break;
    }
    case Op::exp:
    case Op::softmax: {
      VINFER_TRY(const int64_t x, one(s.a.index, e));
      VINFER_TRY(const int64_t r, one(s.b.index, e / s.cols));
      if (s.op == Op::exp) {
        if (r < x)
          return domain(ctx, k, "row max below an element");
        out.value = arith::exp_elem(static_cast<int32_t>(x), r);
      } else {
        if (r < 1)
          return domain(ctx, k, "row sum " + std::to_string(r));
        out.value = arith::softmax_elem(static_cast<int32_t>(x), r);
      }
      break;
    }
    case Op::attn_av: {
      const uint64_t h = e / hd, j = e % hd;
      const uint32_t pc = width(s.a);
      if (pc != s.kv_count)
        return domain(ctx, k, "probability row width");
      VINFER_TRY(auto p, row_of(s.a.index, h * pc, (h + 1) * pc));
      std::vector<int32_t> vcol(s.kv_count);
      for (uint32_t t = 0; t < s.kv_count; ++t) {
        VINFER_TRY(const int64_t v,
                   one(sched.layer_index(t, s.layer, s.kv_step), (h / group) * hd + j));
        vcol[t] = static_cast<int32_t>(v);
      }
      const auto p32 = narrow32(p);
      out.value = arith::av_elem(p32.data(), vcol.data(), 1, s.kv_count);
      out.macs = s.kv_count;
      break;
    }
    case Op::silu_mul:
    case Op::add: {
      VINFER_TRY(const int64_t a, one(s.a.index, e));
      VINFER_TRY(const int64_t b, one(s.b.index, e));
      out.value = s.op == Op::add
                      ? arith::add_elem(static_cast<int32_t>(a), static_cast<int32_t>(b))
                      : arith::silu_mul_elem(static_cast<int32_t>(a), static_cast<int32_t>(b));
      break;
    }
    case Op::argmax: {
      VINFER_TRY(auto x, row_of(s.a.index, 0, width(s.a)));
      const auto x32 = narrow32(x);
      out.value = arith::argmax(x32.data(), x32.size());
      break;
    }
    case Op::temp_scale: {
      VINFER_TRY(const int64_t x, one(s.a.index, e));
      out.value = arith::temp_scale_elem(static_cast<int32_t>(x), ctx.job.temperature_q16);
      break;
    }
    case Op::topp:
    case Op::sample: {
      VINFER_TRY(auto ex, row_of(s.a.index, 0, width(s.a)));
      VINFER_TRY(const int64_t b, one(s.b.index, 0));
      const auto e32 = narrow32(ex);
      int64_t total = 0;
      for (int32_t v : e32) {
        if (v < 0)
          return domain(ctx, k, "negative exp value");
        total += v;
      }
      if (s.op == Op::topp) {
        if (b < 1)
          return domain(ctx, k, "exp sum " + std::to_string(b));
        out.value = arith::topp_threshold(e32.data(), e32.size(), b, ctx.job.top_p_q16);
      } else {
        int64_t kept = 0;
        for (int32_t v : e32)
          kept += v >= b ? v : 0;
        if (kept < 1)
          return domain(ctx, k, "threshold keeps nothing");
        out.value = arith::sample_index(e32.data(), e32.size(), b,
                                        arith::rng_draw(ctx.job.seed, s.pos + 1));
      }
      break;
    }
    case Op::output: {
      const uint32_t pos = sched.n_prompt() - 1 + static_cast<uint32_t>(e);
      VINFER_TRY(out.value, one(sched.token_step(pos), 0));
      break;
    }
    default:
      return fail(Errc::unsupported, std::string("referee: operator ") +
                                         std::string(model::op_name(s.op)) + ": " +
                                         std::string(referee_rule(s.op).note));
  }
  return out;
}

uint64_t step_macs(const RefereeContext& ctx, uint64_t k) {
  const Step s = ctx.sched.at(k);
  const uint64_t n = uint64_t{s.rows} * s.cols;
  switch (s.op) {
    case Op::matmul:
      return n * ctx.sched.at(s.a.index).cols;
    case Op::scores:
      return n * ctx.cfg.head_dim();
    case Op::attn_av:
      return n * s.kv_count;
    case Op::sumsq:
      return ctx.sched.at(s.a.index).cols;
    default:
      return 0;
  }
}

}  // namespace vinfer::dispute
