// The settlement interface (DESIGN §6): one set of transactions that MemoryLedger runs in
// process and EvmLedger sends to the contracts. Roles and the node talk only to this.
//
// Every transaction runs at the current block and either succeeds or returns an Error
// whose message names the call, the job or game, and what is wrong — and then has changed
// nothing. The one recorded failure is a dispute move the game's rules reject: the game
// is unchanged, but a move_rejected event says who tried what (a referee's verdict on a
// bad opening is worth keeping). After every transaction the money identity holds:
// totals().holds().
//
// Optimistic settlement (DESIGN §5): a client posts a job with its payment in escrow; a
// worker posts a result claim with a bond; during the challenge window anyone but the
// worker may challenge, each challenger in a game of its own (so a colluding false
// challenger cannot block an honest one). A game settles the moment it resolves: the
// loser's bond goes winner_share_pct to the winner and the rest is burned; a winning
// challenger gets its own bond back, the claim is rejected, the client refunded and every
// other open game on it closed with its challenger refunded. A worker that wins keeps
// its bond locked until the claim finalizes: after the window, with no game open, the
// payment and the bond go to the worker.
//
// Quorum settlement (DESIGN §1 quorum:n, src/quorum): a client posts a job for n nodes
// with n × reward_per_node in escrow; the ledger draws the n nodes from the candidates
// (staked, with a key, not seated elsewhere), weighted by stake, with a seed from the job
// id and the hash of the block it was posted in (quorum::selection_seed), drawn when that
// block closes so that the client cannot know the seed when it posts, and opens a
// quorum::Round.
// The seated nodes commit, then reveal (quorum::output_commitment). After the reveal
// deadline anyone settles it once: the tally decides, quorum::settle_round says who gets
// what, and the ledger moves exactly that: rewards and the client's refund out of escrow,
// each slash out of that node's bonded stake, bounties to balances, the rest burned. A
// seated node's whole stake is its round's collateral: it cannot unbond, and it is no
// candidate for another round, until the round is settled.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/dispute/game.hpp"
#include "vinfer/ledger/event.hpp"
#include "vinfer/ledger/types.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/quorum/types.hpp"
#include "vinfer/result.hpp"

namespace vinfer::ledger {

/// A settlement backend.
class Ledger {
 public:
  virtual ~Ledger() = default;

  /// The rules this ledger runs under.
  virtual const Params& params() const = 0;

  // ---- time ----

  /// The current block; every transaction happens at it.
  virtual uint64_t block() const = 0;
  /// Moves the clock forward by n blocks. The current block closes: its hash is fixed, and
  /// the quorum and sampled jobs posted in it are drawn (post_quorum_job), at the next block.
  virtual Status advance(uint64_t n) = 0;

  // ---- money ----

  /// The faucet: credits `amount` to `to` (counted in Totals::deposits).
  virtual Status deposit(const Address& to, Amount amount) = 0;
  /// Takes `amount` of `from`'s free balance out of the ledger.
  virtual Status withdraw(const Address& from, Amount amount) = 0;
  /// Free balance of `a` (0 for an unknown account).
  virtual Amount balance(const Address& a) const = 0;

  // ---- staking ----

  /// Bonds `amount` of `from`'s balance; the resulting stake must reach min_stake.
  virtual Status stake(const Address& from, Amount amount) = 0;
  /// Starts unbonding `amount` of `from`'s stake; what stays bonded must be 0 or reach
  /// min_stake, and `from` must not be seated in an unsettled quorum round. It is
  /// withdrawable unbonding_blocks later.
  virtual Status unbond(const Address& from, Amount amount) = 0;
  /// Moves every unbonding amount whose delay has passed to `from`'s balance; returns it.
  /// An error if nothing has matured.
  virtual Result<Amount> withdraw_unbonded(const Address& from) = 0;
  /// Bonded stake of `a`.
  virtual Amount staked(const Address& a) const = 0;
  /// Stake of `a` still waiting out its unbonding delay.
  virtual Amount unbonding(const Address& a) const = 0;

  // ---- model registry ----

  /// Registers a model: the four leaves must give reg.root, the arithmetic leaf must be
  /// this referee's arithmetic, and the architecture encoding must parse and validate.
  virtual Status register_model(const Address& owner, const ModelRegistration& reg) = 0;
  /// A registered model.
  virtual Result<ModelRecord> model(const Hash& root) const = 0;

  // ---- jobs ----

  /// Posts a job on a registered model (model::validate must pass) and moves `payment`
  /// from the client's balance to escrow. Returns job.id(); an id already posted (in
  /// either mode) is rejected.
  virtual Result<Hash> post_job(const Address& client, const model::Job& job, Amount payment) = 0;
  /// The client withdraws a job nobody has claimed yet; the escrow is refunded.
  virtual Status cancel_job(const Address& client, const Hash& job_id) = 0;
  /// A posted job.
  virtual Result<JobRecord> job(const Hash& id) const = 0;

