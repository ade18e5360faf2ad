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

// Flips one random bit somewhere in a bundle's openings; returns what it hit.
std::string tamper(dispute::OperandBundle& b, std::mt19937_64& rng) {
  auto flip = [&](uint8_t* p, size_t n) {
    p[rng() % n] ^= static_cast<uint8_t>(1u << (rng() % 8));
  };
  auto flip_hash = [&](std::vector<Hash>& hs) {
    if (hs.empty())
      return false;
    flip(hs[rng() % hs.size()].data(), 32);
    return true;
  };
  auto flip_range = [&](commit::RangeOpening& r, bool sibling) {
    commit::ElementOpening& o = r.chunks[rng() % r.chunks.size()];
    if (sibling)
      return flip_hash(o.proof.siblings);
    flip(o.chunk.data(), o.chunk.size());
    return true;
  };
  for (;;) {
    const size_t which = rng() % 2;
    switch (rng() % 8) {
      case 0:
        flip_range(b.steps[which].elements, false);
        return "step chunk byte";
      case 1:
        if (flip_range(b.steps[which].elements, true))
          return "step chunk sibling";
        break;
      case 2:
        if (flip_hash(b.steps[which].in_trace.path) || flip_hash(b.steps[which].in_trace.peaks))
          return "trace path or peak";
        break;
      case 3:
        flip(b.steps[which].step_root.data(), 32);
        return "step root";
      case 4:
        flip_range(b.weights[which].elements, false);
        return "weight chunk byte";
      case 5:
        if (flip_range(b.weights[which].elements, true))
          return "weight chunk sibling";
        break;
      case 6:
        if (flip_hash(b.weights[which].in_weights.siblings))
          return "weights-root sibling";
        break;
      default:
        flip(b.weights[which].tensor_root.data(), 32);
        return "weight tensor root";
    }
  }
}

// C++ vs Solidity on random one-bit tamperings of real bundles. The contract takes the
// compact form, which leaves out the per-chunk siblings inside a run; so: when the compact
// calldata is unchanged the contract must still return the honest value (the C++ referee,
// which checks every redundant path, may reject), and when it changed both must reject.
TEST(EvmReferee, DifferentialFuzzOfTamperedBundles) {
  const Game& g = game();
  std::mt19937_64 rng(33);
  std::vector<uint64_t> matmuls;
  for (uint64_t k = 0; k < g.ctx.sched.size(); ++k)
    if (g.ctx.sched.at(k).op == model::Op::matmul)
      matmuls.push_back(k);
  int both_rejected = 0, unchanged = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const uint64_t k = matmuls[rng() % matmuls.size()];
    const model::Step s = g.ctx.sched.at(k);
    const uint64_t e = rng() % (uint64_t{s.rows} * s.cols);
    dispute::OperandBundle honest;
    ASSERT_TRUE(dispute::build_bundle(g.ctx, k, e, g.party, &honest).ok());
    const Hash agreed = g.trace.acc.root_at(k);
    const int64_t want = dispute::referee_element(g.ctx, k, e, agreed, honest).value().value;
    const MatmulStatement st = matmul_statement(g.ctx, k, e, agreed).value();
    const auto honest_data = matmul_element_calldata(st, matmul_openings(honest).value());
    dispute::OperandBundle b = honest;
    const std::string what = tamper(b, rng);
    SCOPED_TRACE(g.ctx.sched.describe(k) + " element " + std::to_string(e) + ": " + what);
    auto cpp = dispute::referee_element(g.ctx, k, e, agreed, b);
    auto op = matmul_openings(b);
    ASSERT_TRUE(op.ok());
    const auto data = matmul_element_calldata(st, *op);
    testing::Chain& c = testing::chain();
    auto out = c.client.call(c.address("OneStepReferee"), data);
    if (data == honest_data) {
      ASSERT_TRUE(out.ok()) << out.error().to_string();
      EXPECT_EQ(abi::decode_int(*out).value(), want);
      if (cpp.ok()) {
        EXPECT_EQ(cpp->value, want);
      }
      ++unchanged;
    } else {
      EXPECT_FALSE(cpp.ok()) << "the C++ referee accepted a changed opening";
      EXPECT_FALSE(out.ok()) << "the Solidity referee accepted a changed opening: "
                             << abi::decode_int(*out).value();
      ++both_rejected;
    }
  }
  std::printf(
      "differential: %d tamperings rejected by both referees, %d left the calldata as it was\n",
      both_rejected, unchanged);
  EXPECT_EQ(both_rejected + unchanged, 300);
  EXPECT_GT(both_rejected, 200);  // most bits the contract reads; a few redundant siblings
}

}  // namespace
}  // namespace vinfer::ledger::evm
