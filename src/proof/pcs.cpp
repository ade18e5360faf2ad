// Ligero/Brakedown-style multilinear polynomial commitment (protocol, layout and soundness:
// pcs.hpp; the count in words: docs/proofs.md "Polynomial commitment").
#include "vinfer/proof/pcs.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "proof/fp_fast.hpp"
#include "proof/keccak_x8.hpp"
#include "vinfer/assert.hpp"
#include "vinfer/commit/keccak_x8.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/ntt.hpp"
#include "vinfer/tensor/isa.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::proof {
namespace {

constexpr unsigned kMaxVars = 32;
constexpr unsigned kMaxRateLog = 8;
constexpr unsigned kMaxQueries = 65536;
// Bits the query phase alone must reach; the proximity-gap term n / |Ext| <= 2^-102 for
// n <= 2^26 takes the rest of the margin to 100.
constexpr double kQueryBits = 101.0;

static_assert(sizeof(Fp) == 8 && std::endian::native == std::endian::little,
              "column leaves hash the in-memory bytes of Fp as 8-byte little-endian values");

// -log2 of the chance that one uniform query misses a word at relative distance > delta:
// 1 - delta = (1 + rho) / 2, rho = 2^-rate_log.
double bits_per_query(unsigned rate_log) {
  return -std::log2((1.0 + std::ldexp(1.0, -static_cast<int>(rate_log))) / 2.0);
}

// Proof bytes for one point with a rows x cols split (pcs.hpp formula), taking the t
// queries as distinct (at most n) and each needing the path below the level where t
// paths meet (a multi-proof estimate; only the split choice uses it).
double estimated_bytes(unsigned vars, unsigned col_vars, unsigned rate_log, unsigned t) {
  const double rows = std::ldexp(1.0, static_cast<int>(vars - col_vars));
  const double cols = std::ldexp(1.0, static_cast<int>(col_vars));
  const unsigned depth = col_vars + rate_log;
  const std::uint64_t distinct = std::min<std::uint64_t>(t, std::uint64_t{1} << depth);
  const unsigned meet = std::min<unsigned>(depth, std::bit_width(distinct) - 1);
  const double siblings = static_cast<double>(distinct) * (depth - meet);
  return 2 * 16 * cols + 8 * rows * static_cast<double>(distinct) + 32 * siblings;
}

// The commit's loops (rows to encode, column blocks to hash, tree levels) are split over
// the machine's threads; every piece writes its own outputs, so the commitment does not
// depend on the split. A second caller while the pool is busy runs inline.
void for_range(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn) {
  static std::mutex mu;
  static tensor::ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
  std::unique_lock<std::mutex> lock(mu, std::try_to_lock);
  if (!lock.owns_lock() || pool.size() == 1 || n < 2) {
    fn(0, n);
    return;
  }
  pool.parallel_for(n, fn);
}

std::span<const std::uint8_t> fp_bytes(std::span<const Fp> v) {
  return {reinterpret_cast<const std::uint8_t*>(v.data()), v.size() * sizeof(Fp)};
}

// Both sides bind the statement before any challenge: the layout and the points.
void absorb_statement(Transcript& tr, const PcsLayout& lay, std::span<const std::vector<Ext>> pts) {
  ByteWriter w;
  w.u32(lay.vars);
  w.u32(lay.col_vars);
  w.u32(lay.rate_log);
  w.u32(lay.queries);
  w.u64(pts.size());
  for (const auto& p : pts) {
    for (Ext e : p) {
      w.ext(e);
    }
  }
  tr.absorb("pcs.statement", w.data());
}

// The t query positions in [0, n), deduplicated, ascending.
std::vector<std::uint64_t> draw_positions(Transcript& tr, const PcsLayout& lay) {
  std::vector<std::uint64_t> q(lay.queries);
  for (auto& x : q) {
    x = tr.challenge_index("pcs.query", lay.code_len());
  }
  std::sort(q.begin(), q.end());
  q.erase(std::unique(q.begin(), q.end()), q.end());
  return q;
}

// Heap positions (root 1, leaf j at n + j) of the siblings a multi-proof for `leaves`
// (ascending) sends: level by level from the leaves up, ascending within a level, every
// node whose sibling is not itself computable from the opened leaves.
std::vector<std::uint64_t> multiproof_siblings(std::span<const std::uint64_t> leaves,
                                               std::uint64_t n) {
  std::vector<std::uint64_t> level(leaves.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    level[i] = n + leaves[i];
  }
  std::vector<std::uint64_t> sib;
  while (!level.empty() && level[0] > 1) {
    std::vector<std::uint64_t> up;
    up.reserve(level.size());
    for (std::size_t i = 0; i < level.size(); ++i) {
      const std::uint64_t x = level[i];
      if ((x & 1) == 0 && i + 1 < level.size() && level[i + 1] == x + 1) {
        ++i;  // both children known
      } else {
        sib.push_back(x ^ 1);
      }
      up.push_back(x >> 1);
    }
    level = std::move(up);
  }
  return sib;
}

// The root implied by the opened leaves (ascending positions) and the siblings in
// multiproof_siblings order (32 bytes each).
commit::Hash multiproof_root(std::span<const std::uint64_t> leaves,
                             std::span<const commit::Hash> leaf_hashes,
                             std::span<const std::uint8_t> siblings,
                             std::uint64_t n) {
  std::vector<std::pair<std::uint64_t, commit::Hash>> level(leaves.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    level[i] = {n + leaves[i], leaf_hashes[i]};
  }
  std::size_t s = 0;
  auto next_sibling = [&] {
    VINFER_ASSERT(32 * (s + 1) <= siblings.size());
    commit::Hash h{};
    std::copy_n(siblings.begin() + static_cast<std::ptrdiff_t>(32 * s), 32, h.begin());
    ++s;
    return h;
  };
  while (level[0].first > 1) {
    std::vector<std::pair<std::uint64_t, commit::Hash>> up;
    up.reserve(level.size());
    for (std::size_t i = 0; i < level.size(); ++i) {
      const auto& [x, h] = level[i];
      commit::Hash parent;
      if ((x & 1) == 0 && i + 1 < level.size() && level[i + 1].first == x + 1) {
        parent = commit::merkle_node(h, level[i + 1].second);
        ++i;
      } else if ((x & 1) == 0) {
        parent = commit::merkle_node(h, next_sibling());
      } else {
        parent = commit::merkle_node(next_sibling(), h);
      }
      up.emplace_back(x >> 1, parent);
    }
    level = std::move(up);
  }
  VINFER_ASSERT(32 * s == siblings.size());
  return level[0].second;
}

// Reed-Solomon encoding: a message u of length C = 2^c (coefficients of a polynomial of
// degree < C) to its n = C 2^L evaluations on the subgroup of order n, listed coset by
// coset: coordinate j = s C + i (s < 2^L, i < C) is the evaluation at w_n^(i 2^L + s) =
// w_n^s w_C^i, and
//     Enc(u)[s C + i] = sum_k (u_k w_n^(s k)) w_C^(i k) = NTT_C(u * w_n^(s .))[i],
// so 2^L transforms of size C, each writing one contiguous run, replace one transform of
// size n on a zero-padded input. (Any fixed order of the n points is the same code.)
class RsEncoder {
 public:
  RsEncoder(unsigned col_vars, unsigned rate_log)
      : plan_(col_vars), rate_log_(rate_log), twist_(std::size_t{1} << (col_vars + rate_log)) {
    const std::size_t cols = plan_.size();
    const Fp w = root_of_unity(col_vars + rate_log);
    Fp ws = Fp::one();  // w^s
    for (std::size_t s = 0; s < (std::size_t{1} << rate_log); ++s) {
      Fp x = Fp::one();
      for (std::size_t k = 0; k < cols; ++k) {
        twist_[s * cols + k] = x;
        x *= ws;
      }
      ws *= w;
    }
  }

