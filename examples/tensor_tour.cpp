// A first look at kiln: create, view, multiply, reduce and print tensors, then fit a line
// by gradient descent with autograd.
#include <iostream>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/parallel.h"

int main() {
  using namespace kiln;
  manual_seed(0);
  std::cout << "kiln tensor tour (" << num_threads() << " threads)\n\n";

  const Tensor a = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  std::cout << "a =\n" << a << "\n\n";
  std::cout << "a.t() (a view sharing a's storage) =\n" << a.t() << "\n\n";

  const Tensor w = randn({3, 4});
  const Tensor y = matmul(a, w).relu();
  std::cout << "relu(a @ w) with w ~ N(0, 1) =\n" << y << "\n\n";

  std::cout << "sum over rows = " << y.sum({1}) << '\n';
  std::cout << "softmax(a, -1) =\n" << softmax(a, -1) << '\n';
  const auto [values, indices] = max(a, 1);
  std::cout << "max over dim 1 = " << values << " at " << indices << "\n\n";

  const Tensor big = arange(0, 1 << 20, 1, {.dtype = kFloat32}).view({1024, 1024});
  const Tensor product = matmul(big, big.t());
  std::cout << "a 1024 x 1024 product, abbreviated:\n" << product << '\n';
  std::cout << "its mean = " << product.mean().item<double>() << "\n\n";

  // y = 3x - 2 plus noise, fitted by gradient descent on the mean squared error.
  const Tensor x = randn({256, 1});
  const Tensor target = x * 3.0 - 2.0 + randn({256, 1}) * 0.1;
  Tensor slope = zeros({1}).requires_grad_();
  Tensor intercept = zeros({1}).requires_grad_();
  for (int step = 0; step <= 100; ++step) {
    const Tensor loss = (x * slope + intercept - target).square().mean();
    loss.backward();
    if (step % 25 == 0) std::cout << "step " << step << ": loss " << loss.item<double>() << '\n';
    NoGradGuard no_grad;
    slope.add_(slope.grad() * -0.1);
    intercept.add_(intercept.grad() * -0.1);
    slope.grad().zero_();
    intercept.grad().zero_();
  }
  std::cout << "fitted y = " << slope.item<double>() << " x + " << intercept.item<double>()
            << " (data: y = 3 x - 2)\n";
  return 0;
}
