// Reading and writing the llama.* / tokenizer.ggml.* metadata that llama.cpp defines.
#include "model/gguf_llama.hpp"

#include <cmath>

#include "model/byte_io.hpp"

namespace vinfer::model::detail {
namespace {

Error key_error(Errc c, const std::string& key, const std::string& what) {
  return fail(c, "key '" + key + "': " + what);
}

/// An integer key that fits u32; `def` when absent (nullopt: required).
Result<uint32_t> get_u32(const GgufFile& f,
                         const std::string& key,
                         std::optional<uint32_t> def = std::nullopt) {
  const GgufValue* v = f.find(key);
  if (!v) {
    if (def) {
      return *def;
    }
    return key_error(Errc::parse, key, "missing");
  }
  const auto x = v->as_uint();
  if (!x) {
    return key_error(Errc::parse, key,
                     std::string("expected an unsigned integer, found ") + gguf_type_name(v->type));
  }
  if (*x > UINT32_MAX) {
    return key_error(Errc::parse, key, std::to_string(*x) + " exceeds u32");
  }
  return static_cast<uint32_t>(*x);
}

/// An f32/f64 key as float; `def` when absent.
Result<float> get_f32(const GgufFile& f, const std::string& key, float def) {
  const GgufValue* v = f.find(key);
  if (!v) {
    return def;
  }
  if (v->type != GgufType::f32 && v->type != GgufType::f64) {
    return key_error(Errc::parse, key,
                     std::string("expected f32, found ") + gguf_type_name(v->type));
  }
  return static_cast<float>(*v->as_float());
}

}  // namespace

std::string layer_tensor_name(uint32_t layer, LayerTensor t) {
  return "blk." + std::to_string(layer) + "." + kLayerTensorNames[static_cast<size_t>(t)] +
         ".weight";
}

Result<LlamaConfig> read_llama_config(const GgufFile& f, uint32_t vocab_size) {
  const GgufValue* arch = f.find("general.architecture");
  if (!arch) {
    return key_error(Errc::parse, "general.architecture", "missing");
  }
  if (arch->type != GgufType::string) {
    return key_error(Errc::parse, "general.architecture", "not a string");
  }
  if (arch->str != "llama") {
    return key_error(Errc::unsupported, "general.architecture",
                     std::string("'")
                         .append(printable(arch->str))
                         .append("' is not supported (only 'llama' is)"));
  }
  LlamaConfig c;
  VINFER_TRY(c.seq_len, get_u32(f, "llama.context_length"));
  VINFER_TRY(c.dim, get_u32(f, "llama.embedding_length"));
  VINFER_TRY(c.n_layers, get_u32(f, "llama.block_count"));
  VINFER_TRY(c.hidden_dim, get_u32(f, "llama.feed_forward_length"));
  VINFER_TRY(c.n_heads, get_u32(f, "llama.attention.head_count"));
  VINFER_TRY(c.n_kv_heads, get_u32(f, "llama.attention.head_count_kv", c.n_heads));
  VINFER_TRY(c.rope_theta, get_f32(f, "llama.rope.freq_base", 10000.0f));
  VINFER_TRY(c.norm_eps, get_f32(f, "llama.attention.layer_norm_rms_epsilon", 1e-5f));
  c.vocab_size = vocab_size;
  VINFER_TRY(const uint32_t declared, get_u32(f, "llama.vocab_size", vocab_size));
  if (declared != vocab_size) {
    return key_error(Errc::mismatch, "llama.vocab_size",
                     std::to_string(declared) + " but tokenizer.ggml.tokens has " +
                         std::to_string(vocab_size) + " tokens");
  }
  VINFER_CHECK(validate(c));
  VINFER_TRY(const uint32_t rope_dims, get_u32(f, "llama.rope.dimension_count", c.head_dim()));
  if (rope_dims != c.head_dim()) {
    return key_error(Errc::unsupported, "llama.rope.dimension_count",
                     std::to_string(rope_dims) + " (partial RoPE) differs from head_dim " +
                         std::to_string(c.head_dim()));
  }
  return c;
}

Result<Tokenizer> read_gguf_tokenizer(const GgufFile& f) {
  const GgufValue* tokens = f.find("tokenizer.ggml.tokens");
  if (!tokens) {
    return key_error(Errc::parse, "tokenizer.ggml.tokens", "missing");
  }
  if (tokens->type != GgufType::array || tokens->elem_type != GgufType::string) {
    return key_error(Errc::parse, "tokenizer.ggml.tokens", "not an array of strings");
  }
  const uint64_t n = tokens->count;
  if (n == 0 || n >= (uint64_t{1} << 24)) {
    return key_error(Errc::parse, "tokenizer.ggml.tokens",
                     std::to_string(n) + " tokens (must be in [1, 2^24))");
  }
  std::vector<float> scores(n, 0.0f);
  if (const GgufValue* s = f.find("tokenizer.ggml.scores")) {
    if (s->type != GgufType::array || s->elem_type != GgufType::f32 || s->count != n) {
      return key_error(Errc::parse, "tokenizer.ggml.scores",
                       "must be an array of " + std::to_string(n) + " f32");
    }
    for (uint64_t i = 0; i < n; ++i) {
      scores[i] = static_cast<float>(*s->float_at(i));
    }
  }
  std::vector<int32_t> types(n, static_cast<int32_t>(TokenType::normal));
  if (const GgufValue* t = f.find("tokenizer.ggml.token_type")) {
    if (t->type != GgufType::array || t->elem_type != GgufType::i32 || t->count != n) {
      return key_error(Errc::parse, "tokenizer.ggml.token_type",
                       "must be an array of " + std::to_string(n) + " i32");
    }
    for (uint64_t i = 0; i < n; ++i) {
      types[i] = static_cast<int32_t>(*t->int_at(i));
    }
  }
  VINFER_TRY(const uint32_t bos, get_u32(f, "tokenizer.ggml.bos_token_id", 1));
  VINFER_TRY(const uint32_t eos, get_u32(f, "tokenizer.ggml.eos_token_id", 2));
  VINFER_TRY(const uint32_t unk, get_u32(f, "tokenizer.ggml.unknown_token_id", 0));
  return Tokenizer::create(tokens->strings, std::move(scores), std::move(types), bos, eos, unk);
}

std::string read_gguf_name(const GgufFile& f, const std::string& fallback) {
  const GgufValue* v = f.find("general.name");
  return v && v->type == GgufType::string ? v->str : fallback;
}

void write_llama_metadata(GgufWriter& w,
                          const std::string& name,
                          const LlamaConfig& c,
                          const Tokenizer& t) {
  w.add("general.architecture", GgufValue::string("llama"));
  w.add("general.name", GgufValue::string(name));
  w.add("llama.context_length", GgufValue::u32(c.seq_len));
  w.add("llama.embedding_length", GgufValue::u32(c.dim));
  w.add("llama.block_count", GgufValue::u32(c.n_layers));
  w.add("llama.feed_forward_length", GgufValue::u32(c.hidden_dim));
  w.add("llama.attention.head_count", GgufValue::u32(c.n_heads));
  w.add("llama.attention.head_count_kv", GgufValue::u32(c.n_kv_heads));
  w.add("llama.rope.freq_base", GgufValue::f32(c.rope_theta));
  w.add("llama.attention.layer_norm_rms_epsilon", GgufValue::f32(c.norm_eps));
  w.add("llama.vocab_size", GgufValue::u32(c.vocab_size));
  w.add("tokenizer.ggml.model", GgufValue::string("llama"));
  w.add("tokenizer.ggml.tokens", GgufValue::string_array(t.tokens()));
  w.add("tokenizer.ggml.scores", GgufValue::f32_array(t.scores()));
  w.add("tokenizer.ggml.token_type", GgufValue::i32_array(t.types()));
  w.add("tokenizer.ggml.bos_token_id", GgufValue::u32(t.bos()));
  w.add("tokenizer.ggml.eos_token_id", GgufValue::u32(t.eos()));
  w.add("tokenizer.ggml.unknown_token_id", GgufValue::u32(t.unk()));
}

namespace {

std::string shape_text(const uint64_t* ne, size_t n) {
  std::string s = "[";
  for (size_t i = 0; i < n; ++i) {
    s += (i ? ", " : "") + std::to_string(ne[i]);
  }
  return s + "]";
}

}  // namespace

Result<const GgufTensorInfo*> find_tensor_checked(const GgufFile& f,
                                                  const std::string& name,
                                                  std::initializer_list<GgmlType> types,
                                                  std::initializer_list<uint64_t> ne) {
  const GgufTensorInfo* t = f.find_tensor(name);
  if (!t) {
    return fail(Errc::parse, "tensor '" + name + "' missing");
  }
  bool type_ok = false;
  std::string allowed;
  for (GgmlType ty : types) {
    type_ok = type_ok || ty == t->type;
    allowed += (allowed.empty() ? "" : ", ") + std::string(ggml_type_name(ty));
  }
  if (!type_ok) {
    return fail(Errc::unsupported, "tensor '" + name + "' (info at offset " +
                                       std::to_string(t->info_offset) + "): type " +
                                       ggml_type_name(t->type) + ", expected " + allowed);
  }
  bool shape_ok = t->n_dims == ne.size();
  for (size_t i = 0; shape_ok && i < ne.size(); ++i) {
    shape_ok = t->ne[i] == ne.begin()[i];
  }
  if (!shape_ok) {
    return fail(Errc::mismatch, "tensor '" + name + "' (info at offset " +
                                    std::to_string(t->info_offset) + "): shape " +
                                    shape_text(t->ne.data(), t->n_dims) + ", expected " +
                                    shape_text(ne.begin(), ne.size()));
  }
  return t;
}

}  // namespace vinfer::model::detail
