// Sumcheck prover and verifier (protocol and notation: sumcheck.hpp).
#include "vinfer/proof/sumcheck.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "vinfer/assert.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::proof {

unsigned sumcheck_degree(const std::vector<SumcheckTerm>& terms) {
  unsigned d = 0;
  for (const SumcheckTerm& t : terms) {
    d = std::max<unsigned>(d, static_cast<unsigned>(t.factors.size()));
  }
  return d;
}

Ext interpolate_at(const std::vector<Ext>& evals, Ext r) {
  // Lagrange on the nodes 0..d: s(r) = sum_i s_i prod_{j != i} (r - j) / (i - j).
  const std::size_t n = evals.size();
  VINFER_ASSERT(n >= 1);
  Ext acc = Ext::zero();
  for (std::size_t i = 0; i < n; ++i) {
    Ext num = Ext::one();
    Fp den = Fp::one();
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) {
        continue;
      }
      num *= r - Ext(Fp::from_u64(j));
      den *= Fp::from_i64(static_cast<std::int64_t>(i) - static_cast<std::int64_t>(j));
    }
    acc += evals[i] * num * den.inverse();
  }
  return acc;
}

namespace {

// The prover's loops are split over threads when a table is this large; field addition is
// exact, so the sums (and the proof bytes) do not depend on the split.
constexpr std::size_t kParallelPairs = std::size_t{1} << 12;

tensor::ThreadPool* proof_pool(std::unique_lock<std::mutex>& lock) {
  static std::mutex mu;
  static tensor::ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
  lock = std::unique_lock<std::mutex>(mu, std::try_to_lock);
  return lock.owns_lock() && pool.size() > 1 ? &pool : nullptr;  // busy: run inline
}

void for_range(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn) {
  std::unique_lock<std::mutex> lock;
  tensor::ThreadPool* pool = n >= kParallelPairs ? proof_pool(lock) : nullptr;
  if (pool == nullptr) {
    fn(0, n);
    return;
  }
  pool->parallel_for(pool->size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t part = b; part < e; ++part)
      fn(n * part / pool->size(), n * (part + 1) / pool->size());
  });
}

// at[z] = t(.., z, ..) for z = 0..d at pair k: the line through t[2k] and t[2k + 1].
inline void extend_pair(const std::vector<Ext>& t, std::size_t k, unsigned d, Ext* at) {
  const Ext lo = t[2 * k];
  const Ext diff = t[2 * k + 1] - lo;
  Ext v = lo;
  for (unsigned z = 0; z <= d; ++z) {
    at[z] = v;
    v += diff;
  }
}

// Binds variable 0 of every table to r, out of place (another thread may still read the
// entries an in-place fold overwrites) into `scratch`, whose buffers are reused round to
// round: after the swap they hold the previous, larger tables.
void fold_all(std::vector<std::vector<Ext>>& tables,
              std::vector<std::vector<Ext>>& scratch,
              Ext r) {
  const std::size_t half = tables[0].size() / 2;
  scratch.resize(tables.size());
  for (auto& t : scratch)
    t.resize(half);
  for_range(half, [&](std::size_t k0, std::size_t k1) {
    for (std::size_t j = 0; j < tables.size(); ++j)
      for (std::size_t k = k0; k < k1; ++k)
        scratch[j][k] = tables[j][2 * k] + r * (tables[j][2 * k + 1] - tables[j][2 * k]);
  });
  tables.swap(scratch);
}

}  // namespace

