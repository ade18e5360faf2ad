// Graph input files (graph_input.hpp): the committed sample, batches, and every error.
#include "vinfer/model/graph_input.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "vinfer/model/digits.hpp"

namespace vinfer::model {
namespace {

const Shape kFour = {4};

TEST(GraphInput, TheCommittedSampleIsHeldOutDigitZero) {
  const Shape mnist = {1, 28, 28};
  auto in = load_graph_input(testing::source_dir() / "models/mnist-sample-input.json", mnist);
  ASSERT_TRUE(in.ok()) << in.error().to_string();
  EXPECT_EQ(in->batch, 1u);
  EXPECT_FALSE(in->batched);
  auto digits = load_digits(testing::source_dir() / "data/mnist-test.bin");
  ASSERT_TRUE(digits.ok());
  ASSERT_EQ(in->values.size(), size_t{kDigitPixels});
  for (uint32_t p = 0; p < kDigitPixels; ++p)
    ASSERT_EQ(in->values[p], quantize_pixel_u8(digits->pixels[p])) << "pixel " << p;
}

TEST(GraphInput, OneSampleOrABatch) {
  auto one = parse_graph_input("[0, 1, -1, 0.5]", kFour);
  ASSERT_TRUE(one.ok()) << one.error().to_string();
  EXPECT_EQ(one->batch, 1u);
  EXPECT_EQ(one->values, (std::vector<int8_t>{0, 127, -127, 64}));  // 63.5 rounds up
  auto two = parse_graph_input("[[0, 0, 0, 1], [1, 0.25, 0, 0]]", kFour);
  ASSERT_TRUE(two.ok()) << two.error().to_string();
  EXPECT_EQ(two->batch, 2u);
  EXPECT_TRUE(two->batched);
  EXPECT_EQ(two->values, (std::vector<int8_t>{0, 0, 0, 127, 127, 32, 0, 0}));
  auto single = parse_graph_input("[[0, 0, 0, 1]]", kFour);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->batch, 1u);
  EXPECT_TRUE(single->batched);
}

void expect_error(std::string_view json, Errc code, const std::string& needle) {
  auto r = parse_graph_input(json, kFour);
  ASSERT_FALSE(r.ok()) << json;
  EXPECT_EQ(r.error().code, code) << json << ": " << r.error().message;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << json << ": " << r.error().message;
}

TEST(GraphInput, ErrorsSayWhatIsWrong) {
  expect_error("", Errc::parse, "not JSON");
  expect_error("[0, 1, ", Errc::parse, "not JSON (at byte");
  expect_error("{\"x\": 1}", Errc::parse, "expected a JSON array, got object");
  expect_error("[]", Errc::invalid_argument, "empty");
  expect_error("[0, 1, 2]", Errc::mismatch, "holds 3 numbers; the model's input 4 needs 4");
  expect_error("[0, 1, \"a\", 0]", Errc::parse, "element 2 is string");
  expect_error("[0, 1, true, 0]", Errc::parse, "element 2 is boolean");
  expect_error("[0, 1e999, 0, 0]", Errc::parse, "number overflow");
  expect_error("[0, 1, 255, 0]", Errc::invalid_argument, "element 2 = 255 is outside [-1, 1]");
  expect_error("[[0, 0, 0, 0], [0, 0, 0]]", Errc::mismatch, "sample 1: holds 3 numbers");
  expect_error("[[0, 0, 0, 0], 5]", Errc::parse, "sample 1: expected an array of numbers");
  expect_error("[[0, 0, 0, [0]]]", Errc::parse, "sample 0: element 3 is array");
  auto missing = load_graph_input("/nonexistent/input.json", kFour);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::io);
}

}  // namespace
}  // namespace vinfer::model
