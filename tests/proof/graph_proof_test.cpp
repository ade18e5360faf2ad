// The graph proof (proof/graph_proof.hpp) on a small synthetic MLP whose values come from
// the arith element references: honest proofs verify, and every kind of lie is rejected.
#include <gtest/gtest.h>

#include <random>

#include "proof/small_mlp.hpp"
#include "vinfer/proof/circuit.hpp"
#include "vinfer/proof/graph_proof.hpp"
#include "vinfer/proof/prover_status.hpp"

namespace vinfer::proof {
namespace {

using model::Op;
using model::QGraph;
using model::QNode;
using test_graphs::forward;
using test_graphs::small_mlp;

struct Fixture {
  QGraph g;
  Circuit c;
  WeightCommitment w;
  GraphStatement st;
  std::vector<std::vector<std::int32_t>> values;
  std::vector<std::uint8_t> proof;
};

Fixture make(std::uint32_t batch, std::uint64_t seed = 1) {
  Fixture f;
  f.g = small_mlp(seed);
  auto c = build_circuit(f.g, batch);
  EXPECT_TRUE(c.ok()) << c.error().to_string();
  f.c = std::move(c).value();
  f.w = commit_weights(f.c, f.g);
  std::mt19937_64 rng(seed + 100);
  std::vector<std::int8_t> in(std::size_t{20} * batch);
  for (auto& x : in)
    x = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  f.values = forward(f.g, in, batch);
  f.st.model_root[0] = 0x42;
  f.st.weights_root = f.w.pcs.root;
  f.st.batch = batch;
  f.st.input = in;
  f.st.output = f.values[f.g.output];
  auto p = graph_prove(f.c, f.g, f.w, f.st, f.values);
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  f.proof = std::move(p).value();
  return f;
}

TEST(GraphProof, HonestProofVerifiesAtSeveralBatches) {
  for (std::uint32_t batch : {1u, 3u, 8u}) {
    Fixture f = make(batch);
    const Status s = graph_verify(f.c, f.st, f.proof);
    EXPECT_TRUE(s.ok()) << "batch " << batch << ": " << s.error().to_string();
  }
}

TEST(GraphProof, AReluThatCannotBeFusedIsProvenOnItsOwn) {
  // fc2 reads the requant's output too, so the requant has two readers and the relu is its
  // own step (o - x - n = 0, o n = 0); the relu's value is then read by nobody.
  QGraph g = small_mlp(3);
  g.nodes[3].a = 2;
  const std::uint32_t batch = 3;
  auto c = build_circuit(g, batch);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  bool relu_cols = false;
  for (const Column& col : c->cols)
    relu_cols = relu_cols || col.name == "relu1.neg";
  EXPECT_TRUE(relu_cols);
  const WeightCommitment w = commit_weights(*c, g);
  std::mt19937_64 rng(9);
  std::vector<std::int8_t> in(std::size_t{20} * batch);
  for (auto& x : in)
    x = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  auto values = forward(g, in, batch);
  GraphStatement st;
  st.weights_root = w.pcs.root;
  st.batch = batch;
  st.input = in;
  st.output = values[g.output];
  auto p = graph_prove(*c, g, w, st, values);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_TRUE(graph_verify(*c, st, *p).ok());
  values[3][1] = values[3][1] == 0 ? 1 : 0;  // a wrong relu output
  EXPECT_FALSE(graph_prove(*c, g, w, st, values).ok());
}

TEST(GraphProof, ClampsAreExercised) {
  // The fixture's multipliers make some int8 outputs saturate; the proof must cover them.
  Fixture f = make(8);
  std::size_t sat = 0;
  for (std::int32_t v : f.values[2])
    sat += (v == 127 || v == -127) ? 1 : 0;
  EXPECT_GT(sat, 0u);
  EXPECT_TRUE(graph_verify(f.c, f.st, f.proof).ok());
}

TEST(GraphProof, WrongStatementsAreRejected) {
  Fixture f = make(3);
  GraphStatement out = f.st;
  out.output[4] += 1;
  EXPECT_FALSE(graph_verify(f.c, out, f.proof).ok());
  GraphStatement in = f.st;
  in.input[7] = static_cast<std::int8_t>(in.input[7] == 5 ? 6 : 5);
  EXPECT_FALSE(graph_verify(f.c, in, f.proof).ok());
  GraphStatement root = f.st;
  root.model_root[3] ^= 1;
  EXPECT_FALSE(graph_verify(f.c, root, f.proof).ok());
  GraphStatement wroot = f.st;
  wroot.weights_root[0] ^= 1;
  EXPECT_FALSE(graph_verify(f.c, wroot, f.proof).ok());
  GraphStatement size = f.st;
  size.output.pop_back();
  const Status s = graph_verify(f.c, size, f.proof);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("output"), std::string::npos) << s.error().message;
}

TEST(GraphProof, ProofOfOtherWeightsIsRejected) {
  // A prover holding different weights (another model) proves its own forward pass; the
  // verifier, holding the registered weights root, rejects it.
  Fixture honest = make(3, 1);
  Fixture other = make(3, 2);
  GraphStatement st = other.st;
  st.weights_root = honest.w.pcs.root;
  EXPECT_FALSE(graph_verify(other.c, st, other.proof).ok());
}

TEST(GraphProof, MutatedTruncatedAndEmptyProofsAreRejected) {
  Fixture f = make(3);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::vector<std::uint8_t> bad = f.proof;
    const std::size_t at = rng() % bad.size();
    bad[at] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    const Status s = graph_verify(f.c, f.st, bad);
    EXPECT_FALSE(s.ok()) << "mutation at " << at << " accepted";
    if (!s.ok())
      EXPECT_FALSE(s.error().message.empty());
  }
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, f.proof.size() / 2, f.proof.size() - 1}) {
    std::vector<std::uint8_t> bad(f.proof.begin(),
                                  f.proof.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(graph_verify(f.c, f.st, bad).ok()) << "truncated to " << cut;
  }
  std::vector<std::uint8_t> longer = f.proof;
  longer.push_back(0);
  EXPECT_FALSE(graph_verify(f.c, f.st, longer).ok());
}

