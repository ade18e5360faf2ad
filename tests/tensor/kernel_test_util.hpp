// Shared by the tensor kernel tests: the {ISA} x {threads} parameter grid and
// random symmetric int8 data.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "vinfer/tensor/isa.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::tensor {

/// Lets gtest print an Isa by name in failure messages (found by ADL).
inline void PrintTo(Isa isa, std::ostream* os) {
  *os << isa_name(isa);
}

}  // namespace vinfer::tensor

namespace vinfer::tensor::testing {

/// One kernel family and one pool size.
using IsaThreads = std::tuple<Isa, unsigned>;

/// Every ISA this machine runs, each with 1, 2 and 3 threads.
inline std::vector<IsaThreads> isa_thread_grid() {
  std::vector<IsaThreads> out;
  for (Isa isa : available_isas()) {
    for (unsigned t : {1u, 2u, 3u}) {
      out.emplace_back(isa, t);
    }
  }
  return out;
}

/// Test name suffix such as "avx2_threads2".
inline std::string isa_threads_name(const ::testing::TestParamInfo<IsaThreads>& info) {
  return std::string(isa_name(std::get<0>(info.param))) + "_threads" +
         std::to_string(std::get<1>(info.param));
}

/// Runs every test of a suite under one (ISA, pool size); restores the ISA after.
class IsaThreadsTest : public ::testing::TestWithParam<IsaThreads> {
 protected:
  void SetUp() override {
    saved_ = active_isa();
    set_isa_for_testing(std::get<0>(GetParam()));
    pool_ = std::make_unique<ThreadPool>(std::get<1>(GetParam()));
  }
  void TearDown() override { set_isa_for_testing(saved_); }

  ThreadPool* pool() { return pool_.get(); }

 private:
  Isa saved_ = Isa::scalar;
  std::unique_ptr<ThreadPool> pool_;
};

/// n values uniform in [-127, 127].
inline std::vector<std::int8_t> random_s8(std::mt19937& rng, std::size_t n) {
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<std::int8_t> v(n);
  for (auto& e : v) {
    e = static_cast<std::int8_t>(dist(rng));
  }
  return v;
}

/// A copy of v that starts one byte past an aligned address, so kernels that
/// assume alignment fail, and ends exactly at the end of its allocation, so
/// AddressSanitizer catches a read past the last element.
class Misaligned {
 public:
  explicit Misaligned(const std::vector<std::int8_t>& v) : buf_(v.size() + 1) {
    std::copy(v.begin(), v.end(), buf_.begin() + 1);
  }
  const std::int8_t* data() const { return buf_.data() + 1; }

 private:
  std::vector<std::int8_t> buf_;
};

/// Edge K values: below, at and above every vector width, and a model width.
inline const std::vector<std::size_t>& edge_ks() {
  static const std::vector<std::size_t> ks = {1,   2,   15,  16,   17,   31,   32,  33,  47,
                                              63,  64,  65,  95,   96,   127,  128, 129, 191,
                                              255, 256, 257, 1000, 1023, 1100, 4096};
  return ks;
}

}  // namespace vinfer::tensor::testing
