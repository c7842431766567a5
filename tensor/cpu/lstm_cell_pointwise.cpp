// lstm_cell_pointwise's kernels (tensor/ops_lstm_cell_pointwise.h): rows of the batch over
// the threads, each row's hidden units in one vectorised loop.
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/cpu_math.h"
#include "tensor/cpu/parallel.h"
#include "tensor/lstm_cell_formulas.h"
#include "tensor/ops_lstm_cell_pointwise.h"

namespace kiln::cpu {

namespace {

void lstm_cell_pointwise(const Tensor& out, const Tensor& input_gates, const Tensor& hidden_gates,
                         const Tensor& c) {
  const int64_t batch = c.size(0), hidden = c.size(1);
  visit_floating(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = input_gates.data<T>();
    const T* h = hidden_gates.data<T>();
    const T* cell = c.data<T>();
    T* h_out = out.data<T>();
    T* c_out = h_out + batch * hidden;
    parallel_for(batch, std::max<int64_t>(1, kParallelGrain / (8 * hidden)),
                 [&](int64_t first, int64_t last) {
                   for (int64_t n = first; n < last; ++n) {
                     const T* xg = x + n * 4 * hidden;
                     const T* hg = h + n * 4 * hidden;
                     const int64_t row = n * hidden;
#pragma omp simd
                     for (int64_t j = 0; j < hidden; ++j) {
                       lstm_cell_forward<CpuMath>(xg[j] + hg[j], xg[hidden + j] + hg[hidden + j],
                                                  xg[2 * hidden + j] + hg[2 * hidden + j],
                                                  xg[3 * hidden + j] + hg[3 * hidden + j],
                                                  cell[row + j], h_out[row + j], c_out[row + j]);
                     }
                   }
                 });
  });
}

void lstm_cell_pointwise_backward(const Tensor& grad_gates, const Tensor& grad_c,
                                  const Tensor& grad_out, const Tensor& input_gates,
                                  const Tensor& hidden_gates, const Tensor& c, const Tensor& out) {
  const int64_t batch = c.size(0), hidden = c.size(1);
  visit_floating(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = input_gates.data<T>();
    const T* h = hidden_gates.data<T>();
    const T* cell = c.data<T>();
    const T* c_next = out.data<T>() + batch * hidden;
    const T* dh = grad_out.data<T>();
    const T* dc_next = dh + batch * hidden;
    T* dgates = grad_gates.data<T>();
    T* dcell = grad_c.data<T>();
    parallel_for(batch, std::max<int64_t>(1, kParallelGrain / (16 * hidden)),
                 [&](int64_t first, int64_t last) {
                   for (int64_t n = first; n < last; ++n) {
                     const T* xg = x + n * 4 * hidden;
                     const T* hg = h + n * 4 * hidden;
                     T* dg = dgates + n * 4 * hidden;
                     const int64_t row = n * hidden;
#pragma omp simd
                     for (int64_t j = 0; j < hidden; ++j) {
                       lstm_cell_backward<CpuMath>(
                           xg[j] + hg[j], xg[hidden + j] + hg[hidden + j],
                           xg[2 * hidden + j] + hg[2 * hidden + j],
                           xg[3 * hidden + j] + hg[3 * hidden + j], cell[row + j], c_next[row + j],
                           dh[row + j], dc_next[row + j], dg[j], dg[hidden + j], dg[2 * hidden + j],
                           dg[3 * hidden + j], dcell[row + j]);
                     }
                   }
                 });
  });
}

}  // namespace

KILN_REGISTER_KERNEL(lstm_cell_pointwise_kernel, DeviceType::CPU, lstm_cell_pointwise);
KILN_REGISTER_KERNEL(lstm_cell_pointwise_backward_kernel, DeviceType::CPU,
                     lstm_cell_pointwise_backward);

}  // namespace kiln::cpu
