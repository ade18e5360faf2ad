// `vinfer node`'s core (daemon.hpp).
#include "vinfer/node/daemon.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "vinfer/dispute/game.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/node/api_server.hpp"
#include "vinfer/node/blob_server.hpp"
#include "vinfer/node/blob_store.hpp"
#include "vinfer/roles/client.hpp"
#include "vinfer/roles/quorum_node.hpp"
#include "vinfer/roles/sampled.hpp"
#include "vinfer/roles/watcher.hpp"
#include "vinfer/roles/worker.hpp"

namespace vinfer::node {

using commit::Hash;

// How long an API job waits in the queue for enough free nodes before it is answered 503.
constexpr uint64_t kApiSeatWaitBlocks = 200;

struct NodeDaemon::Impl {
  ledger::Ledger& ledger;
  NodeConfig cfg;
  NodeIdentity id;
  roles::LocalModel model;
  std::unique_ptr<BlobStore> blobs;
  std::unique_ptr<BlobServer> blob_server;
  std::unique_ptr<roles::QuorumNode> quorum;
  std::unique_ptr<roles::Worker> worker;
  std::unique_ptr<roles::Watcher> watcher;
  std::unique_ptr<roles::SampledWorker> sampled;
  std::unique_ptr<roles::Auditor> auditor;
  std::unique_ptr<ApiServer> api;
  std::map<Hash, uint64_t> api_waiting;  // queued API jobs -> the block they were first seen
  // Sampled worker: the jobs it was drawn for and has not seen settle.
  uint64_t sampled_seq = 0;
  std::set<Hash> sampled_jobs;
  // Worker: how far it read the event log, and the jobs on its model not yet settled
  // that it posted or may still claim. Rebuilt from the log after a restart.
  uint64_t worker_seq = 0;
  std::set<Hash> worker_jobs;

  explicit Impl(ledger::Ledger& l) : ledger(l) {}

  // The model registered, the stake bonded, the key registered: whatever is missing.
  Status join() {
    const std::string who = "node " + ledger::to_hex(id.address);
    if (!ledger.model(model.c.root).ok()) {
      auto r = ledger.register_model(id.address, roles::registration_of(model));
      // Another node may have registered it meanwhile: that is as good.
      if (!r && !ledger.model(model.c.root).ok())
        return fail(r.error().code, who + ": registering its model: " + r.error().message);
    }
    const ledger::Amount staked = ledger.staked(id.address);
    if (staked < cfg.stake) {
      const ledger::Amount more = cfg.stake - staked;
      const ledger::Amount bal = ledger.balance(id.address);
      if (bal < more)
        VINFER_CHECK(ledger.deposit(id.address, more - bal));
      VINFER_CHECK(ledger.stake(id.address, more));
    }
    // Bonds for claims (worker) and challenges (watcher) come from its balance.
    const ledger::Amount bonds = (cfg.has(NodeRole::worker) ? ledger.params().worker_bond : 0) +
                                 (cfg.has(NodeRole::watcher) ? ledger.params().challenger_bond : 0);
    if (const ledger::Amount bal = ledger.balance(id.address); bal < bonds)
      VINFER_CHECK(ledger.deposit(id.address, bonds - bal));
    auto key = ledger.node_key(id.address);
    if (!key) {
      VINFER_CHECK(ledger.register_key(id.address, id.sealing.pk));
    } else if (*key != id.sealing.pk) {
      return fail(Errc::mismatch, who + ": the ledger holds another X25519 key for it than " +
                                      kSealingKeyFile + " (a second node with the same chain key?)");
    }
    return ok_status();
  }

  // Closes the open games of `job_id` whose side to move has let its clock run out.
  Result<uint32_t> resolve_timeouts(const Hash& job_id) {
    uint32_t n = 0;
    for (uint64_t g : ledger.games_of(job_id)) {
      VINFER_TRY(auto gr, ledger.game(g));
      if (gr.status == ledger::GameStatus::open && dispute::timed_out(gr.state, ledger.block())) {
        VINFER_CHECK(ledger.resolve_timeout(g));
        ++n;
      }
    }
    return n;
  }

