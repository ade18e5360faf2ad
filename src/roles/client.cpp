// The client role (client.hpp).
#include "vinfer/roles/client.hpp"

#include "vinfer/commit/tensor_root.hpp"

namespace vinfer::roles {

ledger::ModelRegistration registration_of(const LocalModel& model) {
  ledger::ModelRegistration r;
  r.root = model.c.root;
  r.arch = model::arch_encoding(model.m);
  r.arith_leaf = model.c.arith_leaf;
  r.tokenizer_leaf = model.c.tokenizer_leaf;
  r.weights_root = model.c.weights_root;
  return r;
}

Result<Hash> Client::submit(const model::Job& job, ledger::Amount payment) {
  return ledger_.post_job(self_, job, payment);
}

Result<std::vector<uint32_t>> Client::accept(const Hash& job_id,
                                             std::span<const uint32_t> tokens) const {
  VINFER_TRY(auto rec, ledger_.job(job_id));
  if (rec.status != ledger::JobStatus::finalized || !rec.claim)
    return fail(Errc::invalid_argument,
                std::string("job is ") + ledger::job_status_name(rec.status) + ", not finalized");
  const auto bytes =
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(tokens.data()), tokens.size() * 4);
  const Hash root =
      commit::tensor_root(commit::DType::i32, 1, static_cast<uint32_t>(tokens.size()), bytes);
  if (root != rec.claim->claim.output_hash)
    return fail(Errc::mismatch, "the tokens are not the claimed output (tensor root differs)");
  return std::vector<uint32_t>(tokens.begin(), tokens.end());
}

}  // namespace vinfer::roles
