// Proofs of a graph model's canonical forward pass over a batch (docs/proofs.md §Graph
// proof). The statement: for the model whose weights are committed as `weights_root` (the
// model's polynomial commitment, recorded beside its model root), the canonical int8
// forward pass maps `input` to `output`. The verifier sees the statement and the proof
// bytes; it builds the circuit from the graph's architecture (circuit.hpp) itself.
//
// Protocol, in transcript order:
//   1. statement: model root, weights root, batch, input, output
//   2. witness commitment (every witness column and the range multiplicities, one PCS)
//   3. logUp over every lookup of the circuit into [0, 2^range_bits) (logup.hpp); the leaves leave
//      claims on the witness columns at one point per domain
//   4. per domain, a zero-check: sum_x eq(tau, x) sum_c beta^c C_c(x) = 0 by sumcheck;
//      claims on the domain's columns at the sumcheck's point
//   5. per gemm, a random point of its accumulator; bias and the matmul sumcheck
//      (matmul.hpp) leave claims on the input column and the weights
//   6. the witness claims batched and opened (claims.hpp, pcs.hpp); the same for the weights
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/model/graph.hpp"
#include "vinfer/proof/circuit.hpp"
#include "vinfer/proof/pcs.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

/// The model's polynomial commitment: over pack_weights(), computed once per model.
struct WeightCommitment {
  std::vector<Fp> packed;
  PcsProverData pcs;
};
WeightCommitment commit_weights(const Circuit& c, const model::QGraph& g);

struct GraphStatement {
  commit::Hash model_root{};
  commit::Hash weights_root{};
  std::uint32_t batch = 0;
  std::vector<std::int8_t> input;    ///< batch * input elems
  std::vector<std::int32_t> output;  ///< batch * output elems (Q12 logits)
};

/// Timings of one proof, for `vinfer prove --json` and the benchmarks.
struct ProveStats {
  double witness_s = 0, commit_s = 0, lookup_s = 0, zerocheck_s = 0, matmul_s = 0, open_s = 0;
  std::size_t witness_entries = 0, lookup_entries = 0;
};

/// Proves the statement. `values` are every value of the graph for the statement's batch
/// (value 0 = the input), as engine::graph_forward returns them; the statement's input and
/// output must be values 0 and g.output. Optional progress callback (step, steps).
Result<std::vector<std::uint8_t>> graph_prove(const Circuit& c,
                                              const model::QGraph& g,
                                              const WeightCommitment& w,
                                              const GraphStatement& st,
                                              std::span<const std::vector<std::int32_t>> values,
                                              ProveStats* stats = nullptr);

/// Checks a proof of the statement; the error names the step that failed.
Status graph_verify(const Circuit& c,
                    const GraphStatement& st,
                    std::span<const std::uint8_t> proof);

}  // namespace vinfer::proof