  Status work(NodeTick& t) {
    for (const ledger::Event& ev : ledger.events(worker_seq)) {
      worker_seq = ev.seq + 1;
      if (ev.kind == ledger::EventKind::job_posted)
        worker_jobs.insert(ev.job_id);
    }
    for (auto it = worker_jobs.begin(); it != worker_jobs.end();) {
      const Hash id = *it;
      VINFER_TRY(auto rec, ledger.job(id));
      const bool mine = rec.claim && rec.claim->worker == id_address();
      if (rec.job.model_root != model.c.root || rec.status == ledger::JobStatus::cancelled ||
          (rec.claim && !mine) ||
          (mine && (rec.status == ledger::JobStatus::finalized ||
                    rec.status == ledger::JobStatus::rejected))) {
        it = worker_jobs.erase(it);
        continue;
      }
      ++it;
      if (rec.status == ledger::JobStatus::open) {
        VINFER_CHECK(worker->serve(id));
        ++t.claims;
      } else if (mine && !worker->serving(id)) {
        VINFER_CHECK(worker->resume(id));
        ++t.resumed;
      }
    }
    VINFER_TRY(const uint32_t moves, worker->play());
    t.moves += moves;
    for (const Hash& id : worker_jobs) {
      VINFER_TRY(const uint32_t closed, resolve_timeouts(id));
      t.timeouts += closed;
      VINFER_TRY(auto rec, ledger.job(id));
      if (rec.status != ledger::JobStatus::claimed || ledger.block() <= rec.claim->window_end)
        continue;
      bool open = false;
      for (uint64_t g : rec.games)
        open = open || ledger.game(g)->status == ledger::GameStatus::open;
      if (!open) {
        VINFER_CHECK(ledger.finalize(id));
        ++t.finalized;
      }
    }
    return ok_status();
  }

  Status watch(NodeTick& t) {
    VINFER_TRY(roles::WatchReport r, watcher->poll());
    t.checked += r.claims_checked;
    t.challenges += r.challenges;
    t.moves += r.moves;
    for (uint64_t g : watcher->games()) {
      VINFER_TRY(auto gr, ledger.game(g));
      if (gr.status == ledger::GameStatus::open && dispute::timed_out(gr.state, ledger.block())) {
        VINFER_CHECK(ledger.resolve_timeout(g));
        ++t.timeouts;
      }
    }
    return ok_status();
  }

  // The sampled worker's part: its role's step, then what is due for its jobs — the
  // settlement after the reveal phase or the defence deadline, and the escalated jobs'
  // games (timeouts, finalization) as a worker's.
  Status work_sampled(NodeTick& t) {
    VINFER_TRY(roles::SampledStep st, sampled->step());
    t.commits += st.commits;
    t.reveals += st.reveals;
    t.moves += st.moves;
    for (const ledger::Event& ev : ledger.events(sampled_seq)) {
      sampled_seq = ev.seq + 1;
      if (ev.kind == ledger::EventKind::sampled_drawn && ev.who == id.address)
        sampled_jobs.insert(ev.job_id);
    }
    const uint64_t now = ledger.block();
    for (auto it = sampled_jobs.begin(); it != sampled_jobs.end();) {
      const Hash jid = *it;
      VINFER_TRY(ledger::SampledJobRecord rec, ledger.sampled_job(jid));
      bool over = false;
      switch (rec.status) {
        case ledger::SampledStatus::open:
          if (rec.round->phase(now) == quorum::SampledPhase::settle) {
            VINFER_CHECK(ledger.sampled_settle(jid));
            ++t.finalized;
          }
          break;
        case ledger::SampledStatus::escalated:
          if (now > rec.defend_deadline) {
            VINFER_CHECK(ledger.sampled_settle(jid));
            ++t.finalized;
          }
          break;
        case ledger::SampledStatus::disputed: {
          VINFER_TRY(const uint32_t closed, resolve_timeouts(jid));
          t.timeouts += closed;
          VINFER_TRY(auto jr, ledger.job(jid));
          if (jr.status == ledger::JobStatus::claimed && now > jr.claim->window_end) {
            bool open = false;
            for (uint64_t g : jr.games)
              open = open || ledger.game(g)->status == ledger::GameStatus::open;
            if (!open) {
              VINFER_CHECK(ledger.finalize(jid));
              ++t.finalized;
            }
          }
          over = jr.status == ledger::JobStatus::finalized || jr.status == ledger::JobStatus::rejected;
          break;
        }
        case ledger::SampledStatus::posted:
          break;
        default:
          over = true;
      }
      it = over ? sampled_jobs.erase(it) : std::next(it);
    }
    return ok_status();
  }

