// The quorum node role (quorum_node.hpp).
#include "vinfer/roles/quorum_node.hpp"

#include <cstring>

#include "vinfer/quorum/commitment.hpp"

namespace vinfer::roles {
namespace {

quorum::NodeId node_id(const ledger::Address& a) {
  quorum::NodeId id;
  static_assert(sizeof(id) == sizeof(a));
  std::memcpy(id.data(), a.data(), id.size());
  return id;
}

}  // namespace

std::string_view quorum_cheat_name(QuorumCheat c) {
  switch (c) {
    case QuorumCheat::none:
      return "none";
    case QuorumCheat::substitute_model:
      return "substitute-model";
    case QuorumCheat::random_output:
      return "random-output";
    case QuorumCheat::never_reveal:
      return "never-reveals";
    case QuorumCheat::collude:
      return "colluder";
  }
  return "invalid";
}

QuorumNode::QuorumNode(ledger::Ledger& ledger,
                       ledger::Address self,
                       const LocalModel& model,
                       const Hash& secret,
                       QuorumNodeConfig cfg)
    : ledger_(ledger), self_(self), model_(model), secret_(secret), cfg_(cfg) {}

Hash QuorumNode::salt(const Hash& job_id) const {
  uint8_t pre[64];
  std::memcpy(pre, secret_.data(), 32);
  std::memcpy(pre + 32, job_id.data(), 32);
  return commit::keccak256(std::span<const uint8_t>(pre, 64));
}

Result<Hash> QuorumNode::output_for(const model::Job& job, QuorumStep& st) {
  switch (cfg_.cheat) {
    case QuorumCheat::random_output:
      return commit::keccak256(salt(job.id()));  // made up, different for every node
    case QuorumCheat::collude:
      return cfg_.collusion_output;
    case QuorumCheat::substitute_model: {
      if (!cfg_.substitute)
        return fail(Errc::invalid_argument, "quorum node: substitute_model needs a model");
      ++st.inferences;
      VINFER_TRY(Execution x, execute(*cfg_.substitute, job, cfg_.threads));
      return x.output_hash;
    }
    case QuorumCheat::none:
    case QuorumCheat::never_reveal:
      break;
  }
  ++st.inferences;
  VINFER_TRY(Execution x, execute(model_, job, cfg_.threads));
  return x.output_hash;
}

Result<QuorumStep> QuorumNode::step() {
  QuorumStep st;
  const quorum::NodeId me = node_id(self_);
  for (const ledger::Event& ev : ledger_.events(next_seq_)) {
    next_seq_ = ev.seq + 1;
    if (ev.kind == ledger::EventKind::quorum_seated && ev.who == self_)
      rounds_.insert(ev.job_id);
  }
  const uint64_t now = ledger_.block();
  for (const Hash& job_id : rounds_) {
    if (done_.count(job_id))
      continue;
    VINFER_TRY(auto rec, ledger_.quorum_job(job_id));
    // What it did is read from its seat on the ledger, not from memory: a node restarted
    // mid-round (kill -9) picks up where the ledger says it is, recomputing its output
    // (deterministic: the same bytes, hence the same commitment) when it must reveal.
    const quorum::Seat* seat = nullptr;
    for (const quorum::Seat& s : rec.round.seats)
      if (s.node == me)
        seat = &s;
    if (rec.settled || seat == nullptr) {
      done_.insert(job_id);
      continue;
    }
    const quorum::RoundPhase phase = rec.round.phase(now);
    // Commits count from the block after the round opened (quorum/round.hpp).
    if (phase == quorum::RoundPhase::commit && now > rec.round.opened_at && !seat->committed) {
      VINFER_TRY(Hash out, output_for(rec.job, st));
      const Hash c = quorum::output_commitment(job_id, out, salt(job_id), me);
      VINFER_CHECK(ledger_.quorum_commit(self_, job_id, c));
      committed_[job_id] = out;
      ++st.commits;
    } else if (phase == quorum::RoundPhase::reveal && seat->committed) {
      if (cfg_.cheat != QuorumCheat::never_reveal && !seat->revealed) {
        if (!committed_.count(job_id)) {
          VINFER_TRY(Hash out, output_for(rec.job, st));
          committed_[job_id] = out;
        }
        VINFER_CHECK(ledger_.quorum_reveal(self_, job_id, committed_[job_id], salt(job_id)));
        ++st.reveals;
      }
      committed_.erase(job_id);
      done_.insert(job_id);
    } else if (phase == quorum::RoundPhase::reveal || phase == quorum::RoundPhase::tally) {
      done_.insert(job_id);  // it missed the commit phase: nothing left to do
    }
  }
  return st;
}

}  // namespace vinfer::roles
