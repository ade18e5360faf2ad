// A verification certificate (issue 7, docs/api.md "Certificates"): what a client keeps of
// a verified answer and anyone re-checks later against the ledger, without the node that
// answered. Today the quorum kind: the job's canonical bytes, the output tokens, and the
// tally the ledger recorded when it settled the round.
//
//   {"format": "vinfer-cert-v1", "mode": "quorum:3",
//    "job_id": hex, "job": hex of model::Job canonical bytes, "model_root": hex,
//    "output_tokens": [..], "output_hash": hex,         tensor_root(i32, 1 x max_tokens)
//    "posted_block": 12, "reveal_deadline": 28,
//    "tally": {"verdict": "majority", "output_hash": hex, "winning_stake": 3000,
//              "total_stake": 3000,
//              "seats": [{"node": "0x..", "stake": 1000, "outcome": "agreed",
//                         "output_hash": hex}, ..]},
//    "ledger": "http://127.0.0.1:PORT"}                  where it was settled (a hint)
//
// check_certificate says whether it holds together (the id is the job's, the tokens give
// the output hash, a strict stake majority chose that output); verify_certificate also
// says whether the ledger agrees (the same job settled with the same tally).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vinfer/ledger/ledger.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/node/api_request.hpp"
#include "vinfer/quorum/round.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node {

inline constexpr const char* kCertificateFormat = "vinfer-cert-v1";

struct Certificate {
  ModeSpec mode;
  model::Job job;
  ledger::Hash job_id{};
  std::vector<uint32_t> tokens;  ///< the answer, as token ids of the model's tokenizer
  ledger::Hash output_hash{};
  uint64_t posted_block = 0;
  uint64_t reveal_deadline = 0;
  quorum::Tally tally;
  std::string ledger;  ///< the ledger's URL, if known; verify_certificate takes its own
  bool operator==(const Certificate&) const = default;
};

/// The output hash of a token sequence: the engine's output step (tensor_root of the
/// tokens as int32, shape 1 x count).
ledger::Hash output_hash_of(const std::vector<uint32_t>& tokens);

/// The certificate of a settled quorum job and the tokens that hash to its winning output;
/// an error if the round was refunded, has no majority, or the tokens are not the winner.
Result<Certificate> quorum_certificate(const ledger::QuorumJobRecord& rec,
                                       std::vector<uint32_t> tokens);

std::string certificate_json(const Certificate& c);
/// Parses a certificate (untrusted bytes); the error names the field.
Result<Certificate> parse_certificate(std::string_view text);

/// Internal consistency, no ledger needed.
Status check_certificate(const Certificate& c);
/// check_certificate, then the ledger's record of the job: the same job, settled, with the
/// same tally (verdict, winner, stakes, every seat's outcome), on a model the ledger has
/// registered. (The tally's dissenter and non-revealer lists are not carried: the seats'
/// outcomes say the same.)
Status verify_certificate(const Certificate& c, const ledger::Ledger& ledger);

}  // namespace vinfer::node
