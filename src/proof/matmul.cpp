// Matmul sumcheck (Thaler'13 §3); notation in matmul.hpp.
#include "vinfer/proof/matmul.hpp"

#include "vinfer/assert.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/sumcheck.hpp"

namespace vinfer::proof {
namespace {

// x mod p for a signed 128-bit x with |x| < 2^127.
Fp reduce_signed(__int128 x) {
  if (x >= 0) {
    return Fp::reduce128(static_cast<unsigned __int128>(x));
  }
  return -Fp::reduce128(static_cast<unsigned __int128>(-x));
}

// c[k] = sum_i e[i] * M[i][k] for i < rows, k < cols, padded to `padded_cols` with zeros.
// The int8 products are summed unreduced in signed 128-bit (|sum| < rows * 2^64 * 2^7),
// one reduction per column: the products are exact integers, so this equals the field sum.
std::vector<Ext> combine_rows(std::span<const std::int8_t> M,
                              std::size_t rows,
                              std::size_t cols,
                              std::span<const Ext> e,
                              std::size_t padded_cols) {
  VINFER_ASSERT(rows < (std::size_t{1} << 50));
  std::vector<__int128> acc_a(cols, 0);
  std::vector<__int128> acc_b(cols, 0);
  for (std::size_t i = 0; i < rows; ++i) {
    const auto ea = static_cast<__int128>(e[i].a.value());
    const auto eb = static_cast<__int128>(e[i].b.value());
    const std::int8_t* row = M.data() + i * cols;
    for (std::size_t k = 0; k < cols; ++k) {
      acc_a[k] += ea * row[k];
      acc_b[k] += eb * row[k];
    }
  }
  std::vector<Ext> c(padded_cols, Ext::zero());
  for (std::size_t k = 0; k < cols; ++k) {
    c[k] = Ext(reduce_signed(acc_a[k]), reduce_signed(acc_b[k]));
  }
  return c;
}

}  // namespace

std::vector<std::int32_t> matmul_reference(const MatmulShape& s,
                                           std::span<const std::int8_t> X,
                                           std::span<const std::int8_t> W) {
  VINFER_ASSERT(X.size() == s.batch * s.cols && W.size() == s.rows * s.cols);
  std::vector<std::int32_t> Y(s.batch * s.rows);
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t r = 0; r < s.rows; ++r) {
      std::int32_t acc = 0;
      for (std::size_t k = 0; k < s.cols; ++k) {
        acc += static_cast<std::int32_t>(X[b * s.cols + k]) * W[r * s.cols + k];
      }
      Y[b * s.rows + r] = acc;
    }
  }
  return Y;
}

Ext matrix_mle_eval(std::span<const std::int8_t> M,
                    std::size_t rows,
                    std::size_t cols,
                    std::span<const Ext> col_point,
                    std::span<const Ext> row_point) {
  VINFER_ASSERT(M.size() == rows * cols);
  VINFER_ASSERT(col_point.size() == log2_ceil(cols) && row_point.size() == log2_ceil(rows));
  const std::vector<Ext> eq_rows = eq_table(row_point);
  const std::vector<Ext> c =
      combine_rows(M, rows, cols, eq_rows, std::size_t{1} << col_point.size());
  return mle_eval(c, col_point);
}

MatmulClaims matmul_prove(const MatmulShape& s,
                          std::span<const std::int8_t> X,
                          std::span<const std::int8_t> W,
                          std::span<const Ext> ry,
                          std::span<const Ext> rb,
                          ProverChannel& ch) {
  VINFER_ASSERT(X.size() == s.batch * s.cols && W.size() == s.rows * s.cols);
  VINFER_ASSERT(ry.size() == log2_ceil(s.rows) && rb.size() == log2_ceil(s.batch));
  const std::size_t kp = std::size_t{1} << log2_ceil(s.cols);
  // Thaler'13 §3: the two vectors over k, X~(k, rb) and W~(k, ry), in O(BK + RK).
  std::vector<std::vector<Ext>> tables;
  tables.push_back(combine_rows(X, s.batch, s.cols, eq_table(rb), kp));
  tables.push_back(combine_rows(W, s.rows, s.cols, eq_table(ry), kp));
  const std::vector<SumcheckTerm> terms = {{Ext::one(), {0, 1}}};
  SumcheckProverOut out = sumcheck_prove(std::move(tables), terms, ch);
  ch.send_ext("matmul.x_eval", out.finals[0]);
  ch.send_ext("matmul.w_eval", out.finals[1]);
  return {std::move(out.point), out.finals[0], out.finals[1]};
}

Result<MatmulClaims> matmul_verify(const MatmulShape& s,
                                   std::span<const Ext> ry,
                                   std::span<const Ext> rb,
                                   Ext v,
                                   VerifierChannel& ch) {
  VINFER_ASSERT(ry.size() == log2_ceil(s.rows) && rb.size() == log2_ceil(s.batch));
  VINFER_TRY(SumcheckClaim sc, sumcheck_verify(v, log2_ceil(s.cols), 2, ch));
  VINFER_TRY(Ext x_eval, ch.recv_ext("matmul.x_eval"));
  VINFER_TRY(Ext w_eval, ch.recv_ext("matmul.w_eval"));
  // Thaler'13 §3, final check: g(rk) = X~(rk, rb) W~(rk, ry).
  if (x_eval * w_eval != sc.value) {
    return fail(Errc::mismatch,
                "matmul: the claimed input and weight evaluations do not give the sumcheck's "
                "final value");
  }
  return MatmulClaims{std::move(sc.point), x_eval, w_eval};
}

}  // namespace vinfer::proof
