// measure_read_bandwidth_gbps: each pool thread sums its own contiguous slice.
#include "vinfer/tensor/bandwidth.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "vinfer/assert.hpp"

namespace vinfer::tensor {
namespace {

// Where the sums go, so the compiler must perform every read.
std::atomic<std::uint64_t> g_sink{0};

// Eight independent accumulators keep enough loads in flight to saturate the
// memory system; the compiler vectorizes the loop. Unsigned so wrap-around is
// defined.
std::uint64_t sum_words(const std::uint64_t* p, std::size_t n) {
  std::uint64_t acc[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) {
      acc[j] += p[i + j];
    }
  }
  for (; i < n; ++i) {
    acc[0] += p[i];
  }
  std::uint64_t s = 0;
  for (std::uint64_t a : acc) {
    s += a;
  }
  return s;
}

}  // namespace

double measure_read_bandwidth_gbps(ThreadPool& pool, std::size_t bytes, int reps) {
  VINFER_ASSERT(reps >= 1);
  const std::size_t words = bytes / 64 * 8;
  VINFER_ASSERT(words > 0);
  const unsigned parts = pool.size();
  // Thread t always gets slice t (parallel_for over `parts` indices gives each
  // thread one index), so its pages are first touched by the thread that reads them.
  auto slice = [&](std::size_t t, std::size_t* begin, std::size_t* end) {
    *begin = words / parts * t;
    *end = t + 1 == parts ? words : words / parts * (t + 1);
  };
  std::unique_ptr<std::uint64_t[]> buf(new std::uint64_t[words]);
  pool.parallel_for(parts, [&](std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) {
      std::size_t b = 0;
      std::size_t e = 0;
      slice(t, &b, &e);
      for (std::size_t i = b; i < e; ++i) {
        buf[i] = i;
      }
    }
  });

  std::vector<std::uint64_t> sums(parts, 0);
  double best_s = 0.0;
  for (int rep = 0; rep < reps; ++rep) {
    const auto t_start = std::chrono::steady_clock::now();
    pool.parallel_for(parts, [&](std::size_t t0, std::size_t t1) {
      for (std::size_t t = t0; t < t1; ++t) {
        std::size_t b = 0;
        std::size_t e = 0;
        slice(t, &b, &e);
        sums[t] = sum_words(buf.get() + b, e - b);
      }
    });
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    if (rep == 0 || s < best_s) {
      best_s = s;
    }
    for (std::uint64_t v : sums) {
      g_sink.fetch_add(v, std::memory_order_relaxed);
    }
  }
  return static_cast<double>(words * sizeof(std::uint64_t)) / best_s / 1e9;
}

}  // namespace vinfer::tensor
