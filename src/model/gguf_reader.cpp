// parse_gguf: the GGUF v2/v3 reader. Layout (little-endian):
//   "GGUF", u32 version, u64 tensor_count, u64 kv_count,
//   kv_count x (string key, u32 type, value), tensor_count x (string name, u32 n_dims,
//   u64 ne[n_dims], u32 ggml type, u64 offset), padding to general.alignment, data.
// A string is a u64 length plus bytes; an array is u32 element type, u64 count, elements.
#include <cstring>
#include <string>

#include "model/byte_io.hpp"
#include "vinfer/model/gguf.hpp"

namespace vinfer::model {
namespace {

using detail::ByteReader;
using detail::printable;

/// Deepest nesting of arrays accepted (keeps recursion bounded on hostile input).
constexpr int kMaxArrayDepth = 8;
/// Smallest encodings, used to bound counts before allocating.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;                  // empty key, type, u8 value
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;  // empty name, 1 dim

std::string at(uint64_t offset) {
  return " at offset " + std::to_string(offset);
}

class Parser {
 public:
  explicit Parser(std::span<const uint8_t> bytes) : r_(bytes) {}

  Result<GgufFile> run();

 private:
  Status read_string(const std::string& what, std::string* out);
  Status read_value(const std::string& what, GgufType type, int depth, GgufValue* out);
  Status read_array(const std::string& what, int depth, GgufValue* out);
  Status read_tensor_info(uint64_t index, GgufTensorInfo* t);

  Error truncated(const std::string& what, uint64_t need) const {
    return fail(Errc::truncated, what + at(r_.pos()) + ": needs " + std::to_string(need) +
                                     " bytes, " + std::to_string(r_.remaining()) +
                                     " left (file size " + std::to_string(r_.size()) + ")");
  }

