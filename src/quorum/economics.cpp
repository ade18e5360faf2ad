// Audit economics of sampled mode (economics.hpp).
#include "vinfer/quorum/economics.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace vinfer::quorum {
namespace {

constexpr uint64_t kMaxJobs = 1000000000;

// "0.25", "1e+30", "nan": a value as an error message shows it.
std::string show(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Status check_field(const char* name, double v, bool ok, const char* rule) {
  if (!std::isfinite(v))
    return fail(Errc::invalid_argument,
                std::string(name) + " = " + show(v) + ": not a finite number");
  if (!ok)
    return fail(Errc::invalid_argument, std::string(name) + " = " + show(v) + ": " + rule);
  return ok_status();
}

Status check_p(double p, bool zero_ok) {
  return check_field("p", p, (zero_ok ? p >= 0 : p > 0) && p <= 1,
                     zero_ok ? "an audit probability is in [0, 1]"
                             : "must be in (0, 1]: a node never audited is deterred by no stake");
}

// splitmix64 (Steele, Lea, Flood 2014): a counter-based generator whose output is the same
// on every platform; enough for a Monte-Carlo estimate.
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A uniform double in [0, 1) from the top 53 bits: exact, so comparisons are reproducible.
double uniform(uint64_t& state) {
  return static_cast<double>(splitmix64(state) >> 11) * 0x1p-53;
}

// Every field but the stake (min_stake does not read it).
Status check_cost_reward_collusion(const AuditInputs& in) {
  VINFER_CHECK(check_field("cost", in.cost, in.cost >= 0, "the cost a cheater saves is >= 0"));
  VINFER_CHECK(check_field("reward", in.reward, in.reward >= 0, "a reward is >= 0"));
  return check_field("collusion", in.collusion, in.collusion >= 0 && in.collusion < 1,
                     "must be in [0, 1): at 1 every auditor colludes and no audit catches a "
                     "cheater");
}

}  // namespace

Status check_audit_inputs(const AuditInputs& in) {
  VINFER_CHECK(check_cost_reward_collusion(in));
  VINFER_CHECK(check_field("stake", in.stake, in.stake >= 0, "a stake is >= 0"));
  if (!(in.reward + in.stake > 0))
    return fail(Errc::invalid_argument,
                "stake = 0 with reward = 0: a caught cheater loses nothing, so no audit "
                "probability deters cheating");
  return ok_status();
}

Result<double> min_audit_probability(const AuditInputs& in) {
  VINFER_CHECK(check_audit_inputs(in));
  return in.cost / ((1 - in.collusion) * (in.reward + in.stake));
}

Result<double> min_stake(const AuditInputs& in, double p) {
  VINFER_CHECK(check_p(p, /*zero_ok=*/false));
  VINFER_CHECK(check_cost_reward_collusion(in));
  const double s = in.cost / (p * (1 - in.collusion)) - in.reward;
  return s > 0 ? s : 0.0;
}

Result<CheaterSimulation> simulate_cheater(const AuditInputs& in,
                                           double p,
                                           uint64_t jobs,
                                           uint64_t seed) {
  VINFER_CHECK(check_audit_inputs(in));
  VINFER_CHECK(check_p(p, /*zero_ok=*/true));
  if (jobs == 0 || jobs > kMaxJobs)
    return fail(Errc::invalid_argument,
                "jobs = " + std::to_string(jobs) + ": must be in [1, 10^9]");
  CheaterSimulation s;
  s.jobs = jobs;
  uint64_t state = seed;
  for (uint64_t j = 0; j < jobs; ++j) {
    // Two draws every job, audited or not, so job j's draws do not depend on earlier jobs.
    const bool audited = uniform(state) < p;
    const bool colluding = uniform(state) < in.collusion;
    s.audited += audited;
    s.caught += audited && !colluding;
  }
  // Profit sums as counts times amounts: exact in the counts, one rounding per product.
  const double n = static_cast<double>(jobs);
  const double caught = static_cast<double>(s.caught);
  s.cheat_profit_per_job = ((n - caught) * in.reward - caught * in.stake) / n;
  s.honest_profit_per_job = in.reward - in.cost;
  s.cheat_expected_per_job = in.reward - p * (1 - in.collusion) * (in.reward + in.stake);
  return s;
}

}  // namespace vinfer::quorum
