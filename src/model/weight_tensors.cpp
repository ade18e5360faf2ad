// The weights order of the model root (weight_tensors.hpp): one definition, used by
// commit_model, by the referee's shapes and by the parties' openings.
#include "vinfer/model/weight_tensors.hpp"

#include <cstring>
#include <string_view>

#include "vinfer/assert.hpp"

namespace vinfer::model {
namespace {

using commit::DType;

// Position of each per-layer tensor inside a block's 16 (matrix scale = matrix + 1).
constexpr uint32_t kPerLayer = 16;
uint32_t layer_slot(Weight w) {
  switch (w) {
    case Weight::attn_norm:
      return 0;
    case Weight::wq:
      return 1;
    case Weight::wk:
      return 3;
    case Weight::wv:
      return 5;
    case Weight::wo:
      return 7;
    case Weight::ffn_norm:
      return 9;
    case Weight::w1:
      return 10;
    case Weight::w2:
      return 12;
    case Weight::w3:
      return 14;
    default:
      VINFER_ASSERT(false);
  }
  return 0;
}

template <class T>
std::span<const uint8_t> as_bytes(const std::vector<T>& v) {
  return {reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(T)};
}

std::vector<int32_t> scale_pairs(const QMatrix& m) {
  std::vector<int32_t> s(static_cast<size_t>(m.rows) * 2);
  for (uint32_t r = 0; r < m.rows; ++r) {
    s[2 * r] = m.scale[r].mant;
    s[2 * r + 1] = m.scale[r].shift;
  }
  return s;
}

}  // namespace

uint32_t weight_tensor_count(const LlamaConfig& c) {
  return 5 + kPerLayer * c.n_layers;
}

uint32_t weight_tensor_index(const LlamaConfig& c, Weight w, uint32_t layer, bool scale) {
  const uint32_t s = scale ? 1 : 0;
  switch (w) {
    case Weight::tok_embd:
      return 0 + s;
    case Weight::out_norm:
      VINFER_ASSERT(!scale);
      return 2 + kPerLayer * c.n_layers;
    case Weight::wcls:
      return 3 + kPerLayer * c.n_layers + s;
    case Weight::attn_norm:
    case Weight::ffn_norm:
      VINFER_ASSERT(!scale);
      [[fallthrough]];
    default:
      VINFER_ASSERT(layer < c.n_layers);
      return 2 + kPerLayer * layer + layer_slot(w) + s;
  }
}

WeightTensorInfo weight_tensor_info(const LlamaConfig& c, uint32_t index) {
  VINFER_ASSERT(index < weight_tensor_count(c));
  auto matrix = [](std::string name, uint32_t rows, uint32_t cols, bool scale) {
    if (scale)
      return WeightTensorInfo{name + ".scale", DType::i32, rows, 2};
    return WeightTensorInfo{std::move(name), DType::i8, rows, cols};
  };
  const uint32_t L = c.n_layers;
  if (index < 2)
    return matrix("tok_embd", c.vocab_size, c.dim, index == 1);
  if (index == 2 + kPerLayer * L)
    return {"out_norm", DType::i32, 1, c.dim};
  if (index > 2 + kPerLayer * L)
    return matrix("wcls", c.vocab_size, c.dim, index == 4 + kPerLayer * L);
  const uint32_t l = (index - 2) / kPerLayer, slot = (index - 2) % kPerLayer;
  const std::string p = "blk." + std::to_string(l) + ".";
  const uint32_t q = c.n_heads * c.head_dim();
  switch (slot) {
    case 0:
      return {p + "attn_norm", DType::i32, 1, c.dim};
    case 9:
      return {p + "ffn_norm", DType::i32, 1, c.dim};
    case 1:
    case 2:
      return matrix(p + "wq", q, c.dim, slot == 2);
    case 3:
    case 4:
      return matrix(p + "wk", c.kv_dim(), c.dim, slot == 4);
    case 5:
    case 6:
      return matrix(p + "wv", c.kv_dim(), c.dim, slot == 6);
    case 7:
    case 8:
      return matrix(p + "wo", c.dim, q, slot == 8);
    case 10:
    case 11:
      return matrix(p + "w1", c.hidden_dim, c.dim, slot == 11);
    case 12:
    case 13:
      return matrix(p + "w2", c.dim, c.hidden_dim, slot == 13);
    default:
      return matrix(p + "w3", c.hidden_dim, c.dim, slot == 15);
  }
}

void for_each_weight_tensor(
    const CanonicalModel& m,
    const std::function<void(uint32_t, const WeightTensorInfo&, std::span<const uint8_t>)>& fn) {
  uint32_t index = 0;
  auto gains = [&](const std::vector<int32_t>& g) {
    fn(index, weight_tensor_info(m.cfg, index), as_bytes(g));
    ++index;
  };
  auto matrix = [&](const QMatrix& q) {
    fn(index, weight_tensor_info(m.cfg, index), as_bytes(q.w));
    ++index;
    const std::vector<int32_t> s = scale_pairs(q);
    fn(index, weight_tensor_info(m.cfg, index), as_bytes(s));
    ++index;
  };
  matrix(m.tok_embd);
  for (const QLayer& L : m.layers) {
    gains(L.attn_norm);
    matrix(L.wq);
    matrix(L.wk);
    matrix(L.wv);
    matrix(L.wo);
    gains(L.ffn_norm);
    matrix(L.w1);
    matrix(L.w2);
    matrix(L.w3);
  }
  gains(m.out_norm);
  matrix(m.wcls);
}

std::vector<uint8_t> weight_tensor_bytes(const CanonicalModel& m, uint32_t index) {
  std::vector<uint8_t> out;
  for_each_weight_tensor(m, [&](uint32_t i, const WeightTensorInfo&, std::span<const uint8_t> b) {
    if (i == index)
      out.assign(b.begin(), b.end());
  });
  return out;
}

Result<ArchInfo> parse_arch_encoding(std::span<const uint8_t> bytes) {
  size_t at = 0;
  auto be = [&](int n, const char* field) -> Result<uint64_t> {
    if (bytes.size() - at < static_cast<size_t>(n))
      return fail(Errc::truncated, std::string("architecture: ") + field + " at offset " +
                                       std::to_string(at) + " past the end");
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v = (v << 8) | bytes[at++];
    return v;
  };
  VINFER_TRY(const uint64_t n, be(4, "name length"));
  if (n != 5 || bytes.size() - at < 5 ||
      std::string_view(reinterpret_cast<const char*>(bytes.data() + at), 5) != "llama") {
    return fail(Errc::unsupported, "architecture: name at offset 4 is not \"llama\"");
  }
  at += 5;
  ArchInfo out;
  LlamaConfig& c = out.cfg;
  uint32_t* fields[] = {&c.dim,        &c.hidden_dim, &c.n_layers, &c.n_heads,
                        &c.n_kv_heads, &c.vocab_size, &c.seq_len};
  const char* names[] = {"dim",        "hidden_dim", "n_layers", "n_heads",
                         "n_kv_heads", "vocab_size", "seq_len"};
  for (size_t i = 0; i < 7; ++i) {
    VINFER_TRY(const uint64_t v, be(4, names[i]));
    *fields[i] = static_cast<uint32_t>(v);
  }
  for (float* f : {&c.rope_theta, &c.norm_eps}) {
    VINFER_TRY(const uint64_t v, be(4, f == &c.rope_theta ? "rope_theta" : "norm_eps"));
    const auto bits = static_cast<uint32_t>(v);
    std::memcpy(f, &bits, 4);
  }
  VINFER_TRY(const uint64_t eps, be(8, "norm_eps_q24"));
  out.norm_eps_q24 = static_cast<int64_t>(eps);
  if (at != bytes.size())
    return fail(Errc::parse, "architecture: " + std::to_string(bytes.size() - at) +
                                 " trailing bytes at offset " + std::to_string(at));
  if (out.norm_eps_q24 < 1 || out.norm_eps_q24 > (int64_t{1} << 40))
    return fail(Errc::invalid_argument, "architecture: norm_eps_q24 out of range");
  VINFER_CHECK(validate(c));
  return out;
}

}  // namespace vinfer::model
