// The canonical forward pass of a graph model (graph_engine.hpp).
//
// One driver walks the nodes in order and computes every element-wise and pooling step
// from the element definitions of arith/graph_ops.hpp. The two entry points differ only
// in the linear steps: graph_forward runs gemm and conv through tensor::gemm_s8s8_s32
// (conv as im2col), split across a thread pool; graph_forward_ref calls gemm_elem /
// conv_elem for every output element. The int32 sums are exact in both, so they agree.
#include "vinfer/engine/graph_engine.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <thread>

#include "vinfer/arith/graph_ops.hpp"
#include "vinfer/tensor/gemm.hpp"
#include "vinfer/tensor/thread_pool.hpp"

namespace vinfer::engine {
namespace {

using model::Op;
using model::QGraph;
using model::QNode;

// im2col buffers are cut into sample chunks of at most this many bytes.
constexpr uint64_t kIm2colChunkBytes = uint64_t{1} << 26;

// What every pass needs: the widened values and an int8 copy of each int8 value (the
// operands of gemm and conv).
struct State {
  GraphRun run;
  std::vector<std::vector<int8_t>> i8;
};

// GraphRun holds int8 values widened to int32: sign extension is the point.
int32_t widen(int8_t v) {
  return v;  // NOLINT(bugprone-signed-char-misuse)
}

bool is_i8_value(const QGraph& g, uint32_t v) {
  return v == 0 || commit::dtype_size(model::op_dtype(g.nodes[v - 1].op)) == 1;
}

Status check_run(const QGraph& g, std::span<const int8_t> input, uint32_t batch) {
  VINFER_CHECK(model::check_graph(g));
  const std::string where = "graph '" + g.name + "': ";
  if (batch == 0)
    return fail(Errc::invalid_argument, where + "batch is 0");
  if (batch > kGraphMaxBatch) {
    return fail(Errc::limit, where + "batch " + std::to_string(batch) + " exceeds " +
                                 std::to_string(kGraphMaxBatch));
  }
  const uint64_t per = model::shape_elems(g.input_shape);
  if (input.size() != uint64_t{batch} * per) {
    return fail(Errc::mismatch, where + "input holds " + std::to_string(input.size()) +
                                    " values; batch " + std::to_string(batch) + " x " +
                                    model::shape_str(g.input_shape) + " needs " +
                                    std::to_string(uint64_t{batch} * per));
  }
  uint64_t total = 0;
  for (uint32_t v = 0; v <= g.nodes.size(); ++v)
    total += model::shape_elems(g.value_shape(v));
  if (total * batch > kGraphMaxRunElems) {
    return fail(Errc::limit, where + "batch " + std::to_string(batch) + " needs " +
                                 std::to_string(total * batch) + " value elements (limit " +
                                 std::to_string(kGraphMaxRunElems) + ")");
  }
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] < -arith::kI8Max) {
      return fail(Errc::invalid_argument, where + "input value " + std::to_string(i) +
                                              " is -128 (int8 inputs are in [-127, 127])");
    }
  }
  return ok_status();
}

// ---- linear steps: fast ----

tensor::ThreadPool* shared_pool() {
  static tensor::ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
  return &pool;
}

// x: batch x k int8, y: batch x out_ch.
void gemm_fast(const QNode& n,
               const int8_t* x,
               uint32_t batch,
               int32_t* y,
               tensor::ThreadPool* pool) {
  tensor::gemm_s8s8_s32(n.w.data(), n.out_ch, n.k, x, batch, y, pool);
  for (uint32_t b = 0; b < batch; ++b) {
    int32_t* row = y + size_t{b} * n.out_ch;
    for (uint32_t j = 0; j < n.out_ch; ++j)
      row[j] += n.bias[j];  // |bias| + k*127^2 <= 2^31 - 1 (check_graph): no overflow
  }
}

