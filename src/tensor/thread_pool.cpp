// ThreadPool: a generation counter wakes the workers, a pending counter joins them.
//
// Protocol for one parallel_for (caller C, workers W1..Wn-1):
//   C writes the job, sets pending = n-1, bumps generation (release).
//   Each W sees the new generation (acquire), runs its part, decrements pending.
//   C runs part 0, then waits for pending == 0 (acquire) and may reuse the job
//   fields. Every worker checks in, even one without a part: then the job
//   fields cannot change under a worker that is slow to wake.
// Workers spin for kSpinFor after a call before they sleep. A sleeping worker
// bumps sleepers under the mutex before its last look at generation; the caller
// bumps generation before it reads sleepers (both seq_cst), so at least one of
// them sees the other and no wake-up is lost.
#include "vinfer/tensor/thread_pool.hpp"

#include <algorithm>
#include <chrono>

#include "vinfer/assert.hpp"

namespace vinfer::tensor {
namespace {

// How long an idle worker polls before it sleeps. A forward pass calls the pool
// every few tens of microseconds, so this keeps workers awake within a token
// and lets them sleep between requests. When the pool has more threads than
// the machine has cores, a spinning worker would only steal the core of the
// thread everyone waits for, so such a pool sleeps at once (as OpenMP does).
constexpr auto kSpinFor = std::chrono::microseconds(200);
// Pause iterations before a waiting caller starts yielding its core (helps when
// the machine has fewer free cores than the pool has threads).
constexpr unsigned kCallerSpins = 1024;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

ThreadPool::ThreadPool(unsigned n_threads) : n_threads_(n_threads == 0 ? 1 : n_threads) {
  const unsigned cores = std::thread::hardware_concurrency();
  const bool oversubscribed = cores != 0 && n_threads_ > cores;
  spin_for_ = oversubscribed ? std::chrono::nanoseconds(0) : kSpinFor;
  caller_spins_ = oversubscribed ? 0 : kCallerSpins;
  workers_.reserve(n_threads_ - 1);
  for (unsigned i = 1; i < n_threads_; ++i) {
    workers_.emplace_back([this, i] { worker_main(i); });
  }
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }
  for (std::thread& t : workers_) {
    t.join();
  }
}

void ThreadPool::run_part(unsigned index) {
  if (index >= job_parts_) {
    return;
  }
  // Parts differ in size by at most one, the larger ones first; written without
  // index * n so that no n can overflow.
  const std::size_t q = job_n_ / job_parts_;
  const std::size_t r = job_n_ % job_parts_;
  const std::size_t begin = index * q + std::min<std::size_t>(index, r);
  const std::size_t end = begin + q + (index < r ? 1 : 0);
  (*job_fn_)(begin, end);
}

void ThreadPool::worker_main(unsigned index) {
  std::uint64_t seen = 0;
  for (;;) {
    std::uint64_t g = generation_.load(std::memory_order_acquire);
    if (g == seen) {
      const auto spin_start = std::chrono::steady_clock::now();
      for (unsigned spins = 1; g == seen; ++spins) {
        // Look at the clock only every 256 pauses (a few microseconds).
        cpu_relax();
        g = generation_.load(std::memory_order_acquire);
        if (g == seen && spins % 256 == 0 &&
            std::chrono::steady_clock::now() - spin_start >= spin_for_) {
          std::unique_lock<std::mutex> lock(mutex_);
          sleepers_.fetch_add(1, std::memory_order_seq_cst);
          while ((g = generation_.load(std::memory_order_seq_cst)) == seen) {
            wake_.wait(lock);
          }
          sleepers_.fetch_sub(1, std::memory_order_relaxed);
        }
      }
    }
    // The caller cannot start another call before this worker checks in, so the
    // generation moved by exactly one.
    seen = g;
    if (stop_.load(std::memory_order_relaxed)) {
      return;
    }
    run_part(index);
    pending_.fetch_sub(1, std::memory_order_release);
  }
}

void ThreadPool::parallel_for(std::size_t n,
                              const std::function<void(std::size_t, std::size_t)>& fn) {
  if (n == 0) {
    return;
  }
  if (n_threads_ == 1 || n == 1) {
    fn(0, n);
    return;
  }
  const bool was_busy = busy_.exchange(true, std::memory_order_acquire);
  VINFER_ASSERT(!was_busy && "parallel_for is not reentrant");

  job_fn_ = &fn;
  job_n_ = n;
  job_parts_ = static_cast<unsigned>(std::min<std::size_t>(n, n_threads_));
  pending_.store(n_threads_ - 1, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }

  run_part(0);

  for (unsigned spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins) {
    if (spins < caller_spins_) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
  busy_.store(false, std::memory_order_release);
}

}  // namespace vinfer::tensor
