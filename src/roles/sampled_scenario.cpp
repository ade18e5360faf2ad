// Sampled mode end to end (sampled_scenario.hpp).
#include "vinfer/roles/sampled_scenario.hpp"

#include <chrono>
#include <map>
#include <memory>

#include "vinfer/ledger/memory_ledger.hpp"
#include "vinfer/quorum/audit.hpp"
#include "vinfer/roles/client.hpp"

namespace vinfer::roles {
namespace {

std::array<uint8_t, 32> seed_of(uint8_t tag, size_t i) {
  std::array<uint8_t, 32> s{};
  s[0] = tag;
  s[1] = static_cast<uint8_t>(i + 1);
  return s;
}

}  // namespace

Result<SampledRunOutcome> run_sampled(const LocalModel& claimed,
                                      const model::Job& base,
                                      const SampledScenario& sc,
                                      const ledger::Params& params) {
  const auto t0 = std::chrono::steady_clock::now();
  ledger::MemoryLedger l(params);
  SampledRunOutcome out;
  auto tx = [&](auto&& result) {
    ++out.transactions;
    out.money_identity = out.money_identity && l.totals().holds();
    return std::forward<decltype(result)>(result);
  };
  constexpr ledger::Amount kStake = kSampledStake, kReward = kSampledReward,
                           kAuditFee = kSampledAuditFee;
  const auto client_a = ledger::address_of("client");
  VINFER_CHECK(tx(l.deposit(client_a, 1'000'000)));
  VINFER_CHECK(tx(l.register_model(ledger::address_of("registrar"), registration_of(claimed))));

  // The jobs and what the colluders are told.
  std::vector<model::Job> jobs;
  std::map<Hash, Hash> collusion;
  bool any_colluder = false;
  for (const AuditorConfig& a : sc.auditors)
    any_colluder = any_colluder || a.kind == AuditorKind::colluding;
  for (uint32_t i = 0; i < sc.jobs; ++i) {
    model::Job j = base;
    j.seed = i;
    if (any_colluder) {
      if (sc.worker.cheat != SampledCheat::substitute_model || !sc.worker.substitute)
        return fail(Errc::invalid_argument,
                    "sampled scenario: colluding auditors need a substitute-model worker");
      VINFER_TRY(Execution x, cheat_execution(Cheat::substitute_model, claimed,
                                              sc.worker.substitute, j, 0, sc.worker.threads));
      collusion[j.id()] = x.output_hash;
    }
    jobs.push_back(std::move(j));
  }

  auto join = [&](const ledger::Address& a, const X25519KeyPair& key) -> Status {
    VINFER_CHECK(tx(l.deposit(a, 100'000)));
    VINFER_CHECK(tx(l.stake(a, kStake)));
    return tx(l.register_key(a, key.pk));
  };
  const auto worker_a = ledger::address_of("sampled-worker");
  const X25519KeyPair worker_key = x25519_keypair_from_seed(seed_of(1, 0));
  VINFER_CHECK(join(worker_a, worker_key));
  SampledWorker worker(l, worker_a, claimed, worker_key,
                       commit::keccak256(std::span<const uint8_t>(seed_of(2, 0))), sc.worker);
  std::vector<std::unique_ptr<Auditor>> auditors;
  std::map<ledger::Address, bool> honest{{worker_a, sc.worker.cheat == SampledCheat::none}};
  uint32_t colluders = 0;
  for (size_t i = 0; i < sc.auditors.size(); ++i) {
    const auto a = ledger::address_of("auditor-" + std::to_string(i));
    const X25519KeyPair key = x25519_keypair_from_seed(seed_of(3, i));
    VINFER_CHECK(join(a, key));
    AuditorConfig cfg = sc.auditors[i];
    if (cfg.kind == AuditorKind::colluding) {
      cfg.collusion_outputs = &collusion;
      ++colluders;
    }
    VINFER_TRY(auto aud, Auditor::create(l, a, claimed, key,
                                         commit::keccak256(std::span<const uint8_t>(seed_of(4, i))),
                                         cfg));
    auditors.push_back(std::move(aud));
    honest[a] = cfg.kind == AuditorKind::honest;
  }
  out.cheater = sc.worker.cheat == SampledCheat::none ? "none"
                                                      : std::string(sampled_cheat_name(sc.worker.cheat));
  if (colluders)
    out.cheater += ",colluding-auditor x" + std::to_string(colluders);

  uint64_t inferences = 0, latency = 0;
  auto step_all = [&]() -> Status {
    VINFER_TRY(SampledStep s, tx(worker.step()));
    inferences += s.inferences;
    for (auto& a : auditors) {
      VINFER_TRY(SampledStep t, tx(a->step()));
      inferences += t.inferences;
    }
    return ok_status();
  };
  VINFER_CHECK(step_all());  // the auditors register

  for (const model::Job& job : jobs) {
    // A slashed worker re-bonds for the next job (economics.hpp's accounting).
    if (const ledger::Amount lost = kStake - std::min(kStake, l.staked(worker_a)); lost) {
      VINFER_CHECK(tx(l.deposit(worker_a, lost)));  // from its own pocket, off the ledger
      VINFER_CHECK(tx(l.stake(worker_a, lost)));
    }
    const uint64_t posted = l.block();
    const Hash id = job.id();
    VINFER_CHECK(tx(l.post_sampled_job(client_a, id, job.model_root,
                                       {kReward, kAuditFee, sc.audit_rate_bps})));
    // The worker is drawn from the post block's hash when that block closes; then the
    // client seals the job to it and to every auditor of the snapshot.
    VINFER_CHECK(tx(l.advance(1)));
    VINFER_TRY(ledger::SampledJobRecord rec, l.sampled_job(id));
    if (rec.worker == ledger::Address{})
      return fail(Errc::invalid_argument,
                  "sampled scenario: no worker could be drawn for job " + ledger::short_hex(id));
    std::vector<ledger::Envelope> envs;
    std::vector<ledger::Address> to{rec.worker};
    for (const auto& a : rec.auditors)
      to.push_back(ledger::to_address(a.id));
    const std::vector<uint8_t> plain = job.canonical_bytes();
    for (const ledger::Address& a : to) {
      VINFER_TRY(ledger::NodeKey pk, l.node_key(a));
      envs.push_back({a, seal(plain, pk, id)});
    }
    VINFER_CHECK(tx(l.sampled_deliver(client_a, id, envs)));

    bool finished = false;
    for (int guard = 0; guard < 100'000 && !finished; ++guard) {
      VINFER_CHECK(step_all());
      VINFER_TRY(rec, l.sampled_job(id));
      const uint64_t now = l.block();
      switch (rec.status) {
        case ledger::SampledStatus::open:
          if (rec.round->phase(now) == quorum::SampledPhase::settle)
            VINFER_CHECK(tx(l.sampled_settle(id)));
          break;
        case ledger::SampledStatus::escalated:
          if (now > rec.defend_deadline)
            VINFER_CHECK(tx(l.sampled_settle(id)));
          break;
        case ledger::SampledStatus::disputed: {
          for (uint64_t g : l.games_of(id)) {
            VINFER_TRY(auto gr, l.game(g));
            if (gr.status == ledger::GameStatus::open && dispute::timed_out(gr.state, now))
              VINFER_CHECK(tx(l.resolve_timeout(g)));
          }
          VINFER_TRY(auto jr, l.job(id));
          if (jr.status == ledger::JobStatus::claimed && now > jr.claim->window_end) {
            bool open = false;
            for (uint64_t g : jr.games)
              open = open || l.game(g)->status == ledger::GameStatus::open;
            if (!open)
              VINFER_CHECK(tx(l.finalize(id)));
          }
          break;
        }
        default:
          break;
      }
      VINFER_TRY(rec, l.sampled_job(id));
      bool over = rec.status == ledger::SampledStatus::paid ||
                  rec.status == ledger::SampledStatus::worker_slashed ||
                  rec.status == ledger::SampledStatus::refused;
      bool caught = rec.status == ledger::SampledStatus::worker_slashed;
      bool paid = rec.status == ledger::SampledStatus::paid;
      if (rec.status == ledger::SampledStatus::disputed) {
        VINFER_TRY(auto jr, l.job(id));
        over = jr.status == ledger::JobStatus::finalized || jr.status == ledger::JobStatus::rejected;
        caught = jr.status == ledger::JobStatus::rejected;
        paid = jr.status == ledger::JobStatus::finalized;
        for (uint64_t g : jr.games)
          out.rounds = std::max(out.rounds, l.game(g)->state.rounds);
      }
      if (!over) {
        VINFER_CHECK(tx(l.advance(1)));
        continue;
      }
      finished = true;
      latency += l.block() - posted;
      ++out.jobs;
      if (rec.outcome && rec.outcome->audited())
        ++out.audited;
      if (rec.outcome)
        out.audits += static_cast<uint32_t>(rec.outcome->audits.size());
      if (rec.outcome && rec.outcome->verdict == quorum::SampledVerdict::escalate)
        ++out.escalated;
      if (sc.worker.cheat != SampledCheat::none) {
        bool honest_audit = false;
        for (const quorum::AuditResult& r : rec.outcome ? rec.outcome->audits
                                                        : std::vector<quorum::AuditResult>{})
          honest_audit = honest_audit || honest[ledger::to_address(r.auditor)];
        ++out.wrong;
        out.caught += caught;
        out.wrong_paid += paid;
        out.audited_paid += paid && honest_audit;
      }
    }
    if (!finished)
      return fail(Errc::invalid_argument, "sampled scenario: job " + ledger::short_hex(id) +
                                              " did not settle");
    VINFER_CHECK(tx(l.advance(1)));
  }
  for (const ledger::Event& e : l.events())
    if ((e.kind == ledger::EventKind::stake_slashed || e.kind == ledger::EventKind::bond_slashed) &&
        honest.count(e.who) && honest[e.who])
      out.honest_slashed = true;
  out.cost_multiplier = out.jobs ? static_cast<double>(inferences) / out.jobs : 0;
  out.latency_blocks = out.jobs ? static_cast<double>(latency) / out.jobs : 0;
  // Per job, an honest auditor draws it with probability 1 − (1 − p)^(honest auditors).
  const size_t k = sc.auditors.size();
  const uint32_t p_bps =
      k ? static_cast<uint32_t>(std::min<uint64_t>((sc.audit_rate_bps + k - 1) / k, quorum::kBps))
        : 0;
  out.p_audit = quorum::audit_probability(p_bps, k - colluders);
  out.money_identity = out.money_identity && l.totals().holds();
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::vector<SampledScenario> sampled_scenarios(uint32_t audit_rate_bps,
                                               uint32_t jobs,
                                               const LocalModel& substitute) {
  std::vector<SampledScenario> out;
  auto base = [&](std::string name, SampledCheat cheat, uint32_t colluders) {
    SampledScenario s;
    s.name = std::move(name);
    s.worker.cheat = cheat;
    s.worker.substitute = &substitute;
    s.auditors.assign(3, AuditorConfig{});
    for (uint32_t i = 0; i < colluders; ++i)
      s.auditors[i].kind = AuditorKind::colluding;
    s.audit_rate_bps = audit_rate_bps;
    s.jobs = jobs;
    out.push_back(std::move(s));
  };
  base("honest worker, 3 auditors", SampledCheat::none, 0);
  base("the worker serves a smaller model", SampledCheat::substitute_model, 0);
  base("the worker reveals a random output", SampledCheat::random_output, 0);
  base("the worker commits and never reveals", SampledCheat::never_reveal, 0);
  base("smaller model, 1 of 3 auditors colluding", SampledCheat::substitute_model, 1);
  base("smaller model, 2 of 3 auditors colluding", SampledCheat::substitute_model, 2);
  return out;
}

}  // namespace vinfer::roles
