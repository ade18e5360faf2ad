// check_shapes: a FloatModel's tensors against its config.
#include <string>

#include "vinfer/model/float_model.hpp"

namespace vinfer::model {
namespace {

Status expect(const std::vector<float>& t, uint64_t n, const std::string& name) {
  if (t.size() != n) {
    return fail(Errc::mismatch, "tensor '" + name + "' has " + std::to_string(t.size()) +
                                    " values, config implies " + std::to_string(n));
  }
  return ok_status();
}

}  // namespace

Status check_shapes(const FloatModel& m) {
  VINFER_CHECK(validate(m.cfg));
  const LlamaConfig& c = m.cfg;
  const uint64_t d = c.dim, h = c.hidden_dim, kv = c.kv_dim(), v = c.vocab_size;
  const uint64_t q = uint64_t{c.n_heads} * c.head_dim();
  if (m.tokenizer.size() != c.vocab_size) {
    return fail(Errc::mismatch, "tokenizer has " + std::to_string(m.tokenizer.size()) +
                                    " tokens, config vocab_size is " +
                                    std::to_string(c.vocab_size));
  }
  VINFER_CHECK(expect(m.tok_embd, v * d, "tok_embd"));
  if (m.layers.size() != c.n_layers) {
    return fail(Errc::mismatch, "model has " + std::to_string(m.layers.size()) +
                                    " layers, config n_layers is " + std::to_string(c.n_layers));
  }
  for (size_t l = 0; l < m.layers.size(); ++l) {
    const FloatLayer& L = m.layers[l];
    const std::string p = "blk." + std::to_string(l) + ".";
    VINFER_CHECK(expect(L.attn_norm, d, p + "attn_norm"));
    VINFER_CHECK(expect(L.wq, q * d, p + "wq"));
    VINFER_CHECK(expect(L.wk, kv * d, p + "wk"));
    VINFER_CHECK(expect(L.wv, kv * d, p + "wv"));
    VINFER_CHECK(expect(L.wo, d * q, p + "wo"));
    VINFER_CHECK(expect(L.ffn_norm, d, p + "ffn_norm"));
    VINFER_CHECK(expect(L.w1, h * d, p + "w1"));
    VINFER_CHECK(expect(L.w2, d * h, p + "w2"));
    VINFER_CHECK(expect(L.w3, h * d, p + "w3"));
  }
  VINFER_CHECK(expect(m.out_norm, d, "out_norm"));
  VINFER_CHECK(expect(m.wcls, v * d, "wcls"));
  return ok_status();
}

}  // namespace vinfer::model
