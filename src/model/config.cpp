// LlamaConfig: parameter count and the validity / arithmetic-bound checks.
#include <cmath>
#include <string>

#include "vinfer/arith/formats.hpp"
#include "vinfer/model/config.hpp"

namespace vinfer::model {

uint64_t LlamaConfig::param_count() const {
  const uint64_t d = dim, h = hidden_dim, kv = kv_dim(), q = uint64_t{n_heads} * head_dim();
  const uint64_t per_layer = d             // attn_norm
                             + q * d       // wq
                             + 2 * kv * d  // wk, wv
                             + d * q       // wo
                             + d           // ffn_norm
                             + 3 * h * d;  // w1, w2, w3
  return uint64_t{vocab_size} * d          // tok_embd
         + n_layers * per_layer            //
         + d                               // out_norm
         + uint64_t{vocab_size} * d;       // wcls
}

namespace {

Error bad(const std::string& field, uint64_t v, const std::string& rule) {
  return fail(Errc::invalid_argument, "config " + field + " = " + std::to_string(v) + ": " + rule);
}

}  // namespace

Status validate(const LlamaConfig& c) {
  const struct {
    const char* name;
    uint32_t v;
  } positive[] = {
      {"dim", c.dim},         {"hidden_dim", c.hidden_dim}, {"n_layers", c.n_layers},
      {"n_heads", c.n_heads}, {"n_kv_heads", c.n_kv_heads}, {"vocab_size", c.vocab_size},
      {"seq_len", c.seq_len}};
  for (const auto& p : positive) {
    if (p.v == 0) {
      return bad(p.name, 0, "must be > 0");
    }
  }
  if (c.dim % c.n_heads != 0) {
    return bad("dim", c.dim, "not a multiple of n_heads = " + std::to_string(c.n_heads));
  }
  if (c.head_dim() % 2 != 0) {
    return bad("head_dim", c.head_dim(), "must be even (RoPE rotates pairs)");
  }
  if (c.n_heads % c.n_kv_heads != 0) {
    return bad("n_heads", c.n_heads,
               "not a multiple of n_kv_heads = " + std::to_string(c.n_kv_heads));
  }
  if (c.dim > arith::kMaxDim) {
    return bad("dim", c.dim, "exceeds kMaxDim = " + std::to_string(arith::kMaxDim));
  }
  // Every dot product the engine takes has length dim, hidden_dim or head_dim.
  if (c.dim > arith::kMaxDotLen) {
    return bad("dim", c.dim, "exceeds kMaxDotLen = " + std::to_string(arith::kMaxDotLen));
  }
  if (c.hidden_dim > arith::kMaxDotLen) {
    return bad("hidden_dim", c.hidden_dim,
               "exceeds kMaxDotLen = " + std::to_string(arith::kMaxDotLen));
  }
  if (c.head_dim() > arith::kMaxDotLen) {
    return bad("head_dim", c.head_dim(),
               "exceeds kMaxDotLen = " + std::to_string(arith::kMaxDotLen));
  }
  if (c.seq_len > arith::kMaxSeq) {
    return bad("seq_len", c.seq_len, "exceeds kMaxSeq = " + std::to_string(arith::kMaxSeq));
  }
  if (c.vocab_size >= (uint32_t{1} << 24)) {
    return bad("vocab_size", c.vocab_size, "must be < 2^24");
  }
  if (c.n_layers > 1024) {
    return bad("n_layers", c.n_layers, "must be <= 1024");
  }
  // RoPE's base frequency: theta^(-2i/d) must fall with i (arith::rope_table needs > 1).
  if (!std::isfinite(c.rope_theta) || !(c.rope_theta > 1.0f)) {
    return fail(Errc::invalid_argument,
                "config rope_theta = " + std::to_string(c.rope_theta) + ": must be finite and > 1");
  }
  if (!std::isfinite(c.norm_eps) || !(c.norm_eps > 0.0f) || c.norm_eps > 1.0f) {
    return fail(Errc::invalid_argument,
                "config norm_eps = " + std::to_string(c.norm_eps) + ": must be in (0, 1]");
  }
  return ok_status();
}

}  // namespace vinfer::model
