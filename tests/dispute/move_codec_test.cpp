// The move wire encoding: every kind round-trips (a real referee bundle included, judged
// the same after the trip), and every truncation or corruption of the framing is rejected.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "dispute/fixtures.hpp"
#include "vinfer/dispute/move_codec.hpp"

namespace vinfer::dispute {
namespace {

Hash h(uint8_t b) {
  Hash x{};
  x.fill(b);
  x[0] = 0x42;
  return x;
}

std::vector<Move> samples() {
  const auto& mdl = testing::small_model();
  const model::Job job = testing::job_for(mdl, false);
  static const testing::Trace t = testing::run(mdl, job);
  static const RefereeContext ctx = testing::context(mdl, job);
  uint64_t k = 0;
  while (ctx.sched.at(k).op != model::Op::matmul)
    ++k;
  NameElement n;
  n.element_in_chunk = 5;
  VINFER_ASSERT(build_bundle(ctx, k, 5, testing::party(mdl, t), &n.operands).ok());
  OpenChunk oc;
  for (size_t i = 0; i < oc.chunk.size(); ++i)
    oc.chunk[i] = static_cast<uint8_t>(i * 7);
  return {Move{Bisect{h(1)}},
          Move{Choose{true}},
          Move{Choose{false}},
          Move{OpenStep{{h(2), h(3)}, h(4), h(5)}},
          Move{Children{h(6), h(7)}},
          Move{oc},
          Move{n}};
}

TEST(MoveCodec, EveryKindRoundTrips) {
  for (const Move& m : samples()) {
    const auto bytes = encode_move(m);
    auto back = decode_move(bytes);
    ASSERT_TRUE(back.ok()) << move_name(m) << ": " << back.error().to_string();
    EXPECT_EQ(back->index(), m.index());
    EXPECT_EQ(encode_move(*back), bytes) << move_name(m);
  }
}

TEST(MoveCodec, ABundleIsJudgedTheSameAfterTheTrip) {
  const auto& mdl = testing::small_model();
  const model::Job job = testing::job_for(mdl, false);
  const testing::Trace t = testing::run(mdl, job);
  const RefereeContext ctx = testing::context(mdl, job);
  uint64_t k = 0;
  while (ctx.sched.at(k).op != model::Op::matmul)
    ++k;
  const Move m = samples().back();
  auto back = decode_move(encode_move(m));
  ASSERT_TRUE(back.ok());
  const auto& n = std::get<NameElement>(*back);
  auto v = referee_element(ctx, k, 5, t.acc.root_at(k), n.operands);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
}

TEST(MoveCodec, TruncationsTrailingBytesAndBadFramingAreRejected) {
  for (const Move& m : samples()) {
    const auto bytes = encode_move(m);
    for (size_t cut = 0; cut < bytes.size(); cut += 1 + cut / 16)
      EXPECT_FALSE(decode_move({bytes.data(), cut}).ok()) << move_name(m) << " cut " << cut;
    auto extra = bytes;
    extra.push_back(0);
    EXPECT_EQ(decode_move(extra).error().code, Errc::parse) << move_name(m);
  }
  auto bytes = encode_move(Move{Choose{true}});
  bytes[0] = 'X';
  EXPECT_NE(decode_move(bytes).error().message.find("magic"), std::string::npos);
  bytes = encode_move(Move{Choose{true}});
  bytes[6] = 9;
  EXPECT_NE(decode_move(bytes).error().message.find("tag 9"), std::string::npos);
  bytes = encode_move(Move{Choose{true}});
  bytes[7] = 2;
  EXPECT_NE(decode_move(bytes).error().message.find("right"), std::string::npos);
  // A count far larger than the bytes that follow is refused before any allocation.
  bytes = encode_move(Move{OpenStep{{h(2)}, h(4), h(5)}});
  bytes[7] = 0xff;
  EXPECT_EQ(decode_move(bytes).error().code, Errc::truncated);
}

// Seeds of the fuzz_dispute target (tests/fuzz/corpus/fuzz_dispute/): two framing bytes
// (moves played first, who lies) and one encoded move of each kind. VINFER_WRITE_VECTORS=1
// (re)writes them; otherwise every committed seed must still decode.
TEST(MoveCodec, FuzzSeedsDecode) {
  const std::filesystem::path dir =
      std::filesystem::path(VINFER_SOURCE_DIR) / "tests/fuzz/corpus/fuzz_dispute";
  const bool write = std::getenv("VINFER_WRITE_VECTORS") != nullptr;
  const auto moves = samples();
  for (size_t i = 0; i < moves.size(); ++i) {
    std::vector<uint8_t> seed = {static_cast<uint8_t>(i * 7), static_cast<uint8_t>(i & 1)};
    const auto m = encode_move(moves[i]);
    seed.insert(seed.end(), m.begin(), m.end());
    const auto path = dir / ("seed-" + std::string(move_name(moves[i])) + "-" + std::to_string(i));
    if (write) {
      std::filesystem::create_directories(dir);
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(seed.data()),
                 static_cast<std::streamsize>(seed.size()));
    }
    if (!std::filesystem::exists(path))
      continue;
    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> got{std::istreambuf_iterator<char>(in), {}};
    ASSERT_GE(got.size(), 2u);
    EXPECT_TRUE(decode_move({got.data() + 2, got.size() - 2}).ok()) << path;
  }
}

}  // namespace
}  // namespace vinfer::dispute