  Status audit(NodeTick& t) {
    VINFER_TRY(roles::SampledStep st, auditor->step());
    t.commits += st.commits;
    t.reveals += st.reveals;
    t.moves += st.moves;
    t.challenges += st.challenges;
    return ok_status();
  }

  // The API's jobs: post what was queued (this node is the client, paying from its own
  // balance: on a MemoryLedger a deposit is a faucet), settle a round once its reveals are
  // in, and answer with the winning output if it is what this node computes itself.
  Status serve_api(NodeTick& t) {
    api->set_ledger(ledger.block(), cfg.ledger);
    // Nodes free to be seated, less those the jobs posted in this tick will take: a job
    // waits in the queue until n are free rather than being posted to be refunded.
    size_t free = ledger.candidates().size();
    for (const ApiWork& w : api->work()) {
      if (w.state == ApiJobState::queued) {
        const uint64_t since = api_waiting.emplace(w.id, ledger.block()).first->second;
        if (free < w.mode.n) {
          if (ledger.block() - since > kApiSeatWaitBlocks) {
            api->failed(w.id, 503, "fewer than " + std::to_string(w.mode.n) +
                                       " staked nodes were free for " +
                                       std::to_string(kApiSeatWaitBlocks) + " blocks (" +
                                       std::to_string(free) + " free now): " + w.mode.text() +
                                       " cannot be seated");
            api_waiting.erase(w.id);
          }
          continue;
        }
        api_waiting.erase(w.id);
        free -= w.mode.n;
        const ledger::Amount need = w.reward * w.mode.n;  // api_request.cpp bounds the product
        if (const ledger::Amount bal = ledger.balance(id.address); bal < need)
          VINFER_CHECK(ledger.deposit(id.address, need - bal));
        auto posted = ledger.post_quorum_job(id.address, w.job, w.mode.n, w.reward);
        if (!posted) {
          // The same job posted before (an identical request, seed included): follow it.
          if (auto rec = ledger.quorum_job(w.id)) {
            api->posted(w.id, rec->block);
          } else {
            api->failed(w.id, 503, "the ledger refused the job: " + posted.error().message);
          }
          continue;
        }
        api->posted(w.id, ledger.block());
        ++t.api_posted;
        continue;
      }
      VINFER_TRY(ledger::QuorumJobRecord rec, ledger.quorum_job(w.id));
      if (!rec.settled) {
        if (rec.round.seats.empty() || ledger.block() <= rec.round.reveal_deadline)
          continue;  // not drawn yet, or still committing and revealing
        if (auto st = ledger.quorum_settle(w.id); !st) {
          VINFER_TRY(rec, ledger.quorum_job(w.id));
          if (!rec.settled)  // not settled by someone else meanwhile
            return st;
        } else {
          VINFER_TRY(rec, ledger.quorum_job(w.id));
        }
      }
      if (!rec.tally) {
        api->failed(w.id, 503, "the job was refunded: not enough staked nodes could be seated for " +
                                   w.mode.text() + " when block " + std::to_string(rec.block) +
                                   " closed");
        continue;
      }
      if (!rec.tally->decided()) {
        api->failed(w.id, 502,
                    "no output had a strict stake majority (" + std::to_string(rec.tally->winning_stake) +
                        " of " + std::to_string(rec.tally->total_stake) +
                        " behind the largest): the network did not agree");
        continue;
      }
      VINFER_TRY(roles::Execution x, roles::execute(model, rec.job, cfg.threads));
      if (x.output_hash != rec.tally->output_hash) {
        api->failed(w.id, 502, "the quorum's winning output " + commit::to_hex(rec.tally->output_hash) +
                                   " is not what this node computes (" + commit::to_hex(x.output_hash) +
                                   "): a colluding majority, or another model; not vouched for");
        continue;
      }
      VINFER_TRY(Certificate cert, quorum_certificate(rec, x.tokens));
      api->settled(w.id, std::move(cert), model.m.tokenizer.decode(x.tokens));
      ++t.api_settled;
    }
    return ok_status();
  }

