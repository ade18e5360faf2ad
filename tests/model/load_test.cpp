// Loaders: float GGUF (F32, F16, Q8_0) and llama2.c checkpoints to FloatModel, the format
// sniffing of load_any, and the errors for mismatched or truncated files.
#include <gtest/gtest.h>

#include <cstring>

#include "fixtures.hpp"
#include "vinfer/model/canonical_file.hpp"
#include "vinfer/model/load.hpp"
#include "vinfer/model/model_root.hpp"

namespace vinfer::model {
namespace {

using testing::random_model;
using testing::TempDir;
using testing::write_bytes;

#define EXPECT_ERROR_HAS(result, text)                                                     \
  do {                                                                                     \
    const auto& r_ = (result);                                                             \
    ASSERT_FALSE(r_.ok()) << "expected an error containing '" << (text) << "'";            \
    EXPECT_NE(r_.error().message.find(text), std::string::npos) << r_.error().to_string(); \
  } while (0)

/// The model with every float rounded through `type` (what a file of that type holds).
FloatModel through(const FloatModel& m, GgmlType type) {
  auto r = load_gguf_float(serialize_gguf_float(m, type));
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return std::move(r).value();
}

TEST(LoadGguf, F32RoundTripIsExact) {
  const FloatModel m = random_model(10);
  const FloatModel back = through(m, GgmlType::f32);
  testing::expect_same_float(m, back);
  EXPECT_EQ(back.name, "test-model");
}

TEST(LoadGguf, F16AndQ8_0DecodeToTheValuesTheyHold) {
  const FloatModel m = random_model(11);
  const FloatModel h = through(m, GgmlType::f16);
  for (size_t i = 0; i < m.layers[0].wq.size(); ++i) {
    ASSERT_EQ(h.layers[0].wq[i], half_to_float(float_to_half(m.layers[0].wq[i])));
  }
  EXPECT_EQ(h.layers[0].attn_norm, m.layers[0].attn_norm);  // norms stay F32
  // Q8_0 -> float -> Q8_0 is the identity, so loading twice gives the same floats.
  const FloatModel q = through(m, GgmlType::q8_0);
  testing::expect_same_float(q, through(q, GgmlType::q8_0));
  double err = 0;
  for (size_t i = 0; i < m.layers[1].w2.size(); ++i) {
    err = std::max(err, std::fabs(double{m.layers[1].w2[i]} - q.layers[1].w2[i]));
  }
  EXPECT_LT(err, 0.2 / 127 * 0.51 + 1e-4);
}

TEST(LoadGguf, EveryFloatTypeQuantizesAndRoundTripsTheCanonicalFile) {
  for (GgmlType type : {GgmlType::f32, GgmlType::f16, GgmlType::q8_0}) {
    SCOPED_TRACE(ggml_type_name(type));
    const FloatModel f = through(random_model(12), type);
    auto q = quantize(f);
    ASSERT_TRUE(q.ok()) << q.error().to_string();
    const auto root = commit_model(*q).root;
    TempDir dir;
    ASSERT_TRUE(write_canonical(*q, dir / "m.vinfer.gguf").ok());
    auto back = read_canonical(dir / "m.vinfer.gguf");
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    testing::expect_same_canonical(*q, *back);
    EXPECT_EQ(commit_model(*back).root, root);
    // The float file itself, through load_any, gives the same root.
    write_bytes(dir / "m.gguf", serialize_gguf_float(f, type));
    auto any = load_any(dir / "m.gguf");
    ASSERT_TRUE(any.ok()) << any.error().to_string();
    EXPECT_EQ(commit_model(*any).root, root);
  }
}

TEST(LoadGguf, MissingOutputIsTiedToTheEmbedding) {
  FloatModel m = random_model(13, testing::small_config(), /*tied=*/true);
  // Drop output.weight by rewriting the file without it.
  const auto bytes = serialize_gguf_float(m, GgmlType::f32);
  auto f = parse_gguf(bytes);
  ASSERT_TRUE(f.ok());
  GgufWriter w;
  for (const auto& kv : f->kv) {
    w.add(kv.key, kv.value);
  }
  for (const auto& t : f->tensors) {
    if (t.name == "output.weight") {
      continue;
    }
    const auto d = f->data(t);
    w.add_tensor(t.name, std::vector<uint64_t>(t.ne.begin(), t.ne.begin() + t.n_dims), t.type,
                 {d.begin(), d.end()});
  }
  auto back = load_gguf_float(w.serialize());
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->wcls, m.tok_embd);
}

TEST(LoadGguf, RejectsWrongMetadataAndShapes) {
  const FloatModel m = random_model(14);
  const auto bytes = serialize_gguf_float(m, GgmlType::f16);
  auto f = parse_gguf(bytes);
  ASSERT_TRUE(f.ok());
  // Rebuilds the file with one key replaced (or dropped) and one tensor's shape changed.
  auto rebuild = [&](const std::string& key, const GgufValue* value, const std::string& tensor) {
    GgufWriter w;
    for (const auto& kv : f->kv) {
      if (kv.key != key) {
        w.add(kv.key, kv.value);
      } else if (value) {
        w.add(kv.key, *value);
      }
    }
    for (const auto& t : f->tensors) {
      const auto d = f->data(t);
      std::vector<uint64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
      if (t.name == tensor) {
        std::swap(ne[0], ne[1]);
      }
      w.add_tensor(t.name, ne, t.type, {d.begin(), d.end()});
    }
    return load_gguf_float(w.serialize());
  };
  const GgufValue mistral = GgufValue::string("mistral");
  const GgufValue heads = GgufValue::string("four");
  const GgufValue vocab = GgufValue::u32(7);
  const GgufValue zero_dim = GgufValue::u32(0);
  EXPECT_ERROR_HAS(rebuild("general.architecture", &mistral, ""), "'mistral' is not supported");
  EXPECT_ERROR_HAS(rebuild("general.architecture", nullptr, ""), "general.architecture");
  EXPECT_ERROR_HAS(rebuild("llama.attention.head_count", &heads, ""), "llama.attention.head_count");
  EXPECT_ERROR_HAS(rebuild("llama.block_count", nullptr, ""), "llama.block_count': missing");
  EXPECT_ERROR_HAS(rebuild("llama.vocab_size", &vocab, ""), "llama.vocab_size");
  EXPECT_ERROR_HAS(rebuild("llama.embedding_length", &zero_dim, ""), "dim");
  EXPECT_ERROR_HAS(rebuild("tokenizer.ggml.tokens", nullptr, ""), "tokenizer.ggml.tokens");
  EXPECT_ERROR_HAS(rebuild("", nullptr, "blk.1.attn_k.weight"),
                   "tensor 'blk.1.attn_k.weight' (info at offset");
  // Defaults: head_count_kv = head_count (a GQA model then has wrong k/v shapes).
  EXPECT_ERROR_HAS(rebuild("llama.attention.head_count_kv", nullptr, ""), "blk.0.attn_k.weight");
  auto canonical = quantize(m);
  ASSERT_TRUE(canonical.ok());
  EXPECT_ERROR_HAS(load_gguf_float(serialize_canonical(*canonical)), "canonical");
}

TEST(Llama2c, TokenizerBinRoundTrips) {
  const Tokenizer t = testing::test_tokenizer();
  auto back = parse_llama2c_tokenizer(serialize_llama2c_tokenizer(t));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  testing::expect_same_tokenizer(t, *back);
  const std::string text = "And the LORD said\nthe thing\n";
  EXPECT_EQ(back->encode(text), t.encode(text));
}

TEST(Llama2c, SharedAndUnsharedCheckpointsLoadExactly) {
  for (bool shared : {true, false}) {
    SCOPED_TRACE(shared ? "shared" : "unshared");
    const FloatModel m = random_model(15, testing::small_config(), shared);
    auto back = load_llama2c(testing::llama2c_bytes(m, shared),
                             serialize_llama2c_tokenizer(m.tokenizer), "x");
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    testing::expect_same_float(m, *back);
    EXPECT_EQ(back->name, "x");
  }
}

TEST(Llama2c, FileSizeMustMatchTheHeader) {
  const FloatModel m = random_model(16);
  auto bytes = testing::llama2c_bytes(m, false);
  const auto tok = serialize_llama2c_tokenizer(m.tokenizer);
  bytes.push_back(0);
  EXPECT_ERROR_HAS(load_llama2c(bytes, tok), "expected " + std::to_string(bytes.size() - 1));
  bytes.resize(bytes.size() - 5);
  EXPECT_ERROR_HAS(load_llama2c(bytes, tok), "file size " + std::to_string(bytes.size()));
  EXPECT_ERROR_HAS(load_llama2c(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 10), tok),
                   "n_layers at offset 8");
  std::vector<uint8_t> neg = testing::llama2c_bytes(m, false);
  neg[12] = 0xff;  // n_heads = -255 (little-endian byte 0 of field 3)
  neg[13] = neg[14] = neg[15] = 0xff;
  EXPECT_ERROR_HAS(load_llama2c(neg, tok), "n_heads at offset 12");
  // Tokenizer with one token too many.
  auto tok2 = tok;
  const uint8_t extra[] = {0, 0, 0, 0, 1, 0, 0, 0, 'z'};
  tok2.insert(tok2.end(), extra, extra + sizeof extra);
  EXPECT_ERROR_HAS(load_llama2c(testing::llama2c_bytes(m, false), tok2), "tokenizer.bin has");
  // Every truncation of the tokenizer is an error (or a short vocabulary).
  for (size_t n = 0; n + 1 < tok.size(); n += 7) {
    EXPECT_FALSE(load_llama2c(testing::llama2c_bytes(m, false),
                              std::vector<uint8_t>(tok.begin(), tok.begin() + n))
                     .ok());
  }
}

