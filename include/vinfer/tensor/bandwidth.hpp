// A STREAM-like probe of the memory read bandwidth the kernels can reach.
//
// `vinfer bench` divides the weight bytes a GEMV reads per second by this
// figure to report how close the int8 engine is to the memory limit.
#pragma once

#include <cstddef>

#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::tensor {

/// Reads a `bytes`-byte buffer (far larger than the caches by default) with every
/// thread of `pool`, `reps` times, summing it as int64 lanes so the reads cannot
/// be optimized away, and returns the best pass in GB/s (1e9 bytes per second).
/// Allocates and first-touches the buffer from the pool's threads (NUMA-local
/// pages); that set-up is not timed. bytes is rounded down to a multiple of 64.
double measure_read_bandwidth_gbps(ThreadPool& pool,
                                   std::size_t bytes = std::size_t{256} << 20,
                                   int reps = 5);

}  // namespace vinfer::tensor