// Row (sample b, position p) of the im2col matrix: the window of output position p in
// the filter's (c, i, j) order, 0 where the window hangs over the padding.
void im2col_row(const int8_t* x, const arith::Window2d& g, uint32_t oy, uint32_t ox, int8_t* row) {
  const int64_t y0 = int64_t{oy} * g.stride_h - g.pad_t;
  const int64_t x0 = int64_t{ox} * g.stride_w - g.pad_l;
  const bool inside_x = x0 >= 0 && x0 + g.kw <= g.w;
  for (uint32_t c = 0; c < g.c; ++c) {
    const int8_t* plane = x + size_t{c} * g.h * g.w;
    for (uint32_t i = 0; i < g.kh; ++i, row += g.kw) {
      const int64_t yy = y0 + i;
      if (yy < 0 || yy >= g.h) {
        std::memset(row, 0, g.kw);
        continue;
      }
      const int8_t* line = plane + static_cast<size_t>(yy) * g.w;
      if (inside_x) {
        std::memcpy(row, line + x0, g.kw);
        continue;
      }
      for (uint32_t j = 0; j < g.kw; ++j) {
        const int64_t xx = x0 + j;
        row[j] = xx >= 0 && xx < g.w ? line[static_cast<size_t>(xx)] : int8_t{0};
      }
    }
  }
}

// conv as one gemm per chunk of samples: the im2col rows (sample, position) are the
// kernel's weight rows and the filters its inputs, so threads split the positions and
// Y comes out (filter, sample, position); the scatter puts it in (sample, filter, position).
void conv_fast(const QNode& n,
               const int8_t* x,
               uint32_t batch,
               int32_t* y,
               tensor::ThreadPool* pool) {
  const arith::Window2d g = model::window2d(n);
  const uint32_t oh = n.out_shape[1], ow = n.out_shape[2];
  const size_t positions = size_t{oh} * ow, k = n.k;
  const size_t in_elems = size_t{g.c} * g.h * g.w, out_elems = positions * n.out_ch;
  const size_t chunk =
      std::max<size_t>(1, std::min<size_t>(batch, kIm2colChunkBytes / (positions * k)));
  std::vector<int8_t> col(chunk * positions * k);
  std::vector<int32_t> acc(chunk * positions * n.out_ch);
  for (size_t b0 = 0; b0 < batch; b0 += chunk) {
    const size_t nb = std::min<size_t>(chunk, batch - b0);
    for (size_t b = 0; b < nb; ++b) {
      const int8_t* xb = x + (b0 + b) * in_elems;
      for (uint32_t oy = 0; oy < oh; ++oy) {
        for (uint32_t ox = 0; ox < ow; ++ox)
          im2col_row(xb, g, oy, ox, col.data() + ((b * positions) + size_t{oy} * ow + ox) * k);
      }
    }
    const size_t rows = nb * positions;
    tensor::gemm_s8s8_s32(col.data(), rows, k, n.w.data(), n.out_ch, acc.data(), pool);
    for (size_t b = 0; b < nb; ++b) {
      int32_t* yb = y + (b0 + b) * out_elems;
      for (uint32_t o = 0; o < n.out_ch; ++o) {
        const int32_t* src = acc.data() + size_t{o} * rows + b * positions;
        int32_t* dst = yb + size_t{o} * positions;
        for (size_t p = 0; p < positions; ++p)
          dst[p] = src[p] + n.bias[o];
      }
    }
  }
}

// ---- linear steps: reference ----

void gemm_ref(const QNode& n, const int8_t* x, uint32_t batch, int32_t* y) {
  for (uint32_t b = 0; b < batch; ++b) {
    for (uint32_t j = 0; j < n.out_ch; ++j) {
      y[size_t{b} * n.out_ch + j] =
          arith::gemm_elem(n.w.data() + size_t{j} * n.k, x + size_t{b} * n.k, n.k, n.bias[j]);
    }
  }
}

void conv_ref(const QNode& n, const int8_t* x, uint32_t batch, int32_t* y) {
  const arith::Window2d g = model::window2d(n);
  const uint32_t oh = n.out_shape[1], ow = n.out_shape[2];
  const size_t in_elems = size_t{g.c} * g.h * g.w;
  for (uint32_t b = 0; b < batch; ++b) {
    const int8_t* xb = x + b * in_elems;
    for (uint32_t o = 0; o < n.out_ch; ++o) {
      const int8_t* f = n.w.data() + size_t{o} * n.k;
      for (uint32_t oy = 0; oy < oh; ++oy) {
        for (uint32_t ox = 0; ox < ow; ++ox)
          *y++ = arith::conv_elem(xb, g, f, n.bias[o], oy, ox);
      }
    }
  }
}

// ---- the other steps (both passes): one element definition per output element ----

