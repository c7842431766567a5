// lstm_cell_pointwise's kernels (tensor/ops_lstm_cell_pointwise.h): one thread per hidden
// unit of each row.
#include "tensor/cuda/kernel.h"
#include "tensor/cuda/strided.h"
#include "tensor/elementwise_formulas.h"
#include "tensor/lstm_cell_formulas.h"
#include "tensor/ops_lstm_cell_pointwise.h"

namespace kiln::cuda {

namespace {

template <typename T>
__global__ void forward_kernel(T* out, const T* x, const T* h, const T* c, int64_t batch,
                               int64_t hidden) {
  for (int64_t index = first_index(); index < batch * hidden; index += grid_stride()) {
    const int64_t n = index / hidden, j = index % hidden;
    const T* xg = x + n * 4 * hidden;
    const T* hg = h + n * 4 * hidden;
    lstm_cell_forward<DeviceMath>(
        xg[j] + hg[j], xg[hidden + j] + hg[hidden + j], xg[2 * hidden + j] + hg[2 * hidden + j],
        xg[3 * hidden + j] + hg[3 * hidden + j], c[index], out[index], out[batch * hidden + index]);
  }
}

template <typename T>
__global__ void backward_kernel(T* dgates, T* dcell, const T* grad_out, const T* x, const T* h,
                                const T* c, const T* out, int64_t batch, int64_t hidden) {
  const int64_t size = batch * hidden;
  for (int64_t index = first_index(); index < size; index += grid_stride()) {
    const int64_t n = index / hidden, j = index % hidden;
    const T* xg = x + n * 4 * hidden;
    const T* hg = h + n * 4 * hidden;
    T* dg = dgates + n * 4 * hidden;
    lstm_cell_backward<DeviceMath>(
        xg[j] + hg[j], xg[hidden + j] + hg[hidden + j], xg[2 * hidden + j] + hg[2 * hidden + j],
        xg[3 * hidden + j] + hg[3 * hidden + j], c[index], out[size + index], grad_out[index],
        grad_out[size + index], dg[j], dg[hidden + j], dg[2 * hidden + j], dg[3 * hidden + j],
        dcell[index]);
  }
}

void lstm_cell_pointwise(const Tensor& out, const Tensor& input_gates, const Tensor& hidden_gates,
                         const Tensor& c) {
  const runtime::DeviceGuard guard(c.device().index);
  visit_floating(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("lstm_cell_pointwise", forward_kernel<T>, grid_for(c.numel()), out.data<T>(),
           input_gates.data<T>(), hidden_gates.data<T>(), c.data<T>(), c.size(0), c.size(1));
  });
}

void lstm_cell_pointwise_backward(const Tensor& grad_gates, const Tensor& grad_c,
                                  const Tensor& grad_out, const Tensor& input_gates,
                                  const Tensor& hidden_gates, const Tensor& c, const Tensor& out) {
  const runtime::DeviceGuard guard(c.device().index);
  visit_floating(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("lstm_cell_pointwise_backward", backward_kernel<T>, grid_for(c.numel()),
           grad_gates.data<T>(), grad_c.data<T>(), grad_out.data<T>(), input_gates.data<T>(),
           hidden_gates.data<T>(), c.data<T>(), out.data<T>(), c.size(0), c.size(1));
  });
}

}  // namespace

KILN_REGISTER_KERNEL(lstm_cell_pointwise_kernel, DeviceType::CUDA, lstm_cell_pointwise);
KILN_REGISTER_KERNEL(lstm_cell_pointwise_backward_kernel, DeviceType::CUDA,
                     lstm_cell_pointwise_backward);

}  // namespace kiln::cuda