  std::size_t cols() const { return plan_.size(); }
  std::size_t code_len() const { return twist_.size(); }

  /// Over the extension the code is applied to each coordinate (the encoding is F_p-linear).
  void encode(std::span<const Ext> msg, std::span<Ext> out) const {
    const std::size_t cols = plan_.size();
    std::vector<Fp> part(cols);
    std::vector<Fp> lo(code_len());
    std::vector<Fp> hi(code_len());
    for (std::size_t k = 0; k < cols; ++k) {
      part[k] = msg[k].a;
    }
    encode(std::span<const Fp>(part), std::span<Fp>(lo));
    for (std::size_t k = 0; k < cols; ++k) {
      part[k] = msg[k].b;
    }
    encode(std::span<const Fp>(part), std::span<Fp>(hi));
    for (std::size_t j = 0; j < out.size(); ++j) {
      out[j] = Ext(lo[j], hi[j]);
    }
  }

  /// out (code_len) <- Enc(msg) (cols).
  void encode(std::span<const Fp> msg, std::span<Fp> out) const {
    const std::size_t cols = plan_.size();
    for (std::size_t s = 0; s < (std::size_t{1} << rate_log_); ++s) {
      const std::span<Fp> coset = out.subspan(s * cols, cols);
      const std::span<const Fp> tw(twist_.data() + s * cols, cols);
      plan_.forward_twisted(msg, tw, coset);
    }
  }

