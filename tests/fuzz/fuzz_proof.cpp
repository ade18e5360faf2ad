// libFuzzer target: the proof verifiers (sumcheck, matmul, logUp, the PCS opening) on
// arbitrary bytes (DESIGN §8: verifiers never crash, they reject with a reason). Input layout: byte
// 0 picks the verifier and byte 1 its size parameter (both bounded so every statement stays small);
// the rest is the proof. The statement (claim, points, alpha) is fixed, so the fuzzer explores only
// proof bytes, which is all a hostile prover controls.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/proof/logup.hpp"
#include "vinfer/proof/matmul.hpp"
#include "vinfer/proof/mle.hpp"
#include "vinfer/proof/pcs.hpp"
#include "vinfer/proof/sumcheck.hpp"
#include "vinfer/proof/transcript.hpp"

using namespace vinfer::proof;

namespace {

std::vector<Ext> fixed_point(std::size_t n, std::uint64_t salt) {
  std::vector<Ext> p(n);
  for (std::size_t i = 0; i < n; ++i) {
    p[i] = Ext(Fp::from_u64(salt * 1000003 + i), Fp::from_u64(i * 7 + 1));
  }
  return p;
}

// A real commitment per size (vars 0..7) and honest claims at fixed points, so a hostile
// opening meets the same statement a verifier would hold.
struct PcsStatement {
  PcsProverData data;
  std::vector<std::vector<Ext>> points;
  std::vector<Ext> values;
};

const PcsStatement& pcs_statement(unsigned vars) {
  static std::vector<PcsStatement> cache = [] {
    std::vector<PcsStatement> all(8);
    for (unsigned v = 0; v < all.size(); ++v) {
      std::vector<Fp> table(std::size_t{1} << v);
      for (std::size_t i = 0; i < table.size(); ++i) {
        table[i] = Fp::from_u64(i * 0x9E3779B97F4A7C15ULL);
      }
      all[v].data = pcs_commit(table);
      for (std::uint64_t k = 0; k < 2; ++k) {
        all[v].points.push_back(fixed_point(v, 3 + k));
        all[v].values.push_back(mle_eval(std::span<const Fp>(table), all[v].points.back()));
      }
    }
    return all;
  }();
  return cache[vars];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  const unsigned which = data[0] % 4;
  const unsigned param = data[1] % 8;
  const std::span<const uint8_t> proof(data + 2, size - 2);
  VerifierChannel ch("fuzz", proof);
  const Ext claim(Fp::from_u64(12345), Fp::from_u64(678));
  switch (which) {
    case 0: {
      auto r = sumcheck_verify(claim, param, 1 + param % 4, ch);
      if (r.ok() && r->point.size() != param) {
        __builtin_trap();
      }
      break;
    }
    case 1: {
      const MatmulShape s{std::size_t{1} << (param % 3), 1 + param, 3 + 5 * param};
      auto ry = fixed_point(log2_ceil(s.rows), 1);
      auto rb = fixed_point(log2_ceil(s.batch), 2);
      auto r = matmul_verify(s, ry, rb, claim, ch);
      if (r.ok() && r->point_k.size() != log2_ceil(s.cols)) {
        __builtin_trap();
      }
      break;
    }
    case 3: {
      // An arbitrary opening of a real commitment at one or two points.
      const PcsStatement& st = pcs_statement(param);
      const std::size_t k = 1 + (data[1] >> 3) % 2;
      auto r = pcs_verify(st.data.root, param, std::span(st.points).first(k),
                          std::span(st.values).first(k), ch);
      (void)r;
      break;
    }
    default: {
      auto r = logup_verify(param, claim, ch);
      if (r.ok() && r->point.size() != param) {
        __builtin_trap();
      }
      break;
    }
  }
  (void)ch.finish();
  return 0;
}
