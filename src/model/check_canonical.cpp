// check_canonical(): everything a canonical model read from an untrusted file must satisfy
// before the engine may compute with it (shapes, int8 range, multiplier and gain bounds).
#include <string>

#include "model/gguf_llama.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/model/canonical.hpp"

namespace vinfer::model {
namespace {

using detail::LayerTensor;

Status check_matrix(const QMatrix& m, uint32_t rows, uint32_t cols, const std::string& name) {
  if (m.rows != rows || m.cols != cols) {
    return fail(Errc::mismatch, "tensor '" + name + "': shape (" + std::to_string(m.rows) + ", " +
                                    std::to_string(m.cols) + "), config implies (" +
                                    std::to_string(rows) + ", " + std::to_string(cols) + ")");
  }
  if (m.w.size() != static_cast<size_t>(rows) * cols || m.scale.size() != rows) {
    return fail(Errc::mismatch, "tensor '" + name + "': " + std::to_string(m.w.size()) +
                                    " weights and " + std::to_string(m.scale.size()) +
                                    " multipliers for shape (" + std::to_string(rows) + ", " +
                                    std::to_string(cols) + ")");
  }
  for (size_t i = 0; i < m.w.size(); ++i) {
    if (m.w[i] < -arith::kI8Max) {
      return fail(Errc::parse, "tensor '" + name + "' row " + std::to_string(i / cols) +
                                   " column " + std::to_string(i % cols) +
                                   ": weight -128 is outside [-127, 127]");
    }
  }
  for (uint32_t r = 0; r < rows; ++r) {
    const arith::Dyadic s = m.scale[r];
    const bool zero = s.mant == 0 && s.shift == 0;
    const bool normal =
        s.mant >= (int32_t{1} << 30) && s.shift >= 0 && s.shift <= arith::kDyadicMaxShift;
    if (!zero && !normal) {
      return fail(Errc::parse, "tensor '" + name + ".scale' row " + std::to_string(r) +
                                   ": multiplier (mant " + std::to_string(s.mant) + ", shift " +
                                   std::to_string(s.shift) +
                                   ") is neither (0, 0) nor mant in [2^30, 2^31), shift in [0, " +
                                   std::to_string(arith::kDyadicMaxShift) + "]");
    }
  }
  return ok_status();
}

Status check_gains(const std::vector<int32_t>& g, uint32_t dim, const std::string& name) {
  if (g.size() != dim) {
    return fail(Errc::mismatch, "tensor '" + name + "': " + std::to_string(g.size()) +
                                    " gains, config dim is " + std::to_string(dim));
  }
  for (size_t i = 0; i < g.size(); ++i) {
    if (g[i] > arith::kGainMax || g[i] < -arith::kGainMax) {
      return fail(Errc::overflow, "tensor '" + name + "' index " + std::to_string(i) +
                                      ": Q16 gain " + std::to_string(g[i]) +
                                      " exceeds kGainMax = " + std::to_string(arith::kGainMax));
    }
  }
  return ok_status();
}

}  // namespace

Status check_canonical(const CanonicalModel& m) {
  VINFER_CHECK(validate(m.cfg));
  const LlamaConfig& c = m.cfg;
  if (m.tokenizer.size() != c.vocab_size) {
    return fail(Errc::mismatch, "tokenizer has " + std::to_string(m.tokenizer.size()) +
                                    " tokens, config vocab_size is " +
                                    std::to_string(c.vocab_size));
  }
  if (m.norm_eps_q24 != norm_eps_to_q24(c.norm_eps)) {
    return fail(Errc::mismatch, "norm_eps_q24 " + std::to_string(m.norm_eps_q24) +
                                    " is not the canonical rounding " +
                                    std::to_string(norm_eps_to_q24(c.norm_eps)) + " of norm_eps");
  }
  const uint32_t d = c.dim, h = c.hidden_dim, kv = c.kv_dim(), v = c.vocab_size;
  const uint32_t q = c.n_heads * c.head_dim();
  VINFER_CHECK(check_matrix(m.tok_embd, v, d, "token_embd.weight"));
  if (m.layers.size() != c.n_layers) {
    return fail(Errc::mismatch, "model has " + std::to_string(m.layers.size()) +
                                    " layers, config n_layers is " + std::to_string(c.n_layers));
  }
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    const QLayer& L = m.layers[l];
    auto name = [l](LayerTensor t) { return detail::layer_tensor_name(l, t); };
    VINFER_CHECK(check_gains(L.attn_norm, d, name(LayerTensor::attn_norm)));
    VINFER_CHECK(check_matrix(L.wq, q, d, name(LayerTensor::wq)));
    VINFER_CHECK(check_matrix(L.wk, kv, d, name(LayerTensor::wk)));
    VINFER_CHECK(check_matrix(L.wv, kv, d, name(LayerTensor::wv)));
    VINFER_CHECK(check_matrix(L.wo, d, q, name(LayerTensor::wo)));
    VINFER_CHECK(check_gains(L.ffn_norm, d, name(LayerTensor::ffn_norm)));
    VINFER_CHECK(check_matrix(L.w1, h, d, name(LayerTensor::w1)));
    VINFER_CHECK(check_matrix(L.w2, d, h, name(LayerTensor::w2)));
    VINFER_CHECK(check_matrix(L.w3, h, d, name(LayerTensor::w3)));
  }
  VINFER_CHECK(check_gains(m.out_norm, d, "output_norm.weight"));
  VINFER_CHECK(check_matrix(m.wcls, v, d, "output.weight"));
  return ok_status();
}

}  // namespace vinfer::model