SumcheckProverOut sumcheck_prove(std::vector<std::vector<Ext>> tables,
                                 const std::vector<SumcheckTerm>& terms,
                                 ProverChannel& ch) {
  VINFER_ASSERT(!tables.empty());
  const std::size_t size = tables[0].size();
  for (const auto& t : tables) {
    VINFER_ASSERT(t.size() == size);
  }
  for (const SumcheckTerm& t : terms) {
    for (unsigned f : t.factors) {
      VINFER_ASSERT(f < tables.size());
    }
  }
  const unsigned n = log2_ceil(size);
  VINFER_ASSERT((std::size_t{1} << n) == size);
  const unsigned d = sumcheck_degree(terms);
  // The tables any term reads (others are only folded).
  std::vector<unsigned> used;
  for (const SumcheckTerm& t : terms)
    for (unsigned f : t.factors)
      if (std::find(used.begin(), used.end(), f) == used.end())
        used.push_back(f);

  SumcheckProverOut out;
  std::vector<Ext> s(d + 1);
  std::mutex s_mu;
  std::vector<std::vector<Ext>> scratch;
  // The common case of one product of two tables (matmul, claim batching), unrolled.
  const bool product2 = terms.size() == 1 && terms[0].factors.size() == 2;
  for (unsigned round = 0; round < n; ++round) {
    // Thaler §4.1, round i: s_i(z) for z = 0..d, summed over the unbound variables.
    std::fill(s.begin(), s.end(), Ext::zero());
    const std::size_t half = tables[0].size() / 2;
    if (product2) {
      const std::vector<Ext>& a = tables[terms[0].factors[0]];
      const std::vector<Ext>& b = tables[terms[0].factors[1]];
      for_range(half, [&](std::size_t k0, std::size_t k1) {
        Ext s0 = Ext::zero(), s1 = Ext::zero(), s2 = Ext::zero();
        for (std::size_t k = k0; k < k1; ++k) {
          const Ext a0 = a[2 * k], a1 = a[2 * k + 1], b0 = b[2 * k], b1 = b[2 * k + 1];
          s0 += a0 * b0;
          s1 += a1 * b1;
          s2 += (a1 + a1 - a0) * (b1 + b1 - b0);
        }
        std::lock_guard<std::mutex> g(s_mu);
        s[0] += terms[0].coef * s0;
        s[1] += terms[0].coef * s1;
        s[2] += terms[0].coef * s2;
      });
    } else {
      for_range(half, [&](std::size_t k0, std::size_t k1) {
        std::vector<Ext> at(tables.size() * (d + 1));  // at[j * (d+1) + z] = f_j(.., z, ..)
        std::vector<Ext> part(d + 1, Ext::zero());
        for (std::size_t k = k0; k < k1; ++k) {
          for (unsigned j : used)
            extend_pair(tables[j], k, d, &at[j * (d + 1)]);
          for (unsigned z = 0; z <= d; ++z) {
            Ext sum = Ext::zero();
            for (const SumcheckTerm& t : terms) {
              Ext p = t.coef;
              for (unsigned f : t.factors)
                p *= at[f * (d + 1) + z];
              sum += p;
            }
            part[z] += sum;
          }
        }
        std::lock_guard<std::mutex> g(s_mu);
        for (unsigned z = 0; z <= d; ++z)
          s[z] += part[z];
      });
    }
    ch.send_exts("sumcheck.round", s);
    const Ext r = ch.challenge("sumcheck.r");
    out.point.push_back(r);
    fold_all(tables, scratch, r);
  }
  out.finals.reserve(tables.size());
  for (const auto& t : tables) {
    out.finals.push_back(t[0]);
  }
  return out;
}

