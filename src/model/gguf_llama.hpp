// Internal to src/model: the llama.* and tokenizer.ggml.* keys and tensor names shared by
// the float GGUF loader/writer and the canonical file.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vinfer/model/config.hpp"
#include "vinfer/model/gguf.hpp"
#include "vinfer/model/tokenizer.hpp"

namespace vinfer::model::detail {

/// The nine per-layer tensors, in FloatLayer / QLayer field order, by GGUF name suffix.
enum class LayerTensor { attn_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3 };
inline constexpr std::array<const char*, 9> kLayerTensorNames = {
    "attn_norm", "attn_q",   "attn_k",   "attn_v", "attn_output",
    "ffn_norm",  "ffn_gate", "ffn_down", "ffn_up"};

/// "blk.<layer>.<kLayerTensorNames[t]>.weight".
std::string layer_tensor_name(uint32_t layer, LayerTensor t);

/// Checks general.architecture == "llama" and reads the llama.* keys into a config whose
/// vocab_size is the tokenizer's size; validates it.
Result<LlamaConfig> read_llama_config(const GgufFile& f, uint32_t vocab_size);

/// Reads tokenizer.ggml.{tokens,scores,token_type,bos_token_id,eos_token_id,unknown_token_id}.
Result<Tokenizer> read_gguf_tokenizer(const GgufFile& f);

/// general.name, or `fallback`.
std::string read_gguf_name(const GgufFile& f, const std::string& fallback);

/// Writes general.*, llama.* and tokenizer.ggml.* keys.
void write_llama_metadata(GgufWriter& w,
                          const std::string& name,
                          const LlamaConfig& c,
                          const Tokenizer& t);

/// Finds tensor `name` and checks its type is one of `types` and its shape is exactly `ne`.
Result<const GgufTensorInfo*> find_tensor_checked(const GgufFile& f,
                                                  const std::string& name,
                                                  std::initializer_list<GgmlType> types,
                                                  std::initializer_list<uint64_t> ne);

}  // namespace vinfer::model::detail
