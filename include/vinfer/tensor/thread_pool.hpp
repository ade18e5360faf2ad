// A small fork-join pool for the kernels: persistent workers, static partition.
//
// A forward pass calls parallel_for about a hundred times per token, each call
// a few tens of microseconds of work, so the per-call cost matters more than
// load balancing: workers spin briefly after a call (the next one usually comes
// soon) and only then sleep on a condition variable. A pool with more threads
// than the machine has cores does not spin. Measured cost of an empty call
// with 2 threads on 2 idle cores: about 1 microsecond.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vinfer::tensor {

/// A fixed set of threads that run one parallel_for at a time.
///
/// The partition is static and contiguous: n is cut into P = min(n, size()) parts
/// in index order whose sizes differ by at most one (the larger ones first). It
/// depends only on (n, size()), never on timing. The calling thread runs part 0.
class ThreadPool {
 public:
  /// Starts n_threads - 1 workers (the caller is the n-th). n_threads == 0 is
  /// treated as 1; n_threads == 1 starts none and runs every call inline.
  explicit ThreadPool(unsigned n_threads);
  /// Wakes and joins the workers.
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Number of threads that share the work, the calling thread included.
  unsigned size() const { return n_threads_; }

  /// Calls fn(begin, end) on disjoint, non-empty ranges that together cover
  /// [0, n) exactly once, in parallel, and returns when all calls have returned.
  /// n == 0 calls nothing. fn must not throw and must not call parallel_for on
  /// this pool; only one thread at a time may call parallel_for.
  void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn);

 private:
  void worker_main(unsigned index);
  void run_part(unsigned index);

  unsigned n_threads_;
  std::vector<std::thread> workers_;
  // Idle workers poll this long before sleeping; zero when the pool has more
  // threads than the machine has cores (see thread_pool.cpp).
  std::chrono::nanoseconds spin_for_{0};
  unsigned caller_spins_ = 0;

  // One cache line carries a call to the workers: the job (written by the
  // caller before it bumps generation_, read by workers after they see the
  // bump, stable until every worker has checked in) and the counter itself,
  // so a wake-up moves one line from the caller's core to each worker.
  alignas(64) std::atomic<std::uint64_t> generation_{0};
  const std::function<void(std::size_t, std::size_t)>* job_fn_ = nullptr;
  std::size_t job_n_ = 0;
  unsigned job_parts_ = 0;
  std::atomic<bool> stop_{false};
  // Workers decrement pending_ while idle workers poll generation_: separate
  // lines, so the two traffic patterns do not slow each other down.
  alignas(64) std::atomic<unsigned> pending_{0};
  alignas(64) std::atomic<unsigned> sleepers_{0};
  std::atomic<bool> busy_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace vinfer::tensor
