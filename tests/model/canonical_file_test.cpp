// The canonical file: exact round trip, determinism, and rejection of wrong versions,
// markers, types, values, extra tensors and truncations.
#include <gtest/gtest.h>

#include <cstring>

#include "fixtures.hpp"
#include "vinfer/arith/formats.hpp"
#include "vinfer/model/canonical_file.hpp"
#include "vinfer/model/gguf.hpp"
#include "vinfer/model/model_root.hpp"

namespace vinfer::model {
namespace {

#define EXPECT_ERROR_HAS(result, text)                                                     \
  do {                                                                                     \
    const auto& r_ = (result);                                                             \
    ASSERT_FALSE(r_.ok()) << "expected an error containing '" << (text) << "'";            \
    EXPECT_NE(r_.error().message.find(text), std::string::npos) << r_.error().to_string(); \
  } while (0)

CanonicalModel sample() {
  auto q = quantize(testing::random_model(20));
  EXPECT_TRUE(q.ok());
  return std::move(q).value();
}

/// Re-serializes a parsed canonical file with `edit` applied to its keys and tensors.
template <class Edit>
std::vector<uint8_t> edited(const std::vector<uint8_t>& bytes, Edit edit) {
  auto f = parse_gguf(bytes);
  EXPECT_TRUE(f.ok());
  std::vector<GgufKv> kv = f->kv;
  struct T {
    std::string name;
    std::vector<uint64_t> ne;
    GgmlType type;
    std::vector<uint8_t> data;
  };
  std::vector<T> ts;
  for (const auto& t : f->tensors) {
    const auto d = f->data(t);
    ts.push_back({t.name, {t.ne.begin(), t.ne.begin() + t.n_dims}, t.type, {d.begin(), d.end()}});
  }
  edit(kv, ts);
  GgufWriter w;
  for (auto& k : kv) {
    w.add(k.key, k.value);
  }
  for (auto& t : ts) {
    w.add_tensor(t.name, t.ne, t.type, t.data);
  }
  return w.serialize();
}

TEST(CanonicalFile, RoundTripsFieldByField) {
  const CanonicalModel m = sample();
  const auto bytes = serialize_canonical(m);
  EXPECT_EQ(serialize_canonical(m), bytes);  // deterministic
  auto back = read_canonical(bytes);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  testing::expect_same_canonical(m, *back);
  EXPECT_EQ(commit_model(*back).root, commit_model(m).root);
  EXPECT_EQ(serialize_canonical(*back), bytes);
  auto f = parse_gguf(bytes);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->find("vinfer.arith_version")->str, arith::kArithVersion);
  EXPECT_EQ(f->find("vinfer.norm_eps_q24")->as_int(), m.norm_eps_q24);
  EXPECT_EQ(f->find_tensor("blk.1.ffn_down.weight")->type, GgmlType::i8);
  EXPECT_EQ(f->find_tensor("blk.1.ffn_down.weight.scale")->ne[0], 2u);
  EXPECT_EQ(f->find_tensor("output_norm.weight")->type, GgmlType::i32);
}

TEST(CanonicalFile, RejectsAnotherArithmeticVersion) {
  const auto bytes = serialize_canonical(sample());
  const auto b = edited(bytes, [](auto& kv, auto&) {
    for (auto& k : kv) {
      if (k.key == "vinfer.arith_version") {
        k.value = GgufValue::string("vinfer-arith-0");
      }
    }
  });
  auto r = read_canonical(b);
  EXPECT_ERROR_HAS(r, "vinfer-arith-0");
  EXPECT_EQ(r.error().code, Errc::mismatch);
  EXPECT_ERROR_HAS(r, std::string(arith::kArithVersion));
}

TEST(CanonicalFile, RejectsMissingMarkerWrongTypesValuesAndExtras) {
  const auto bytes = serialize_canonical(sample());
  EXPECT_ERROR_HAS(read_canonical(edited(bytes,
                                         [](auto& kv, auto&) {
                                           std::erase_if(kv, [](auto& k) {
                                             return k.key == "vinfer.canonical";
                                           });
                                         })),
                   "vinfer.canonical");
  EXPECT_ERROR_HAS(read_canonical(edited(bytes,
                                         [](auto& kv, auto&) {
                                           for (auto& k : kv) {
                                             if (k.key == "vinfer.norm_eps_q24")
                                               k.value = GgufValue::u32(168);
                                           }
                                         })),
                   "vinfer.norm_eps_q24");
  EXPECT_ERROR_HAS(read_canonical(edited(bytes,
                                         [](auto&, auto& ts) {
                                           for (auto& t : ts) {
                                             if (t.name == "blk.0.attn_v.weight")
                                               t.data[100] = 0x80;
                                           }
                                         })),
                   "blk.0.attn_v.weight' row 1 column 36");
  EXPECT_ERROR_HAS(read_canonical(edited(bytes,
                                         [](auto&, auto& ts) {
                                           for (auto& t : ts) {
                                             if (t.name == "output.weight.scale")
                                               t.data[8 * 5 + 4] = 200;  // shift
                                           }
                                         })),
                   "output.weight.scale' row 5");
  EXPECT_ERROR_HAS(read_canonical(edited(bytes,
                                         [](auto&, auto& ts) {
                                           for (auto& t : ts) {
                                             if (t.name == "blk.1.ffn_norm.weight")
                                               t.type = GgmlType::f32;
                                           }
                                         })),
                   "blk.1.ffn_norm.weight");
  EXPECT_ERROR_HAS(
      read_canonical(edited(bytes,
                            [](auto&, auto& ts) {
                              ts.push_back({"extra", {32}, GgmlType::i8, std::vector<uint8_t>(32)});
                            })),
      "no extra tensors");
  EXPECT_ERROR_HAS(read_canonical(edited(bytes,
                                         [](auto&, auto& ts) {
                                           std::erase_if(ts, [](auto& t) {
                                             return t.name == "blk.1.attn_q.weight.scale";
                                           });
                                         })),
                   "blk.1.attn_q.weight.scale' missing");
}

TEST(CanonicalFile, TruncationsAndHeaderBitFlipsAreErrors) {
  const auto bytes = serialize_canonical(sample());
  auto f = parse_gguf(bytes);
  ASSERT_TRUE(f.ok());
  for (size_t n = 0; n < bytes.size(); n += (n < f->data_offset ? 13 : 997)) {
    ASSERT_FALSE(read_canonical(std::span<const uint8_t>(bytes.data(), n)).ok()) << n;
  }
  for (size_t i = 0; i < f->data_offset; i += 5) {
    auto b = bytes;
    b[i] ^= 0x10;
    (void)read_canonical(b);  // must return without crashing
  }
}

TEST(CanonicalFile, WritesThroughATemporaryFile) {
  testing::TempDir dir;
  const CanonicalModel m = sample();
  ASSERT_TRUE(write_canonical(m, dir / "m.vinfer.gguf").ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "m.vinfer.gguf.tmp"));
  auto back = read_canonical(dir / "m.vinfer.gguf");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->name, m.name);
  EXPECT_FALSE(write_canonical(m, dir / "no-such-dir" / "m.gguf").ok());
}

}  // namespace
}  // namespace vinfer::model
