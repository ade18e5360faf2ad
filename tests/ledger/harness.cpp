// The transaction harness (harness.hpp).
#include "ledger/harness.hpp"

#include <set>
#include <sstream>

#include "vinfer/ledger/codec.hpp"

namespace vinfer::ledger::testing {

size_t count_events(const Ledger& l, EventKind k, const Hash& id) {
  size_t n = 0;
  for (const Event& e : l.events())
    n += e.kind == k && e.job_id == id;
  return n;
}

std::string observe(const Ledger& l) {
  const std::vector<Event> ev = l.events();
  std::set<Address> actors;
  std::set<Hash> jobs;
  std::set<uint64_t> games;
  for (const Event& e : ev) {
    actors.insert(e.who);
    if (e.kind != EventKind::model_registered && e.job_id != Hash{})
      jobs.insert(e.job_id);
    if (e.game)
      games.insert(e.game);
  }
  std::ostringstream o;
  o << "totals " << l.totals().to_string() << "\n";
  // The current block's hash is not known until it closes; the last closed one's is.
  o << "block " << l.block();
  if (l.block() > 0)
    o << " closed " << commit::to_hex(l.block_hash(l.block() - 1).value());
  o << "\n";
  o << "events " << ev.size() << "\n";
  for (const Address& a : actors) {
    o << "account " << to_hex(a) << " balance " << l.balance(a) << " staked " << l.staked(a)
      << " unbonding " << l.unbonding(a);
    if (auto k = l.node_key(a))
      o << " key " << commit::to_hex(*k);
    o << "\n";
  }
  o << "candidates";
  for (const quorum::Candidate& c : l.candidates())
    o << " " << to_hex(to_address(c.id)) << ":" << c.stake;
  o << "\nauditors";
  for (const quorum::RegisteredAuditor& r : l.auditors())
    o << " " << to_hex(to_address(r.id)) << ":" << commit::to_hex(r.commitment);
  o << "\n";
  for (const Hash& id : jobs) {
    if (auto sj = l.sampled_job(id))
      o << "sampled job " << commit::to_hex(id) << " "
        << commit::to_hex(commit::keccak256(encode_sampled_job(*sj))) << "\n";
    if (auto q = l.quorum_job(id)) {
      o << "quorum job " << commit::to_hex(id) << " escrow " << q->escrow << " settled "
        << q->settled << " round "
        << commit::to_hex(commit::keccak256(encode_quorum_round(q->round)));
      if (q->tally)
        o << " tally " << commit::to_hex(commit::keccak256(encode_quorum_tally(*q->tally)));
      if (q->payout)
        o << " payout " << commit::to_hex(commit::keccak256(encode_quorum_payout(*q->payout)));
      o << "\n";
      continue;
    }
    auto j = l.job(id);
    o << "job " << commit::to_hex(id);
    if (!j) {
      o << " missing\n";
      continue;
    }
    o << " " << job_status_name(j->status) << " escrow " << j->escrow << " games";
    for (uint64_t g : j->games)
      o << " " << g;
    if (j->claim)
      o << " claim by " << to_hex(j->claim->worker) << " bond " << j->claim->bond << " window "
        << j->claim->window_end;
    o << "\n";
  }
  for (uint64_t id : games) {
    auto g = l.game(id);
    o << "game " << id;
    if (!g) {
      o << " missing\n";
      continue;
    }
    o << " " << game_status_name(g->status) << " bond " << g->bond << " state "
      << commit::to_hex(commit::keccak256(encode_game_state(g->state))) << "\n";
  }
  return o.str();
}

::testing::AssertionResult identity_holds(const Ledger& l) {
  const Totals t = l.totals();
  if (t.holds())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "money identity broken: " << t.to_string();
}

}  // namespace vinfer::ledger::testing
