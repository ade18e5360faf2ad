// The sampled job record's encoding (codec.hpp, SampledJob v1): a full record round-trips,
// every truncation and a damaged field are rejected with the field named.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "vinfer/ledger/codec.hpp"

namespace vinfer::ledger {
namespace {

Hash h(uint8_t v) {
  Hash x{};
  x.fill(v);
  return x;
}

quorum::NodeId node(uint8_t v) {
  quorum::NodeId n{};
  n.fill(v);
  return n;
}

// An escalated job: two auditors, one agreeing and one disagreeing.
SampledJobRecord escalated() {
  SampledJobRecord j;
  j.id = h(1);
  j.model_root = h(2);
  j.client = to_address(node(3));
  j.worker = to_address(node(4));
  j.offer = {100, 30, 1000};
  j.p_bps = 500;
  j.escrow = 100;
  j.status = SampledStatus::escalated;
  j.block = 7;
  j.defend_deadline = 40;
  j.auditors = {{node(5), h(6)}, {node(8), h(9)}};
  j.envelopes = {{j.worker, {1, 2}}, {to_address(node(5)), {3}}, {to_address(node(8)), {4, 5, 6}}};
  quorum::SampledRound r;
  r.job_id = j.id;
  r.worker = node(4);
  r.p_bps = 500;
  r.opened_at = 8;
  r.commit_deadline = 12;
  r.audit_deadline = 16;
  r.reveal_deadline = 19;
  r.worker_committed = r.worker_revealed = true;
  r.worker_commitment = h(10);
  r.worker_output = h(11);
  r.auditors = {{node(5), h(6), true, h(12), true, h(11)}, {node(8), h(9), true, h(13), true, h(14)}};
  j.round = r;
  quorum::SampledOutcome o;
  o.verdict = quorum::SampledVerdict::escalate;
  o.worker = quorum::WorkerOutcome::revealed;
  o.output_hash = h(11);
  o.audits = {{node(5), quorum::AuditOutcome::agreed, h(11)},
              {node(8), quorum::AuditOutcome::disagreed, h(14)}};
  o.disagreeing = {node(8)};
  j.outcome = o;
  return j;
}

TEST(LedgerCodecSampled, RoundTrip) {
  const SampledJobRecord j = escalated();
  const std::vector<uint8_t> b = encode_sampled_job(j);
  auto back = decode_sampled_job(b);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, j);
  // A posted job: no envelopes, round or outcome yet.
  SampledJobRecord p = j;
  p.status = SampledStatus::posted;
  p.envelopes.clear();
  p.round.reset();
  p.outcome.reset();
  auto pb = decode_sampled_job(encode_sampled_job(p));
  ASSERT_TRUE(pb.ok()) << pb.error().to_string();
  EXPECT_EQ(*pb, p);
}

TEST(LedgerCodecSampled, EveryTruncationIsRejected) {
  const std::vector<uint8_t> b = encode_sampled_job(escalated());
  for (size_t n = 0; n < b.size(); ++n)
    EXPECT_FALSE(decode_sampled_job(std::span(b.data(), n)).ok()) << n;
  std::vector<uint8_t> longer = b;
  longer.push_back(0);
  EXPECT_NE(decode_sampled_job(longer).error().message.find("trailing"), std::string::npos);
}

TEST(LedgerCodecSampled, DamagedFieldsAreNamed) {
  const auto err = [](const SampledJobRecord& j) {
    auto r = decode_sampled_job(encode_sampled_job(j));
    return r.ok() ? std::string("accepted") : r.error().message;
  };
  SampledJobRecord j = escalated();
  j.p_bps = 10001;
  EXPECT_NE(err(j).find("p_bps"), std::string::npos);
  j = escalated();
  j.envelopes.pop_back();
  EXPECT_NE(err(j).find("envelope count"), std::string::npos);
  j = escalated();
  j.round->audit_deadline = j.round->commit_deadline;
  EXPECT_NE(err(j).find("deadlines do not increase"), std::string::npos);
  j = escalated();
  j.round->auditors[1].id = node(5);
  EXPECT_NE(err(j).find("listed twice"), std::string::npos);
  j = escalated();
  j.outcome->audits[1].outcome = quorum::AuditOutcome::agreed;
  EXPECT_NE(err(j).find("escalate exactly when"), std::string::npos);
  j = escalated();
  j.round->job_id = h(99);
  EXPECT_NE(err(j).find("another job's"), std::string::npos);
  j = escalated();
  j.outcome.reset();
  EXPECT_NE(err(j).find("does not match"), std::string::npos);
  std::vector<uint8_t> b = encode_sampled_job(escalated());
  b[6 + 32 + 32 + 20 + 20 + 8 + 8 + 4 + 4 + 8] = 9;  // the status byte
  EXPECT_NE(decode_sampled_job(b).error().message.find("status"), std::string::npos);
}

// The seed of fuzz_ledger_codec's sampled-job decoder (byte 0 = 7 picks it), so the fuzzer
// starts from a full record. VINFER_WRITE_VECTORS=1 (re)writes it; a committed seed must
// decode.
TEST(LedgerCodecSampled, FuzzSeedDecodes) {
  const auto path = std::filesystem::path(VINFER_SOURCE_DIR) /
                    "tests/fuzz/corpus/fuzz_ledger_codec/sampled_escalated";
  std::vector<uint8_t> seed{7};
  const std::vector<uint8_t> rec = encode_sampled_job(escalated());
  seed.insert(seed.end(), rec.begin(), rec.end());
  if (std::getenv("VINFER_WRITE_VECTORS")) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(seed.data()),
                                                static_cast<std::streamsize>(seed.size()));
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  const std::vector<uint8_t> committed(std::istreambuf_iterator<char>(in), {});
  ASSERT_GE(committed.size(), 1u);
  EXPECT_EQ(committed[0] % 8, 7);
  EXPECT_TRUE(decode_sampled_job(std::span(committed).subspan(1)).ok());
}

}  // namespace
}  // namespace vinfer::ledger
