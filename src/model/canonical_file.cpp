// The canonical model file: GGUF v3 with I8 weight matrices, "<name>.scale" I32 tensors of
// ne = [2, rows] holding (mant, shift) pairs, and I32 Q16 norm gains; keys vinfer.canonical,
// vinfer.arith_version and vinfer.norm_eps_q24 beside the llama.* and tokenizer keys.
#include <cstring>

#include "model/byte_io.hpp"
#include "model/file_io.hpp"
#include "model/gguf_llama.hpp"
#include "model/load_internal.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/model/canonical_file.hpp"
#include "vinfer/model/gguf.hpp"

namespace vinfer::model {
namespace {

using detail::LayerTensor;

void add_matrix(GgufWriter& w, const std::string& name, const QMatrix& m) {
  std::vector<uint8_t> wb(m.w.size());
  if (!wb.empty()) {
    std::memcpy(wb.data(), m.w.data(), wb.size());
  }
  w.add_tensor(name, {m.cols, m.rows}, GgmlType::i8, std::move(wb));
  std::vector<uint8_t> sb(static_cast<size_t>(m.rows) * 8);
  for (uint32_t r = 0; r < m.rows; ++r) {
    std::memcpy(sb.data() + 8 * r, &m.scale[r].mant, 4);
    std::memcpy(sb.data() + 8 * r + 4, &m.scale[r].shift, 4);
  }
  w.add_tensor(name + ".scale", {2, m.rows}, GgmlType::i32, std::move(sb));
}

void add_gains(GgufWriter& w, const std::string& name, const std::vector<int32_t>& g) {
  std::vector<uint8_t> b(g.size() * 4);
  if (!b.empty()) {
    std::memcpy(b.data(), g.data(), b.size());
  }
  w.add_tensor(name, {g.size()}, GgmlType::i32, std::move(b));
}

Status read_matrix(const GgufFile& f,
                   const std::string& name,
                   uint32_t rows,
                   uint32_t cols,
                   QMatrix* m) {
  VINFER_TRY(const GgufTensorInfo* t,
             detail::find_tensor_checked(f, name, {GgmlType::i8}, {cols, rows}));
  VINFER_TRY(const GgufTensorInfo* s,
             detail::find_tensor_checked(f, name + ".scale", {GgmlType::i32}, {2, rows}));
  m->rows = rows;
  m->cols = cols;
  const auto wb = f.data(*t);
  m->w.resize(wb.size());
  if (!wb.empty()) {
    std::memcpy(m->w.data(), wb.data(), wb.size());
  }
  const auto sb = f.data(*s);
  m->scale.resize(rows);
  for (uint32_t r = 0; r < rows; ++r) {
    std::memcpy(&m->scale[r].mant, sb.data() + 8 * r, 4);
    std::memcpy(&m->scale[r].shift, sb.data() + 8 * r + 4, 4);
  }
  return ok_status();
}

Status read_gains(const GgufFile& f,
                  const std::string& name,
                  uint32_t dim,
                  std::vector<int32_t>* g) {
  VINFER_TRY(const GgufTensorInfo* t, detail::find_tensor_checked(f, name, {GgmlType::i32}, {dim}));
  g->resize(dim);
  std::memcpy(g->data(), f.data(*t).data(), size_t{dim} * 4);
  return ok_status();
}

}  // namespace

Result<CanonicalModel> detail::read_canonical_named(std::span<const uint8_t> bytes,
                                                    const std::string& fallback) {
  VINFER_TRY(GgufFile f, parse_gguf(bytes));
  const GgufValue* marker = f.find("vinfer.canonical");
  if (!marker || marker->as_bool() != std::optional<bool>(true)) {
    return fail(Errc::parse,
                "key 'vinfer.canonical': missing or not true (not a canonical "
                "vinfer model file)");
  }
  const GgufValue* version = f.find("vinfer.arith_version");
  if (!version || version->type != GgufType::string) {
    return fail(Errc::parse, "key 'vinfer.arith_version': missing or not a string");
  }
  if (version->str != arith::kArithVersion) {
    return fail(Errc::mismatch, "key 'vinfer.arith_version': file was made for arithmetic '" +
                                    detail::printable(version->str) + "', this build implements '" +
                                    std::string(arith::kArithVersion) + "'");
  }
  const GgufValue* eps = f.find("vinfer.norm_eps_q24");
  if (!eps || eps->type != GgufType::i64) {
    return fail(Errc::parse, "key 'vinfer.norm_eps_q24': missing or not an i64");
  }
  CanonicalModel m;
  m.name = detail::read_gguf_name(f, fallback);
  m.norm_eps_q24 = *eps->as_int();
  VINFER_TRY(m.tokenizer, detail::read_gguf_tokenizer(f));
  VINFER_TRY(m.cfg, detail::read_llama_config(f, m.tokenizer.size()));
  const LlamaConfig& c = m.cfg;
  const uint32_t d = c.dim, h = c.hidden_dim, kv = c.kv_dim(), v = c.vocab_size;
  const uint32_t q = c.n_heads * c.head_dim();
  VINFER_CHECK(read_matrix(f, "token_embd.weight", v, d, &m.tok_embd));
  m.layers.resize(c.n_layers);
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    QLayer& L = m.layers[l];
    auto name = [l](LayerTensor t) { return detail::layer_tensor_name(l, t); };
    VINFER_CHECK(read_gains(f, name(LayerTensor::attn_norm), d, &L.attn_norm));
    VINFER_CHECK(read_matrix(f, name(LayerTensor::wq), q, d, &L.wq));
    VINFER_CHECK(read_matrix(f, name(LayerTensor::wk), kv, d, &L.wk));
    VINFER_CHECK(read_matrix(f, name(LayerTensor::wv), kv, d, &L.wv));
    VINFER_CHECK(read_matrix(f, name(LayerTensor::wo), d, q, &L.wo));
    VINFER_CHECK(read_gains(f, name(LayerTensor::ffn_norm), d, &L.ffn_norm));
    VINFER_CHECK(read_matrix(f, name(LayerTensor::w1), h, d, &L.w1));
    VINFER_CHECK(read_matrix(f, name(LayerTensor::w2), d, h, &L.w2));
    VINFER_CHECK(read_matrix(f, name(LayerTensor::w3), h, d, &L.w3));
  }
  VINFER_CHECK(read_gains(f, "output_norm.weight", d, &m.out_norm));
  VINFER_CHECK(read_matrix(f, "output.weight", v, d, &m.wcls));
  // Every expected tensor was found, so a larger count means tensors that do not belong.
  const uint64_t expected_tensors = 2 + uint64_t{c.n_layers} * 16 + 3;
  if (f.tensors.size() != expected_tensors) {
    return fail(Errc::parse, "canonical file has " + std::to_string(f.tensors.size()) +
                                 " tensors, its config implies " +
                                 std::to_string(expected_tensors) + " (no extra tensors allowed)");
  }
  VINFER_CHECK(check_canonical(m));
  return m;
}

