// llama2.c legacy checkpoints (run.c's format, version 0) and tokenizer.bin files.
//
// Checkpoint: 7 x i32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
// a negative vocab_size means an unshared classifier), then float32 tensors: token_embedding
// (vocab, dim), rms_att (L, dim), wq (L, dim, dim), wk (L, kv_dim, dim), wv (L, kv_dim, dim),
// wo (L, dim, dim), rms_ffn (L, dim), w1 (L, hidden, dim), w2 (L, dim, hidden),
// w3 (L, hidden, dim), rms_final (dim), freq_cis_real (seq_len, head_dim/2), freq_cis_imag
// (same, both ignored: vinfer's RoPE tables are its own), wcls (vocab, dim) iff unshared.
#include <algorithm>
#include <cstring>

#include "model/byte_io.hpp"
#include "model/file_io.hpp"
#include "vinfer/model/load.hpp"

namespace vinfer::model {
namespace {

using detail::ByteReader;

/// Reads `count` float32 values starting at element offset `*at` of the float area.
std::vector<float> take(std::span<const uint8_t> floats, uint64_t* at, uint64_t count) {
  std::vector<float> out(static_cast<size_t>(count));
  if (count) {
    std::memcpy(out.data(), floats.data() + *at * 4, static_cast<size_t>(count) * 4);
  }
  *at += count;
  return out;
}

}  // namespace

Result<Tokenizer> parse_llama2c_tokenizer(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  int32_t max_len = 0;
  if (!r.read(&max_len)) {
    return fail(Errc::truncated, "tokenizer.bin: max_token_length at offset 0: file has " +
                                     std::to_string(bytes.size()) + " bytes");
  }
  if (max_len < 0) {
    return fail(Errc::parse,
                "tokenizer.bin: max_token_length at offset 0 is " + std::to_string(max_len));
  }
  std::vector<std::string> tokens;
  std::vector<float> scores;
  while (r.remaining() > 0) {
    const uint64_t start = r.pos();
    const std::string what = "tokenizer.bin: token " + std::to_string(tokens.size()) +
                             " at offset " + std::to_string(start);
    float score = 0;
    int32_t len = 0;
    if (!r.read(&score) || !r.read(&len)) {
      return fail(Errc::truncated, what + ": header needs 8 bytes, " +
                                       std::to_string(bytes.size() - start) + " left");
    }
    if (len < 0 || len > max_len) {
      return fail(Errc::parse, what + ": length " + std::to_string(len) + " not in [0, " +
                                   std::to_string(max_len) + "] (max_token_length)");
    }
    std::span<const uint8_t> text;
    if (!r.take(static_cast<uint64_t>(len), &text)) {
      return fail(Errc::truncated, what + ": length " + std::to_string(len) +
                                       " runs past end of file (size " +
                                       std::to_string(bytes.size()) + ")");
    }
    if (tokens.size() >= (size_t{1} << 24)) {
      return fail(Errc::limit, what + ": more than 2^24 tokens");
    }
    tokens.emplace_back(reinterpret_cast<const char*>(text.data()), text.size());
    scores.push_back(score);
  }
  if (tokens.size() < 3) {
    return fail(Errc::parse, "tokenizer.bin: " + std::to_string(tokens.size()) +
                                 " tokens, need at least <unk>, <s>, </s>");
  }
  std::vector<int32_t> types(tokens.size(), static_cast<int32_t>(TokenType::normal));
  types[0] = static_cast<int32_t>(TokenType::unknown);
  types[1] = types[2] = static_cast<int32_t>(TokenType::control);
  static const char* kHex = "0123456789ABCDEF";
  for (size_t b = 0; b < 256 && 3 + b < tokens.size(); ++b) {
    std::string& t = tokens[3 + b];
    const std::string text = {'<', '0', 'x', kHex[b >> 4], kHex[b & 15], '>'};
    if ((t.size() == 1 && static_cast<uint8_t>(t[0]) == b) || t == text) {
      t = text;
      types[3 + b] = static_cast<int32_t>(TokenType::byte);
    }
  }
  return Tokenizer::create(std::move(tokens), std::move(scores), std::move(types), 1, 2, 0);
}

std::vector<uint8_t> serialize_llama2c_tokenizer(const Tokenizer& t) {
  detail::ByteWriter w;
  int32_t max_len = 0;
  std::vector<std::string> texts(t.size());
  for (uint32_t i = 0; i < t.size(); ++i) {
    const bool is_byte = t.types()[i] == static_cast<int32_t>(TokenType::byte);
    texts[i] = is_byte ? t.decode(i) : t.tokens()[i];
    max_len = std::max(max_len, static_cast<int32_t>(texts[i].size()));
  }
  w.put<int32_t>(max_len);
  for (uint32_t i = 0; i < t.size(); ++i) {
    w.put<float>(t.scores()[i]);
    w.put<int32_t>(static_cast<int32_t>(texts[i].size()));
    w.put_bytes(texts[i]);
  }
  return std::move(w.bytes());
}

Result<FloatModel> load_llama2c(std::span<const uint8_t> model,
                                std::span<const uint8_t> tokenizer,
                                std::string name) {
  ByteReader r(model);
  int32_t h[7];
  static const char* kFields[7] = {"dim",        "hidden_dim", "n_layers", "n_heads",
                                   "n_kv_heads", "vocab_size", "seq_len"};
  for (int i = 0; i < 7; ++i) {
    if (!r.read(&h[i])) {
      return fail(Errc::truncated, std::string("llama2.c header field ") + kFields[i] +
                                       " at offset " + std::to_string(4 * i) + ": file has " +
                                       std::to_string(model.size()) + " bytes");
    }
    if (i != 5 && h[i] <= 0) {
      return fail(Errc::parse, std::string("llama2.c header field ") + kFields[i] + " at offset " +
                                   std::to_string(4 * i) + " is " + std::to_string(h[i]) +
                                   " (must be > 0)");
    }
  }
  const bool shared = h[5] > 0;
  const int64_t vocab = h[5] < 0 ? -int64_t{h[5]} : int64_t{h[5]};
  if (vocab == 0 || vocab >= (int64_t{1} << 24)) {
    return fail(Errc::parse, "llama2.c header field vocab_size at offset 20 is " +
                                 std::to_string(h[5]) + " (|vocab_size| must be in [1, 2^24))");
  }
  FloatModel m;
  m.name = std::move(name);
  LlamaConfig& c = m.cfg;
  c.dim = static_cast<uint32_t>(h[0]);
  c.hidden_dim = static_cast<uint32_t>(h[1]);
  c.n_layers = static_cast<uint32_t>(h[2]);
  c.n_heads = static_cast<uint32_t>(h[3]);
  c.n_kv_heads = static_cast<uint32_t>(h[4]);
  c.vocab_size = static_cast<uint32_t>(vocab);
  c.seq_len = static_cast<uint32_t>(h[6]);
  c.rope_theta = 10000.0f;
  c.norm_eps = 1e-5f;
  if (auto s = validate(c); !s.ok()) {
    return fail(s.error().code, "llama2.c header: " + s.error().message);
  }
  // Bounded by validate(): every product below fits easily in 64 bits.
  const uint64_t d = c.dim, hd = c.hidden_dim, kv = c.kv_dim(), v = c.vocab_size, L = c.n_layers;
  const uint64_t floats = v * d + L * (2 * d + 2 * d * d + 2 * kv * d + 3 * hd * d) + d +
                          uint64_t{c.seq_len} * c.head_dim() + (shared ? 0 : v * d);
  const uint64_t expected = 28 + 4 * floats;
  if (model.size() != expected) {
    return fail(Errc::mismatch, "llama2.c checkpoint: file size " + std::to_string(model.size()) +
                                    " bytes, expected " + std::to_string(expected) +
                                    " for its header (dim " + std::to_string(d) + ", " +
                                    (shared ? "shared" : "unshared") + " classifier)");
  }
  VINFER_TRY(m.tokenizer, parse_llama2c_tokenizer(tokenizer));
  if (m.tokenizer.size() != c.vocab_size) {
    return fail(Errc::mismatch, "tokenizer.bin has " + std::to_string(m.tokenizer.size()) +
                                    " tokens, checkpoint vocab_size is " + std::to_string(v));
  }
  const std::span<const uint8_t> f = model.subspan(28);
  uint64_t at = 0;
  m.tok_embd = take(f, &at, v * d);
  m.layers.resize(c.n_layers);
  for (auto& l : m.layers) {
    l.attn_norm = take(f, &at, d);
  }
  for (auto& l : m.layers) {
    l.wq = take(f, &at, d * d);
  }
  for (auto& l : m.layers) {
    l.wk = take(f, &at, kv * d);
  }
  for (auto& l : m.layers) {
    l.wv = take(f, &at, kv * d);
  }
  for (auto& l : m.layers) {
    l.wo = take(f, &at, d * d);
  }
  for (auto& l : m.layers) {
    l.ffn_norm = take(f, &at, d);
  }
  for (auto& l : m.layers) {
    l.w1 = take(f, &at, hd * d);
  }
  for (auto& l : m.layers) {
    l.w2 = take(f, &at, d * hd);
  }
  for (auto& l : m.layers) {
    l.w3 = take(f, &at, hd * d);
  }
  m.out_norm = take(f, &at, d);
  at += uint64_t{c.seq_len} * c.head_dim();  // freq_cis_real and freq_cis_imag
  m.wcls = shared ? m.tok_embd : take(f, &at, v * d);
  VINFER_ASSERT(at == floats);
  VINFER_CHECK(check_shapes(m));
  return m;
}

Result<FloatModel> load_llama2c(const std::filesystem::path& model,
                                const std::filesystem::path& tokenizer) {
  VINFER_TRY(const std::vector<uint8_t> mb, detail::read_file(model));
  VINFER_TRY(const std::vector<uint8_t> tb, detail::read_file(tokenizer));
  auto m = load_llama2c(mb, tb, detail::model_name_from_path(model));
  if (!m.ok()) {
    return fail(m.error().code,
                model.string() + " + " + tokenizer.string() + ": " + m.error().message);
  }
  return m;
}

std::filesystem::path default_llama2c_tokenizer(const std::filesystem::path& model) {
  return model.parent_path() / "kjv-tokenizer.bin";
}

}  // namespace vinfer::model