TEST(Llama2c, ByteTokensWrittenAsHexTextAreRecognised) {
  // Meta's llama2.c tokenizer.bin stores byte tokens as "<0xXX>" text.
  std::vector<uint8_t> bin = {16, 0, 0, 0};
  auto add = [&bin](const std::string& s) {
    const float score = 0;
    const auto len = static_cast<int32_t>(s.size());
    bin.insert(bin.end(), reinterpret_cast<const uint8_t*>(&score),
               reinterpret_cast<const uint8_t*>(&score) + 4);
    bin.insert(bin.end(), reinterpret_cast<const uint8_t*>(&len),
               reinterpret_cast<const uint8_t*>(&len) + 4);
    bin.insert(bin.end(), s.begin(), s.end());
  };
  add("<unk>");
  add("<s>");
  add("</s>");
  add("<0x00>");
  add(std::string(1, '\x01'));
  add("hello");
  auto t = parse_llama2c_tokenizer(bin);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->types(), (std::vector<int32_t>{2, 3, 3, 6, 6, 1}));
  EXPECT_EQ(t->tokens()[4], "<0x01>");
  EXPECT_EQ(t->encode(std::string("\x00\x01", 2), false), (std::vector<uint32_t>{3, 4}));
}

TEST(LoadAny, SniffsEveryFormat) {
  TempDir dir;
  const FloatModel m = random_model(17);
  write_bytes(dir / "a.gguf", serialize_gguf_float(m, GgmlType::f32));
  write_bytes(dir / "b.l2c.bin", testing::llama2c_bytes(m, false));
  write_bytes(dir / "kjv-tokenizer.bin", serialize_llama2c_tokenizer(m.tokenizer));
  write_bytes(dir / "other-tok.bin", serialize_llama2c_tokenizer(m.tokenizer));
  auto a = load_any(dir / "a.gguf");
  auto b = load_any(dir / "b.l2c.bin");
  auto b2 = load_any(dir / "b.l2c.bin", dir / "other-tok.bin");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  ASSERT_TRUE(b2.ok()) << b2.error().to_string();
  EXPECT_EQ(b->name, "b");
  const auto root = commit_model(*a).root;
  EXPECT_EQ(commit_model(*b).root, root);
  ASSERT_TRUE(write_canonical(*a, dir / "c.vinfer.gguf").ok());
  auto c = load_any(dir / "c.vinfer.gguf");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(commit_model(*c).root, root);

  auto fa = load_any_float(dir / "a.gguf");
  ASSERT_TRUE(fa.ok());
  testing::expect_same_float(*fa, m);
  EXPECT_ERROR_HAS(load_any_float(dir / "c.vinfer.gguf"), "no float weights");
  EXPECT_ERROR_HAS(load_any(dir / "missing.gguf"), "missing.gguf");
  std::filesystem::remove(dir / "kjv-tokenizer.bin");
  EXPECT_ERROR_HAS(load_any(dir / "b.l2c.bin"), "kjv-tokenizer.bin");
}

