// Matrix products by sumcheck (Thaler, "Time-Optimal Interactive Proofs for Circuit
// Evaluation", CRYPTO 2013, §3 "matrix multiplication"; the prover is linear in the
// matrix sizes).
//
// The canonical matmul of a batch: Y[b][r] = sum_k X[b][k] * W[r][k], X int8 (B x K),
// W int8 (R x K), Y int32 (B x R), every dimension zero-padded to a power of two and
// every table row-major (so, mle.hpp, the column bits come first in a point).
// A claim Y~(ry, rb) = v is reduced by one sumcheck over the K variables of
//     sum_k X~(k, rb) * W~(k, ry)
// to two claims at a fresh point rk: X~(rk, rb) and W~(rk, ry), which the prover
// sends and the verifier hands on (to the layer that produced X, and to the weight
// commitment). Integer values embed in F_p with their sign (field.hpp); |Y| < 2^31
// (checked at model load) is far below p / 2, so no sum wraps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/proof/field.hpp"
#include "vinfer/proof/transcript.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

/// Logical sizes; the protocol works on their power-of-two paddings.
struct MatmulShape {
  std::size_t batch = 1;  ///< B, rows of X and Y
  std::size_t rows = 1;   ///< R, rows of W = columns of Y
  std::size_t cols = 1;   ///< K, columns of X and W (the summed dimension)
};

/// The two claims one matmul step leaves behind.
struct MatmulClaims {
  std::vector<Ext> point_k;  ///< rk, log2 of padded K coordinates
  Ext x_eval;                ///< X~(rk, rb)
  Ext w_eval;                ///< W~(rk, ry)
};

/// Y = X W^T in int32 (the reference the proof is about; also used by tests).
std::vector<std::int32_t> matmul_reference(const MatmulShape& s,
                                           std::span<const std::int8_t> X,
                                           std::span<const std::int8_t> W);

/// M~(col point, row point) of an int8 row-major matrix (rows x cols), zero-padded, in one
/// pass: eq(row point) combines the rows, then the column point folds what is left.
Ext matrix_mle_eval(std::span<const std::int8_t> M,
                    std::size_t rows,
                    std::size_t cols,
                    std::span<const Ext> col_point,
                    std::span<const Ext> row_point);

/// Proves Y~(ry, rb) for the Y that X and W give (the caller has bound the claim value in
/// the transcript). ry has log2(padded R) coordinates, rb log2(padded B).
MatmulClaims matmul_prove(const MatmulShape& s,
                          std::span<const std::int8_t> X,
                          std::span<const std::int8_t> W,
                          std::span<const Ext> ry,
                          std::span<const Ext> rb,
                          ProverChannel& ch);

/// Checks the sumcheck for the claim Y~(ry, rb) = v and returns the claims on X and W.
/// Fails naming the round or the final product check that does not hold.
Result<MatmulClaims> matmul_verify(const MatmulShape& s,
                                   std::span<const Ext> ry,
                                   std::span<const Ext> rb,
                                   Ext v,
                                   VerifierChannel& ch);

}  // namespace vinfer::proof
