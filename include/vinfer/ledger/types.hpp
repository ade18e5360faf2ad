// The records a ledger keeps (DESIGN §6): its parameters, the model registry, jobs with
// their escrow and result claim, dispute games with their bonds, quorum jobs with their
// round, tally and payout, and the money totals. MemoryLedger and EvmLedger return the
// same records.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "vinfer/dispute/game.hpp"
#include "vinfer/dispute/types.hpp"
#include "vinfer/ledger/address.hpp"
#include "vinfer/model/config.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/quorum/audit.hpp"
#include "vinfer/quorum/payout.hpp"
#include "vinfer/quorum/round.hpp"
#include "vinfer/quorum/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::ledger {

/// The rules of one ledger; fixed when it is created (a database remembers them).
struct Params {
  Amount worker_bond = 1000;           ///< a worker locks this with every result claim
  Amount challenger_bond = 1000;       ///< a challenger locks this with every game it opens
  uint64_t challenge_window = 20;      ///< blocks after a claim during which it can be challenged
  dispute::GameParams game;            ///< the dispute game's clocks
  uint32_t winner_share_pct = 50;      ///< share of a loser's bond paid to the winner; rest burned
  Amount min_stake = 100;              ///< a non-zero stake must be at least this
  uint64_t unbonding_blocks = 10;      ///< unbonded stake is withdrawable after this many blocks
  quorum::RoundParams round;           ///< the commit and reveal phases of every quorum round
  uint32_t slash_bps = quorum::kBps;   ///< share of a slashed quorum node's stake it loses
  uint32_t majority_share_bps = 5000;  ///< share of the slashed stake paid to the majority
  bool operator==(const Params&) const;
};

/// Checks the parameters (shares within 100 %, a non-zero game clock, quorum phases of at
/// least one block); the error names the field.
Status validate(const Params& p);

/// A node's X25519 public key, to which sealed jobs are encrypted (roles/sealed.hpp).
using NodeKey = std::array<uint8_t, 32>;

/// The quorum layer's id of a ledger account. quorum sits below ledger and has its own
/// NodeId; both are an EVM address, so the conversion is a copy that the static_assert
/// keeps honest if either type changes.
inline quorum::NodeId to_node_id(const Address& a) {
  quorum::NodeId id;
  static_assert(sizeof(id) == sizeof(a), "quorum::NodeId and ledger::Address are 20 bytes");
  std::memcpy(id.data(), a.data(), id.size());
  return id;
}

/// The ledger account of a quorum node id.
inline Address to_address(const quorum::NodeId& id) {
  Address a;
  static_assert(sizeof(id) == sizeof(a), "quorum::NodeId and ledger::Address are 20 bytes");
  std::memcpy(a.data(), id.data(), a.size());
  return a;
}

/// A model registration transaction: the root and the four leaves it is built from
/// (docs/model-format.md §Model root), with the architecture leaf's preimage, so the
/// ledger learns the hyper-parameters the referee needs from bytes the root binds.
struct ModelRegistration {
  Hash root{};
  std::vector<uint8_t> arch;  ///< model::arch_encoding; its keccak is the first leaf
  Hash arith_leaf{}, tokenizer_leaf{}, weights_root{};
};

/// A registered model.
struct ModelRecord {
  Hash root{};
  std::vector<uint8_t> arch;  ///< the architecture encoding as registered
  model::LlamaConfig cfg;     ///< parsed from `arch`
  int64_t norm_eps_q24 = 0;   ///< parsed from `arch`
  Hash arith_leaf{}, tokenizer_leaf{}, weights_root{};
  Address owner{};     ///< who registered it
  uint64_t block = 0;  ///< when
  bool operator==(const ModelRecord&) const = default;
};

/// Where a job is in its life.
enum class JobStatus : uint8_t {
  open,       ///< posted, payment in escrow, no result yet
  claimed,    ///< a worker posted a result claim with its bond
  finalized,  ///< the window passed unchallenged (or every game was won): worker paid
  rejected,   ///< a challenger won a game: the claim is void and the client refunded
  cancelled,  ///< the client withdrew it before any result: refunded
};

/// Human-readable name of a job status.
const char* job_status_name(JobStatus s);

/// A worker's result claim on a job and the bond it locked.
struct ClaimRecord {
  Address worker{};
  dispute::Claim claim;
  Amount bond = 0;          ///< still held (0 once returned or slashed)
  uint64_t block = 0;       ///< when it was posted
  uint64_t window_end = 0;  ///< last block at which it can be challenged
  bool operator==(const ClaimRecord&) const = default;
};

/// A job, its escrow and, once posted, its claim.
struct JobRecord {
  Hash id{};  ///< job.id()
  model::Job job;
  Address client{};
  Amount payment = 0;  ///< what the client offered
  Amount escrow = 0;   ///< still held (payment until the job finalizes or is refunded)
  JobStatus status = JobStatus::open;
  uint64_t block = 0;  ///< when it was posted
  std::optional<ClaimRecord> claim;
  std::vector<uint64_t> games;  ///< every game opened on the claim, in order
  bool operator==(const JobRecord&) const = default;
};

/// Where a game is. A game settles the moment it resolves.
enum class GameStatus : uint8_t {
  open,            ///< being played
  defender_won,    ///< the challenger's bond was slashed
  challenger_won,  ///< the worker's bond was slashed and the claim rejected
  closed,          ///< another game rejected the claim first; the challenger was refunded
};