SumcheckProverOut sumcheck_prove_eq(std::span<const Ext> w,
                                    std::vector<std::vector<Ext>> tables,
                                    const std::vector<SumcheckTerm>& terms,
                                    ProverChannel& ch) {
  const unsigned n = static_cast<unsigned>(w.size());
  for (const auto& t : tables)
    VINFER_ASSERT(t.size() == (std::size_t{1} << n));
  const unsigned din = sumcheck_degree(terms);  // degree of the inner sum in each variable
  const unsigned d = din + 1;
  constexpr unsigned kMaxPoints = 8;
  VINFER_ASSERT(din + 1 <= kMaxPoints);
  // Flattened terms: the tables read, and per term its coefficient and factor positions.
  std::vector<unsigned> used;
  std::vector<std::vector<unsigned>> pos(terms.size());
  for (std::size_t t = 0; t < terms.size(); ++t) {
    for (unsigned f : terms[t].factors) {
      VINFER_ASSERT(f < tables.size());
      auto it = std::find(used.begin(), used.end(), f);
      if (it == used.end()) {
        used.push_back(f);
        it = used.end() - 1;
      }
      pos[t].push_back(static_cast<unsigned>(it - used.begin()));
    }
  }
  const std::size_t nu = used.size();
  // The same terms as (coef, first factor, second factor) over `used` (-1: absent).
  struct Quad {
    Ext coef;
    bool unit;
    int a, b;
  };
  constexpr std::size_t kQuadTables = 16;
  std::vector<Quad> quads;
  for (std::size_t t = 0; t < terms.size(); ++t) {
    quads.push_back({terms[t].coef, terms[t].coef == Ext::one(),
                     pos[t].empty() ? -1 : static_cast<int>(pos[t][0]),
                     pos[t].size() < 2 ? -1 : static_cast<int>(pos[t][1])});
  }
  SumcheckProverOut out;
  std::vector<std::vector<Ext>> scratch;
  Ext scale = Ext::one();  // eq(w_<i, r_<i)
  std::vector<Ext> I(din + 1), s(d + 1);
  std::mutex mu;
  for (unsigned round = 0; round < n; ++round) {
    const std::vector<Ext> e = eq_table(w.subspan(round + 1));
    const std::size_t half = std::size_t{1} << (n - round - 1);
    std::fill(I.begin(), I.end(), Ext::zero());
    if (din == 2 && nu <= kQuadTables) {
      // Every term has at most two factors (logUp layers, most identities): unrolled over
      // z = 0, 1, 2 with the pair's values on the stack.
      for_range(half, [&](std::size_t k0, std::size_t k1) {
        Ext p0 = Ext::zero(), p1 = Ext::zero(), p2 = Ext::zero();
        Ext v0[kQuadTables], v1[kQuadTables], v2[kQuadTables];
        for (std::size_t k = k0; k < k1; ++k) {
          for (std::size_t u = 0; u < nu; ++u) {
            const std::vector<Ext>& tb = tables[used[u]];
            v0[u] = tb[2 * k];
            v1[u] = tb[2 * k + 1];
            v2[u] = v1[u] + v1[u] - v0[u];
          }
          Ext s0 = Ext::zero(), s1 = Ext::zero(), s2 = Ext::zero();
          for (const Quad& q : quads) {
            Ext a0 = q.coef, a1 = q.coef, a2 = q.coef;
            if (q.a >= 0) {
              a0 = q.unit ? v0[q.a] : a0 * v0[q.a];
              a1 = q.unit ? v1[q.a] : a1 * v1[q.a];
              a2 = q.unit ? v2[q.a] : a2 * v2[q.a];
            }
            if (q.b >= 0) {
              a0 *= v0[q.b];
              a1 *= v1[q.b];
              a2 *= v2[q.b];
            }
            s0 += a0;
            s1 += a1;
            s2 += a2;
          }
          p0 += e[k] * s0;
          p1 += e[k] * s1;
          p2 += e[k] * s2;
        }
        std::lock_guard<std::mutex> g(mu);
        I[0] += p0;
        I[1] += p1;
        I[2] += p2;
      });
    } else {
      for_range(half, [&](std::size_t k0, std::size_t k1) {
        std::vector<Ext> at(nu * (din + 1));
        Ext part[kMaxPoints];
        for (unsigned z = 0; z <= din; ++z)
          part[z] = Ext::zero();
        for (std::size_t k = k0; k < k1; ++k) {
          for (std::size_t u = 0; u < nu; ++u)
            extend_pair(tables[used[u]], k, din, &at[u * (din + 1)]);
          for (unsigned z = 0; z <= din; ++z) {
            Ext sum = Ext::zero();
            for (std::size_t t = 0; t < terms.size(); ++t) {
              Ext p = terms[t].coef;
              for (unsigned q : pos[t])
                p *= at[q * (din + 1) + z];
              sum += p;
            }
            part[z] += e[k] * sum;
          }
        }
        std::lock_guard<std::mutex> g(mu);
        for (unsigned z = 0; z <= din; ++z)
          I[z] += part[z];
      });
    }
    const Ext wi = w[round];
    for (unsigned z = 0; z <= d; ++z) {
      const Ext zz(Fp::from_u64(z));
      const Ext eqz = wi * zz + (Ext::one() - wi) * (Ext::one() - zz);
      const Ext iz = z <= din ? I[z] : interpolate_at(I, zz);
      s[z] = scale * eqz * iz;
    }
    ch.send_exts("sumcheck.round", s);
    const Ext r = ch.challenge("sumcheck.r");
    out.point.push_back(r);
    scale *= wi * r + (Ext::one() - wi) * (Ext::one() - r);
    fold_all(tables, scratch, r);
  }
  for (const auto& t : tables)
    out.finals.push_back(t[0]);
  return out;
}

Result<SumcheckClaim> sumcheck_verify(Ext claim, unsigned n, unsigned degree, VerifierChannel& ch) {
  SumcheckClaim out;
  out.point.reserve(n);
  for (unsigned round = 0; round < n; ++round) {
    VINFER_TRY(std::vector<Ext> s, ch.recv_exts("sumcheck.round", degree + 1));
    // Thaler §4.1, round i: s_i(0) + s_i(1) must equal the running claim.
    if (s[0] + s[1] != claim) {
      return fail(Errc::mismatch, "sumcheck round " + std::to_string(round) + " of " +
                                      std::to_string(n) +
                                      ": s(0) + s(1) differs from the claimed sum");
    }
    const Ext r = ch.challenge("sumcheck.r");
    out.point.push_back(r);
    claim = interpolate_at(s, r);
  }
  out.value = claim;
  return out;
}

}  // namespace vinfer::proof