  const ledger::Address& id_address() const { return id.address; }
};

NodeDaemon::NodeDaemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NodeDaemon::~NodeDaemon() = default;

Result<std::unique_ptr<NodeDaemon>> NodeDaemon::start(const std::string& dir,
                                                      ledger::Ledger& ledger) {
  auto m = std::make_unique<Impl>(ledger);
  VINFER_TRY(m->cfg, load_node_config(dir));
  VINFER_TRY(m->id, load_identity(dir));
  auto loaded = model::load_any(m->cfg.model);
  if (!loaded)
    return fail(loaded.error().code, dir + "/" + kNodeConfigFile + ": model " + m->cfg.model +
                                         ": " + loaded.error().message);
  m->model.m = std::move(loaded).value();
  m->model.c = model::commit_model(m->model.m);
  VINFER_TRY(m->blobs, BlobStore::open(dir + "/blobs"));
  BlobServerOptions bo;
  bo.host = m->cfg.blob_host;
  bo.port = m->cfg.blob_port;
  VINFER_TRY(m->blob_server, BlobServer::start(*m->blobs, bo));
  VINFER_CHECK(m->join());
  const NodeConfig& c = m->cfg;
  if (c.has(NodeRole::quorum)) {
    roles::QuorumNodeConfig qc;
    qc.threads = c.threads;
    // A test network's cheating quorum node: the worker strategies that have a quorum twin.
    if (c.cheat == roles::Cheat::random_output)
      qc.cheat = roles::QuorumCheat::random_output;
    else if (c.cheat == roles::Cheat::silent)
      qc.cheat = roles::QuorumCheat::never_reveal;
    m->quorum = std::make_unique<roles::QuorumNode>(ledger, m->id.address, m->model,
                                                    m->id.role_secret, qc);
  }
  if (c.has(NodeRole::worker)) {
    roles::WorkerConfig wc;
    wc.cheat = c.cheat;
    wc.at_step = c.cheat_at;
    wc.threads = c.threads;
    m->worker = std::make_unique<roles::Worker>(ledger, m->id.address, m->model, wc);
  }
  if (c.has(NodeRole::watcher)) {
    roles::WatcherConfig wc;
    wc.lie = c.cheat;
    wc.lie_at = c.cheat_at;
    wc.threads = c.threads;
    VINFER_TRY(m->watcher,
               roles::Watcher::open(ledger, m->id.address, m->model, dir + "/watcher.db", wc));
  }
  if (c.has(NodeRole::sampled)) {
    roles::SampledWorkerConfig sc;
    sc.threads = c.threads;
    m->sampled = std::make_unique<roles::SampledWorker>(ledger, m->id.address, m->model,
                                                        m->id.sealing, m->id.role_secret, sc);
  }
  if (c.has(NodeRole::auditor)) {
    // Its audit secrets come from their own master, not from the quorum salts' secret.
    std::vector<uint8_t> pre = {'V', 'A', 'U', 'D'};
    pre.insert(pre.end(), m->id.role_secret.begin(), m->id.role_secret.end());
    roles::AuditorConfig ac;
    ac.threads = c.threads;
    VINFER_TRY(m->auditor, roles::Auditor::create(ledger, m->id.address, m->model, m->id.sealing,
                                                  commit::keccak256(pre), ac));
  }
  if (c.api) {
    ApiOptions ao;
    ao.host = c.blob_host;
    ao.port = c.api_port;
    ao.queue = c.api_queue;
    VINFER_TRY(m->api, ApiServer::start(m->model, std::filesystem::path(c.model).stem().string(), ao));
  }
  return std::unique_ptr<NodeDaemon>(new NodeDaemon(std::move(m)));
}

Result<NodeTick> NodeDaemon::tick() {
  NodeTick t;
  Impl& m = *impl_;
  if (m.quorum) {
    VINFER_TRY(roles::QuorumStep q, m.quorum->step());
    t.commits = q.commits;
    t.reveals = q.reveals;
  }
  if (m.worker)
    VINFER_CHECK(m.work(t));
  if (m.watcher)
    VINFER_CHECK(m.watch(t));
  if (m.sampled)
    VINFER_CHECK(m.work_sampled(t));
  if (m.auditor)
    VINFER_CHECK(m.audit(t));
  if (m.api)
    VINFER_CHECK(m.serve_api(t));
  return t;
}

const NodeConfig& NodeDaemon::config() const {
  return impl_->cfg;
}
const ledger::Address& NodeDaemon::address() const {
  return impl_->id.address;
}
const commit::Hash& NodeDaemon::model_root() const {
  return impl_->model.c.root;
}
std::string NodeDaemon::blob_url() const {
  return impl_->blob_server->url();
}
std::string NodeDaemon::api_url() const {
  return impl_->api ? impl_->api->url() : "";
}

}  // namespace vinfer::node