std::vector<uint8_t> serialize_canonical(const CanonicalModel& m) {
  const LlamaConfig& c = m.cfg;
  GgufWriter w;
  detail::write_llama_metadata(w, m.name, c, m.tokenizer);
  w.add("vinfer.canonical", GgufValue::boolean(true));
  w.add("vinfer.arith_version", GgufValue::string(std::string(arith::kArithVersion)));
  w.add("vinfer.norm_eps_q24", GgufValue::i64(m.norm_eps_q24));
  add_matrix(w, "token_embd.weight", m.tok_embd);
  for (uint32_t l = 0; l < m.layers.size(); ++l) {
    const QLayer& L = m.layers[l];
    auto name = [l](LayerTensor t) { return detail::layer_tensor_name(l, t); };
    add_gains(w, name(LayerTensor::attn_norm), L.attn_norm);
    add_matrix(w, name(LayerTensor::wq), L.wq);
    add_matrix(w, name(LayerTensor::wk), L.wk);
    add_matrix(w, name(LayerTensor::wv), L.wv);
    add_matrix(w, name(LayerTensor::wo), L.wo);
    add_gains(w, name(LayerTensor::ffn_norm), L.ffn_norm);
    add_matrix(w, name(LayerTensor::w1), L.w1);
    add_matrix(w, name(LayerTensor::w2), L.w2);
    add_matrix(w, name(LayerTensor::w3), L.w3);
  }
  add_gains(w, "output_norm.weight", m.out_norm);
  add_matrix(w, "output.weight", m.wcls);
  return w.serialize();
}

Status write_canonical(const CanonicalModel& m, const std::filesystem::path& path) {
  const std::vector<uint8_t> bytes = serialize_canonical(m);
  return detail::write_file(path, bytes);
}

Result<CanonicalModel> read_canonical(std::span<const uint8_t> bytes) {
  return detail::read_canonical_named(bytes, "model");
}

Result<CanonicalModel> read_canonical(const std::filesystem::path& path) {
  VINFER_TRY(const std::vector<uint8_t> bytes, detail::read_file(path));
  auto m = detail::read_canonical_named(bytes, detail::model_name_from_path(path));
  if (!m.ok()) {
    return fail(m.error().code, path.string() + ": " + m.error().message);
  }
  return m;
}

}  // namespace vinfer::model
