// One sampled:p job (DESIGN §1, sampled:p) as a pure state machine: one worker answers
// (selected elsewhere, select_quorum with n = 1), and every registered auditor privately
// draws itself with probability p; a drawn auditor re-runs the job and commits its own
// output. Like round.hpp: no I/O, no clock of its own (every call takes the block
// number), no money (the ledger pays and slashes as the outcome says).
//
//   register  before the job is posted, each auditor registers
//               audit_commitment(auditor, secret) = keccak256("VQA1" || auditor || secret)
//             for a secret only it knows. The id is in the preimage, so a copied
//             registration is useless: the copier can never open it.
//   commit    blocks (t0, t0 + C]: the worker posts its output commitment (commitment.hpp)
//   audit     blocks (t0 + C, t0 + C + A]: an auditor computes its draw
//               audit_draw(secret, job_id, worker_commitment)
//                 = be64(first 8 bytes of keccak256("VQD1" || secret || job_id || wc))
//             and, if it is selected (draw × 10000 < p_bps × 2^64), re-runs the job and
//             posts its own output commitment
//   reveal    blocks (t0 + C + A, t0 + C + A + R]: the worker opens (output, salt); each
//             auditor that committed opens (output, salt) and reveals its secret, which
//             proves its selection
//   settle    any block after the reveal deadline (settle)
//
// Why the worker cannot tell whether it is audited before it commits: the draw is a
// function of the worker's commitment, so no auditor can draw, let alone act, before the
// worker has committed; and nothing visible before that commit depends on an auditor's
// secret except its registered commitment, a keccak hash that hides the secret. Each
// auditor draws independently, so auditors colluding with the worker cannot crowd out an
// honest one. Why an auditor cannot copy the worker: the worker's output stays hidden
// (salted) until the audit phase has closed, and auditor commitments bind the auditor's
// id, so a copy of the worker's commitment can never be opened.
//
// A revealed secret is spent: anyone who knows an auditor's secret can compute its draw
// for any worker commitment, so a worker could grind its salt until that auditor is not
// drawn. The ledger must retire a registration once its secret is revealed, and the
// auditor registers a fresh one (docs/quorum.md "Sampled mode").
//
// A call that fails a check is rejected with an error naming the problem and changes
// nothing; every check a reveal needs is made at reveal time, so a proven audit is the
// only kind the state ever holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/quorum/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::quorum {

/// The domain tag of auditors' registered commitments.
inline constexpr char kAuditCommitmentTag[4] = {'V', 'Q', 'A', '1'};

/// The domain tag of audit draws.
inline constexpr char kAuditDrawTag[4] = {'V', 'Q', 'D', '1'};

/// keccak256("VQA1" || auditor || secret): what `auditor` registers before any job it may
/// audit is posted. Solidity: keccak256(abi.encodePacked(bytes4("VQA1"), auditor, secret)).
Hash audit_commitment(const NodeId& auditor, const Hash& secret);

/// The first 8 bytes, big-endian, of keccak256("VQD1" || secret || job_id ||
/// worker_commitment). Solidity: uint64(bytes8(keccak256(abi.encodePacked(bytes4("VQD1"),
/// secret, jobId, workerCommitment)))).
uint64_t audit_draw(const Hash& secret, const Hash& job_id, const Hash& worker_commitment);

/// True if `draw` selects its auditor at audit probability `p_bps`: draw × 10000 <
/// p_bps × 2^64, compared exactly in 128 bits (Solidity: uint256(draw) * 10000 <
/// uint256(p_bps) << 64). That is draw < p_bps × 2^64 / 10000 as a real number: of the
/// 2^64 draws exactly ceil(p_bps × 2^64 / 10000) select, within 2^-64 of p. p_bps = 0
/// selects none, p_bps = 10000 every one.
bool draw_selects(uint64_t draw, uint32_t p_bps);

/// An honest auditor's decision: whether `secret` selects it for the job whose worker
/// committed `worker_commitment`, at audit probability `p_bps`.
bool auditor_selected(const Hash& secret,
                      const Hash& job_id,
                      const Hash& worker_commitment,
                      uint32_t p_bps);

/// auditors × p: the mean number of audits per job, each auditor drawing independently
/// with probability p = p_bps / 10000; the job costs (1 + this) node-inferences. Advice
/// (a double, never hashed); p_bps <= 10000.
double expected_audits(uint32_t p_bps, size_t auditors);

/// 1 − (1 − p)^auditors: the probability that at least one auditor draws the job. This is
/// proof of sampling's p (economics.hpp) when `auditors` counts the honest auditors only:
/// a colluding auditor that draws the job never reports. Advice (a double); p_bps <= 10000.
double audit_probability(uint32_t p_bps, size_t auditors);

/// Rules every sampled job on one ledger shares; each phase lasts at least one block.
struct SampledParams {
  uint64_t commit_blocks = 8;  ///< C: blocks after opening in which the worker commits
  uint64_t audit_blocks = 8;   ///< A: blocks after the commit deadline in which auditors commit
  uint64_t reveal_blocks = 8;  ///< R: blocks after the audit deadline in which all reveal
  uint32_t p_bps = 1000;       ///< each auditor's draw probability, in basis points (<= 10000)
};

enum class SampledPhase : uint8_t { commit, audit, reveal, settle };
const char* sampled_phase_name(SampledPhase p);

/// An auditor as the ledger registered it, before the job was posted.
struct RegisteredAuditor {
  NodeId id{};
  Hash commitment{};  ///< audit_commitment(id, secret)
  bool operator==(const RegisteredAuditor&) const = default;
};