  // ---- optimistic mode ----

  /// A worker claims a result on the open job claim.job_id: the claim must pass
  /// dispute::check_claim against the job's schedule, with `last_peaks` the trace peaks
  /// after steps - 1 appends. Locks worker_bond; the window ends challenge_window blocks on.
  virtual Status post_result(const Address& worker,
                             const dispute::Claim& claim,
                             std::span<const Hash> last_peaks) = 0;
  /// Opens a dispute game against the claim on `job_id` (during its window, by anyone but
  /// the worker, one open game per challenger); locks challenger_bond. Returns the game id.
  virtual Result<uint64_t> challenge(const Address& challenger, const Hash& job_id) = 0;
  /// A move in game `game_id` by its worker (the defender) or its challenger; the game's
  /// rules (dispute::apply_move) judge it. A game that resolves settles at once.
  virtual Status move(const Address& from, uint64_t game_id, const dispute::Move& m) = 0;
  /// Resolves (and settles) a game whose side on move has run out of time; anyone may call.
  virtual Status resolve_timeout(uint64_t game_id) = 0;
  /// Pays a claimed job out after its window, once no game is open; anyone may call.
  virtual Status finalize(const Hash& job_id) = 0;
  /// A game.
  virtual Result<GameRecord> game(uint64_t id) const = 0;
  /// Ids of every game opened on the job's claim, in order.
  virtual std::vector<uint64_t> games_of(const Hash& job_id) const = 0;

  // ---- node keys ----

  /// Registers (or replaces) `node`'s X25519 public key, to which sealed jobs are
  /// encrypted. The all-zero key is rejected.
  virtual Status register_key(const Address& node, const NodeKey& x25519_pk) = 0;
  /// The key `node` registered.
  virtual Result<NodeKey> node_key(const Address& node) const = 0;

  // ---- quorum mode ----

  /// The nodes a quorum posted now would be drawn from, in address order: bonded stake of
  /// at least min_stake, a registered key, and not seated in an unsettled round (a seat
  /// holds the node's whole stake as collateral). Each with its bonded stake.
  virtual std::vector<quorum::Candidate> candidates() const = 0;
  /// The hash of a closed block (< block(); an error for the current or a later one). The
  /// hash of a job's post block seeds its selection, so nobody knows the seed when the
  /// job is posted. On a chain it is the chain's block hash, which the block's producer
  /// can steer by withholding a block (docs/quorum.md "Randomness" weighs this against the
  /// commit-reveal beacon). MemoryLedger's commits to every event of the block, so it is
  /// fixed only when the block closes (memory_ledger.hpp).
  virtual Result<Hash> block_hash(uint64_t block) const = 0;
  /// Posts a job for a quorum of n nodes, paying reward_per_node to each node that agrees
  /// with the winning output: the model must be registered and the job valid (as
  /// post_job), its id unused by any job of either mode, and n × reward_per_node (moved to
  /// escrow) within the client's balance, with n candidates left after the seats the jobs
  /// posted earlier in this block will take. Opens the round's phases at block(), nobody
  /// seated yet: when this block closes (the first advance), n nodes are drawn from the
  /// candidates() of that moment with quorum::select_quorum(quorum::selection_seed(id,
  /// block_hash(block)), ...), in job-id order among the jobs posted in the block; a job
  /// left with too few candidates is refunded instead (settled, no tally). Commits are
  /// accepted from the next block on. Returns job.id().
  virtual Result<Hash> post_quorum_job(const Address& client,
                                       const model::Job& job,
                                       uint32_t n,
                                       Amount reward_per_node) = 0;
  /// A quorum job.
  virtual Result<QuorumJobRecord> quorum_job(const Hash& id) const = 0;
  /// A seated node commits to its output (quorum::Round::commit judges it).
  virtual Status quorum_commit(const Address& node, const Hash& job_id, const Hash& commitment) = 0;
  /// A seated node opens its commitment (quorum::Round::reveal judges it).
  virtual Status quorum_reveal(const Address& node,
                               const Hash& job_id,
                               const Hash& output_hash,
                               const Hash& salt) = 0;
  /// Settles a quorum job after its reveal deadline, once; anyone may call. Moves the
  /// money as quorum::settle_round says and records the tally and the payout.
  virtual Status quorum_settle(const Hash& job_id) = 0;

  // ---- sampled mode ----

