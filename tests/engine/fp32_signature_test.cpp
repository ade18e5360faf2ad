// The fp32 tolerance rule: a signature matches itself and an honest re-scoring on every
// ISA and thread count, and does not match another model's, a shifted value, a repeated
// index or another shape.
#include "vinfer/engine/fp32_signature.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/fixtures.hpp"
#include "vinfer/model/synthetic.hpp"
#include "vinfer/tensor/isa.hpp"

namespace vinfer::engine {
namespace {

struct Fixture {
  model::FloatModel a = model::synthetic_model(testing::small_config(), 21);
  model::FloatModel b = model::synthetic_model(testing::small_config(), 22);
  std::vector<uint32_t> prompt = {1, 40, 41, 42};
  std::vector<uint32_t> output = {50, 60, 70, 80, 90};
};

Fp32Signature sign(const model::FloatModel& m, const Fixture& f, unsigned threads) {
  Fp32Engine e(m, threads);
  auto s = fp32_signature(e, f.prompt, f.output, 8);
  VINFER_ASSERT(s.ok());
  return std::move(s).value();
}

TEST(Fp32Signature, HonestRescoringMatchesOnEveryIsaAndThreadCount) {
  const Fixture f;
  const Fp32Signature ref = sign(f.a, f, 1);
  EXPECT_EQ(ref.positions, f.output.size());
  EXPECT_TRUE(compare_signatures(ref, ref, {}).match);
  for (tensor::Isa isa : tensor::available_isas()) {
    tensor::set_isa_for_testing(isa);
    for (unsigned t : {1u, 2u, 3u}) {
      const auto v = compare_signatures(ref, sign(f.a, f, t), {});
      EXPECT_TRUE(v.match) << tensor::isa_name(isa) << " " << t << ": " << v.reason;
    }
  }
  tensor::set_isa_for_testing(tensor::best_isa());
}

TEST(Fp32Signature, AnotherModelDoesNotMatch) {
  const Fixture f;
  const auto v = compare_signatures(sign(f.b, f, 1), sign(f.a, f, 1), {});
  EXPECT_FALSE(v.match);
  EXPECT_FALSE(v.reason.empty());
}

TEST(Fp32Signature, ShiftedValuesRepeatedIndicesAndOtherShapesDoNotMatch) {
  const Fixture f;
  const Fp32Signature ref = sign(f.a, f, 1);
  Fp32Signature s = ref;
  s.value[3] += 0.2f;
  EXPECT_NE(compare_signatures(s, ref, {}).reason.find("differs"), std::string::npos);
  s = ref;
  for (uint32_t i = 0; i < 8; ++i)
    s.index[8 + i] = ref.index[8];  // one real index claimed eight times
  EXPECT_NE(compare_signatures(s, ref, {}).reason.find("twice"), std::string::npos);
  s = ref;
  s.positions -= 1;
  EXPECT_FALSE(compare_signatures(s, ref, {}).match);
  s = ref;
  s.value[0] = std::nanf("");
  EXPECT_FALSE(compare_signatures(s, ref, {}).match);
}

}  // namespace
}  // namespace vinfer::engine