 private:
  NttPlan plan_;
  unsigned rate_log_;
  std::vector<Fp> twist_;  // [s * C + k] = w_n^(s k)
};

// coef^T M: out[c] = sum_i coef[i] M[i][c], each coordinate of Ext an exact 192-bit sum
// reduced once (fp_fast.hpp).
std::vector<Ext> row_combination(const PcsLayout& lay,
                                 std::span<const Fp> m,
                                 std::span<const Ext> coef) {
  const std::size_t cols = lay.cols();
  std::vector<fast::Acc192> acc_a(cols);
  std::vector<fast::Acc192> acc_b(cols);
  for (std::size_t i = 0; i < lay.rows(); ++i) {
    const std::uint64_t ca = coef[i].a.value();
    const std::uint64_t cb = coef[i].b.value();
    const Fp* row = m.data() + i * cols;
    for (std::size_t j = 0; j < cols; ++j) {
      acc_a[j].add_product(ca, row[j].value());
      acc_b[j].add_product(cb, row[j].value());
    }
  }
  std::vector<Ext> out(cols);
  for (std::size_t j = 0; j < cols; ++j) {
    out[j] = Ext(acc_a[j].reduce(), acc_b[j].reduce());
  }
  return out;
}

// (r_col, r_row): the low col_vars coordinates pick the column (mle.hpp bit order).
std::span<const Ext> col_part(const PcsLayout& lay, std::span<const Ext> z) {
  return z.first(lay.col_vars);
}
std::span<const Ext> row_part(const PcsLayout& lay, std::span<const Ext> z) {
  return z.subspan(lay.col_vars);
}

}  // namespace

unsigned pcs_default_queries(unsigned rate_log) {
  VINFER_ASSERT(rate_log >= 1 && rate_log <= kMaxRateLog);
  return static_cast<unsigned>(std::ceil(kQueryBits / bits_per_query(rate_log)));
}

Result<PcsLayout> pcs_layout(unsigned vars, const PcsParams& params) {
  if (params.rate_log < 1 || params.rate_log > kMaxRateLog) {
    return fail(Errc::invalid_argument,
                "pcs: rate_log " + std::to_string(params.rate_log) + " outside 1..8");
  }
  if (vars > kMaxVars) {
    return fail(Errc::limit, "pcs: " + std::to_string(vars) + " variables, at most 32");
  }
  if (params.queries > kMaxQueries) {
    return fail(Errc::limit, "pcs: " + std::to_string(params.queries) + " queries, at most 65536");
  }
  PcsLayout lay;
  lay.vars = vars;
  lay.rate_log = params.rate_log;
  lay.queries = params.queries != 0 ? params.queries : pcs_default_queries(params.rate_log);
  // The split with the smallest estimated proof; ties go to fewer columns (a smaller NTT
  // for the verifier). col_vars + rate_log stays within the 2-adicity.
  const unsigned max_c = std::min(vars, kTwoAdicity - params.rate_log);
  double best = 0;
  for (unsigned c = 0; c <= max_c; ++c) {
    const double b = estimated_bytes(vars, c, params.rate_log, lay.queries);
    if (c == 0 || b < best) {
      best = b;
      lay.col_vars = c;
    }
  }
  return lay;
}

