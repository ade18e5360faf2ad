// Loaders: float GGUF and llama2.c checkpoints to FloatModel, and load_any /
// load_any_float, which sniff a file's format (docs/model-format.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "vinfer/model/canonical.hpp"
#include "vinfer/model/float_model.hpp"
#include "vinfer/model/gguf.hpp"
#include "vinfer/model/tokenizer.hpp"
#include "vinfer/result.hpp"

namespace vinfer::model {

/// A float GGUF (general.architecture "llama"; matrices F32, F16 or Q8_0, exact decode)
/// -> FloatModel. The name is general.name, else "model". output.weight may be absent
/// (tied to token_embd.weight).
Result<FloatModel> load_gguf_float(std::span<const uint8_t> bytes);
/// Same from a file; the name defaults to the file name when general.name is absent.
Result<FloatModel> load_gguf_float(const std::filesystem::path& path);

/// Parses a llama2.c tokenizer.bin (i32 max_token_length, then per token f32 score,
/// i32 len, bytes) up to the end of the input. Types: id 0 unknown, 1-2 control, a token
/// whose id is 3 + b and whose text is the single byte b (or "<0xXX>" with XX = b) byte,
/// every other token normal; bos 1, eos 2, unk 0.
Result<Tokenizer> parse_llama2c_tokenizer(std::span<const uint8_t> bytes);

/// A llama2.c legacy checkpoint (7 x i32 header, float32 tensors; negative vocab_size =
/// unshared classifier) plus its tokenizer.bin -> FloatModel. The file size must match
/// the header exactly; rope_theta 10000, norm_eps 1e-5.
Result<FloatModel> load_llama2c(std::span<const uint8_t> model,
                                std::span<const uint8_t> tokenizer,
                                std::string name = "llama2c");
/// Same from files; the name is the model file's name ("kjv-small.l2c.bin" -> "kjv-small").
Result<FloatModel> load_llama2c(const std::filesystem::path& model,
                                const std::filesystem::path& tokenizer);

/// A float model as a GGUF v3 file: matrices in `matrix_type` (F32, F16 or Q8_0), norms F32,
/// the same keys and tensor names load_gguf_float reads (and llama.cpp writes).
std::vector<uint8_t> serialize_gguf_float(const FloatModel& m, GgmlType matrix_type);

/// The tokenizer a llama2.c tokenizer.bin holds (the inverse of parse_llama2c_tokenizer for
/// tokenizers that follow its type rule); byte tokens are written as their single byte.
std::vector<uint8_t> serialize_llama2c_tokenizer(const Tokenizer& t);

/// Default tokenizer of a llama2.c checkpoint: kjv-tokenizer.bin in the same folder.
std::filesystem::path default_llama2c_tokenizer(const std::filesystem::path& model);

/// Any supported model file -> the canonical model: a canonical GGUF is read
/// (read_canonical), a float GGUF or a llama2.c checkpoint is loaded and quantized.
/// `tokenizer` is only used for llama2.c (empty: default_llama2c_tokenizer(path)).
Result<CanonicalModel> load_any(const std::filesystem::path& path,
                                const std::filesystem::path& tokenizer = {});

/// Any float model file (float GGUF or llama2.c) -> FloatModel, for the fp32 engine. A
/// canonical file has no float weights and gives an error saying so.
Result<FloatModel> load_any_float(const std::filesystem::path& path,
                                  const std::filesystem::path& tokenizer = {});

}  // namespace vinfer::model
