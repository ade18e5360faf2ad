// The Solidity one-step referee (contracts/src/dispute/OneStepReferee.sol) against the C++
// referee (dispute::referee_element): every matmul step of a real job gives the same element
// from the same openings; tampered openings are rejected by both; and the gas of one
// 4096-wide element, calldata and openings included (docs/contracts.md).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>

#include "dispute/fixtures.hpp"
#include "evm/chain.hpp"
#include "ledger/evm/referee_calldata.hpp"
#include "vinfer/arith/ops.hpp"
#include "vinfer/commit/merkle.hpp"

namespace vinfer::ledger::evm {
namespace {

using commit::Hash;
namespace dt = dispute::testing;

Result<int64_t> evm_matmul(const MatmulStatement& st, const MatmulOpenings& op) {
  testing::Chain& c = testing::chain();
  VINFER_TRY(auto out, c.client.call(c.address("OneStepReferee"), matmul_element_calldata(st, op)));
  return abi::decode_int(out);
}

std::string revert_selector() {
  return testing::chain().client.rpc().last_error().data.substr(0, 10);
}

// The last revert in words, by the referee's ABI.
std::string revert_text() {
  auto data = abi::from_hex(testing::chain().client.rpc().last_error().data);
  EXPECT_TRUE(data.ok());
  return abi::describe_revert(testing::artifacts()["contracts"]["OneStepReferee"]["abi"],
                              data.ok() ? *data : std::vector<uint8_t>());
}

// One job of the small model, run honestly, with its referee context.
struct Game {
  const dt::Model& mdl = dt::small_model();
  model::Job job = dt::job_for(mdl, false);
  dt::Trace trace = dt::run(mdl, job);
  dispute::RefereeContext ctx = dt::context(mdl, job);
  dispute::PartyData party = dt::party(mdl, trace);
};

const Game& game() {
  static const Game* g = new Game;
  return *g;
}

TEST(EvmReferee, EveryMatmulStepOfAJobMatchesTheCppReferee) {
  const Game& g = game();
  std::mt19937_64 rng(31);
  int checked = 0;
  int want_checked = 0;  // two elements of the seven projections per layer and position, and
                         // of the logits at every sampling position
  for (uint32_t p = 0; p < g.ctx.sched.positions(); ++p)
    want_checked +=
        2 * (7 * static_cast<int>(g.mdl.m.cfg.n_layers) + (g.ctx.sched.samples_at(p) ? 1 : 0));
  for (uint64_t k = 0; k < g.ctx.sched.size(); ++k) {
    const model::Step s = g.ctx.sched.at(k);
    if (s.op != model::Op::matmul)
      continue;
    const uint64_t n = uint64_t{s.rows} * s.cols;
    for (uint64_t e : {n - 1, rng() % n}) {
      dispute::OperandBundle b;
      ASSERT_TRUE(dispute::build_bundle(g.ctx, k, e, g.party, &b).ok());
      const Hash agreed = g.trace.acc.root_at(k);
      auto want = dispute::referee_element(g.ctx, k, e, agreed, b);
      ASSERT_TRUE(want.ok()) << g.ctx.sched.describe(k) << ": " << want.error().to_string();
      auto st = matmul_statement(g.ctx, k, e, agreed);
      ASSERT_TRUE(st.ok()) << st.error().to_string();
      auto op = matmul_openings(b);
      ASSERT_TRUE(op.ok()) << op.error().to_string();
      auto got = evm_matmul(*st, *op);
      ASSERT_TRUE(got.ok()) << g.ctx.sched.describe(k) << " element " << e << ": "
                            << got.error().to_string();
      ASSERT_EQ(*got, want->value) << g.ctx.sched.describe(k) << " element " << e;
      ++checked;
    }
  }
  EXPECT_EQ(checked, want_checked);
  EXPECT_GT(checked, 400);
}

// A matmul element of the job (the first w2 step, its last row) and its honest openings.
struct Disputed {
  uint64_t k = 0, e = 0;
  Hash agreed{};
  dispute::OperandBundle bundle;
  MatmulStatement st;
};

Disputed disputed() {
  const Game& g = game();
  Disputed d;
  for (d.k = 0; g.ctx.sched.at(d.k).op != model::Op::matmul ||
                g.ctx.sched.at(d.k).weight != model::Weight::w2;
       ++d.k) {
  }
  d.e = g.ctx.sched.at(d.k).cols - 1;
  d.agreed = g.trace.acc.root_at(d.k);
  VINFER_ASSERT(dispute::build_bundle(g.ctx, d.k, d.e, g.party, &d.bundle).ok());
  d.st = matmul_statement(g.ctx, d.k, d.e, d.agreed).value();
  return d;
}

// Both referees reject `b` (for statement `st`); the Solidity one with error `selector`.
void expect_both_reject(const Disputed& d,
                        const dispute::OperandBundle& b,
                        const MatmulStatement& st,
                        const char* error_signature) {
  const Game& g = game();
  EXPECT_FALSE(dispute::referee_element(g.ctx, d.k, d.e, st.agreed_root, b).ok());
  auto op = matmul_openings(b);
  ASSERT_TRUE(op.ok()) << op.error().to_string();
  auto got = evm_matmul(st, *op);
  ASSERT_FALSE(got.ok()) << "the Solidity referee accepted a bad opening: " << *got;
  EXPECT_EQ(revert_selector(), testing::error_selector(error_signature));
  const std::string name(error_signature, std::strchr(error_signature, '('));
  EXPECT_EQ(revert_text().rfind(name + "(", 0), 0) << revert_text();
}

TEST(EvmReferee, HonestOpeningIsAcceptedAndItsValueIsTheEngines) {
  const Game& g = game();
  const Disputed d = disputed();
  auto got = evm_matmul(d.st, matmul_openings(d.bundle).value());
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  int32_t engine;
  std::memcpy(&engine, g.trace.outputs[d.k].data() + 4 * d.e, 4);
  EXPECT_EQ(*got, engine);
}

TEST(EvmReferee, BadMerkleOpeningsAreRejectedByBothReferees) {
  const Disputed d = disputed();
  {  // a weight byte changed: the chunk no longer hashes to the committed tensor root
    dispute::OperandBundle b = d.bundle;
    b.weights[0].elements.chunks[0].chunk[5] ^= 1;
    expect_both_reject(d, b, d.st, "TensorRootMismatch(bytes32,bytes32)");
  }
  {  // a sibling of the weight row's path changed
    dispute::OperandBundle b = d.bundle;
    auto& sib = b.weights[0].elements.chunks.back().proof.siblings;
    ASSERT_FALSE(sib.empty());
    sib.back()[0] ^= 1;
    expect_both_reject(d, b, d.st, "TensorRootMismatch(bytes32,bytes32)");
  }
  {  // an input activation changed
    dispute::OperandBundle b = d.bundle;
    b.steps[0].elements.chunks[0].chunk[0] ^= 0x40;
    expect_both_reject(d, b, d.st, "TensorRootMismatch(bytes32,bytes32)");
  }
  {  // the absmax's step root is not the one in the accumulator
    dispute::OperandBundle b = d.bundle;
    b.steps[1].step_root[3] ^= 1;
    expect_both_reject(d, b, d.st, "TracePeakMismatch(uint256)");
  }
  {  // the multiplier tensor's root is not in the weights root
    dispute::OperandBundle b = d.bundle;
    b.weights[1].tensor_root[0] ^= 1;
    expect_both_reject(d, b, d.st, "WeightsRootMismatch(bytes32,bytes32)");
  }
  {  // the openings are against another accumulator root than the agreed one
    MatmulStatement st = d.st;
    st.agreed_root[31] ^= 1;
    expect_both_reject(d, d.bundle, st, "TraceRootMismatch(bytes32,bytes32)");
  }
}

TEST(EvmReferee, AnotherRowsOpeningIsRejected) {
  const Game& g = game();
  const Disputed d = disputed();
  // A valid opening of row e - 1 offered for row e.
  dispute::OperandBundle other;
  ASSERT_TRUE(dispute::build_bundle(g.ctx, d.k, d.e - 1, g.party, &other).ok());
  dispute::OperandBundle b = d.bundle;
  b.weights[0] = other.weights[0];
  EXPECT_FALSE(dispute::referee_element(g.ctx, d.k, d.e, d.agreed, b).ok());
  auto got = evm_matmul(d.st, matmul_openings(b).value());
  EXPECT_FALSE(got.ok());
  // And the element past the last row is out of the domain.
  MatmulStatement st = d.st;
  st.element = st.weight_rows;
  EXPECT_FALSE(evm_matmul(st, matmul_openings(d.bundle).value()).ok());
  EXPECT_EQ(revert_selector(), testing::error_selector("OperandOutOfDomain(string,int256)"));
  EXPECT_EQ(revert_text(),
            "OperandOutOfDomain(\"weight row\", " + std::to_string(st.element) + ")");
}

}  // namespace
}  // namespace vinfer::ledger::evm