TEST(GraphProof, ProverRefusesValuesThatAreNotTheCanonicalResult) {
  Fixture f = make(3);
  std::vector<std::vector<std::int32_t>> v = f.values;
  // A relu output changed (the requant before it is fused with it: its clamp is to [0, 127]).
  v[3][5] = v[3][5] == 0 ? 1 : 0;
  auto p = graph_prove(f.c, f.g, f.w, f.st, v);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("fc1.requant"), std::string::npos) << p.error().message;
}

TEST(GraphProof, UnprovableOperatorIsNamed) {
  QGraph g = small_mlp(1);
  g.nodes[2].op = Op::avgpool;
  g.nodes[2].name = "pool1";
  auto c = build_circuit(g, 2);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("pool1"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("avgpool"), std::string::npos) << c.error().message;
}

TEST(ProverStatus, EveryOperatorHasAnEntryAndTheGraphOpsAreProven) {
  for (std::size_t i = 0; i < model::kOpCount; ++i)
    EXPECT_FALSE(prover_status_note(static_cast<Op>(i)).empty());
  EXPECT_EQ(prover_status(Op::gemm), ProverStatus::proven);
  EXPECT_EQ(prover_status(Op::relu), ProverStatus::proven);
  EXPECT_EQ(prover_status(Op::conv), ProverStatus::proven);
  EXPECT_EQ(prover_status(Op::avgpool), ProverStatus::unprovable);
}

}  // namespace
}  // namespace vinfer::proof

// ---- The committed MNIST MLP (models/mnist-mlp.onnx) ----
#include <cstdlib>
#include <filesystem>

#include "vinfer/engine/graph_engine.hpp"
#include "vinfer/model/digits.hpp"
#include "vinfer/model/onnx.hpp"

namespace vinfer::proof {
namespace {

std::filesystem::path repo() {
  const char* e = std::getenv("VINFER_SOURCE_DIR");
  return e != nullptr ? std::filesystem::path(e) : std::filesystem::path(".");
}

// Proves the canonical forward pass of a committed MNIST model on held-out digits.
void prove_mnist(const char* file, std::uint32_t batch) {
  auto g = model::load_onnx_canonical(repo() / file, repo() / "data");
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  auto digits = model::load_digits(repo() / "data/mnist-test.bin");
  ASSERT_TRUE(digits.ok()) << digits.error().to_string();
  std::vector<std::int8_t> in;
  for (std::uint32_t i = 0; i < batch * model::kDigitPixels; ++i)
    in.push_back(model::quantize_pixel_u8(digits->pixels[i]));
  auto run = engine::graph_forward_ref(*g, in, batch);
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  auto c = build_circuit(*g, batch);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  const WeightCommitment w = commit_weights(*c, *g);
  GraphStatement st;
  st.model_root = model::commit_graph(*g).root;
  st.weights_root = w.pcs.root;
  st.batch = batch;
  st.input = in;
  st.output = run->values[g->output];
  auto p = graph_prove(*c, *g, w, st, run->values);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  const Status ok = graph_verify(*c, st, *p);
  EXPECT_TRUE(ok.ok()) << ok.error().to_string();
  // The verifier holds a forged output: one logit of one digit moved by one unit.
  GraphStatement forged = st;
  forged.output[3] += 1;
  EXPECT_FALSE(graph_verify(*c, forged, *p).ok());
  // A proof of another input does not verify for this one.
  GraphStatement other = st;
  other.input[400] = static_cast<std::int8_t>(other.input[400] == 0 ? 1 : 0);
  EXPECT_FALSE(graph_verify(*c, other, *p).ok());
}

TEST(GraphProofMnist, MlpProofOfHeldOutDigitsVerifies) {
  prove_mnist("models/mnist-mlp.onnx", 5);
}

TEST(GraphProofMnist, CnnProofOfHeldOutDigitsVerifies) {
  prove_mnist("models/mnist-cnn.onnx", 3);
}

}  // namespace
}  // namespace vinfer::proof
