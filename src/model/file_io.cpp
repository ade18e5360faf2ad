// Whole-file reads and writes for the model loaders, plus the small helpers they share.
#include "model/file_io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "model/byte_io.hpp"

namespace vinfer::model::detail {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

/// Closes a FILE* on scope exit.
struct FileCloser {
  std::FILE* f;
  ~FileCloser() {
    if (f) {
      std::fclose(f);
    }
  }
};

}  // namespace

std::string printable(std::string_view s) {
  std::string out;
  const size_t n = s.size() < 64 ? s.size() : 64;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > n) {
    out += "...";
  }
  return out;
}

Result<std::vector<uint8_t>> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) {
    return fail(Errc::io, path.string() + ": " + ec.message());
  }
  if (!std::filesystem::is_regular_file(status)) {
    return fail(Errc::io, path.string() + ": not a regular file");
  }
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return fail(Errc::io, path.string() + ": " + ec.message());
  }
  if (size > kMaxFileBytes) {
    return fail(Errc::limit, path.string() + ": " + std::to_string(size) +
                                 " bytes is larger than " + std::to_string(kMaxFileBytes));
  }
  FileCloser fc{std::fopen(path.c_str(), "rb")};
  if (!fc.f) {
    return fail(Errc::io, path.string() + ": cannot open: " + errno_text());
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  const size_t got = size ? std::fread(bytes.data(), 1, bytes.size(), fc.f) : 0;
  if (got != bytes.size()) {
    return fail(Errc::io, path.string() + ": read " + std::to_string(got) + " of " +
                              std::to_string(size) + " bytes");
  }
  if (std::fgetc(fc.f) != EOF) {
    return fail(Errc::io, path.string() + ": file grew while being read");
  }
  return bytes;
}

Status write_file(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    FileCloser fc{std::fopen(tmp.c_str(), "wb")};
    if (!fc.f) {
      return fail(Errc::io, tmp.string() + ": cannot create: " + errno_text());
    }
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), fc.f) != bytes.size()) {
      return fail(Errc::io, tmp.string() + ": write failed: " + errno_text());
    }
    if (std::fflush(fc.f) != 0) {
      return fail(Errc::io, tmp.string() + ": flush failed: " + errno_text());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    return fail(Errc::io, "rename " + tmp.string() + " -> " + path.string() + ": " + ec.message());
  }
  return ok_status();
}

std::string model_name_from_path(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  for (const char* ext : {".gguf", ".bin", ".vinfer", ".l2c"}) {
    const std::string_view e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      name.resize(name.size() - e.size());
    }
  }
  return name.empty() ? std::string("model") : name;
}

}  // namespace vinfer::model::detail