double pcs_soundness_bits(const PcsLayout& lay) {
  const double ext_size = static_cast<double>(Fp::kModulus) * static_cast<double>(Fp::kModulus);
  const double gap = static_cast<double>(lay.code_len()) / ext_size;  // BCIKS20, unique decoding
  const double queries = std::exp2(-bits_per_query(lay.rate_log) * lay.queries);
  return -std::log2(gap + queries);
}

PcsProverData pcs_commit(std::span<const Fp> values, const PcsParams& params) {
  VINFER_ASSERT(!values.empty() && std::has_single_bit(values.size()));
  const unsigned vars = static_cast<unsigned>(std::countr_zero(values.size()));
  auto lay = pcs_layout(vars, params);
  VINFER_ASSERT(lay.ok());
  PcsProverData d;
  d.vars = vars;
  d.layout = *lay;
  d.values.assign(values.begin(), values.end());
  const std::size_t rows = d.layout.rows();
  const std::size_t cols = d.layout.cols();
  const std::size_t n = d.layout.code_len();
  const RsEncoder enc(d.layout.col_vars, d.layout.rate_log);

  // Encode each row in place in the row-major code matrix.
  d.encoded.resize(rows * n);
  for_range(rows, [&](std::size_t r0, std::size_t r1) {
    for (std::size_t i = r0; i < r1; ++i) {
      enc.encode(values.subspan(i * cols, cols), std::span<Fp>(d.encoded.data() + i * n, n));
    }
  });
  // The column leaves. With AVX-512, eight columns at a time straight from the row-major
  // matrix (their word in row i is one 64-byte load); otherwise a cache-sized transpose of
  // `block` columns, then each leaf from contiguous bytes (keccak_x8.hpp).
  const commit::KeccakX8Fn hash8 = commit::keccak256_x8_best();
  d.tree.assign(2 * n, commit::Hash{});
  if (n >= 8 && tensor::active_isa() == tensor::Isa::avx512) {
    const detail::KeccakColumnsX8Fn hash_cols = detail::keccak256_columns_x8_best();
    for_range(n / 8, [&](std::size_t g0, std::size_t g1) {
      for (std::size_t g = g0; g < g1; ++g) {
        hash_cols(kPcsColumnDomain, d.encoded.data() + 8 * g, n, rows, d.tree.data() + n + 8 * g);
      }
    });
  } else {
    const std::size_t block = std::min<std::size_t>(n, 256);
    for_range(n / block, [&](std::size_t b0, std::size_t b1) {
      std::vector<Fp> t(block * rows);
      for (std::size_t j0 = b0 * block; j0 < b1 * block; j0 += block) {
        for (std::size_t i = 0; i < rows; ++i) {
          const Fp* src = d.encoded.data() + i * n + j0;
          for (std::size_t k = 0; k < block; ++k) {
            t[k * rows + i] = src[k];
          }
        }
        for (std::size_t k0 = 0; k0 < block; k0 += 8) {
          const std::size_t count = std::min<std::size_t>(8, block - k0);
          const std::uint8_t* msgs[8];
          for (std::size_t k = 0; k < count; ++k) {
            msgs[k] = fp_bytes({t.data() + (k0 + k) * rows, rows}).data();
          }
          hash8(kPcsColumnDomain, msgs, count, 8 * rows, d.tree.data() + n + j0 + k0);
        }
      }
    });
  }
  // Internal nodes level by level, eight at a time: node x = H(0x01 || tree[2x] || tree[2x+1]),
  // its two children adjacent in memory (merkle.hpp's node).
  for (std::size_t level = n / 2; level >= 1; level /= 2) {
    const std::size_t groups = (level + 7) / 8;
    auto hash_groups = [&](std::size_t g0, std::size_t g1) {
      for (std::size_t x0 = level + 8 * g0; x0 < std::min(2 * level, level + 8 * g1); x0 += 8) {
        const std::size_t count = std::min<std::size_t>(8, 2 * level - x0);
        const std::uint8_t* msgs[8];
        for (std::size_t k = 0; k < count; ++k) {
          msgs[k] = d.tree[2 * (x0 + k)].data();
        }
        hash8(commit::kNodeDomain, msgs, count, 64, d.tree.data() + x0);
      }
    };
    if (groups >= 64) {
      for_range(groups, hash_groups);
    } else {
      hash_groups(0, groups);
    }
  }
  d.root = d.tree[1];
  return d;
}

