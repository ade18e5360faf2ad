// Instruction-set families of the tensor kernels and the run-time choice between them.
//
// The project is compiled for baseline x86-64; SIMD kernels carry their own
// target attributes and are only called after the CPU has been asked. Every
// family computes the same integers, so the choice changes speed, never bits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

/// 1 when this build contains the x86 AVX2 / AVX-512 kernels (VINFER_SIMD=ON on x86-64).
#if !defined(VINFER_NO_SIMD) && (defined(__x86_64__) || defined(__i386__))
#define VINFER_HAVE_X86_SIMD 1
#else
#define VINFER_HAVE_X86_SIMD 0
#endif

namespace vinfer::tensor {

/// A kernel family, ordered: a CPU that runs a family also runs every lower one.
enum class Isa {
  scalar,  ///< portable C++, the `_ref` kernels
  avx2,    ///< AVX2 + FMA (Haswell, Zen 1 and later)
  avx512,  ///< AVX-512 F + BW + VL + VNNI (Cascade Lake, Ice Lake, Zen 4 and later)
};

/// "scalar", "avx2" or "avx512": the spelling accepted by VINFER_ISA.
const char* isa_name(Isa isa);

/// The fastest family both this CPU and this build support.
Isa best_isa();

/// Every family this CPU and build support, lowest first (always starts with scalar).
std::vector<Isa> available_isas();

/// The family the dispatchers use: best_isa(), unless VINFER_ISA names another
/// one. The variable is read once, on the first call; a request that is unknown
/// or unsupported prints one warning to stderr and falls back to best_isa().
Isa active_isa();

/// Makes every later dispatch use `isa` (which must be in available_isas()), so a
/// test can run each family in one process. Not for production code paths.
void set_isa_for_testing(Isa isa);

/// The choice VINFER_ISA=`request` leads to on a CPU whose best family is `best`.
/// Empty means "no request". On an unknown or unsupported request returns `best`
/// and, when `warning` is not null, stores a one-line explanation in it.
Isa resolve_isa_request(std::string_view request, Isa best, std::string* warning);

/// Reads VINFER_ISA now (not cached), prints the warning if any, returns the choice.
/// active_isa() is this function's first result.
Isa isa_from_environment();

}  // namespace vinfer::tensor
