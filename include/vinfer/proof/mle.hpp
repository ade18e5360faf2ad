// Multilinear extensions of tables over the Boolean hypercube.
//
// A table f of 2^n values is the multilinear polynomial f~ on n variables with
// f~(x) = f[x] for x in {0,1}^n. Convention used everywhere in src/proof:
// variable i is bit i of the index (least significant first), so binding
// variable 0 to r folds neighbours: f'[k] = f[2k] + r (f[2k+1] - f[2k]).
// A row-major matrix (R x C, both powers of two) therefore has its column bits
// first: point = (column variables..., row variables...).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "vinfer/proof/field.hpp"

namespace vinfer::proof {

/// ceil(log2(n)) for n >= 1 (0 for n = 1).
unsigned log2_ceil(std::size_t n);

/// eq(r, x) = prod_i (r_i x_i + (1 - r_i)(1 - x_i)) for every x in {0,1}^n, n = r.size().
std::vector<Ext> eq_table(std::span<const Ext> r);

/// eq(a, b) = prod_i (a_i b_i + (1 - a_i)(1 - b_i)) in O(n); a and b have equal length.
Ext eq_eval(std::span<const Ext> a, std::span<const Ext> b);

/// Binds variable 0 of the table to r: size halves.
void fold_first(std::vector<Ext>& table, Ext r);

/// f~(point) for a table of 2^point.size() values (O(2^n)).
Ext mle_eval(std::span<const Ext> table, std::span<const Ext> point);
/// The same for a base-field table.
Ext mle_eval(std::span<const Fp> table, std::span<const Ext> point);

/// Signed integers embedded in F_p, zero-padded to `padded` entries (>= v.size()).
template <class Int>
std::vector<Fp> embed(std::span<const Int> v, std::size_t padded) {
  std::vector<Fp> out(padded, Fp::zero());
  for (std::size_t i = 0; i < v.size(); ++i) {
    out[i] = Fp::from_i64(static_cast<std::int64_t>(v[i]));
  }
  return out;
}

}  // namespace vinfer::proof
