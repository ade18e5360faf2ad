// measure_read_bandwidth_gbps returns a plausible positive figure.
#include "vinfer/tensor/bandwidth.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vinfer::tensor {
namespace {

TEST(Bandwidth, SmallProbeIsPositiveAndFinite) {
  for (unsigned threads : {1u, 2u}) {
    ThreadPool pool(threads);
    const double gbps = measure_read_bandwidth_gbps(pool, std::size_t{8} << 20, 2);
    EXPECT_TRUE(std::isfinite(gbps));
    EXPECT_GT(gbps, 0.1);
    EXPECT_LT(gbps, 100000.0);
  }
}

TEST(Bandwidth, OddSizesAreRoundedNotOverrun) {
  ThreadPool pool(3);
  EXPECT_GT(measure_read_bandwidth_gbps(pool, 64 * 3 + 17, 1), 0.0);
}

}  // namespace
}  // namespace vinfer::tensor
