// ThreadPool: exact coverage, static balanced parts, the caller's share, reuse.
#include "vinfer/tensor/thread_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace vinfer::tensor {
namespace {

using Range = std::pair<std::size_t, std::size_t>;

// The ranges one parallel_for hands out, sorted.
std::vector<Range> ranges_of(ThreadPool& pool, std::size_t n) {
  std::mutex mu;
  std::vector<Range> ranges;
  pool.parallel_for(n, [&](std::size_t b, std::size_t e) {
    std::lock_guard<std::mutex> lock(mu);
    ranges.emplace_back(b, e);
  });
  std::sort(ranges.begin(), ranges.end());
  return ranges;
}

// Every index in [0, n) is visited exactly once.
void expect_exact_cover(ThreadPool& pool, std::size_t n) {
  std::vector<std::atomic<int>> hits(n);
  pool.parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      hits[i].fetch_add(1, std::memory_order_relaxed);
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(hits[i].load(), 1) << "index " << i << " of " << n << ", " << pool.size()
                                 << " threads";
  }
}

class ThreadPoolTest : public ::testing::TestWithParam<unsigned> {};

TEST_P(ThreadPoolTest, CoversEveryIndexExactlyOnce) {
  ThreadPool pool(GetParam());
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3},
                        std::size_t{5}, std::size_t{7}, std::size_t{64}, std::size_t{1000003}}) {
    expect_exact_cover(pool, n);
  }
}

TEST_P(ThreadPoolTest, PartsAreContiguousNonEmptyAndBalanced) {
  ThreadPool pool(GetParam());
  for (std::size_t n :
       {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{10}, std::size_t{1001}}) {
    const auto ranges = ranges_of(pool, n);
    ASSERT_EQ(ranges.size(), std::min<std::size_t>(n, pool.size())) << "n=" << n;
    std::size_t next = 0;
    std::size_t smallest = n;
    std::size_t largest = 0;
    for (const auto& [b, e] : ranges) {
      EXPECT_EQ(b, next);
      EXPECT_LT(b, e);
      smallest = std::min(smallest, e - b);
      largest = std::max(largest, e - b);
      next = e;
    }
    EXPECT_EQ(next, n);
    EXPECT_LE(largest - smallest, 1u) << "n=" << n;
  }
}

TEST_P(ThreadPoolTest, ZeroItemsCallsNothing) {
  ThreadPool pool(GetParam());
  int calls = 0;
  pool.parallel_for(0, [&](std::size_t, std::size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST_P(ThreadPoolTest, CallerRunsTheFirstPart) {
  ThreadPool pool(GetParam());
  std::thread::id first_part_thread;
  pool.parallel_for(100, [&](std::size_t b, std::size_t) {
    if (b == 0) {
      first_part_thread = std::this_thread::get_id();
    }
  });
  EXPECT_EQ(first_part_thread, std::this_thread::get_id());
}

TEST_P(ThreadPoolTest, ManyBackToBackCallsStayCorrect) {
  ThreadPool pool(GetParam());
  std::vector<long> out(37);
  for (int call = 0; call < 3000; ++call) {
    pool.parallel_for(out.size(), [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        out[i] += static_cast<long>(i);
      }
    });
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i], 3000L * static_cast<long>(i));
  }
}

TEST_P(ThreadPoolTest, WakesWorkersThatWentToSleep) {
  ThreadPool pool(GetParam());
  for (int call = 0; call < 5; ++call) {
    // Longer than the workers' spin phase, so they are asleep on the next call.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    expect_exact_cover(pool, 1000);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads,
                         ThreadPoolTest,
                         ::testing::Values(1u, 2u, 3u, 4u, 8u),
                         [](const ::testing::TestParamInfo<unsigned>& info) {
                           return "threads" + std::to_string(info.param);
                         });

TEST(ThreadPool, SizeCountsTheCaller) {
  EXPECT_EQ(ThreadPool(0).size(), 1u);
  EXPECT_EQ(ThreadPool(1).size(), 1u);
  EXPECT_EQ(ThreadPool(3).size(), 3u);
}

TEST(ThreadPool, OneThreadRunsInlineAsOneRange) {
  ThreadPool pool(1);
  const auto ranges = ranges_of(pool, 12345);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0], Range(0, 12345));
}

}  // namespace
}  // namespace vinfer::tensor
