// ISA detection, the VINFER_ISA override and the test override.
#include "vinfer/tensor/isa.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace vinfer::tensor {
namespace {

TEST(Isa, NamesAreTheVinferIsaSpellings) {
  EXPECT_STREQ(isa_name(Isa::scalar), "scalar");
  EXPECT_STREQ(isa_name(Isa::avx2), "avx2");
  EXPECT_STREQ(isa_name(Isa::avx512), "avx512");
}

TEST(Isa, AvailableIsasRunFromScalarToBest) {
  const auto isas = available_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), Isa::scalar);
  EXPECT_EQ(isas.back(), best_isa());
  for (std::size_t i = 1; i < isas.size(); ++i) {
    EXPECT_LT(isas[i - 1], isas[i]);
  }
#if !VINFER_HAVE_X86_SIMD
  EXPECT_EQ(best_isa(), Isa::scalar);
#endif
}

TEST(Isa, EmptyRequestMeansBest) {
  std::string warning;
  EXPECT_EQ(resolve_isa_request("", Isa::avx512, &warning), Isa::avx512);
  EXPECT_EQ(resolve_isa_request("", Isa::scalar, &warning), Isa::scalar);
  EXPECT_TRUE(warning.empty());
}

TEST(Isa, SupportedRequestIsHonoured) {
  std::string warning;
  EXPECT_EQ(resolve_isa_request("scalar", Isa::avx512, &warning), Isa::scalar);
  EXPECT_EQ(resolve_isa_request("avx2", Isa::avx512, &warning), Isa::avx2);
  EXPECT_EQ(resolve_isa_request("avx512", Isa::avx512, &warning), Isa::avx512);
  EXPECT_EQ(resolve_isa_request("avx2", Isa::avx2, &warning), Isa::avx2);
  EXPECT_TRUE(warning.empty());
}

TEST(Isa, UnsupportedRequestFallsBackToBestWithAWarning) {
  std::string warning;
  EXPECT_EQ(resolve_isa_request("avx512", Isa::avx2, &warning), Isa::avx2);
  EXPECT_NE(warning.find("not supported"), std::string::npos) << warning;
  warning.clear();
  EXPECT_EQ(resolve_isa_request("avx2", Isa::scalar, &warning), Isa::scalar);
  EXPECT_NE(warning.find("avx2"), std::string::npos) << warning;
  // A null warning pointer is allowed.
  EXPECT_EQ(resolve_isa_request("avx512", Isa::scalar, nullptr), Isa::scalar);
}

TEST(Isa, UnknownRequestFallsBackToBestWithAWarning) {
  for (const char* bad : {"AVX2", "sse", "avx-512", " avx2", "avx2 "}) {
    std::string warning;
    EXPECT_EQ(resolve_isa_request(bad, Isa::avx512, &warning), Isa::avx512) << bad;
    EXPECT_NE(warning.find("not one of"), std::string::npos) << bad;
  }
}

// Restores VINFER_ISA as the test process found it.
class IsaEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* v = std::getenv("VINFER_ISA");
    had_value_ = v != nullptr;
    saved_ = had_value_ ? v : "";
  }
  void TearDown() override {
    if (had_value_) {
      setenv("VINFER_ISA", saved_.c_str(), 1);
    } else {
      unsetenv("VINFER_ISA");
    }
  }

 private:
  bool had_value_ = false;
  std::string saved_;
};

TEST_F(IsaEnvTest, VariableIsParsedWithOneLineWarning) {
  ASSERT_EQ(setenv("VINFER_ISA", "scalar", 1), 0);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(isa_from_environment(), Isa::scalar);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");

  ASSERT_EQ(setenv("VINFER_ISA", "bogus", 1), 0);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(isa_from_environment(), best_isa());
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("VINFER_ISA=bogus"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "exactly one line: " << err;

  ASSERT_EQ(unsetenv("VINFER_ISA"), 0);
  EXPECT_EQ(isa_from_environment(), best_isa());
}

// active_isa() caches its first reading, so a bad value warns once per process.
// Runs in a fresh child process, where nothing has read the variable yet.
TEST_F(IsaEnvTest, ActiveIsaReadsTheVariableOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("VINFER_ISA", "bogus", 1);
        ::testing::internal::CaptureStderr();
        bool same = true;
        for (int i = 0; i < 3; ++i) {
          same = same && active_isa() == best_isa();
        }
        setenv("VINFER_ISA", "scalar", 1);  // too late: already read
        same = same && active_isa() == best_isa();
        const std::string err = ::testing::internal::GetCapturedStderr();
        std::size_t warnings = 0;
        for (std::size_t p = err.find("VINFER_ISA="); p != std::string::npos;
             p = err.find("VINFER_ISA=", p + 1)) {
          ++warnings;
        }
        std::exit(same && warnings == 1 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(Isa, TestOverrideSelectsEachAvailableIsa) {
  const Isa saved = active_isa();
  for (Isa isa : available_isas()) {
    set_isa_for_testing(isa);
    EXPECT_EQ(active_isa(), isa);
  }
  set_isa_for_testing(saved);
}

}  // namespace
}  // namespace vinfer::tensor