  /// Registers (or replaces) `node`'s audit commitment, quorum::audit_commitment(node,
  /// secret) for a secret only it knows: it then sits in the auditor snapshot of every
  /// sampled job posted from now on. It needs a registered key (its envelopes are sealed
  /// to it) and bonded stake of at least min_stake, which stays bonded while it is
  /// registered or has an unsettled audit. The zero hash is rejected.
  virtual Status register_auditor(const Address& node, const Hash& commitment) = 0;
  /// Withdraws `node`'s registration (jobs already posted keep their snapshot).
  virtual Status retire_auditor(const Address& node) = 0;
  /// The registered auditors, in address order.
  virtual std::vector<quorum::RegisteredAuditor> auditors() const = 0;
  /// Posts a sampled job: the client commits to the job by its id (the job itself travels
  /// sealed, sampled_deliver), names a registered model, and escrows reward + audit_fee ×
  /// (registered auditors). One worker is drawn from candidates() that are not auditors,
  /// as post_quorum_job draws (n = 1, when this block closes; none left: the job is
  /// cancelled and refunded); the auditors are snapshot now. The id must be unused by
  /// every mode.
  virtual Result<Hash> post_sampled_job(const Address& client,
                                        const Hash& job_id,
                                        const Hash& model_root,
                                        const SampledOffer& offer) = 0;
  /// The client delivers the job sealed to the worker and to every snapshot auditor (one
  /// envelope each, at most kMaxEnvelopeBytes), once the worker is drawn (after the post's
  /// block) and at most round.commit_blocks blocks after the post; the round opens at this
  /// block.
  virtual Status sampled_deliver(const Address& client,
                                 const Hash& job_id,
                                 const std::vector<Envelope>& envelopes) = 0;
  /// Withdraws a sampled job not delivered yet, the client refunded: by the client at any
  /// time, by anyone once the delivery deadline has passed (which frees the worker).
  virtual Status sampled_cancel(const Address& caller, const Hash& job_id) = 0;
  /// The worker declines a delivered job before committing (its envelope does not open,
  /// or the job is invalid): the client is refunded and nobody is slashed. It cannot know
  /// yet whether the job will be audited, so declining reveals nothing and dodges nothing.
  virtual Status sampled_refuse(const Address& worker, const Hash& job_id) = 0;
  /// A sampled job.
  virtual Result<SampledJobRecord> sampled_job(const Hash& id) const = 0;
  /// The worker commits (quorum::SampledRound::commit judges it).
  virtual Status sampled_commit(const Address& worker, const Hash& job_id, const Hash& c) = 0;
  /// An auditor that drew itself commits its own output (SampledRound::audit_commit); its
  /// bonded stake must still reach min_stake.
  virtual Status audit_commit(const Address& auditor, const Hash& job_id, const Hash& c) = 0;
  /// The worker opens its commitment (SampledRound::reveal).
  virtual Status sampled_reveal(const Address& worker,
                                const Hash& job_id,
                                const Hash& output_hash,
                                const Hash& salt) = 0;
  /// An auditor opens its commitment and proves its selection with its secret
  /// (SampledRound::audit_reveal); the secret is then spent and its registration retired.
  virtual Status audit_reveal(const Address& auditor,
                              const Hash& job_id,
                              const Hash& output_hash,
                              const Hash& salt,
                              const Hash& secret) = 0;
  /// After the reveal deadline, anyone settles once: paid (worker reward, audit fees),
  /// worker_slashed (slash_bps of its stake burned, client refunded), or escalated (the
  /// worker has challenge_window blocks to sampled_defend). Every auditor that proved its
  /// selection and revealed is paid its fee, except a disagreeing one (its reward is its
  /// share of the worker's bond if it wins the dispute); silent auditors lose slash_bps of
  /// their stake. Called again on an escalated job after its defend deadline: the worker
  /// did not defend and is slashed.
  virtual Status sampled_settle(const Hash& job_id) = 0;
  /// The worker of an escalated job defends: it publishes the job (its id and model must
  /// match), and a claim with the output it revealed, admitted as post_result admits one
  /// (with its bond). The job becomes an optimistic job under the same id, claimed, with
  /// the reward in its escrow; the disagreeing auditors (anyone) challenge it there. If a
  /// challenger wins, the worker also loses slash_bps of its stake; if the claim finalizes,
  /// each disagreeing auditor does (its disagreement went unproven). A disagreeing auditor
  /// cannot unbond until then.
  virtual Status sampled_defend(const Address& worker,
                                const model::Job& job,
                                const dispute::Claim& claim,
                                std::span<const Hash> last_peaks) = 0;

  // ---- observation ----

  /// Every event with seq >= since_seq, in order.
  virtual std::vector<Event> events(uint64_t since_seq = 0) const = 0;
  /// The money in every bucket, summed over the records.
  virtual Totals totals() const = 0;
};

}  // namespace vinfer::ledger
