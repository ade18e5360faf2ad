// quantize(): the deterministic float -> canonical rule (docs/model-format.md §Quantizer).
//
// Per matrix row r: maxabs = max_k |W[r][k]| in double; maxabs == 0 gives w = 0 and scale
// {0, 0}; otherwise s = maxabs / 127, w = round-half-away-from-zero(W / s) clamped to
// [-127, 127], and the row multiplier is dyadic_from_double(s / 127) for projections (the
// 1/127 of activation quantization folded in) or dyadic_from_double(s * 4096) for the
// embedding (its output is Q12). Gains: det_round(g * 2^16). Only IEEE double +, -, *, /,
// floor and comparisons, with -ffp-contract=off, so every build gives the same integers.
#include <cmath>
#include <string>

#include "model/gguf_llama.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/arith/tables.hpp"
#include "vinfer/model/canonical.hpp"

namespace vinfer::model {
namespace {

using detail::LayerTensor;

enum class RowScale { projection, embedding };

Result<QMatrix> quantize_matrix(const std::vector<float>& W,
                                uint32_t rows,
                                uint32_t cols,
                                const std::string& name,
                                RowScale kind) {
  VINFER_ASSERT(W.size() == static_cast<size_t>(rows) * cols);
  QMatrix q;
  q.rows = rows;
  q.cols = cols;
  q.w.assign(W.size(), 0);
  q.scale.assign(rows, arith::Dyadic{0, 0});
  for (uint32_t r = 0; r < rows; ++r) {
    const float* row = W.data() + static_cast<size_t>(r) * cols;
    double maxabs = 0.0;
    for (uint32_t k = 0; k < cols; ++k) {
      const double x = row[k];
      if (!std::isfinite(x)) {
        return fail(Errc::invalid_argument, "tensor '" + name + "' row " + std::to_string(r) +
                                                " column " + std::to_string(k) +
                                                ": value is not finite");
      }
      const double a = x < 0 ? -x : x;
      if (a > maxabs) {
        maxabs = a;
      }
    }
    if (maxabs == 0.0) {
      continue;  // all-zero row: w = 0, scale {0, 0}
    }
    const double s = maxabs / 127.0;
    int8_t* out = q.w.data() + static_cast<size_t>(r) * cols;
    for (uint32_t k = 0; k < cols; ++k) {
      const double v = static_cast<double>(row[k]) / s;
      double w = v < 0 ? -std::floor(-v + 0.5) : std::floor(v + 0.5);
      if (w > 127.0) {
        w = 127.0;
      }
      if (w < -127.0) {
        w = -127.0;
      }
      out[k] = static_cast<int8_t>(w);
    }
    const double mult = kind == RowScale::embedding ? s * 4096.0 : s / 127.0;
    if (!arith::dyadic_from_double(mult, &q.scale[r])) {
      return fail(Errc::overflow, "tensor '" + name + "' row " + std::to_string(r) +
                                      ": row multiplier " + std::to_string(mult) +
                                      " does not fit a Dyadic (must be < 2^31)");
    }
  }
  return q;
}

Result<std::vector<int32_t>> quantize_gains(const std::vector<float>& g, const std::string& name) {
  std::vector<int32_t> out(g.size());
  for (size_t i = 0; i < g.size(); ++i) {
    const double x = static_cast<double>(g[i]) * 65536.0;
    // Checked before rounding: det_round needs |x| < 2^62.
    if (!std::isfinite(x) || std::fabs(x) > static_cast<double>(arith::kGainMax) + 1.0) {
      return fail(Errc::overflow, "tensor '" + name + "' index " + std::to_string(i) + ": gain " +
                                      std::to_string(g[i]) + " is not finite or exceeds " +
                                      std::to_string(arith::kGainMax >> 16));
    }
    const int64_t q = arith::det_round(x);
    if (q > arith::kGainMax || q < -arith::kGainMax) {
      return fail(Errc::overflow, "tensor '" + name + "' index " + std::to_string(i) +
                                      ": Q16 gain " + std::to_string(q) + " exceeds kGainMax");
    }
    out[i] = static_cast<int32_t>(q);
  }
  return out;
}

}  // namespace

int64_t norm_eps_to_q24(float eps) {
  const int64_t q = arith::det_round(static_cast<double>(eps) * 16777216.0);
  return q < 1 ? 1 : q;
}

Result<CanonicalModel> quantize(const FloatModel& m) {
  VINFER_CHECK(check_shapes(m));
  const LlamaConfig& c = m.cfg;
  const uint32_t d = c.dim, h = c.hidden_dim, kv = c.kv_dim(), v = c.vocab_size;
  const uint32_t q = c.n_heads * c.head_dim();
  CanonicalModel out;
  out.name = m.name;
  out.cfg = c;
  out.norm_eps_q24 = norm_eps_to_q24(c.norm_eps);
  out.tokenizer = m.tokenizer;
  const auto proj = RowScale::projection;
  VINFER_TRY(out.tok_embd,
             quantize_matrix(m.tok_embd, v, d, "token_embd.weight", RowScale::embedding));
  out.layers.resize(c.n_layers);
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    const FloatLayer& F = m.layers[l];
    QLayer& Q = out.layers[l];
    auto name = [l](LayerTensor t) { return detail::layer_tensor_name(l, t); };
    VINFER_TRY(Q.attn_norm, quantize_gains(F.attn_norm, name(LayerTensor::attn_norm)));
    VINFER_TRY(Q.wq, quantize_matrix(F.wq, q, d, name(LayerTensor::wq), proj));
    VINFER_TRY(Q.wk, quantize_matrix(F.wk, kv, d, name(LayerTensor::wk), proj));
    VINFER_TRY(Q.wv, quantize_matrix(F.wv, kv, d, name(LayerTensor::wv), proj));
    VINFER_TRY(Q.wo, quantize_matrix(F.wo, d, q, name(LayerTensor::wo), proj));
    VINFER_TRY(Q.ffn_norm, quantize_gains(F.ffn_norm, name(LayerTensor::ffn_norm)));
    VINFER_TRY(Q.w1, quantize_matrix(F.w1, h, d, name(LayerTensor::w1), proj));
    VINFER_TRY(Q.w2, quantize_matrix(F.w2, d, h, name(LayerTensor::w2), proj));
    VINFER_TRY(Q.w3, quantize_matrix(F.w3, h, d, name(LayerTensor::w3), proj));
  }
  VINFER_TRY(out.out_norm, quantize_gains(m.out_norm, "output_norm.weight"));
  VINFER_TRY(out.wcls, quantize_matrix(m.wcls, v, d, "output.weight", proj));
  return out;
}

}  // namespace vinfer::model
