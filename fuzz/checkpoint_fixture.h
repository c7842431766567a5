#pragma once

// What fuzz_checkpoint loads into, built as kiln train builds its own: a small MLP, AdamW,
// linear warmup then cosine annealing, the default generator and one for the data.
#include <memory>

#include "nn/activation.h"
#include "nn/containers.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "optim/adam.h"
#include "optim/checkpoint.h"
#include "optim/lr_scheduler.h"
#include "tensor/creation.h"

namespace kiln::fuzz {

struct CheckpointFixture {
  CheckpointFixture() {
    manual_seed(1);
    model =
        std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::UnaryModule>>{
            std::make_shared<nn::Linear>(4, 8), std::make_shared<nn::ReLU>(),
            std::make_shared<nn::Linear>(8, 2)});
    optimizer =
        std::make_unique<optim::AdamW>(model->parameters(), optim::AdamWOptions{.lr = 1e-2});
    schedule = optim::linear_warmup_cosine(*optimizer, 5, 20, 0.1);
  }

  // One optimizer and schedule step on a batch drawn from `data`.
  void train_step() {
    const Tensor x = randn({8, 4}, {}, &data);
    const Tensor y = randn({8, 2}, {}, &data);
    optimizer->zero_grad();
    nn::mse_loss((*model)(x), y).backward();
    optimizer->step();
    schedule->step();
    ++step;
  }

  optim::Checkpoint checkpoint() {
    return {.model = model.get(),
            .optimizer = optimizer.get(),
            .schedule = schedule.get(),
            .generators = {{"default", &default_generator()}, {"data", &data}},
            .step = step,
            .extra = {{"epoch", 1}, {"best", 0.5}}};
  }

  std::shared_ptr<nn::Sequential> model;
  std::unique_ptr<optim::Optimizer> optimizer;
  std::shared_ptr<optim::SequentialLR> schedule;
  Generator data{11};
  int64_t step = 0;
};

}  // namespace kiln::fuzz
