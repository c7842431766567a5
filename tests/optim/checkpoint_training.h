#pragma once

// A small training run for the checkpoint tests and fuzz_checkpoint: an MLP (with dropout, which
// draws from the default generator, unless told otherwise), AdamW, a warmup-cosine schedule and
// the generator its batches come from.
#include <memory>

#include "nn/activation.h"
#include "nn/containers.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "optim/adam.h"
#include "optim/checkpoint.h"
#include "optim/lr_scheduler.h"
#include "tensor/creation.h"

namespace kiln::optim {

struct Training {
  explicit Training(uint64_t init_seed, int64_t hidden = 16, bool dropout = true) {
    manual_seed(init_seed);
    model = std::make_shared<nn::Sequential>();
    model->push_back(std::make_shared<nn::Linear>(4, hidden));
    model->push_back(std::make_shared<nn::ReLU>());
    if (dropout) model->push_back(std::make_shared<nn::Dropout>(0.2));
    model->push_back(std::make_shared<nn::Linear>(hidden, 2));
    optimizer = std::make_unique<AdamW>(model->parameters(), AdamWOptions{.lr = 1e-2});
    schedule = linear_warmup_cosine(*optimizer, 5, 20, 0.1);
  }
  void train(int steps) {
    for (int k = 0; k < steps; ++k) {
      const Tensor x = randn({8, 4}, {}, &data);
      const Tensor y = randn({8, 2}, {}, &data);
      optimizer->zero_grad();
      nn::mse_loss((*model)(x), y).backward();
      optimizer->step();
      schedule->step();
      ++step;
    }
  }
  Checkpoint checkpoint() {
    return {.model = model.get(),
            .optimizer = optimizer.get(),
            .schedule = schedule.get(),
            .generators = {{"default", &default_generator()}, {"data", &data}},
            .step = step,
            .extra = {{"note", "resume test"}}};
  }

  std::shared_ptr<nn::Sequential> model;
  std::unique_ptr<Optimizer> optimizer;
  std::shared_ptr<SequentialLR> schedule;
  Generator data{11};
  int64_t step = 0;
};

}  // namespace kiln::optim
