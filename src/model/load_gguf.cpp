// load_gguf_float: a float Llama GGUF (as llama.cpp names its keys and tensors) -> FloatModel.
// ne[0] is the fastest dimension, so a torch (out, in) matrix has ne = [in, out] and its
// bytes are already row-major (out, in), the FloatModel layout.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "model/file_io.hpp"
#include "model/gguf_llama.hpp"
#include "model/load_internal.hpp"
#include "vinfer/model/load.hpp"

namespace vinfer::model {
namespace {

using detail::find_tensor_checked;
using detail::LayerTensor;

constexpr std::initializer_list<GgmlType> kFloatTypes = {GgmlType::f32, GgmlType::f16,
                                                         GgmlType::q8_0};

/// Reads a float tensor of shape ne (GGUF order).
Status read_float(const GgufFile& f,
                  const std::string& name,
                  std::initializer_list<uint64_t> ne,
                  std::vector<float>* out) {
  VINFER_TRY(const GgufTensorInfo* t, find_tensor_checked(f, name, kFloatTypes, ne));
  VINFER_TRY(*out, gguf_tensor_to_float(f, *t));
  return ok_status();
}

}  // namespace

Result<FloatModel> detail::load_gguf_float_named(std::span<const uint8_t> bytes,
                                                 const std::string& fallback) {
  VINFER_TRY(GgufFile f, parse_gguf(bytes));
  if (f.find("vinfer.canonical")) {
    return fail(Errc::unsupported,
                "this is a canonical vinfer file (int8 weights): it has no float weights");
  }
  FloatModel m;
  m.name = detail::read_gguf_name(f, fallback);
  VINFER_TRY(m.tokenizer, detail::read_gguf_tokenizer(f));
  VINFER_TRY(m.cfg, detail::read_llama_config(f, m.tokenizer.size()));
  const LlamaConfig& c = m.cfg;
  const uint64_t d = c.dim, h = c.hidden_dim, kv = c.kv_dim(), v = c.vocab_size;
  const uint64_t q = uint64_t{c.n_heads} * c.head_dim();
  VINFER_CHECK(read_float(f, "token_embd.weight", {d, v}, &m.tok_embd));
  m.layers.resize(c.n_layers);
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    FloatLayer& L = m.layers[l];
    auto name = [l](LayerTensor t) { return detail::layer_tensor_name(l, t); };
    VINFER_CHECK(read_float(f, name(LayerTensor::attn_norm), {d}, &L.attn_norm));
    VINFER_CHECK(read_float(f, name(LayerTensor::wq), {d, q}, &L.wq));
    VINFER_CHECK(read_float(f, name(LayerTensor::wk), {d, kv}, &L.wk));
    VINFER_CHECK(read_float(f, name(LayerTensor::wv), {d, kv}, &L.wv));
    VINFER_CHECK(read_float(f, name(LayerTensor::wo), {q, d}, &L.wo));
    VINFER_CHECK(read_float(f, name(LayerTensor::ffn_norm), {d}, &L.ffn_norm));
    VINFER_CHECK(read_float(f, name(LayerTensor::w1), {d, h}, &L.w1));
    VINFER_CHECK(read_float(f, name(LayerTensor::w2), {h, d}, &L.w2));
    VINFER_CHECK(read_float(f, name(LayerTensor::w3), {d, h}, &L.w3));
  }
  VINFER_CHECK(read_float(f, "output_norm.weight", {d}, &m.out_norm));
  if (f.find_tensor("output.weight")) {
    VINFER_CHECK(read_float(f, "output.weight", {d, v}, &m.wcls));
  } else {
    m.wcls = m.tok_embd;  // tied classifier
  }
  VINFER_CHECK(check_shapes(m));
  return m;
}

