// The quorum round's transitions (round.hpp).
#include "vinfer/quorum/round.hpp"

#include <algorithm>
#include <string>

#include "vinfer/quorum/commitment.hpp"

namespace vinfer::quorum {
namespace {

Error reject(const char* what, const NodeId& node, const std::string& why) {
  return fail(Errc::invalid_argument,
              std::string("quorum round: ") + what + " by node " + short_hex(node) + ": " + why);
}

std::string block(uint64_t b) {
  return "block " + std::to_string(b);
}

// The seat of `node`, or nullptr.
template <class R>
auto* seat_of(R& round, const NodeId& node) {
  auto it = std::find_if(round.seats.begin(), round.seats.end(),
                         [&](const Seat& s) { return s.node == node; });
  return it == round.seats.end() ? nullptr : &*it;
}

}  // namespace

const char* round_phase_name(RoundPhase p) {
  switch (p) {
    case RoundPhase::commit:
      return "commit";
    case RoundPhase::reveal:
      return "reveal";
    case RoundPhase::tally:
      return "tally";
  }
  return "invalid";
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::agreed:
      return "agreed";
    case Outcome::dissented:
      return "dissented";
    case Outcome::not_revealed:
      return "not_revealed";
    case Outcome::not_committed:
      return "not_committed";
    case Outcome::no_majority:
      return "no_majority";
  }
  return "invalid";
}

const char* verdict_name(Verdict v) {
  return v == Verdict::majority ? "majority" : "no_majority";
}

Result<Round> Round::open(const Hash& job_id,
                          std::span<const Candidate> selected,
                          const RoundParams& params,
                          uint64_t now) {
  if (selected.empty())
    return fail(Errc::invalid_argument, "quorum round: no node selected");
  if (params.commit_blocks == 0 || params.reveal_blocks == 0)
    return fail(Errc::invalid_argument,
                "quorum round: commit_blocks = " + std::to_string(params.commit_blocks) +
                    ", reveal_blocks = " + std::to_string(params.reveal_blocks) +
                    ": each phase needs at least one block");
  if (params.commit_blocks > UINT64_MAX - now ||
      params.reveal_blocks > UINT64_MAX - now - params.commit_blocks)
    return fail(Errc::overflow, "quorum round: the reveal deadline is past block 2^64 - 1");
  Round r;
  r.job_id = job_id;
  r.opened_at = now;
  r.commit_deadline = now + params.commit_blocks;
  r.reveal_deadline = r.commit_deadline + params.reveal_blocks;
  for (const Candidate& c : selected) {
    if (c.stake == 0)
      return fail(Errc::invalid_argument,
                  "quorum round: node " + short_hex(c.id) + " has no stake to weigh its vote");
    if (seat_of(r, c.id) != nullptr)
      return fail(Errc::invalid_argument,
                  "quorum round: node " + short_hex(c.id) + " is selected twice");
    const auto total = checked_add(r.total_stake, c.stake);
    if (!total)
      return fail(Errc::overflow, "quorum round: the quorum's total stake exceeds 2^64 - 1");
    r.total_stake = *total;
    r.seats.push_back(Seat{c.id, c.stake});
  }
  return r;
}

RoundPhase Round::phase(uint64_t now) const {
  if (now <= commit_deadline)
    return RoundPhase::commit;
  return now <= reveal_deadline ? RoundPhase::reveal : RoundPhase::tally;
}

Status Round::commit(const NodeId& node, const Hash& commitment, uint64_t now) {
  Seat* seat = seat_of(*this, node);
  if (seat == nullptr)
    return reject("commit", node, "not selected for this job's quorum");
  // INVARIANT: commits land in (opened_at, commit_deadline]; the block a round opens in
  // is the one that posted the job, and nobody could have known the quorum before it.
  if (now <= opened_at)
    return reject("commit", node,
                  "at " + block(now) + ", not after the round opened at " + block(opened_at));
  if (now > commit_deadline)
    return reject("commit", node,
                  "late: at " + block(now) + ", the commit deadline was " + block(commit_deadline));
  if (seat->committed)
    return reject("commit", node, "already committed (one commitment per node)");
  for (const Seat& other : seats)
    if (other.committed && other.commitment == commitment)
      return reject("commit", node,
                    "the commitment equals node " + short_hex(other.node) +
                        "'s: a copied commitment (it binds its committer's id and could "
                        "never be opened by another node)");
  seat->committed = true;
  seat->commitment = commitment;
  return ok_status();
}

Status Round::reveal(const NodeId& node, const Hash& output_hash, const Hash& salt, uint64_t now) {
  Seat* seat = seat_of(*this, node);
  if (seat == nullptr)
    return reject("reveal", node, "not selected for this job's quorum");
  // INVARIANT: no output is public while a commit can still land.
  if (now <= commit_deadline)
    return reject("reveal", node,
                  "early: at " + block(now) + ", the commit phase lasts until " +
                      block(commit_deadline) +
                      " (an output revealed now could be committed by a node that never ran "
                      "the model)");
  if (now > reveal_deadline)
    return reject("reveal", node,
                  "late: at " + block(now) + ", the reveal deadline was " + block(reveal_deadline));
  if (!seat->committed)
    return reject("reveal", node, "it did not commit");
  if (seat->revealed)
    return reject("reveal", node, "already revealed");
  if (!check_reveal(seat->commitment, job_id, output_hash, salt, node))
    return fail(Errc::mismatch, "quorum round: reveal by node " + short_hex(node) +
                                    ": (output_hash, salt) does not open its commitment for "
                                    "this job and node");
  seat->revealed = true;
  seat->output_hash = output_hash;
  return ok_status();
}

Result<Tally> Round::tally(uint64_t now) const {
  if (now <= reveal_deadline)
    return fail(Errc::invalid_argument, "quorum round: tally at " + block(now) +
                                            ", but reveals are accepted until " +
                                            block(reveal_deadline));
  Tally t;
  t.total_stake = total_stake;
  // The stake behind each revealed output; a quorum is small, so a quadratic scan it is.
  for (const Seat& s : seats) {
    if (!s.revealed)
      continue;
    Amount behind = 0;
    for (const Seat& o : seats)
      if (o.revealed && o.output_hash == s.output_hash)
        behind += o.stake;  // <= total_stake, checked at open
    if (behind > t.winning_stake) {
      t.winning_stake = behind;
      t.output_hash = s.output_hash;
    }
  }
  // Strict majority of the whole quorum's stake: winning > total - winning.
  t.verdict =
      t.winning_stake > total_stake - t.winning_stake ? Verdict::majority : Verdict::no_majority;
  if (!t.decided())
    t.output_hash = Hash{};
  for (const Seat& s : seats) {
    SeatOutcome o{s.node, s.stake, Outcome::not_committed, s.output_hash};
    if (!s.committed) {
      o.outcome = Outcome::not_committed;
    } else if (!s.revealed) {
      o.outcome = Outcome::not_revealed;
    } else if (!t.decided()) {
      o.outcome = Outcome::no_majority;
    } else {
      o.outcome = s.output_hash == t.output_hash ? Outcome::agreed : Outcome::dissented;
    }
    if (o.outcome == Outcome::dissented)
      t.dissenters.push_back(s.node);
    if (o.outcome == Outcome::not_revealed || o.outcome == Outcome::not_committed)
      t.non_revealers.push_back(s.node);
    t.seats.push_back(o);
  }
  return t;
}

}  // namespace vinfer::quorum
