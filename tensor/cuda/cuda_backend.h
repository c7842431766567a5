#pragma once

#include "tensor/backend.h"

namespace kiln::cuda {

// The CUDA implementation of the dispatch seam: every kernel family runs on the GPU, or on
// the host emulator in the emulated build (tensor/cuda/emulator/).
class CudaBackend final : public Backend {
 public:
  const char* name() const override { return "cuda"; }

  void* allocate(size_t nbytes, int device_index) override;
  void deallocate(void* data, size_t nbytes) noexcept override;
  void copy_from_host(void* device_dst, const void* host_src, size_t nbytes) override;
  void copy_to_host(void* host_dst, const void* device_src, size_t nbytes) override;
  void synchronize(int device_index) override;

  void fill(const Tensor& out, Scalar value) override;
  void copy(const Tensor& out, const Tensor& in) override;
  void arange(const Tensor& out, double start, double step) override;
  void random(Distribution distribution, const Tensor& out, PhiloxPosition position, double a,
              double b) override;

  void unary(UnaryOp op, const Tensor& out, const Tensor& in, UnaryParams params) override;
  void binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) override;
  void where(const Tensor& out, const Tensor& condition, const Tensor& a, const Tensor& b) override;

  void reduce(ReduceOp op, const Tensor& out, const Tensor& in, AroundDim rows) override;
  void arg_reduce(ReduceOp op, const Tensor& values, const Tensor& indices, const Tensor& in,
                  AroundDim rows) override;
  void scan(ScanOp op, const Tensor& out, const Tensor& in, AroundDim rows) override;
  void sort(const Tensor& values, const Tensor& indices, const Tensor& in, AroundDim rows,
            bool descending) override;

  void matmul(const Tensor& out, const Tensor& a, const Tensor& b) override;
  void softmax(const Tensor& out, const Tensor& in, AroundDim rows, bool log) override;
  void layer_norm(const Tensor& out, const Tensor& mean, const Tensor& rstd, const Tensor& in,
                  const Tensor& weight, const Tensor& bias, double eps) override;

  void index_select(const Tensor& out, const Tensor& in, int dim, const Tensor& index) override;
  void gather(const Tensor& out, const Tensor& in, int dim, const Tensor& index) override;
  void scatter(const Tensor& self, int dim, const Tensor& index, const Tensor& src,
               ScatterMode mode) override;
  void index_add(const Tensor& self, int dim, const Tensor& index, const Tensor& src) override;

  void fused_update(const FusedUpdateKernel& kernel, Device device, const void* updates,
                    size_t count, int64_t largest) override;

  bool has_fused_attention() const override { return true; }
  bool attention_forward(const Tensor& out, const Tensor& logsumexp, const Tensor& q,
                         const Tensor& k, const Tensor& v, double scale, bool causal) override;
  bool attention_backward(const Tensor& dq, const Tensor& dk, const Tensor& dv, const Tensor& d_out,
                          const Tensor& q, const Tensor& k, const Tensor& v,
                          const Tensor& logsumexp, const Tensor& delta, double scale,
                          bool causal) override;
};

}  // namespace kiln::cuda
