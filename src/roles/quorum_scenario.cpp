// One quorum scenario end to end (quorum_scenario.hpp).
#include "vinfer/roles/quorum_scenario.hpp"

#include <chrono>
#include <cstring>
#include <map>
#include <memory>

#include "vinfer/ledger/memory_ledger.hpp"
#include "vinfer/roles/client.hpp"
#include "vinfer/roles/sealed.hpp"

namespace vinfer::roles {

Result<QuorumOutcome> run_quorum(const LocalModel& claimed,
                                 const model::Job& job,
                                 const QuorumScenario& sc,
                                 const ledger::Params& params) {
  const auto t0 = std::chrono::steady_clock::now();
  if (sc.nodes.size() < sc.n)
    return fail(Errc::invalid_argument, "quorum scenario: fewer nodes than n");
  ledger::MemoryLedger l(params);
  QuorumOutcome out;
  auto tx = [&](auto&& result) {
    ++out.transactions;
    out.money_identity = out.money_identity && l.totals().holds();
    return std::forward<decltype(result)>(result);
  };
  const auto client_a = ledger::address_of("client");
  VINFER_CHECK(tx(l.deposit(client_a, 100'000)));
  VINFER_CHECK(tx(l.register_model(ledger::address_of("registrar"), registration_of(claimed))));

  constexpr ledger::Amount kStake = 1000;
  std::vector<std::unique_ptr<QuorumNode>> nodes;
  std::map<ledger::Address, bool> honest;
  for (size_t i = 0; i < sc.nodes.size(); ++i) {
    const auto a = ledger::address_of("quorum-node-" + std::to_string(i));
    std::array<uint8_t, 32> seed{};
    seed[0] = static_cast<uint8_t>(i + 1);
    VINFER_CHECK(tx(l.deposit(a, 10'000)));
    VINFER_CHECK(tx(l.stake(a, kStake)));
    VINFER_CHECK(tx(l.register_key(a, x25519_keypair_from_seed(seed).pk)));
    Hash secret = commit::keccak256(std::span<const uint8_t>(seed));
    nodes.push_back(std::make_unique<QuorumNode>(l, a, claimed, secret, sc.nodes[i]));
    honest[a] = sc.nodes[i].cheat == QuorumCheat::none;
  }
  VINFER_TRY(const Hash job_id, tx(l.post_quorum_job(client_a, job, sc.n, 100)));
  const uint64_t posted = l.block();
  // The seats are drawn from the post block's hash when that block closes.
  VINFER_CHECK(tx(l.advance(1)));
  VINFER_TRY(auto rec, l.quorum_job(job_id));
  if (rec.round.seats.empty())
    return fail(Errc::invalid_argument, "quorum scenario: nobody could be seated");

  std::map<std::string, uint32_t> cheats;
  for (const auto& seat : rec.round.seats) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (std::memcmp(nodes[i]->address().data(), seat.node.data(), 20) == 0 &&
          sc.nodes[i].cheat != QuorumCheat::none) {
        ++out.cheaters_seated;
        ++cheats[std::string(quorum_cheat_name(sc.nodes[i].cheat))];
      }
    }
  }
  for (const auto& [name, count] : cheats) {
    if (!out.cheater.empty())
      out.cheater += ",";
    out.cheater += count > 1 ? name + " x" + std::to_string(count) : name;
  }
  if (out.cheater.empty())
    out.cheater = "none";

  uint32_t inferences = 0;
  for (int guard = 0; guard < 10'000; ++guard) {
    for (auto& node : nodes) {
      VINFER_TRY(QuorumStep st, tx(node->step()));
      inferences += st.inferences;
    }
    VINFER_TRY(rec, l.quorum_job(job_id));
    if (rec.round.phase(l.block()) == quorum::RoundPhase::tally) {
      VINFER_CHECK(tx(l.quorum_settle(job_id)));
      break;
    }
    VINFER_CHECK(tx(l.advance(1)));
  }
  VINFER_TRY(rec, l.quorum_job(job_id));
  if (!rec.settled || !rec.tally || !rec.payout)
    return fail(Errc::invalid_argument, "quorum scenario: the round did not settle");
  out.latency_blocks = l.block() - posted;
  out.cost_multiplier = inferences;
  out.decided = rec.tally->decided();
  // The honest output: what the claimed model computes.
  VINFER_TRY(Execution honest_run, execute(claimed, job, 1));
  out.honest_output_won = out.decided && rec.tally->output_hash == honest_run.output_hash;
  bool every_cheater_slashed = true;
  for (const auto& p : rec.payout->nodes) {
    ledger::Address a;
    std::memcpy(a.data(), p.node.data(), 20);
    if (p.slashed)
      ++out.slashed;
    if (honest[a] && p.slashed)
      out.honest_slashed = true;
    if (!honest[a] && !p.slashed)
      every_cheater_slashed = false;
  }
  out.caught = out.cheaters_seated > 0 && every_cheater_slashed && out.honest_output_won;
  out.verdict = std::string(quorum::verdict_name(rec.tally->verdict));
  out.money_identity = out.money_identity && l.totals().holds();
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::vector<QuorumScenario> quorum_scenarios(uint32_t n, const LocalModel& substitute) {
  std::vector<QuorumScenario> out;
  auto base = [&](std::string name) {
    QuorumScenario s;
    s.name = std::move(name);
    s.n = n;
    s.nodes.assign(n, QuorumNodeConfig{});
    return s;
  };
  out.push_back(base("all " + std::to_string(n) + " nodes honest"));
  if (n < 2)
    return out;
  auto one = [&](std::string name, QuorumCheat c) {
    QuorumScenario s = base(std::move(name));
    s.nodes[0].cheat = c;
    s.nodes[0].substitute = &substitute;
    out.push_back(std::move(s));
  };
  one("one node serves a smaller model", QuorumCheat::substitute_model);
  one("one node reveals a random output", QuorumCheat::random_output);
  one("one node commits and never reveals", QuorumCheat::never_reveal);
  const Hash fake = commit::keccak256(std::span<const uint8_t>());
  auto colluding = [&](std::string name, uint32_t k) {
    QuorumScenario s = base(std::move(name));
    for (uint32_t i = 0; i < k; ++i) {
      s.nodes[i].cheat = QuorumCheat::collude;
      s.nodes[i].collusion_output = fake;
    }
    out.push_back(std::move(s));
  };
  const uint32_t minority = (n - 1) / 2, majority = n / 2 + 1;
  if (minority >= 2)
    colluding(
        "a colluding minority (" + std::to_string(minority) + " of " + std::to_string(n) + ")",
        minority);
  colluding("a colluding majority (" + std::to_string(majority) + " of " + std::to_string(n) +
                "): wins, the mode's stated weakness",
            majority);
  return out;
}

}  // namespace vinfer::roles
