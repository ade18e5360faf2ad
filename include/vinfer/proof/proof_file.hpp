// The proof file `vinfer prove` writes and `vinfer verify` reads (docs/proofs.md §Proof file).
//
//   offset  size  field
//   0       8     magic "VINFPROF"
//   8       4     format version (u32 LE) = 1
//   12      4     kind (u32 LE): 1 = graph model (graph_proof.hpp)
//   16      32    model root
//   48      32    weights commitment root (the model's PCS root, pcs.hpp)
//   80      4     batch (u32 LE)
//   84      8     body length n (u64 LE)
//   92      n     body: the proof bytes of graph_prove
// Nothing may follow the body. The statement's input and output are not in the file: the
// verifier brings its own.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

inline constexpr std::uint32_t kProofFileVersion = 1;
inline constexpr std::uint32_t kProofKindGraph = 1;
/// Largest body a reader accepts (a hostile length must not allocate without bound).
inline constexpr std::uint64_t kProofMaxBody = std::uint64_t{1} << 30;

struct ProofFile {
  std::uint32_t version = kProofFileVersion;
  std::uint32_t kind = kProofKindGraph;
  commit::Hash model_root{};
  commit::Hash weights_root{};
  std::uint32_t batch = 0;
  std::vector<std::uint8_t> body;
};

std::vector<std::uint8_t> write_proof_file(const ProofFile& f);

/// Parses a proof file; the error names the field and offset that is wrong.
Result<ProofFile> parse_proof_file(std::span<const std::uint8_t> bytes);

}  // namespace vinfer::proof