TEST(LoadAny, TrainedModelsGiveOneRoot) {
  const auto models = testing::source_dir() / "models";
  const auto gguf = models / "kjv-small.gguf", l2c = models / "kjv-small.l2c.bin",
             tok = models / "kjv-tokenizer.bin";
  if (!std::filesystem::exists(gguf) || !std::filesystem::exists(l2c) ||
      !std::filesystem::exists(tok)) {
    GTEST_SKIP() << "models/kjv-small.{gguf,l2c.bin} + kjv-tokenizer.bin not present";
  }
  auto a = load_any(gguf);
  auto b = load_any(l2c, tok);
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  EXPECT_EQ(a->name, "kjv-small");
  EXPECT_EQ(b->name, "kjv-small");
  EXPECT_EQ(a->cfg, b->cfg);
  testing::expect_same_tokenizer(a->tokenizer, b->tokenizer);
  const ModelCommitment ca = commit_model(*a), cb = commit_model(*b);
  EXPECT_EQ(ca.arch_leaf, cb.arch_leaf);
  EXPECT_EQ(ca.arith_leaf, cb.arith_leaf);
  EXPECT_EQ(ca.tokenizer_leaf, cb.tokenizer_leaf);
  if (ca.weights_root != cb.weights_root) {
    // Diagnose the usual cause: the GGUF holds F16 matrices, the checkpoint f32 ones.
    auto f = load_any_float(l2c, tok);
    ASSERT_TRUE(f.ok());
    auto round = [](std::vector<float>& v) {
      for (auto& x : v)
        x = half_to_float(float_to_half(x));
    };
    round(f->tok_embd);
    round(f->wcls);
    for (auto& L : f->layers) {
      for (auto* w : {&L.wq, &L.wk, &L.wv, &L.wo, &L.w1, &L.w2, &L.w3})
        round(*w);
    }
    auto q = quantize(*f);
    ASSERT_TRUE(q.ok());
    ADD_FAILURE() << "weights differ between " << gguf << " and " << l2c
                  << (commit_model(*q).root == ca.root
                          ? ": the checkpoint holds f32 weights that the GGUF rounded to F16; "
                            "export f16-rounded matrices to the llama2.c file (or F32 GGUF)"
                          : ": not explained by F16 rounding");
  }
  EXPECT_EQ(commit::to_hex(ca.root), commit::to_hex(cb.root));
}

}  // namespace
}  // namespace vinfer::model
