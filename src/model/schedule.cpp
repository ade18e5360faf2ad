// The step schedule: index arithmetic only (see schedule.hpp for the order).
#include "vinfer/model/schedule.hpp"

namespace vinfer::model {
namespace {
Operand step_op(uint64_t k) {
  return Operand{Operand::Kind::step, k};
}
}  // namespace

const char* weight_name(Weight w) {
  switch (w) {
    case Weight::none:
      return "-";
    case Weight::tok_embd:
      return "tok_embd";
    case Weight::attn_norm:
      return "attn_norm";
    case Weight::wq:
      return "wq";
    case Weight::wk:
      return "wk";
    case Weight::wv:
      return "wv";
    case Weight::wo:
      return "wo";
    case Weight::ffn_norm:
      return "ffn_norm";
    case Weight::w1:
      return "w1";
    case Weight::w2:
      return "w2";
    case Weight::w3:
      return "w3";
    case Weight::out_norm:
      return "out_norm";
    case Weight::wcls:
      return "wcls";
  }
  return "?";
}

Result<Schedule> Schedule::create(const LlamaConfig& cfg, const Job& job) {
  VINFER_CHECK(validate(cfg));
  VINFER_CHECK(validate(job, cfg));
  Schedule s;
  s.cfg_ = cfg;
  s.n_prompt_ = static_cast<uint32_t>(job.tokens.size());
  s.max_tokens_ = job.max_tokens;
  s.positions_ = s.n_prompt_ + s.max_tokens_ - 1;
  s.greedy_ = job.temperature_q16 == 0;
  s.per_pos_ = 1 + cfg.n_layers * kLayerSteps;
  s.head_ = s.greedy_ ? kHeadStepsGreedy : kHeadStepsSampled;
  s.size_ = uint64_t{s.positions_} * s.per_pos_ + uint64_t{s.max_tokens_} * s.head_ + 1;
  return s;
}

uint64_t Schedule::position_start(uint32_t pos) const {
  VINFER_ASSERT(pos < positions_);
  const uint64_t sampling_before = pos + 1 > n_prompt_ ? pos + 1 - n_prompt_ : 0;
  return uint64_t{pos} * per_pos_ + sampling_before * head_;
}

uint64_t Schedule::layer_index(uint32_t pos, uint32_t layer, LayerStep s) const {
  VINFER_ASSERT(layer < cfg_.n_layers);
  return position_start(pos) + 1 + uint64_t{layer} * kLayerSteps + static_cast<uint32_t>(s);
}

uint64_t Schedule::head_index(uint32_t pos, HeadStep s) const {
  VINFER_ASSERT(samples_at(pos));
  return position_start(pos) + per_pos_ + static_cast<uint32_t>(s);
}

uint64_t Schedule::token_step(uint32_t pos) const {
  return head_index(pos, greedy_ ? HeadStep::argmax : HeadStep::sample);
}

Step Schedule::at(uint64_t k) const {
  VINFER_ASSERT(k < size_);
  Step st;
  if (k == size_ - 1) {
    st.op = Op::output;
    st.rows = 1;
    st.cols = max_tokens_;
    st.kv_count = max_tokens_;
    return st;
  }
  // Find the position: prompt positions have per_pos_ steps, sampling ones per_pos_+head_.
  const uint64_t prompt_span = uint64_t{n_prompt_ - 1} * per_pos_;
  uint32_t pos;
  if (k < prompt_span) {
    pos = static_cast<uint32_t>(k / per_pos_);
  } else {
    pos = n_prompt_ - 1 + static_cast<uint32_t>((k - prompt_span) / (per_pos_ + head_));
  }
  st.pos = pos;
  const uint64_t start = position_start(pos);
  const uint64_t off = k - start;
  const uint32_t dim = cfg_.dim, hd = cfg_.head_dim(), nh = cfg_.n_heads;
  const uint32_t kvd = cfg_.kv_dim(), hid = cfg_.hidden_dim;

  if (off == 0) {  // embedding of the token at pos
    st.op = Op::embed;
    st.rows = 1;
    st.cols = dim;
    st.weight = Weight::tok_embd;
    st.a = pos < n_prompt_ ? Operand{Operand::Kind::job_token, pos} : step_op(token_step(pos - 1));
    return st;
  }
  if (off < per_pos_) {
    const uint32_t layer = static_cast<uint32_t>((off - 1) / kLayerSteps);
    const auto ls = static_cast<LayerStep>((off - 1) % kLayerSteps);
    st.layer = layer;
    auto at = [&](LayerStep s) { return step_op(layer_index(pos, layer, s)); };
    const Operand h =
        layer == 0 ? step_op(start) : step_op(layer_index(pos, layer - 1, LayerStep::ffn_add));
    auto set = [&](Op op, uint32_t rows, uint32_t cols) {
      st.op = op;
      st.rows = rows;
      st.cols = cols;
    };
    switch (ls) {
      case LayerStep::attn_sumsq:
        set(Op::sumsq, 1, 1);
        st.a = h;
        break;
      case LayerStep::attn_norm:
        set(Op::rmsnorm, 1, dim);
        st.a = h;
        st.b = at(LayerStep::attn_sumsq);
        st.weight = Weight::attn_norm;
        break;
      case LayerStep::attn_absmax:
        set(Op::absmax, 1, 1);
        st.a = at(LayerStep::attn_norm);
        break;
      case LayerStep::attn_quant:
        set(Op::quantize, 1, dim);
        st.a = at(LayerStep::attn_norm);
        st.b = at(LayerStep::attn_absmax);
        break;
      case LayerStep::q:
      case LayerStep::k:
      case LayerStep::v:
        set(Op::matmul, 1, ls == LayerStep::q ? nh * hd : kvd);
        st.a = at(LayerStep::attn_quant);
        st.b = at(LayerStep::attn_absmax);
        st.weight =
            ls == LayerStep::q ? Weight::wq : (ls == LayerStep::k ? Weight::wk : Weight::wv);
        break;
      case LayerStep::q_rope:
        set(Op::rope, nh, hd);
        st.a = at(LayerStep::q);
        break;
      case LayerStep::k_rope:
        set(Op::rope, cfg_.n_kv_heads, hd);
        st.a = at(LayerStep::k);
        break;
      case LayerStep::scores:
        set(Op::scores, nh, pos + 1);
        st.a = at(LayerStep::q_rope);
        st.kv_step = LayerStep::k_rope;
        st.kv_count = pos + 1;
        break;
      case LayerStep::smax_max:
        set(Op::rowmax, nh, 1);
        st.a = at(LayerStep::scores);
        break;
      case LayerStep::smax_exp:
        set(Op::exp, nh, pos + 1);
        st.a = at(LayerStep::scores);
        st.b = at(LayerStep::smax_max);
        break;
      case LayerStep::smax_sum:
        set(Op::rowsum, nh, 1);
        st.a = at(LayerStep::smax_exp);
        break;
      case LayerStep::smax_norm:
        set(Op::softmax, nh, pos + 1);
        st.a = at(LayerStep::smax_exp);
        st.b = at(LayerStep::smax_sum);
        break;
      case LayerStep::av:
        set(Op::attn_av, 1, nh * hd);
        st.a = at(LayerStep::smax_norm);
        st.kv_step = LayerStep::v;
        st.kv_count = pos + 1;
        break;
      case LayerStep::av_absmax:
        set(Op::absmax, 1, 1);
        st.a = at(LayerStep::av);
        break;
      case LayerStep::av_quant:
        set(Op::quantize, 1, nh * hd);
        st.a = at(LayerStep::av);
        st.b = at(LayerStep::av_absmax);
        break;
      case LayerStep::wo:
        set(Op::matmul, 1, dim);
        st.a = at(LayerStep::av_quant);
        st.b = at(LayerStep::av_absmax);
        st.weight = Weight::wo;
        break;
      case LayerStep::attn_add:
        set(Op::add, 1, dim);
        st.a = h;
        st.b = at(LayerStep::wo);
        break;
      case LayerStep::ffn_sumsq:
        set(Op::sumsq, 1, 1);
        st.a = at(LayerStep::attn_add);
        break;
      case LayerStep::ffn_norm:
        set(Op::rmsnorm, 1, dim);
        st.a = at(LayerStep::attn_add);
        st.b = at(LayerStep::ffn_sumsq);
        st.weight = Weight::ffn_norm;
        break;
      case LayerStep::ffn_absmax:
        set(Op::absmax, 1, 1);
        st.a = at(LayerStep::ffn_norm);
        break;
      case LayerStep::ffn_quant:
        set(Op::quantize, 1, dim);
        st.a = at(LayerStep::ffn_norm);
        st.b = at(LayerStep::ffn_absmax);
        break;
      case LayerStep::w1:
      case LayerStep::w3:
        set(Op::matmul, 1, hid);
        st.a = at(LayerStep::ffn_quant);
        st.b = at(LayerStep::ffn_absmax);
        st.weight = ls == LayerStep::w1 ? Weight::w1 : Weight::w3;
        break;
      case LayerStep::silu:
        set(Op::silu_mul, 1, hid);
        st.a = at(LayerStep::w1);
        st.b = at(LayerStep::w3);
        break;
      case LayerStep::down_absmax:
        set(Op::absmax, 1, 1);
        st.a = at(LayerStep::silu);
        break;
      case LayerStep::down_quant:
        set(Op::quantize, 1, hid);
        st.a = at(LayerStep::silu);
        st.b = at(LayerStep::down_absmax);
        break;
      case LayerStep::w2:
        set(Op::matmul, 1, dim);
        st.a = at(LayerStep::down_quant);
        st.b = at(LayerStep::down_absmax);
        st.weight = Weight::w2;
        break;
      case LayerStep::ffn_add:
        set(Op::add, 1, dim);
        st.a = at(LayerStep::attn_add);
        st.b = at(LayerStep::w2);
        break;
      case LayerStep::count_:
        VINFER_ASSERT(false);
    }
    return st;
  }
  // Head and sampler.
  const auto hs = static_cast<HeadStep>(off - per_pos_);
  auto hat = [&](HeadStep s) { return step_op(head_index(pos, s)); };
  const Operand h = cfg_.n_layers == 0
                        ? step_op(start)
                        : step_op(layer_index(pos, cfg_.n_layers - 1, LayerStep::ffn_add));
  const uint32_t vocab = cfg_.vocab_size;
  st.rows = 1;
  st.cols = 1;
  switch (hs) {
    case HeadStep::sumsq:
      st.op = Op::sumsq;
      st.a = h;
      break;
    case HeadStep::norm:
      st.op = Op::rmsnorm;
      st.cols = dim;
      st.a = h;
      st.b = hat(HeadStep::sumsq);
      st.weight = Weight::out_norm;
      break;
    case HeadStep::absmax:
      st.op = Op::absmax;
      st.a = hat(HeadStep::norm);
      break;
    case HeadStep::quant:
      st.op = Op::quantize;
      st.cols = dim;
      st.a = hat(HeadStep::norm);
      st.b = hat(HeadStep::absmax);
      break;
    case HeadStep::logits:
      st.op = Op::matmul;
      st.cols = vocab;
      st.a = hat(HeadStep::quant);
      st.b = hat(HeadStep::absmax);
      st.weight = Weight::wcls;
      break;
    case HeadStep::argmax:  // == HeadStep::temp
      if (greedy_) {
        st.op = Op::argmax;
        st.a = hat(HeadStep::logits);
      } else {
        st.op = Op::temp_scale;
        st.cols = vocab;
        st.a = hat(HeadStep::logits);
      }
      break;
    case HeadStep::max:
      st.op = Op::rowmax;
      st.a = hat(HeadStep::temp);
      break;
    case HeadStep::exp:
      st.op = Op::exp;
      st.cols = vocab;
      st.a = hat(HeadStep::temp);
      st.b = hat(HeadStep::max);
      break;
    case HeadStep::sum:
      st.op = Op::rowsum;
      st.a = hat(HeadStep::exp);
      break;
    case HeadStep::topp:
      st.op = Op::topp;
      st.a = hat(HeadStep::exp);
      st.b = hat(HeadStep::sum);
      break;
    case HeadStep::sample:
      st.op = Op::sample;
      st.a = hat(HeadStep::exp);
      st.b = hat(HeadStep::topp);
      break;
  }
  return st;
}

std::string Schedule::describe(uint64_t k) const {
  const Step s = at(k);
  std::string out = "step " + std::to_string(k) + " pos=" + std::to_string(s.pos);
  if (s.layer != Step::kNoLayer)
    out += " layer=" + std::to_string(s.layer);
  out += " " + std::string(op_name(s.op));
  if (s.weight != Weight::none)
    out += " " + std::string(weight_name(s.weight));
  out += " " + std::to_string(s.rows) + "x" + std::to_string(s.cols);
  return out;
}

}  // namespace vinfer::model
