// Internal to src/tensor: how the dispatchers cut a product's rows across a pool.
#pragma once

#include <cstddef>

#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::tensor::detail {

/// Below this many multiply-adds a call runs on the calling thread: waking the
/// pool costs about as much as the product itself.
inline constexpr std::size_t kMinParallelMacs = std::size_t{1} << 16;

/// Calls fn(r0, r1) over disjoint ranges covering [0, rows), in parallel when
/// `pool` is given and `macs` is large enough. Ranges start at multiples of
/// `block` so multi-row kernels keep their full blocks. The split never
/// changes an integer result: each row is computed whole by one thread.
template <typename Fn>
void split_rows(ThreadPool* pool,
                std::size_t rows,
                std::size_t block,
                std::size_t macs,
                const Fn& fn) {
  if (rows == 0) {
    return;
  }
  if (pool == nullptr || pool->size() == 1 || macs < kMinParallelMacs) {
    fn(0, rows);
    return;
  }
  // The closure handed to parallel_for holds one pointer, so std::function
  // keeps it in its small buffer instead of allocating on every call.
  struct Job {
    const Fn* fn;
    std::size_t rows;
    std::size_t block;
  };
  const Job job{&fn, rows, block};
  pool->parallel_for((rows + block - 1) / block, [j = &job](std::size_t b0, std::size_t b1) {
    (*j->fn)(b0 * j->block, b1 * j->block < j->rows ? b1 * j->block : j->rows);
  });
}

}  // namespace vinfer::tensor::detail
