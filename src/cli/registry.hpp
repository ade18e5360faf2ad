// The local model registry of proof mode (until the ledger's registry exists, issue 4):
// a JSON file recording, per model root, the model file and the root of the model's
// polynomial commitment to its weights (DESIGN §4: "recorded beside the root"). `vinfer
// register` writes it; `vinfer verify` trusts it the way it will trust the ledger. Anyone
// can recompute an entry from the model file (`vinfer register --check`). Internal to src/cli.
//
// {"format": "vinfer-registry-v1",
//  "models": [{"name": ..., "file": <path relative to the registry's folder>,
//              "model_root": <hex>, "weights_pcs_root": <hex>, "pcs": "ligero-rs4-keccak"}]}
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/result.hpp"

namespace vinfer::cli {

struct RegistryEntry {
  std::string name;
  std::string file;  ///< relative to the registry's folder
  commit::Hash model_root{};
  commit::Hash weights_pcs_root{};
};

/// models/registry.json of the source tree, or $VINFER_REGISTRY.
std::filesystem::path default_registry_path();

/// Reads a registry; a missing file is an empty registry.
Result<std::vector<RegistryEntry>> read_registry(const std::filesystem::path& path);
/// Writes it (entries sorted by name).
Status write_registry(const std::filesystem::path& path, std::vector<RegistryEntry> entries);
std::optional<RegistryEntry> find_entry(const std::vector<RegistryEntry>& entries,
                                        const commit::Hash& root);

}  // namespace vinfer::cli