void pointwise(const QNode& n, const State& s, uint32_t batch, int32_t* y) {
  const std::vector<int32_t>& a = s.run.values[n.a];
  const size_t per = model::shape_elems(n.out_shape), total = per * batch;
  switch (n.op) {
    case Op::requant:
    case Op::rescale: {
      const size_t inner = per / n.mult.size();  // elements of one channel (first dim)
      const int32_t* x = a.data();
      for (uint32_t b = 0; b < batch; ++b) {
        for (const arith::Dyadic d : n.mult) {
          if (n.op == Op::requant) {
            for (size_t e = 0; e < inner; ++e)
              *y++ = widen(arith::requant_elem(*x++, d));
          } else {
            for (size_t e = 0; e < inner; ++e)
              *y++ = arith::rescale_elem(*x++, d);
          }
        }
      }
      break;
    }
    case Op::relu:
      for (size_t i = 0; i < total; ++i)
        y[i] = widen(arith::relu_elem(static_cast<int8_t>(a[i])));
      break;
    case Op::qadd: {
      const std::vector<int32_t>& b = s.run.values[n.b];
      for (size_t i = 0; i < total; ++i) {
        y[i] = widen(arith::qadd_elem(static_cast<int8_t>(a[i]), static_cast<int8_t>(b[i]), n.ma,
                                      n.mb, n.shift));
      }
      break;
    }
    case Op::maxpool:
    case Op::avgpool: {
      const arith::Window2d g = model::window2d(n);
      const int8_t* x = s.i8[n.a].data();
      const size_t in_elems = size_t{g.c} * g.h * g.w;
      for (uint32_t b = 0; b < batch; ++b) {
        const int8_t* xb = x + b * in_elems;
        for (uint32_t c = 0; c < n.out_shape[0]; ++c) {
          for (uint32_t oy = 0; oy < n.out_shape[1]; ++oy) {
            for (uint32_t ox = 0; ox < n.out_shape[2]; ++ox) {
              *y++ = widen(n.op == Op::maxpool
                               ? arith::maxpool_elem(xb, g, c, oy, ox)
                               : arith::avgpool_elem(xb, g, c, oy, ox, n.win.count_include_pad));
            }
          }
        }
      }
      break;
    }
    default:
      VINFER_ASSERT(false && "not a pointwise graph step");
  }
}

// Linear: void(const QNode&, const int8_t* x, uint32_t batch, int32_t* y) for gemm and conv.
template <class Linear>
Result<GraphRun> forward(const QGraph& g,
                         std::span<const int8_t> input,
                         uint32_t batch,
                         const Linear& linear) {
  VINFER_CHECK(check_run(g, input, batch));
  State s;
  const size_t nv = g.nodes.size() + 1;
  s.run.batch = batch;
  s.run.values.resize(nv);
  s.i8.resize(nv);
  s.run.values[0].assign(input.begin(), input.end());
  s.i8[0].assign(input.begin(), input.end());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const QNode& n = g.nodes[i];
    const uint32_t v = static_cast<uint32_t>(i + 1);
    std::vector<int32_t>& y = s.run.values[v];
    y.resize(model::shape_elems(n.out_shape) * batch);
    if (n.op == Op::gemm || n.op == Op::conv)
      linear(n, s.i8[n.a].data(), batch, y.data());
    else
      pointwise(n, s, batch, y.data());
    if (is_i8_value(g, v))
      s.i8[v].assign(y.begin(), y.end());  // every element is in [-127, 127]: exact
  }
  return std::move(s.run);
}

}  // namespace

Result<GraphRun> graph_forward(const QGraph& g, std::span<const int8_t> input, uint32_t batch) {
  // One pass at a time uses the shared pool; a concurrent caller runs on its own thread.
  static std::mutex pool_mutex;
  std::unique_lock<std::mutex> lock(pool_mutex, std::try_to_lock);
  tensor::ThreadPool* pool = lock.owns_lock() ? shared_pool() : nullptr;
  return forward(g, input, batch, [pool](const QNode& n, const int8_t* x, uint32_t b, int32_t* y) {
    if (n.op == Op::gemm)
      gemm_fast(n, x, b, y, pool);
    else
      conv_fast(n, x, b, y, pool);
  });
}

Result<GraphRun> graph_forward_ref(const QGraph& g, std::span<const int8_t> input, uint32_t batch) {
  return forward(g, input, batch, [](const QNode& n, const int8_t* x, uint32_t b, int32_t* y) {
    if (n.op == Op::gemm)
      gemm_ref(n, x, b, y);
    else
      conv_ref(n, x, b, y);
  });
}

}  // namespace vinfer::engine