/// One registered auditor's place in the job.
struct AuditSeat {
  NodeId id{};
  Hash registered{};  ///< its audit_commitment, snapshot at open
  bool committed = false;
  Hash commitment{};  ///< its output commitment, if committed
  bool revealed = false;
  Hash output_hash{};  ///< its output, if revealed (and its selection proven)
  bool operator==(const AuditSeat&) const = default;
};

/// What the worker did.
enum class WorkerOutcome : uint8_t {
  revealed,       ///< committed and revealed its output
  not_revealed,   ///< committed but did not reveal in time: slashed
  not_committed,  ///< never committed: slashed
};
const char* worker_outcome_name(WorkerOutcome o);

/// What became of an auditor that committed to an audit.
enum class AuditOutcome : uint8_t {
  agreed,        ///< proved its selection and revealed the worker's output
  disagreed,     ///< proved its selection and revealed another output: a challenger
  unmatched,     ///< proved its selection, but the worker revealed nothing to compare with
  not_revealed,  ///< committed to an audit it never backed with an accepted reveal: slashed
};
const char* audit_outcome_name(AuditOutcome o);

/// True for the auditor outcomes that lose stake.
constexpr bool is_slashed(AuditOutcome o) {
  return o == AuditOutcome::not_revealed;
}

enum class SampledVerdict : uint8_t {
  paid,            ///< the worker revealed and no audit disagrees (or there was none)
  escalate,        ///< the worker revealed and at least one audit disagrees: dispute game
  worker_slashed,  ///< the worker did not commit or did not reveal
};
const char* sampled_verdict_name(SampledVerdict v);

/// One audit's result.
struct AuditResult {
  NodeId auditor{};
  AuditOutcome outcome = AuditOutcome::not_revealed;
  Hash output_hash{};  ///< what it revealed (zero if it did not)
  bool operator==(const AuditResult&) const = default;
};

/// The result of a sampled job.
struct SampledOutcome {
  SampledVerdict verdict = SampledVerdict::worker_slashed;
  WorkerOutcome worker = WorkerOutcome::not_committed;
  Hash output_hash{};                    ///< the worker's revealed output (zero if none)
  std::vector<AuditResult> audits;       ///< every auditor that committed, in seat order
  std::vector<NodeId> disagreeing;       ///< the challengers, when the verdict is escalate
  std::vector<NodeId> slashed_auditors;  ///< committed, no accepted reveal

  bool audited() const { return !audits.empty(); }
  bool operator==(const SampledOutcome&) const = default;
};

/// Everything a sampled job is; the contracts store the same fields.
struct SampledRound {
  Hash job_id{};
  NodeId worker{};
  uint32_t p_bps = 0;
  uint64_t opened_at = 0;
  uint64_t commit_deadline = 0;  ///< last block the worker's commit is accepted
  uint64_t audit_deadline = 0;   ///< last block an auditor's commit is accepted
  uint64_t reveal_deadline = 0;  ///< last block a reveal is accepted; settle after it
  bool worker_committed = false;
  Hash worker_commitment{};
  bool worker_revealed = false;
  Hash worker_output{};
  std::vector<AuditSeat> auditors;  ///< in the order registered

  /// Opens job `job_id` at block `now` for `worker` with the auditors registered at that
  /// block (there may be none: the job is then never audited). Errors: p_bps > 10000, a
  /// phase of zero blocks, deadlines past 2^64 - 1, an auditor listed twice, the worker
  /// listed as an auditor (it would audit itself).
  static Result<SampledRound> open(const Hash& job_id,
                                   const NodeId& worker,
                                   std::span<const RegisteredAuditor> auditors,
                                   const SampledParams& params,
                                   uint64_t now);

  /// The phase at block `now` (commit also before opening; callers get an error then).
  SampledPhase phase(uint64_t now) const;

  /// The worker posts `commitment` at block `now`. Rejected: `node` is not the worker,
  /// `now` is outside the commit phase, or the worker has committed already.
  Status commit(const NodeId& node, const Hash& commitment, uint64_t now);

  /// Auditor `node` posts its output commitment at block `now`. Nothing about its
  /// selection is checked here: that needs its secret, which stays private until the
  /// reveal. Rejected: `node` is not a registered auditor, `now` is outside the audit
  /// phase (before it, the worker's commitment, which the draw hashes, may not exist yet),
  /// the worker did not commit (nothing to draw against), the auditor has committed
  /// already, or `commitment` equals the worker's or another auditor's (a copy).
  Status audit_commit(const NodeId& node, const Hash& commitment, uint64_t now);

  /// The worker opens its commitment at block `now`. Rejected: `node` is not the worker,
  /// `now` is outside the reveal phase (during the audit phase an auditor could copy the
  /// output), the worker did not commit or has revealed already, or (output_hash, salt)
  /// does not open its commitment.
  Status reveal(const NodeId& node, const Hash& output_hash, const Hash& salt, uint64_t now);

  /// Auditor `node` opens its commitment and proves its selection at block `now`.
  /// Rejected, each with its own message: `node` is not a registered auditor; `now` is
  /// outside the reveal phase; it did not commit or has revealed already; (output_hash,
  /// salt) does not open its commitment for this job and auditor; `secret` does not open
  /// its registered commitment (a wrong secret, or another auditor's); or the draw does
  /// not select it. An auditor that never gets a reveal accepted is slashed at settle.
  Status audit_reveal(const NodeId& node,
                      const Hash& output_hash,
                      const Hash& salt,
                      const Hash& secret,
                      uint64_t now);

  /// The result, at any block after the reveal deadline (an error before).
  Result<SampledOutcome> settle(uint64_t now) const;

  bool operator==(const SampledRound&) const = default;
};

}  // namespace vinfer::quorum
