// The calldata of the Solidity one-step referee (contracts/src/dispute/OneStepReferee.sol)
// for one matmul element: the statement the schedule gives (shapes, operand steps, weight
// tensor) and a party's openings (dispute::OperandBundle) in the contract's compact form.
// The field order mirrors contracts/src/lib/Types.sol; change both together.
#pragma once

#include <cstdint>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/dispute/referee.hpp"
#include "vinfer/result.hpp"

namespace vinfer::ledger::evm {

/// Solidity `RangeOpening`: the chunks covering a range, concatenated, and one range proof
/// (LibMerkle.rangeRoot) for the run of chunk leaves.
struct EvmRangeOpening {
  std::vector<std::uint8_t> chunks;
  std::vector<commit::Hash> siblings;
};

/// Solidity `MatmulStatement`.
struct MatmulStatement {
  commit::Hash agreed_root{};
  std::uint64_t trace_size = 0;
  std::uint64_t input_step = 0;
  std::uint32_t input_rows = 0;
  std::uint32_t width = 0;
  std::uint64_t absmax_step = 0;
  commit::Hash weights_root{};
  std::uint32_t weight_count = 0;
  std::uint32_t weight_tensor = 0;
  std::uint32_t weight_rows = 0;
  std::uint32_t element = 0;
};

/// Solidity `MatmulOpenings`.
struct MatmulOpenings {
  std::vector<commit::Hash> peaks;
  commit::Hash input_root{};
  std::vector<commit::Hash> input_path;
  EvmRangeOpening input;
  commit::Hash absmax_root{};
  std::vector<commit::Hash> absmax_path;
  EvmRangeOpening absmax;
  commit::Hash weight_root{};
  commit::Hash scale_root{};
  std::vector<commit::Hash> weights_siblings;
  EvmRangeOpening weight;
  EvmRangeOpening scale;
};

/// The signature whose selector starts the calldata.
inline constexpr const char* kMatmulElementSignature =
    "matmulElement((bytes32,uint64,uint64,uint32,uint32,uint64,bytes32,uint32,uint32,uint32,"
    "uint32),(bytes32[],bytes32,bytes32[],(bytes,bytes32[]),bytes32,bytes32[],(bytes,bytes32[]),"
    "bytes32,bytes32,bytes32[],(bytes,bytes32[]),(bytes,bytes32[])))";

/// The statement for element e of matmul step k of ctx's schedule, against `agreed_root`
/// (the accumulator root after k steps).
Result<MatmulStatement> matmul_statement(const dispute::RefereeContext& ctx,
                                         std::uint64_t k,
                                         std::uint64_t e,
                                         const commit::Hash& agreed_root);

/// The range proof of the chunks of `r` (full per-chunk paths, as commit builds them) in
/// the compact form: the nodes just outside the run of chunks, level by level.
Result<EvmRangeOpening> compact_range(const commit::RangeOpening& r);

/// The openings of a matmul bundle (operands in the rule's order: input row, absmax, weight
/// row, row multiplier) in the contract's form.
Result<MatmulOpenings> matmul_openings(const dispute::OperandBundle& bundle);

/// selector(kMatmulElementSignature) || abi encoding of (st, op).
std::vector<std::uint8_t> matmul_element_calldata(const MatmulStatement& st,
                                                  const MatmulOpenings& op);

}  // namespace vinfer::ledger::evm
