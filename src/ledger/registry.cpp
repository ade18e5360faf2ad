// MemoryLedger: the model registry and jobs (ledger.hpp); the checks every new job of
// either mode passes.
#include <vector>

#include "ledger/impl.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/model/weight_tensors.hpp"

namespace vinfer::ledger {

using detail::job_subject;
using detail::tx_error;

Status MemoryLedger::register_model(const Address& owner, const ModelRegistration& reg) {
  Impl& m = *impl_;
  const char* tx = "register_model";
  const std::string subject = "model " + short_hex(reg.root);
  if (auto it = m.st.models.find(reg.root); it != m.st.models.end())
    return tx_error(Errc::invalid_argument, tx, subject,
                    "already registered at block " + std::to_string(it->second.block));
  // docs/model-format.md §Model root: [arch_leaf, arith_leaf, tokenizer_leaf, weights_root].
  const Hash leaves[4] = {commit::keccak256(reg.arch), reg.arith_leaf, reg.tokenizer_leaf,
                          reg.weights_root};
  const Hash root = commit::merkle_root(leaves);
  if (root != reg.root)
    return tx_error(Errc::mismatch, tx, subject,
                    "the architecture encoding and the three leaves give root " + short_hex(root));
  auto info = model::parse_arch_encoding(reg.arch);
  if (!info)
    return tx_error(info.error().code, tx, subject, "architecture: " + info.error().message);
  // The referee computes with this build's arithmetic: a model committed to other tables
  // or another version could not be refereed.
  std::vector<uint8_t> arith(arith::kArithVersion.begin(), arith::kArithVersion.end());
  const Hash tables = model::tables_root(info->cfg);
  arith.insert(arith.end(), tables.begin(), tables.end());
  if (commit::keccak256(arith) != reg.arith_leaf)
    return tx_error(Errc::mismatch, tx, subject,
                    "the arithmetic leaf is not " + std::string(arith::kArithVersion) +
                        " with this architecture's tables");

  ModelRecord rec;
  rec.root = reg.root;
  rec.arch = reg.arch;
  rec.cfg = info->cfg;
  rec.norm_eps_q24 = info->norm_eps_q24;
  rec.arith_leaf = reg.arith_leaf;
  rec.tokenizer_leaf = reg.tokenizer_leaf;
  rec.weights_root = reg.weights_root;
  rec.owner = owner;
  rec.block = m.st.block;
  m.st.models[reg.root] = std::move(rec);
  m.dirty.models.insert(reg.root);
  m.emit(EventKind::model_registered, reg.root, 0, owner, 0);
  return m.commit(tx);
}

Result<ModelRecord> MemoryLedger::model(const Hash& root) const {
  auto it = impl_->st.models.find(root);
  if (it == impl_->st.models.end())
    return tx_error(Errc::invalid_argument, "model", "model " + short_hex(root), "not registered");
  return it->second;
}

Status MemoryLedger::Impl::check_new_job(const char* tx, const model::Job& job, bool quorum) const {
  const Hash id = job.id();
  const std::string subject = job_subject(id);
  if (const JobRecord* j = find_job(id))
    return tx_error(Errc::invalid_argument, tx, subject,
                    "already posted at block " + std::to_string(j->block) +
                        (quorum ? " as an optimistic job" : ""));
  if (const QuorumJobRecord* q = find_quorum_job(id))
    return tx_error(
        Errc::invalid_argument, tx, subject,
        "already posted at block " + std::to_string(q->block) + (quorum ? "" : " as a quorum job"));
  if (const SampledJobRecord* sj = find_sampled_job(id))
    return tx_error(Errc::invalid_argument, tx, subject,
                    "already posted at block " + std::to_string(sj->block) + " as a sampled job");
  auto mit = st.models.find(job.model_root);
  if (mit == st.models.end())
    return tx_error(Errc::invalid_argument, tx, subject,
                    "model " + short_hex(job.model_root) + " is not registered");
  if (auto v = model::validate(job, mit->second.cfg); !v)
    return tx_error(v.error().code, tx, subject, v.error().message);
  return ok_status();
}

Result<Hash> MemoryLedger::post_job(const Address& client, const model::Job& job, Amount payment) {
  Impl& m = *impl_;
  const char* tx = "post_job";
  const Hash id = job.id();
  const std::string subject = job_subject(id);
  VINFER_CHECK(m.check_new_job(tx, job, /*quorum=*/false));
  const Amount bal = m.balance_of(client);
  if (bal < payment)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "client " + to_hex(client) + " has balance " + std::to_string(bal) +
                        ", less than the payment " + std::to_string(payment));

  m.debit(client, payment);
  JobRecord rec;
  rec.id = id;
  rec.job = job;
  rec.client = client;
  rec.payment = payment;
  rec.escrow = payment;
  rec.status = JobStatus::open;
  rec.block = m.st.block;
  m.st.jobs[id] = std::move(rec);
  m.dirty.jobs.insert(id);
  m.emit(EventKind::job_posted, id, 0, client, payment);
  VINFER_CHECK(m.commit(tx));
  return id;
}

Status MemoryLedger::cancel_job(const Address& client, const Hash& job_id) {
  Impl& m = *impl_;
  const char* tx = "cancel_job";
  const std::string subject = job_subject(job_id);
  const JobRecord* j = m.find_job(job_id);
  if (!j)
    return tx_error(Errc::invalid_argument, tx, subject, "no such job");
  if (j->client != client)
    return tx_error(Errc::invalid_argument, tx, subject,
                    "only its client " + to_hex(j->client) + " may cancel it");
  if (j->status != JobStatus::open)
    return tx_error(Errc::invalid_argument, tx, subject,
                    std::string("the job is ") + job_status_name(j->status));

  JobRecord& mut = m.job_mut(job_id);
  const Amount refund = mut.escrow;
  mut.escrow = 0;
  mut.status = JobStatus::cancelled;
  m.credit(client, refund);
  m.emit(EventKind::job_cancelled, job_id, 0, client, refund);
  return m.commit(tx);
}

Result<JobRecord> MemoryLedger::job(const Hash& id) const {
  const JobRecord* j = impl_->find_job(id);
  if (!j)
    return tx_error(Errc::invalid_argument, "job", job_subject(id), "no such job");
  return *j;
}

}  // namespace vinfer::ledger
