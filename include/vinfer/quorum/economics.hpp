// The economics of sampled mode (DESIGN §1, sampled:p): one node answers, and with a
// probability p that it cannot see an auditor re-runs the job; a mismatch costs the node
// its reward and its stake. Proof of sampling: honesty is the unique equilibrium when
//
//   p > C / ((1 − r)(R + S))
//
// C = the cost a cheater saves per job, R = the job's reward, S = the stake a caught node
// loses, r = the share of auditors that collude with the cheater (a colluding auditor
// never reports). Per job, relative to an honest node, a cheater gains C and, when an
// honest auditor draws the job (probability p(1 − r)), loses R + S: its expected gain is
// C − p(1 − r)(R + S), negative exactly above that bound.
//
// Profit accounting, per job, leaving out every cost both strategies share:
//   honest   R − C      it is paid and spends the C the cheater saves; the engine is
//                       bit-exact, so an honest node is never caught
//   cheater  R          not audited, or audited by a colluder
//            −S         caught: no reward, stake slashed (re-bonded for the next job)
//
// Doubles are fine here: this is advice on choosing p and S, not the canonical path; no
// result of this file is ever hashed or compared across nodes.
#pragma once

#include <cstdint>

#include "vinfer/result.hpp"

namespace vinfer::quorum {

/// The parameters of the audit game. Every error message about them starts with the
/// field's name ("collusion = 1: ..."), which `vinfer econ` turns into its option's name.
struct AuditInputs {
  double cost = 0;       ///< C: cost saved by cheating on one job, >= 0
  double reward = 0;     ///< R: the job's reward, >= 0
  double stake = 0;      ///< S: stake slashed when caught, >= 0; R + S > 0
  double collusion = 0;  ///< r: share of auditors colluding with the cheater, in [0, 1)
};

/// Errors unless every field is finite and in range (see AuditInputs).
Status check_audit_inputs(const AuditInputs& in);

/// C / ((1 − r)(R + S)): honesty is the unique equilibrium for every p above it. It may
/// exceed 1: then no audit rate deters cheating, and the stake must grow.
Result<double> min_audit_probability(const AuditInputs& in);

/// C / (p(1 − r)) − R, at least 0: at audit probability p, cheating pays more than
/// honesty for every stake below it (the gain C − p(1 − r)(R + S) is positive). `stake`
/// is ignored. Errors: p outside (0, 1] (never audited: no stake deters).
Result<double> min_stake(const AuditInputs& in, double p);

/// The outcome of simulating one always-cheating node.
struct CheaterSimulation {
  uint64_t jobs = 0;                  ///< jobs simulated
  uint64_t audited = 0;               ///< jobs an auditor drew
  uint64_t caught = 0;                ///< of those, drawn by an honest (non-colluding) auditor
  double cheat_profit_per_job = 0;    ///< simulated mean profit of always cheating
  double honest_profit_per_job = 0;   ///< R − C (deterministic: honesty is never caught)
  double cheat_expected_per_job = 0;  ///< R − p(1 − r)(R + S), the mean the simulation estimates
};

/// Simulates `jobs` jobs of a node that always cheats, at audit probability `p`: each job
/// is audited with probability p, its auditor colludes with probability r. Deterministic:
/// the draws are splitmix64 from `seed`, two per job, so the same arguments give the same
/// numbers on every machine. Errors: bad inputs (check_audit_inputs), p outside [0, 1],
/// jobs outside [1, 10^9].
Result<CheaterSimulation> simulate_cheater(const AuditInputs& in,
                                           double p,
                                           uint64_t jobs,
                                           uint64_t seed);

}  // namespace vinfer::quorum
