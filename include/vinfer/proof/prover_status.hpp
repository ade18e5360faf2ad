// What proof mode can prove, per operator of THE operator list (model/ops.def).
//
// One named entry per operator below; prover_status() is expanded from ops.def, so an
// operator added there without an entry here does not compile. `vinfer prove` refuses a
// model whose schedule holds an operator that is not `proven`, naming it.
#pragma once

#include <cstddef>
#include <string_view>

#include "vinfer/model/ops.hpp"

namespace vinfer::proof {

enum class ProverStatus : unsigned char {
  proven,      ///< an argument exists and `vinfer prove` uses it
  argument,    ///< the per-step argument exists (matmul sumcheck, lookup) but no model path uses it
               ///< yet
  unprovable,  ///< no argument yet
};

struct ProverEntry {
  ProverStatus status;
  std::string_view note;
};

namespace prover_entry {
// Transformer (kjv models): the matmuls have their sumcheck (proof/matmul.hpp) and the
// table steps their lookup argument (proof/logup.hpp); no schedule is proven end to end yet.
inline constexpr ProverEntry embed{ProverStatus::unprovable,
                                   "a row gather; needs a lookup into the embedding table"};
inline constexpr ProverEntry sumsq{ProverStatus::unprovable,
                                   "a reduction; a sumcheck over the row, not wired"};
inline constexpr ProverEntry rmsnorm{ProverStatus::unprovable,
                                     "needs the rsqrt table lookup and a rounding proof"};
inline constexpr ProverEntry absmax{ProverStatus::unprovable,
                                    "a max reduction; needs range checks"};
inline constexpr ProverEntry quantize{ProverStatus::unprovable,
                                      "dynamic scale; needs a division proof"};
inline constexpr ProverEntry matmul{ProverStatus::argument, "matmul sumcheck (proof/matmul.hpp)"};
inline constexpr ProverEntry rope{ProverStatus::unprovable, "needs the RoPE table lookup"};
inline constexpr ProverEntry scores{ProverStatus::unprovable,
                                    "int32 operands against the key cache; matmul.hpp takes int8"};
inline constexpr ProverEntry rowmax{ProverStatus::unprovable,
                                    "a max reduction; needs range checks"};
inline constexpr ProverEntry exp{ProverStatus::argument, "a table step: lookup (proof/logup.hpp)"};
inline constexpr ProverEntry rowsum{ProverStatus::unprovable,
                                    "a reduction; a sumcheck over the row, not wired"};
inline constexpr ProverEntry softmax{ProverStatus::unprovable,
                                     "needs the reciprocal and a division proof"};
inline constexpr ProverEntry attn_av{ProverStatus::unprovable,
                                     "int32 operands against the value cache; matmul.hpp takes int8"};
inline constexpr ProverEntry silu_mul{ProverStatus::argument,
                                      "a table step: lookup (proof/logup.hpp)"};
inline constexpr ProverEntry add{ProverStatus::unprovable, "linear; not wired"};
inline constexpr ProverEntry argmax{ProverStatus::unprovable,
                                    "needs range checks against every logit"};
inline constexpr ProverEntry temp_scale{ProverStatus::unprovable, "needs a division proof"};
inline constexpr ProverEntry topp{ProverStatus::unprovable,
                                  "a sorted-prefix reduction; no argument"};
inline constexpr ProverEntry sample{ProverStatus::unprovable,
                                    "needs the counter RNG in the circuit"};
inline constexpr ProverEntry output{ProverStatus::unprovable, "bookkeeping of sampled ids"};
// Graph models (ONNX): proof/circuit.hpp.
inline constexpr ProverEntry gemm{ProverStatus::proven,
                                  "matmul sumcheck against the weight commitment"};
inline constexpr ProverEntry conv{ProverStatus::proven,
                                  "matmul over im2col rows + a wiring sumcheck to the input"};
inline constexpr ProverEntry requant{ProverStatus::proven, "rounding identity + range lookups"};
inline constexpr ProverEntry rescale{ProverStatus::proven,
                                     "rounding identity + range lookups (graph output)"};
inline constexpr ProverEntry relu{ProverStatus::proven, "x + neg identity + range lookups"};
inline constexpr ProverEntry maxpool{
    ProverStatus::proven, "2x2 stride 2: range lookups and a product identity over window views"};
inline constexpr ProverEntry avgpool{ProverStatus::unprovable,
                                     "needs the window wiring and a division proof"};
inline constexpr ProverEntry qadd{ProverStatus::unprovable, "needs a two-input rounding identity"};
}  // namespace prover_entry

constexpr const ProverEntry& prover_entry_of(model::Op op) {
  constexpr const ProverEntry* table[] = {
#define VINFER_OP(name, dtype, doc) &prover_entry::name,
#include "vinfer/model/ops.def"
  };
  static_assert(sizeof(table) / sizeof(table[0]) == model::kOpCount);
  return *table[static_cast<std::size_t>(op)];
}

constexpr ProverStatus prover_status(model::Op op) {
  return prover_entry_of(op).status;
}
constexpr std::string_view prover_status_note(model::Op op) {
  return prover_entry_of(op).note;
}
constexpr std::string_view prover_status_name(ProverStatus s) {
  return s == ProverStatus::proven ? "proven"
                                   : (s == ProverStatus::argument ? "argument" : "unprovable");
}

}  // namespace vinfer::proof
