// Internal to src/model: loader entry points that take the name to use when a file has
// no general.name (the path-based public functions pass the file name).
#pragma once

#include <span>
#include <string>

#include "vinfer/model/canonical.hpp"
#include "vinfer/model/float_model.hpp"

namespace vinfer::model::detail {

Result<FloatModel> load_gguf_float_named(std::span<const uint8_t> bytes,
                                         const std::string& fallback_name);
Result<CanonicalModel> read_canonical_named(std::span<const uint8_t> bytes,
                                            const std::string& fallback_name);

}  // namespace vinfer::model::detail
