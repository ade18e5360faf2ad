// Internal to src/model: whole-file reads and writes with clear io errors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "vinfer/result.hpp"

namespace vinfer::model::detail {

/// Files larger than this are refused (a model file that large is not a vinfer model).
inline constexpr uint64_t kMaxFileBytes = uint64_t{1} << 40;

/// Reads a whole regular file; the error names the path and what failed.
Result<std::vector<uint8_t>> read_file(const std::filesystem::path& path);

/// Writes bytes to `path` through a temporary file and a rename, so a reader never sees
/// a half-written model.
Status write_file(const std::filesystem::path& path, std::span<const uint8_t> bytes);

/// Model name derived from a file name: "models/kjv-small.l2c.bin" -> "kjv-small".
std::string model_name_from_path(const std::filesystem::path& path);

}  // namespace vinfer::model::detail
