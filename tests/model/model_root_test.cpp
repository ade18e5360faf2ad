// The model root: its layout (leaves, tensor order, encodings), sensitivity to every part
// of the model, and a golden vector (tests/vectors/model/model_root.txt).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "vinfer/commit/merkle.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/model/canonical_file.hpp"
#include "vinfer/model/model_root.hpp"

namespace vinfer::model {
namespace {

using commit::Hash;

CanonicalModel sample(uint64_t seed = 30) {
  auto q = quantize(testing::random_model(seed));
  EXPECT_TRUE(q.ok());
  return std::move(q).value();
}

TEST(ModelRoot, IsTheMerkleRootOfItsFourLeaves) {
  const CanonicalModel m = sample();
  const ModelCommitment c = commit_model(m);
  const Hash leaves[4] = {c.arch_leaf, c.arith_leaf, c.tokenizer_leaf, c.weights_root};
  EXPECT_EQ(c.root, commit::merkle_root(leaves));
  EXPECT_EQ(c.weights_root, commit::merkle_root(c.tensor_roots));
  EXPECT_EQ(c.arch_leaf, commit::keccak256(arch_encoding(m)));
  EXPECT_EQ(c.tokenizer_leaf, commit::keccak256(tokenizer_encoding(m.tokenizer)));
  ASSERT_EQ(c.tensor_names.size(), 2u + 16u * m.cfg.n_layers + 3u);
  ASSERT_EQ(c.tensor_roots.size(), c.tensor_names.size());
  const std::vector<std::string> head = {
      "tok_embd",       "tok_embd.scale", "blk.0.attn_norm", "blk.0.wq",       "blk.0.wq.scale",
      "blk.0.wk",       "blk.0.wk.scale", "blk.0.wv",        "blk.0.wv.scale", "blk.0.wo",
      "blk.0.wo.scale", "blk.0.ffn_norm", "blk.0.w1",        "blk.0.w1.scale", "blk.0.w2",
      "blk.0.w2.scale", "blk.0.w3",       "blk.0.w3.scale"};
  for (size_t i = 0; i < head.size(); ++i) {
    EXPECT_EQ(c.tensor_names[i], head[i]);
  }
  const size_t n = c.tensor_names.size();
  EXPECT_EQ(c.tensor_names[n - 3], "out_norm");
  EXPECT_EQ(c.tensor_names[n - 2], "wcls");
  EXPECT_EQ(c.tensor_names[n - 1], "wcls.scale");
  // A weight tensor's root is the i8 tensor root of its rows x cols bytes.
  const auto& wq = m.layers[0].wq;
  EXPECT_EQ(c.tensor_roots[3],
            commit::tensor_root(commit::DType::i8, wq.rows, wq.cols,
                                {reinterpret_cast<const uint8_t*>(wq.w.data()), wq.w.size()}));
}

TEST(ModelRoot, EncodingsAreBigEndianAndComplete) {
  const CanonicalModel m = sample();
  const auto a = arch_encoding(m);
  ASSERT_EQ(a.size(), 4u + 5 + 9 * 4 + 8);
  EXPECT_EQ(std::vector<uint8_t>(a.begin(), a.begin() + 9),
            (std::vector<uint8_t>{0, 0, 0, 5, 'l', 'l', 'a', 'm', 'a'}));
  EXPECT_EQ(std::vector<uint8_t>(a.begin() + 9, a.begin() + 13),
            (std::vector<uint8_t>{0, 0, 0, 64}));
  EXPECT_EQ(std::vector<uint8_t>(a.begin() + 37, a.begin() + 41),
            (std::vector<uint8_t>{0x46, 0x1c, 0x40, 0x00}));  // 10000.0f
  EXPECT_EQ(std::vector<uint8_t>(a.end() - 8, a.end()),
            (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 168}));
  auto t = Tokenizer::create({"<unk>", "ab"}, {0.0f, -1.0f}, {2, 1}, 0, 0, 0);
  ASSERT_TRUE(t.ok());
  const std::vector<uint8_t> want = {0, 0, 0, 2,  // count
                                     0, 0, 0, 5, '<', 'u', 'n', 'k', '>',  0,    0, 0, 0, 0, 0,
                                     0, 2, 0, 0, 0,   2,   'a', 'b', 0xbf, 0x80, 0, 0, 0, 0, 0,
                                     1, 0, 0, 0, 0,   0,   0,   0,   0,    0,    0, 0, 0};
  EXPECT_EQ(tokenizer_encoding(*t), want);
}

TEST(ModelRoot, EveryPartOfTheModelChangesTheRoot) {
  const CanonicalModel m = sample();
  const ModelCommitment base = commit_model(m);
  auto changed = [&](auto mutate) {
    CanonicalModel x = m;
    mutate(x);
    return commit_model(x);
  };
  {
    const auto c = changed([](CanonicalModel& x) { x.layers[1].w2.w[17] ^= 1; });
    EXPECT_NE(c.root, base.root);
    size_t differing = 0;
    for (size_t i = 0; i < c.tensor_roots.size(); ++i) {
      differing += c.tensor_roots[i] != base.tensor_roots[i];
    }
    EXPECT_EQ(differing, 1u);
    EXPECT_EQ(c.arch_leaf, base.arch_leaf);
  }
  EXPECT_NE(changed([](CanonicalModel& x) { x.wcls.scale[0].mant += 1; }).weights_root,
            base.weights_root);
  EXPECT_NE(changed([](CanonicalModel& x) { x.out_norm[0] += 1; }).weights_root, base.weights_root);
  {
    const auto c = changed([](CanonicalModel& x) {
      auto s = x.tokenizer.scores();
      s[270] += 1;
      x.tokenizer = *Tokenizer::create(x.tokenizer.tokens(), s, x.tokenizer.types(), 1, 2, 0);
    });
    EXPECT_NE(c.tokenizer_leaf, base.tokenizer_leaf);
    EXPECT_EQ(c.weights_root, base.weights_root);
    EXPECT_NE(c.root, base.root);
  }
  {
    const auto c = changed([](CanonicalModel& x) { x.cfg.rope_theta = 500000.0f; });
    EXPECT_NE(c.arch_leaf, base.arch_leaf);
    EXPECT_NE(c.arith_leaf, base.arith_leaf);  // the RoPE table changes
  }
  EXPECT_NE(changed([](CanonicalModel& x) { x.cfg.seq_len = 64; }).arith_leaf, base.arith_leaf);
  EXPECT_NE(changed([](CanonicalModel& x) { x.norm_eps_q24 += 1; }).arch_leaf, base.arch_leaf);
  EXPECT_EQ(changed([](CanonicalModel& x) { x.name = "renamed"; }).root, base.root);
}

/// Golden vector: the model root of testing::random_model(30). Regenerate (only when the
/// arithmetic version or the documented layout changes) with VINFER_WRITE_VECTORS=1.
TEST(ModelRoot, GoldenVector) {
  const auto path = testing::source_dir() / "tests/vectors/model/model_root.txt";
  const CanonicalModel m = sample(30);
  const ModelCommitment c = commit_model(m);
  const Hash file_hash = commit::keccak256(serialize_canonical(m));
  std::ostringstream got;
  got << "arch_leaf " << commit::to_hex(c.arch_leaf) << "\n"
      << "arith_leaf " << commit::to_hex(c.arith_leaf) << "\n"
      << "tokenizer_leaf " << commit::to_hex(c.tokenizer_leaf) << "\n"
      << "weights_root " << commit::to_hex(c.weights_root) << "\n"
      << "root " << commit::to_hex(c.root) << "\n"
      << "canonical_file_keccak " << commit::to_hex(file_hash) << "\n";
  if (std::getenv("VINFER_WRITE_VECTORS")) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path);
    out << "# generated by tests/model/model_root_test.cpp (ModelRoot.GoldenVector,\n"
        << "# VINFER_WRITE_VECTORS=1); never edit by hand.\n"
        << "# model: quantize(testing::random_model(30)) of tests/model/fixtures.hpp\n"
        << got.str();
  }
  std::ifstream in(path);
  if (!in) {
    GTEST_SKIP() << path << " missing (run with VINFER_WRITE_VECTORS=1)";
  }
  std::string line, want;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') {
      want += line + "\n";
    }
  }
  EXPECT_EQ(got.str(), want);
}

}  // namespace
}  // namespace vinfer::model