void pcs_open(const PcsProverData& d,
              std::span<const std::vector<Ext>> points,
              ProverChannel& ch,
              const PcsParams& params) {
  auto lay_r = pcs_layout(d.vars, params);
  VINFER_ASSERT(lay_r.ok());
  const PcsLayout& lay = *lay_r;
  VINFER_ASSERT(lay.col_vars == d.layout.col_vars && lay.rate_log == d.layout.rate_log &&
                lay.queries == d.layout.queries);
  for (const auto& z : points) {
    VINFER_ASSERT(z.size() == d.vars);
  }
  absorb_statement(ch.transcript(), lay, points);

  // Step 1: u_j = eq(r_row)^T M; the verifier finishes the evaluation as <u_j, eq(r_col)>.
  for (const auto& z : points) {
    const std::vector<Ext> eq_row = eq_table(row_part(lay, z));
    ch.send_exts("pcs.row", row_combination(lay, d.values, eq_row));
  }
  // Step 2: the proximity row for a random combination (Ligero's testing phase).
  const std::vector<Ext> a = ch.transcript().challenge_point("pcs.prox", lay.rows());
  ch.send_exts("pcs.prox_row", row_combination(lay, d.values, a));
  // Step 3: the column queries, then the verifier's combiner (drawn to stay in step).
  const std::vector<std::uint64_t> pos = draw_positions(ch.transcript(), lay);
  (void)ch.challenge("pcs.combine");
  ByteWriter w;
  const std::size_t rows = lay.rows();
  for (std::uint64_t j : pos) {
    for (std::size_t i = 0; i < rows; ++i) {
      w.fp(d.encoded[i * lay.code_len() + j]);  // column j, top to bottom
    }
  }
  for (std::uint64_t x : multiproof_siblings(pos, lay.code_len())) {
    w.bytes(d.tree[x]);
  }
  ch.writer().bytes(w.data());
  ch.transcript().absorb("pcs.openings", w.data());
}

