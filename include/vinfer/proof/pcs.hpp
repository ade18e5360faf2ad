// A transparent, hash-based polynomial commitment to multilinear polynomials: the tensor-code
// scheme of Ligero (Ames, Hazay, Ishai, Venkitasubramaniam, CCS'17) in the multilinear form of
// Brakedown (Golovnev, Lee, Setty, Thaler, Wahby, CRYPTO'23, §4), with a Reed-Solomon code.
// No trusted setup: the only assumption is keccak-256 (Merkle binding, Fiat-Shamir).
//
// Commit. The 2^vars values (evaluations over the hypercube, index bit i = variable i,
// mle.hpp) are a rows x cols matrix M, row-major, cols = 2^col_vars: the low col_vars
// variables pick the column, the rest the row. Each row (a polynomial of degree < cols in
// coefficient form) is Reed-Solomon encoded on the subgroup of order n = cols * 2^rate_log
// (roots: ntt.hpp), coset by coset: coordinate s * cols + i is the evaluation at
// w_n^(i * 2^rate_log + s). Column j of the encoded matrix (rows values of F_p, top to
// bottom) is the leaf H(0x04 || 8-byte little-endian values); the root of the Merkle tree
// over the n leaves (merkle.hpp nodes, heap position n + j) is the commitment.
//
// Open at points z_1..z_k, each split z = (r_col, r_row):
//   1. for each point, u_j = eq(r_row)^T M                          (cols elements of Ext)
//   2. draw a in Ext^rows; send u' = a^T M                           (the proximity row)
//   3. draw t column positions; send those columns (distinct ones, ascending) and one
//      Merkle multi-proof for all of them
// Verify: <u_j, eq(r_col)> == value_j; every opened column hashes into the root; and at
// every opened position q, Enc(u_j)[q] == <eq(r_row_j), column q> and Enc(u')[q] == <a,
// column q> (checked as one random combination of the k + 1 rows, drawn after them).
//
// Soundness (docs/proofs.md counts it): with rho = 2^-rate_log and delta = (1 - rho) / 2
// (the unique-decoding radius), the error is at most n / |Ext| + (1 - delta)^t; t is the
// least with (1 - delta)^t <= 2^-101, so >= 100 bits for every n <= 2^26.
//
// Proof bytes (exact for given distinct positions d and multi-proof siblings s):
//   16 * cols * (k + 1) + 8 * rows * d + 32 * s.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/proof/field.hpp"
#include "vinfer/proof/transcript.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

/// Code rate and query count, part of the statement: prover and verifier must use the same.
struct PcsParams {
  unsigned rate_log = 2;  ///< Reed-Solomon rate 2^-rate_log (1/4); 1..8
  unsigned queries = 0;   ///< column queries; 0 = derived for >= 100 bits (pcs_default_queries)
};

/// Domain byte of a column leaf preimage: H(0x04 || column). (docs/commitments.md uses 0x00..0x03.)
inline constexpr std::uint8_t kPcsColumnDomain = 0x04;

/// The shape of one commitment, derived from (vars, params) alone on both sides.
struct PcsLayout {
  unsigned vars = 0;
  unsigned col_vars = 0;  ///< cols = 2^col_vars (the low variables)
  unsigned rate_log = 2;
  unsigned queries = 0;  ///< t, before deduplication
  unsigned row_vars() const { return vars - col_vars; }
  std::size_t rows() const { return std::size_t{1} << row_vars(); }
  std::size_t cols() const { return std::size_t{1} << col_vars; }
  std::size_t code_len() const { return std::size_t{1} << (col_vars + rate_log); }
};

/// The least t with (1 - delta)^t <= 2^-101 for delta = (1 - 2^-rate_log) / 2 (149 at rate 1/4).
unsigned pcs_default_queries(unsigned rate_log);

/// The layout for 2^vars values: col_vars minimises the estimated proof size for one point;
/// fails for vars > 32, rate_log outside 1..8, or queries > 65536.
Result<PcsLayout> pcs_layout(unsigned vars, const PcsParams& params = {});

/// -log2 of the soundness error bound n / |Ext| + (1 - delta)^t of a layout.
double pcs_soundness_bits(const PcsLayout& layout);

/// The prover's state for one committed vector of 2^vars Fp values (evaluations over the
/// hypercube, index bit i = variable i, as mle.hpp).
struct PcsProverData {
  unsigned vars = 0;
  commit::Hash root{};
  PcsLayout layout{};
  std::vector<Fp> values;          ///< M, row-major rows x cols (the committed vector)
  std::vector<Fp> encoded;         ///< row-major rows x n: [i * n + j] = Enc(row i)[j]
  std::vector<commit::Hash> tree;  ///< Merkle tree, heap order: [1] root, [n + j] leaf j
};

/// Commits to `values` (size a power of two, >= 1, at most 2^32).
PcsProverData pcs_commit(std::span<const Fp> values, const PcsParams& params = {});

/// Opens the committed vector's multilinear extension at several points at once (shared
/// column queries). The caller has already sent (absorbed) root and the claimed values;
/// this writes the opening on ch. Every point has d.vars coordinates; params as at commit.
void pcs_open(const PcsProverData& d,
              std::span<const std::vector<Ext>> points,
              ProverChannel& ch,
              const PcsParams& params = {});

/// Checks f~(points[j]) == values[j] for the vector committed as `root` with 2^vars entries;
/// the error names what failed. Reads exactly the opening's bytes from ch; trailing bytes
/// after the whole proof are the caller's VerifierChannel::finish to reject.
Status pcs_verify(const commit::Hash& root,
                  unsigned vars,
                  std::span<const std::vector<Ext>> points,
                  std::span<const Ext> values,
                  VerifierChannel& ch,
                  const PcsParams& params = {});

}  // namespace vinfer::proof
