// load_any / load_any_float: pick the loader from a file's first bytes.
#include "model/file_io.hpp"
#include "model/load_internal.hpp"
#include "vinfer/model/canonical_file.hpp"
#include "vinfer/model/load.hpp"

namespace vinfer::model {
namespace {

bool is_gguf(std::span<const uint8_t> b) {
  return b.size() >= 4 && b[0] == 'G' && b[1] == 'G' && b[2] == 'U' && b[3] == 'F';
}

/// Has the GGUF a vinfer.canonical key? (false if it does not even parse).
bool is_canonical(std::span<const uint8_t> b) {
  const auto f = parse_gguf(b);
  return f.ok() && f->find("vinfer.canonical") != nullptr;
}

Result<FloatModel> load_float_bytes(const std::filesystem::path& path,
                                    std::span<const uint8_t> bytes,
                                    const std::filesystem::path& tokenizer) {
  if (is_gguf(bytes)) {
    auto m = detail::load_gguf_float_named(bytes, detail::model_name_from_path(path));
    if (!m.ok()) {
      return fail(m.error().code, path.string() + ": " + m.error().message);
    }
    return m;
  }
  const std::filesystem::path tok = tokenizer.empty() ? default_llama2c_tokenizer(path) : tokenizer;
  auto tb = detail::read_file(tok);
  if (!tb.ok()) {
    return fail(tb.error().code, path.string() +
                                     " is not GGUF, so it is read as a llama2.c "
                                     "checkpoint, whose tokenizer is needed: " +
                                     tb.error().message);
  }
  auto m = load_llama2c(bytes, *tb, detail::model_name_from_path(path));
  if (!m.ok()) {
    return fail(m.error().code, path.string() + " + " + tok.string() + ": " + m.error().message);
  }
  return m;
}

}  // namespace

Result<CanonicalModel> load_any(const std::filesystem::path& path,
                                const std::filesystem::path& tokenizer) {
  VINFER_TRY(const std::vector<uint8_t> bytes, detail::read_file(path));
  if (is_gguf(bytes) && is_canonical(bytes)) {
    auto m = detail::read_canonical_named(bytes, detail::model_name_from_path(path));
    if (!m.ok()) {
      return fail(m.error().code, path.string() + ": " + m.error().message);
    }
    return m;
  }
  VINFER_TRY(const FloatModel f, load_float_bytes(path, bytes, tokenizer));
  auto m = quantize(f);
  if (!m.ok()) {
    return fail(m.error().code, path.string() + ": " + m.error().message);
  }
  return m;
}

Result<FloatModel> load_any_float(const std::filesystem::path& path,
                                  const std::filesystem::path& tokenizer) {
  VINFER_TRY(const std::vector<uint8_t> bytes, detail::read_file(path));
  if (is_gguf(bytes) && is_canonical(bytes)) {
    return fail(Errc::unsupported, path.string() +
                                       ": a canonical vinfer model has no float weights (int8 "
                                       "only); the fp32 engine needs the float GGUF or llama2.c "
                                       "source");
  }
  return load_float_bytes(path, bytes, tokenizer);
}

}  // namespace vinfer::model
