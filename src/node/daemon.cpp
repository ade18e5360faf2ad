// `vinfer node`'s core (daemon.hpp).
#include "vinfer/node/daemon.hpp"

#include "vinfer/model/load.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/node/blob_server.hpp"
#include "vinfer/node/blob_store.hpp"
#include "vinfer/roles/client.hpp"
#include "vinfer/roles/quorum_node.hpp"

namespace vinfer::node {

struct NodeDaemon::Impl {
  ledger::Ledger& ledger;
  NodeConfig cfg;
  NodeIdentity id;
  roles::LocalModel model;
  std::unique_ptr<BlobStore> blobs;
  std::unique_ptr<BlobServer> blob_server;
  std::unique_ptr<roles::QuorumNode> quorum;

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
    auto key = ledger.node_key(id.address);
    if (!key) {
      VINFER_CHECK(ledger.register_key(id.address, id.sealing.pk));
    } else if (*key != id.sealing.pk) {
      return fail(Errc::mismatch, who + ": the ledger holds another X25519 key for it than " +
                                      kSealingKeyFile + " (a second node with the same chain key?)");
    }
    return ok_status();
  }
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
  roles::QuorumNodeConfig qc;
  qc.threads = m->cfg.threads;
  m->quorum = std::make_unique<roles::QuorumNode>(ledger, m->id.address, m->model,
                                                  m->id.role_secret, qc);
  return std::unique_ptr<NodeDaemon>(new NodeDaemon(std::move(m)));
}

Result<NodeTick> NodeDaemon::tick() {
  NodeTick t;
  VINFER_TRY(roles::QuorumStep q, impl_->quorum->step());
  t.commits = q.commits;
  t.reveals = q.reveals;
  t.inferences = q.inferences;
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

}  // namespace vinfer::node
