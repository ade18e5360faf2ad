// The canonical model file (.vinfer.gguf): a GGUF v3 file with int8 weights, per-row
// (mant, shift) multipliers and Q16 gains, marked vinfer.canonical and tagged with the
// arithmetic version (docs/model-format.md §Canonical file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "vinfer/model/canonical.hpp"
#include "vinfer/result.hpp"

namespace vinfer::model {

/// The canonical file's bytes (deterministic: the same model gives the same bytes).
std::vector<uint8_t> serialize_canonical(const CanonicalModel& m);

/// Writes serialize_canonical(m) to `path` (through a temporary file and a rename).
Status write_canonical(const CanonicalModel& m, const std::filesystem::path& path);

/// Reads a canonical file from untrusted bytes: checks the vinfer.canonical marker, the
/// arithmetic version (a different one is a mismatch error), every tensor's type and
/// shape, then check_canonical(). The result equals the written model field by field.
Result<CanonicalModel> read_canonical(std::span<const uint8_t> bytes);

/// Same from a file.
Result<CanonicalModel> read_canonical(const std::filesystem::path& path);

}  // namespace vinfer::model