Status pcs_verify(const commit::Hash& root,
                  unsigned vars,
                  std::span<const std::vector<Ext>> points,
                  std::span<const Ext> values,
                  VerifierChannel& ch,
                  const PcsParams& params) {
  VINFER_TRY(const PcsLayout lay, pcs_layout(vars, params));
  if (points.size() != values.size()) {
    return fail(Errc::invalid_argument, "pcs: " + std::to_string(points.size()) + " points but " +
                                            std::to_string(values.size()) + " claimed values");
  }
  for (std::size_t j = 0; j < points.size(); ++j) {
    if (points[j].size() != vars) {
      return fail(Errc::invalid_argument,
                  "pcs: point " + std::to_string(j) + " has " + std::to_string(points[j].size()) +
                      " coordinates, the commitment has " + std::to_string(vars) + " variables");
    }
  }
  absorb_statement(ch.transcript(), lay, points);
  const std::size_t rows = lay.rows();
  const std::size_t cols = lay.cols();
  const std::uint64_t n = lay.code_len();

  // Step 1: each u_j must evaluate to the claimed value: f~(z) = <eq(r_row)^T M, eq(r_col)>.
  std::vector<std::vector<Ext>> u;
  u.reserve(points.size() + 1);
  for (std::size_t j = 0; j < points.size(); ++j) {
    VINFER_TRY(std::vector<Ext> row, ch.recv_exts("pcs.row", cols));
    const std::vector<Ext> eq_col = eq_table(col_part(lay, points[j]));
    Ext v = Ext::zero();
    for (std::size_t c = 0; c < cols; ++c) {
      v += row[c] * eq_col[c];
    }
    if (v != values[j]) {
      return fail(Errc::mismatch, "pcs: point " + std::to_string(j) +
                                      ": the row combination u does not evaluate to the "
                                      "claimed value");
    }
    u.push_back(std::move(row));
  }
  // Step 2: the proximity row.
  const std::vector<Ext> a = ch.transcript().challenge_point("pcs.prox", rows);
  VINFER_TRY(std::vector<Ext> prox, ch.recv_exts("pcs.prox_row", cols));
  u.push_back(std::move(prox));
  // Step 3: positions and combiner come from the transcript, never from the proof, so
  // they are in range by construction; the opening's length follows from them.
  const std::vector<std::uint64_t> pos = draw_positions(ch.transcript(), lay);
  const Ext gamma = ch.challenge("pcs.combine");
  const std::size_t sibling_count = multiproof_siblings(pos, n).size();
  const std::size_t column_bytes = 8 * rows;
  const std::size_t at = ch.reader().offset();
  VINFER_TRY(std::span<const std::uint8_t> open,
             ch.reader().bytes("pcs.openings", pos.size() * column_bytes + 32 * sibling_count));
  ch.transcript().absorb("pcs.openings", open);

  std::vector<Fp> opened(pos.size() * rows);
  std::vector<commit::Hash> leaves(pos.size());
  for (std::size_t q = 0; q < pos.size(); ++q) {
    const auto col = open.subspan(q * column_bytes, column_bytes);
    for (std::size_t i = 0; i < rows; ++i) {
      std::uint64_t v = 0;
      for (int b = 0; b < 8; ++b) {
        v |= static_cast<std::uint64_t>(col[8 * i + b]) << (8 * b);
      }
      if (v >= Fp::kModulus) {
        return fail(Errc::parse, "pcs: opened column " + std::to_string(q) + " (position " +
                                     std::to_string(pos[q]) + "), row " + std::to_string(i) +
                                     ", at offset " +
                                     std::to_string(at + q * column_bytes + 8 * i) +
                                     ": not a canonical field element (>= p)");
      }
      opened[q * rows + i] = Fp::from_u64(v);
    }
  }
  // The leaves H(0x04 || column) of the opened columns, eight at a time.
  const commit::KeccakX8Fn hash8 = commit::keccak256_x8_best();
  for (std::size_t q0 = 0; q0 < pos.size(); q0 += 8) {
    const std::size_t count = std::min<std::size_t>(8, pos.size() - q0);
    const std::uint8_t* msgs[8];
    for (std::size_t k = 0; k < count; ++k) {
      msgs[k] = open.data() + (q0 + k) * column_bytes;
    }
    hash8(kPcsColumnDomain, msgs, count, column_bytes, leaves.data() + q0);
  }
  const auto siblings = open.subspan(pos.size() * column_bytes);
  if (multiproof_root(pos, leaves, siblings, n) != root) {
    return fail(Errc::mismatch, "pcs: the " + std::to_string(pos.size()) +
                                    " opened columns and their Merkle siblings do not hash to "
                                    "the committed root");
  }

  // Every row must be consistent with the opened columns: Enc(u_j)[q] = <coef_j, column q>
  // with coef_j = eq(r_row_j) (coef = a for the proximity row). Checked as one combination
  // sum_j gamma^j (..): a failing row survives it with probability <= k / |Ext|.
  std::vector<Ext> w(cols, Ext::zero());
  std::vector<Ext> coef(rows, Ext::zero());
  Ext g = Ext::one();
  for (std::size_t j = 0; j < u.size(); ++j) {
    for (std::size_t c = 0; c < cols; ++c) {
      w[c] += g * u[j][c];
    }
    const std::vector<Ext> cj = j < points.size() ? eq_table(row_part(lay, points[j])) : a;
    for (std::size_t i = 0; i < rows; ++i) {
      coef[i] += g * cj[i];
    }
    g *= gamma;
  }
  std::vector<Ext> w_enc(n);
  RsEncoder(lay.col_vars, lay.rate_log).encode(std::span<const Ext>(w), std::span<Ext>(w_enc));
  for (std::size_t q = 0; q < pos.size(); ++q) {
    fast::Acc192 ra;
    fast::Acc192 rb;
    const Fp* col = opened.data() + q * rows;
    for (std::size_t i = 0; i < rows; ++i) {
      ra.add_product(coef[i].a.value(), col[i].value());
      rb.add_product(coef[i].b.value(), col[i].value());
    }
    const Ext rhs(ra.reduce(), rb.reduce());
    if (w_enc[pos[q]] != rhs) {
      return fail(Errc::mismatch, "pcs: opened column at position " + std::to_string(pos[q]) +
                                      " disagrees with the encoded row combinations (the rows "
                                      "u are not those of the committed matrix)");
    }
  }
  return ok_status();
}

}  // namespace vinfer::proof