namespace {

/// Appends a float tensor in `type` (Q8_0: blocks of 32, scale maxabs/127 as f16).
void add_float(GgufWriter& w,
               const std::string& name,
               std::vector<uint64_t> ne,
               const std::vector<float>& x,
               GgmlType type) {
  std::vector<uint8_t> b;
  if (type == GgmlType::f32) {
    b.resize(x.size() * 4);
    if (!x.empty()) {
      std::memcpy(b.data(), x.data(), b.size());
    }
  } else if (type == GgmlType::f16) {
    b.resize(x.size() * 2);
    for (size_t i = 0; i < x.size(); ++i) {
      const uint16_t hb = float_to_half(x[i]);
      std::memcpy(b.data() + 2 * i, &hb, 2);
    }
  } else {
    VINFER_ASSERT(type == GgmlType::q8_0 && x.size() % 32 == 0);
    b.resize(x.size() / 32 * 34);
    for (size_t blk = 0; blk < x.size() / 32; ++blk) {
      float amax = 0.0f;
      for (size_t i = 0; i < 32; ++i) {
        amax = std::max(amax, std::fabs(x[blk * 32 + i]));
      }
      const uint16_t dh = float_to_half(amax / 127.0f);
      const float d = half_to_float(dh);
      uint8_t* p = b.data() + blk * 34;
      std::memcpy(p, &dh, 2);
      for (size_t i = 0; i < 32; ++i) {
        const float r = d == 0.0f ? 0.0f : std::nearbyint(x[blk * 32 + i] / d);
        p[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f)));
      }
    }
  }
  w.add_tensor(name, std::move(ne), type, std::move(b));
}

}  // namespace

Result<FloatModel> load_gguf_float(std::span<const uint8_t> bytes) {
  return detail::load_gguf_float_named(bytes, "model");
}

Result<FloatModel> load_gguf_float(const std::filesystem::path& path) {
  VINFER_TRY(const std::vector<uint8_t> bytes, detail::read_file(path));
  auto m = detail::load_gguf_float_named(bytes, detail::model_name_from_path(path));
  if (!m.ok()) {
    return fail(m.error().code, path.string() + ": " + m.error().message);
  }
  return m;
}

std::vector<uint8_t> serialize_gguf_float(const FloatModel& m, GgmlType matrix_type) {
  VINFER_ASSERT(matrix_type == GgmlType::f32 || matrix_type == GgmlType::f16 ||
                matrix_type == GgmlType::q8_0);
  const LlamaConfig& c = m.cfg;
  const uint64_t d = c.dim, h = c.hidden_dim, kv = c.kv_dim(), v = c.vocab_size;
  const uint64_t q = uint64_t{c.n_heads} * c.head_dim();
  GgufWriter w;
  detail::write_llama_metadata(w, m.name, c, m.tokenizer);
  const GgmlType mt = matrix_type, f32 = GgmlType::f32;
  add_float(w, "token_embd.weight", {d, v}, m.tok_embd, mt);
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    const FloatLayer& L = m.layers[l];
    auto name = [l](LayerTensor t) { return detail::layer_tensor_name(l, t); };
    add_float(w, name(LayerTensor::attn_norm), {d}, L.attn_norm, f32);
    add_float(w, name(LayerTensor::wq), {d, q}, L.wq, mt);
    add_float(w, name(LayerTensor::wk), {d, kv}, L.wk, mt);
    add_float(w, name(LayerTensor::wv), {d, kv}, L.wv, mt);
    add_float(w, name(LayerTensor::wo), {q, d}, L.wo, mt);
    add_float(w, name(LayerTensor::ffn_norm), {d}, L.ffn_norm, f32);
    add_float(w, name(LayerTensor::w1), {d, h}, L.w1, mt);
    add_float(w, name(LayerTensor::w2), {h, d}, L.w2, mt);
    add_float(w, name(LayerTensor::w3), {d, h}, L.w3, mt);
  }
  add_float(w, "output_norm.weight", {d}, m.out_norm, f32);
  add_float(w, "output.weight", {d, v}, m.wcls, mt);
  return w.serialize();
}

}  // namespace vinfer::model