  ByteReader r_;
  GgufFile f_;
};

Status Parser::read_string(const std::string& what, std::string* out) {
  const uint64_t start = r_.pos();
  uint64_t len = 0;
  if (!r_.read(&len)) {
    return truncated(what + " length", 8);
  }
  std::span<const uint8_t> b;
  if (!r_.take(len, &b)) {
    return fail(Errc::truncated, what + at(start) + ": length " + std::to_string(len) +
                                     " runs past end of file (" + std::to_string(r_.remaining()) +
                                     " bytes left)");
  }
  out->assign(reinterpret_cast<const char*>(b.data()), b.size());
  return ok_status();
}

Status Parser::read_value(const std::string& what, GgufType type, int depth, GgufValue* out) {
  out->type = type;
  if (type == GgufType::string) {
    return read_string(what, &out->str);
  }
  if (type == GgufType::array) {
    return read_array(what, depth, out);
  }
  const uint32_t size = gguf_scalar_size(type);
  if (size == 0) {
    return fail(Errc::parse, what + at(r_.pos() - 4) + ": unknown value type " +
                                 std::to_string(static_cast<uint32_t>(type)));
  }
  const uint64_t start = r_.pos();
  std::span<const uint8_t> b;
  if (!r_.take(size, &b)) {
    return truncated(what + " (" + gguf_type_name(type) + ")", size);
  }
  out->bits = 0;
  std::memcpy(&out->bits, b.data(), size);
  if (type == GgufType::boolean && out->bits > 1) {
    return fail(Errc::parse,
                what + at(start) + ": bool value " + std::to_string(out->bits) + " is not 0 or 1");
  }
  return ok_status();
}

Status Parser::read_array(const std::string& what, int depth, GgufValue* out) {
  const uint64_t start = r_.pos();
  if (depth >= kMaxArrayDepth) {
    return fail(Errc::limit,
                what + at(start) + ": arrays nested deeper than " + std::to_string(kMaxArrayDepth));
  }
  uint32_t elem = 0;
  uint64_t count = 0;
  if (!r_.read(&elem)) {
    return truncated(what + " array element type", 4);
  }
  if (!r_.read(&count)) {
    return truncated(what + " array count", 8);
  }
  out->elem_type = static_cast<GgufType>(elem);
  out->count = count;
  const uint32_t size = gguf_scalar_size(out->elem_type);
  // Smallest encoding of one element: its size, a string's length, an array's header.
  const uint64_t min_elem = size ? size : (elem == 8 ? 8 : (elem == 9 ? 12 : 0));
  if (min_elem == 0) {
    return fail(Errc::parse,
                what + at(start) + ": unknown array element type " + std::to_string(elem));
  }
  if (count > r_.remaining() / min_elem) {
    return fail(Errc::truncated, what + at(start) + ": array of " + std::to_string(count) + " " +
                                     gguf_type_name(out->elem_type) + " (at least " +
                                     std::to_string(min_elem) +
                                     " bytes each) runs past end of file (" +
                                     std::to_string(r_.remaining()) + " bytes left)");
  }
  if (size) {
    std::span<const uint8_t> b;
    r_.take(count * size, &b);  // fits: checked above
    out->raw.assign(b.begin(), b.end());
    if (out->elem_type == GgufType::boolean) {
      for (uint64_t i = 0; i < count; ++i) {
        if (out->raw[i] > 1) {
          return fail(Errc::parse, what + "[" + std::to_string(i) + "]" + at(start + 12 + i) +
                                       ": bool value " + std::to_string(out->raw[i]) +
                                       " is not 0 or 1");
        }
      }
    }
    return ok_status();
  }
  if (out->elem_type == GgufType::string) {
    out->strings.resize(count);
    for (uint64_t i = 0; i < count; ++i) {
      VINFER_CHECK(read_string(what + "[" + std::to_string(i) + "]", &out->strings[i]));
    }
    return ok_status();
  }
  out->arrays.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    out->arrays[i].type = GgufType::array;
    VINFER_CHECK(read_array(what + "[" + std::to_string(i) + "]", depth + 1, &out->arrays[i]));
  }
  return ok_status();
}

Status Parser::read_tensor_info(uint64_t index, GgufTensorInfo* t) {
  t->info_offset = r_.pos();
  VINFER_CHECK(read_string("tensor #" + std::to_string(index) + " name", &t->name));
  const std::string what = "tensor '" + printable(t->name) + "'";
  if (!r_.read(&t->n_dims)) {
    return truncated(what + " n_dims", 4);
  }
  if (t->n_dims < 1 || t->n_dims > 4) {
    return fail(Errc::parse, what + at(r_.pos() - 4) + ": n_dims " + std::to_string(t->n_dims) +
                                 " is not in [1, 4]");
  }
  t->n_elements = 1;
  for (uint32_t d = 0; d < t->n_dims; ++d) {
    if (!r_.read(&t->ne[d])) {
      return truncated(what + " ne[" + std::to_string(d) + "]", 8);
    }
    if (!detail::mul_u64(t->n_elements, t->ne[d], &t->n_elements)) {
      return fail(Errc::overflow, what + at(r_.pos() - 8) + ": element count overflows at ne[" +
                                      std::to_string(d) + "] = " + std::to_string(t->ne[d]));
    }
  }
  uint32_t type = 0;
  if (!r_.read(&type)) {
    return truncated(what + " type", 4);
  }
  t->type = static_cast<GgmlType>(type);
  if (std::string_view(ggml_type_name(t->type)) == "?") {
    return fail(Errc::unsupported, what + at(r_.pos() - 4) + ": ggml type " + std::to_string(type) +
                                       " is not supported (F32, F16, Q8_0, I8, I32, I64 are)");
  }
  if (t->type == GgmlType::q8_0 && t->ne[0] % 32 != 0) {
    return fail(Errc::parse, what + ": ne[0] = " + std::to_string(t->ne[0]) +
                                 " is not a multiple of the Q8_0 block size 32");
  }
  const auto nbytes = ggml_nbytes(t->type, t->n_elements);
  if (!nbytes) {
    return fail(Errc::overflow, what + ": byte size overflows");
  }
  t->n_bytes = *nbytes;
  if (!r_.read(&t->offset)) {
    return truncated(what + " data offset", 8);
  }
  if (t->offset % f_.alignment != 0) {
    return fail(Errc::parse, what + at(r_.pos() - 8) + ": data offset " +
                                 std::to_string(t->offset) + " is not a multiple of alignment " +
                                 std::to_string(f_.alignment));
  }
  return ok_status();
}

Result<GgufFile> Parser::run() {
  uint32_t magic = 0;
  if (!r_.read(&magic)) {
    return truncated("magic", 4);
  }
  if (magic != 0x46554747u) {  // "GGUF" little-endian
    return fail(Errc::parse, "magic at offset 0 is not \"GGUF\" (not a GGUF file)");
  }
  if (!r_.read(&f_.version)) {
    return truncated("version", 4);
  }
  if (f_.version != 2 && f_.version != 3) {
    return fail(Errc::unsupported, "version at offset 4 is " + std::to_string(f_.version) +
                                       " (supported: 2, 3; big-endian files are not)");
  }
  uint64_t n_tensors = 0, n_kv = 0;
  if (!r_.read(&n_tensors)) {
    return truncated("tensor_count", 8);
  }
  if (!r_.read(&n_kv)) {
    return truncated("kv_count", 8);
  }
  if (n_tensors > r_.remaining() / kMinTensorInfoBytes) {
    return fail(Errc::parse, "tensor_count at offset 8 is " + std::to_string(n_tensors) +
                                 ", more than a file of " + std::to_string(r_.size()) +
                                 " bytes can hold");
  }
  if (n_kv > r_.remaining() / kMinKvBytes) {
    return fail(Errc::parse, "kv_count at offset 16 is " + std::to_string(n_kv) +
                                 ", more than a file of " + std::to_string(r_.size()) +
                                 " bytes can hold");
  }
  f_.kv.resize(n_kv);
  for (uint64_t i = 0; i < n_kv; ++i) {
    GgufKv& kv = f_.kv[i];
    kv.offset = r_.pos();
    VINFER_CHECK(read_string("key #" + std::to_string(i), &kv.key));
    const std::string what = "key '" + printable(kv.key) + "'";
    if (!f_.kv_index.emplace(kv.key, i).second) {
      return fail(Errc::parse, what + at(kv.offset) + ": duplicate key");
    }
    uint32_t type = 0;
    if (!r_.read(&type)) {
      return truncated(what + " value type", 4);
    }
    VINFER_CHECK(read_value(what, static_cast<GgufType>(type), 0, &kv.value));
    if (kv.key == "general.alignment") {
      const auto a = kv.value.type == GgufType::u32 ? kv.value.as_uint() : std::nullopt;
      if (!a || *a == 0 || (*a & (*a - 1)) != 0) {
        return fail(Errc::parse, what + at(kv.offset) + ": must be a u32 power of two");
      }
      f_.alignment = *a;
    }
  }
  f_.tensors.resize(n_tensors);
  for (uint64_t i = 0; i < n_tensors; ++i) {
    VINFER_CHECK(read_tensor_info(i, &f_.tensors[i]));
    if (!f_.tensor_index.emplace(f_.tensors[i].name, i).second) {
      return fail(Errc::parse, "tensor '" + printable(f_.tensors[i].name) + "'" +
                                   at(f_.tensors[i].info_offset) + ": duplicate tensor name");
    }
  }
  // The data section starts at the next multiple of the alignment (alignment <= 2^31).
  const uint64_t end = r_.pos();
  f_.data_offset = (end + f_.alignment - 1) / f_.alignment * f_.alignment;
  for (const GgufTensorInfo& t : f_.tensors) {
    uint64_t begin = 0, stop = 0;
    if (!detail::add_u64(f_.data_offset, t.offset, &begin) ||
        !detail::add_u64(begin, t.n_bytes, &stop) || stop > r_.size()) {
      return fail(Errc::truncated,
                  "tensor '" + printable(t.name) + "': data offset " + std::to_string(t.offset) +
                      " + " + std::to_string(t.n_bytes) + " bytes (data section at " +
                      std::to_string(f_.data_offset) + ") past end of file (size " +
                      std::to_string(r_.size()) + ")");
    }
  }
  return std::move(f_);
}

}  // namespace

Result<GgufFile> parse_gguf(std::span<const uint8_t> bytes) {
  Parser p(bytes);
  auto f = p.run();
  if (f.ok()) {
    f->bytes = bytes;
  }
  return f;
}

const GgufValue* GgufFile::find(std::string_view key) const {
  const auto it = kv_index.find(std::string(key));
  return it == kv_index.end() ? nullptr : &kv[it->second].value;
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
  const auto it = tensor_index.find(std::string(name));
  return it == tensor_index.end() ? nullptr : &tensors[it->second];
}

std::span<const uint8_t> GgufFile::data(const GgufTensorInfo& t) const {
  return bytes.subspan(static_cast<size_t>(data_offset + t.offset), static_cast<size_t>(t.n_bytes));
}

}  // namespace vinfer::model
