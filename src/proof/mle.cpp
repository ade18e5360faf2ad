// Multilinear extension helpers (conventions in mle.hpp).
#include "vinfer/proof/mle.hpp"

#include "vinfer/assert.hpp"

namespace vinfer::proof {

unsigned log2_ceil(std::size_t n) {
  VINFER_ASSERT(n >= 1);
  unsigned k = 0;
  while ((std::size_t{1} << k) < n) {
    ++k;
  }
  return k;
}

std::vector<Ext> eq_table(std::span<const Ext> r) {
  std::vector<Ext> t(std::size_t{1} << r.size());
  t[0] = Ext::one();
  // After step i, t[x] for x < 2^(i+1) is eq over the first i+1 variables; variable i is
  // bit i, so the new entries are the old ones times r_i, the old ones times (1 - r_i).
  for (std::size_t i = 0; i < r.size(); ++i) {
    const std::size_t half = std::size_t{1} << i;
    for (std::size_t x = 0; x < half; ++x) {
      const Ext hi = t[x] * r[i];
      t[x + half] = hi;
      t[x] = t[x] - hi;
    }
  }
  return t;
}

Ext eq_eval(std::span<const Ext> a, std::span<const Ext> b) {
  VINFER_ASSERT(a.size() == b.size());
  Ext e = Ext::one();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Ext ab = a[i] * b[i];
    e *= ab + ab + Ext::one() - a[i] - b[i];  // a b + (1 - a)(1 - b)
  }
  return e;
}

void fold_first(std::vector<Ext>& table, Ext r) {
  VINFER_ASSERT(table.size() >= 2 && table.size() % 2 == 0);
  const std::size_t half = table.size() / 2;
  for (std::size_t k = 0; k < half; ++k) {
    const Ext lo = table[2 * k];
    table[k] = lo + r * (table[2 * k + 1] - lo);
  }
  table.resize(half);
}

Ext mle_eval(std::span<const Ext> table, std::span<const Ext> point) {
  VINFER_ASSERT(table.size() == std::size_t{1} << point.size());
  if (point.empty()) {
    return table[0];
  }
  std::vector<Ext> t(table.begin(), table.end());
  for (Ext r : point) {
    fold_first(t, r);
  }
  return t[0];
}

Ext mle_eval(std::span<const Fp> table, std::span<const Ext> point) {
  VINFER_ASSERT(table.size() == std::size_t{1} << point.size());
  if (point.empty()) {
    return Ext(table[0]);
  }
  // First fold straight from the base field (half the products).
  const std::size_t half = table.size() / 2;
  std::vector<Ext> t(half);
  for (std::size_t k = 0; k < half; ++k) {
    t[k] = Ext(table[2 * k]) + point[0] * (table[2 * k + 1] - table[2 * k]);
  }
  for (std::size_t i = 1; i < point.size(); ++i) {
    fold_first(t, point[i]);
  }
  return t[0];
}

}  // namespace vinfer::proof
