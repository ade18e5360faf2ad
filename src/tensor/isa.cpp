// CPU detection and the VINFER_ISA override.
#include "vinfer/tensor/isa.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "vinfer/assert.hpp"

namespace vinfer::tensor {
namespace {

Isa detect_best_isa() {
#if VINFER_HAVE_X86_SIMD
  // Needed when the first query runs inside a static constructor (gtest's
  // parameter generators do), before libgcc has filled its feature table.
  __builtin_cpu_init();
  // The builtins also check that the OS saves the YMM / ZMM state (XCR0).
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  if (avx2 && avx512) {
    return Isa::avx512;
  }
  if (avx2) {
    return Isa::avx2;
  }
#endif
  return Isa::scalar;
}

// -1: no test override; otherwise the Isa value set_isa_for_testing() stored.
std::atomic<int> g_test_override{-1};

bool parse_isa(std::string_view s, Isa* out) {
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512}) {
    if (s == isa_name(isa)) {
      *out = isa;
      return true;
    }
  }
  return false;
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::scalar:
      return "scalar";
    case Isa::avx2:
      return "avx2";
    case Isa::avx512:
      return "avx512";
  }
  return "unknown";
}

Isa best_isa() {
  static const Isa best = detect_best_isa();
  return best;
}

std::vector<Isa> available_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512}) {
    if (isa <= best_isa()) {
      out.push_back(isa);
    }
  }
  return out;
}

Isa resolve_isa_request(std::string_view request, Isa best, std::string* warning) {
  if (request.empty()) {
    return best;
  }
  Isa wanted = Isa::scalar;
  if (!parse_isa(request, &wanted)) {
    if (warning != nullptr) {
      *warning = "vinfer: VINFER_ISA=" + std::string(request) +
                 " is not one of scalar, avx2, avx512; using " + isa_name(best);
    }
    return best;
  }
  // Families are ordered, so "supported" is "not above the best one".
  if (wanted > best) {
    if (warning != nullptr) {
      *warning = "vinfer: VINFER_ISA=" + std::string(request) +
                 " is not supported by this CPU or build; using " + isa_name(best);
    }
    return best;
  }
  return wanted;
}

Isa isa_from_environment() {
  const char* env = std::getenv("VINFER_ISA");
  std::string warning;
  const Isa isa = resolve_isa_request(env == nullptr ? "" : env, best_isa(), &warning);
  if (!warning.empty()) {
    std::fprintf(stderr, "%s\n", warning.c_str());
  }
  return isa;
}

Isa active_isa() {
  const int forced = g_test_override.load(std::memory_order_relaxed);
  if (forced >= 0) {
    return static_cast<Isa>(forced);
  }
  static const Isa from_env = isa_from_environment();
  return from_env;
}

void set_isa_for_testing(Isa isa) {
  VINFER_ASSERT(isa <= best_isa());
  g_test_override.store(static_cast<int>(isa), std::memory_order_relaxed);
}

}  // namespace vinfer::tensor