/// Human-readable name of a game status.
const char* game_status_name(GameStatus s);

/// One dispute game over a claim, between the claim's worker and one challenger.
struct GameRecord {
  uint64_t id = 0;  ///< 1, 2, ... in opening order
  Hash job_id{};
  Address worker{}, challenger{};
  Amount bond = 0;  ///< the challenger's bond still held
  GameStatus status = GameStatus::open;
  uint64_t block = 0;  ///< when it was opened
  dispute::GameState state;
};

/// A quorum job (DESIGN §1, quorum:n): n staked nodes selected when it was posted, its
/// payment n × reward_per_node in escrow, its round and, once settled, the round's tally
/// and the payout the ledger carried out.
struct QuorumJobRecord {
  Hash id{};  ///< job.id()
  model::Job job;
  Address client{};
  uint32_t n = 0;              ///< seats
  Amount reward_per_node = 0;  ///< paid to each node that agrees with the winning output
  Amount escrow = 0;           ///< still held: n × reward_per_node until settled, then 0
  quorum::Round round;         ///< opened at `block` with the selected nodes
  bool settled = false;
  std::optional<quorum::Tally> tally;    ///< set when settled
  std::optional<quorum::Payout> payout;  ///< set when settled: what was moved
  uint64_t block = 0;                    ///< when it was posted (the round's opened_at)
  bool operator==(const QuorumJobRecord&) const = default;
};

/// What a client pays for a sampled job (DESIGN §1, sampled:p).
struct SampledOffer {
  Amount reward = 0;     ///< paid to the worker for an accepted answer
  Amount audit_fee = 0;  ///< paid to each auditor that proves its selection and reveals
  /// Expected audits per job, in basis points (1000: one job in ten re-run): with k
  /// registered auditors each draws at p_bps = ceil(audit_rate_bps / k), at most 10000.
  uint32_t audit_rate_bps = 1000;
  bool operator==(const SampledOffer&) const = default;
};

/// Where a sampled job is in its life.
enum class SampledStatus : uint8_t {
  posted,          ///< worker drawn, auditors snapshot; waiting for the client's envelopes
  open,            ///< envelopes delivered: the round (commit, audit, reveal) runs
  cancelled,       ///< the client withdrew it before delivering: refunded
  refused,         ///< the worker declined it in the commit phase: refunded, nobody slashed
  paid,            ///< settled: no audit disagreed; the worker was paid
  worker_slashed,  ///< settled: the worker did not commit, reveal or defend; slashed
  escalated,       ///< settled with a disagreeing audit: the worker must defend its claim
  disputed,        ///< the worker defended: the job is an optimistic claim with games
};

/// Human-readable name of a sampled status.
const char* sampled_status_name(SampledStatus s);

/// A job sealed to one recipient (roles/sealed.hpp's bytes; the ledger only stores them).
struct Envelope {
  Address to{};
  std::vector<uint8_t> sealed;
  bool operator==(const Envelope&) const = default;
};

/// Longest sealed envelope a ledger stores.
inline constexpr size_t kMaxEnvelopeBytes = 1 << 16;

/// A sampled job (DESIGN §1, sampled:p): one worker drawn by stake when it was posted, the
/// registered auditors snapshot then, the job itself only as sealed envelopes (one to the
/// worker, one to every auditor, so that nobody can tell from the ledger who will audit),
/// its escrow (reward + audit_fee per auditor until settled), its round once delivered and
/// its outcome once settled. The job's plaintext reaches the ledger only if the worker
/// must defend its answer in the dispute game; the job then continues as an optimistic
/// job (JobRecord) under the same id.
struct SampledJobRecord {
  Hash id{};  ///< model::Job::id() of the sealed job
  Hash model_root{};
  Address client{}, worker{};
  SampledOffer offer;
  uint32_t p_bps = 0;  ///< each auditor's draw probability
  Amount escrow = 0;   ///< still held
  SampledStatus status = SampledStatus::posted;
  uint64_t block = 0;            ///< when it was posted
  uint64_t defend_deadline = 0;  ///< escalated: last block the worker may defend
  std::vector<quorum::RegisteredAuditor> auditors;  ///< snapshot at post, in address order
  std::vector<Envelope> envelopes;                  ///< the worker's, then the auditors' in order
  std::optional<quorum::SampledRound> round;        ///< set when delivered
  std::optional<quorum::SampledOutcome> outcome;    ///< set when settled
  bool operator==(const SampledJobRecord&) const = default;
};

/// The money of a ledger, each bucket summed over the records that hold it. `deposits`
/// (net of withdrawals) and `burned` are the two accounts outside the participants.
struct Totals {
  Amount deposits = 0;   ///< faucet deposits minus withdrawals
  Amount balances = 0;   ///< free balances
  Amount stakes = 0;     ///< bonded stake (a quorum slash takes from it)
  Amount unbonding = 0;  ///< stake waiting out its unbonding delay
  Amount bonds = 0;      ///< worker bonds of live claims + challenger bonds of open games
  Amount escrow = 0;     ///< job payments held (optimistic, quorum and sampled jobs)
  Amount burned = 0;     ///< slashed and not paid to anyone
  /// DESIGN §6: deposits == balances + stakes + unbonding + bonds + escrow + burned.
  bool holds() const;
  /// "deposits=... balances=... ... burned=..." for messages.
  std::string to_string() const;
  bool operator==(const Totals&) const = default;
};

}  // namespace vinfer::ledger
