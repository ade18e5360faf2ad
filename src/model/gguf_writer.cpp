// GgufWriter: serializes key-value pairs and tensors as a GGUF v3 file.
#include <cstring>

#include "model/byte_io.hpp"
#include "vinfer/model/gguf.hpp"

namespace vinfer::model {
namespace {

using detail::ByteWriter;

void put_string(ByteWriter& w, std::string_view s) {
  w.put<uint64_t>(s.size());
  w.put_bytes(s);
}

void put_array_body(ByteWriter& w, const GgufValue& v);

void put_value(ByteWriter& w, const GgufValue& v) {
  switch (v.type) {
    case GgufType::string:
      put_string(w, v.str);
      return;
    case GgufType::array:
      put_array_body(w, v);
      return;
    default: {
      const uint32_t size = gguf_scalar_size(v.type);
      VINFER_ASSERT(size != 0);
      uint8_t b[8];
      std::memcpy(b, &v.bits, 8);
      w.put_bytes(std::span<const uint8_t>(b, size));
    }
  }
}

void put_array_body(ByteWriter& w, const GgufValue& v) {
  w.put<uint32_t>(static_cast<uint32_t>(v.elem_type));
  w.put<uint64_t>(v.count);
  if (v.elem_type == GgufType::string) {
    VINFER_ASSERT(v.strings.size() == v.count);
    for (const auto& s : v.strings) {
      put_string(w, s);
    }
  } else if (v.elem_type == GgufType::array) {
    VINFER_ASSERT(v.arrays.size() == v.count);
    for (const auto& a : v.arrays) {
      put_array_body(w, a);
    }
  } else {
    VINFER_ASSERT(v.raw.size() == v.count * gguf_scalar_size(v.elem_type));
    w.put_bytes(v.raw);
  }
}

}  // namespace

GgufWriter::GgufWriter(uint32_t alignment) : alignment_(alignment) {
  VINFER_ASSERT(alignment != 0 && (alignment & (alignment - 1)) == 0);
  if (alignment != 32) {
    add("general.alignment", GgufValue::u32(alignment));
  }
}

void GgufWriter::add(std::string key, GgufValue value) {
  for (const auto& kv : kv_) {
    VINFER_ASSERT(kv.first != key);
  }
  kv_.emplace_back(std::move(key), std::move(value));
}

void GgufWriter::add_tensor(std::string name,
                            std::vector<uint64_t> ne,
                            GgmlType type,
                            std::vector<uint8_t> data) {
  VINFER_ASSERT(!ne.empty() && ne.size() <= 4);
  uint64_t n = 1;
  for (uint64_t d : ne) {
    const bool fits = detail::mul_u64(n, d, &n);
    VINFER_ASSERT(fits);
  }
  const auto nbytes = ggml_nbytes(type, n);
  VINFER_ASSERT(nbytes && *nbytes == data.size());
  for (const auto& t : tensors_) {
    VINFER_ASSERT(t.name != name);
  }
  tensors_.push_back(Tensor{std::move(name), std::move(ne), type, std::move(data)});
}

std::vector<uint8_t> GgufWriter::serialize() const {
  ByteWriter w;
  w.put<uint32_t>(0x46554747u);  // "GGUF"
  w.put<uint32_t>(3);
  w.put<uint64_t>(tensors_.size());
  w.put<uint64_t>(kv_.size());
  for (const auto& [key, value] : kv_) {
    put_string(w, key);
    w.put<uint32_t>(static_cast<uint32_t>(value.type));
    put_value(w, value);
  }
  uint64_t offset = 0;
  for (const auto& t : tensors_) {
    put_string(w, t.name);
    w.put<uint32_t>(static_cast<uint32_t>(t.ne.size()));
    for (uint64_t d : t.ne) {
      w.put<uint64_t>(d);
    }
    w.put<uint32_t>(static_cast<uint32_t>(t.type));
    w.put<uint64_t>(offset);
    offset += (t.data.size() + alignment_ - 1) / alignment_ * alignment_;
  }
  w.pad_to(alignment_);
  for (const auto& t : tensors_) {
    w.put_bytes(t.data);
    w.pad_to(alignment_);
  }
  return std::move(w.bytes());
}

}  // namespace vinfer::model
