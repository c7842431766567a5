// Anomaly detection: the first NaN or Inf an op produces, in forward or in backward, is an
// error naming the op and the module path that called it; off, nothing is checked or kept.
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>

#include "autograd/anomaly_mode.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "nn/containers.h"
#include "nn/linear.h"
#include "nn/module_list.h"
#include "nn/module_scope.h"
#include "nn/transformer.h"
#include "tensor/creation.h"
#include "tensor/finite.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::error_of;

// sqrt(relu(x)): finite forward, but an infinite gradient wherever x <= 0.
class Gate : public nn::UnaryModule {
 public:
  Gate() : UnaryModule("Gate") {}
  Tensor forward(const Tensor& x) override { return sqrt(relu(x)); }
};

// x W^T with W = sign I, then log (NaN for negative inputs) or the gate.
class Block : public nn::UnaryModule {
 public:
  Block(double sign, bool gated) : UnaryModule("Block") {
    proj = register_module("proj", std::make_shared<nn::Linear>(2, 2, false));
    nn::set_data(proj->weight, eye(2) * sign);
    if (gated) gate = register_module("gate", std::make_shared<Gate>());
  }
  Tensor forward(const Tensor& x) override {
    const Tensor y = (*proj)(x);
    return gate ? (*gate)(y) : log(y);
  }
  std::shared_ptr<nn::Linear> proj;
  std::shared_ptr<Gate> gate;
};

// Two blocks, the second negating: for inputs above 1 its log (or gate) sees negative values.
class Encoder : public nn::Module {
 public:
  explicit Encoder(bool gated) : Module("Encoder") {
    layers = register_module("layers", std::make_shared<nn::ModuleList>());
    layers->push_back(std::make_shared<Block>(1, gated));
    layers->push_back(std::make_shared<Block>(-1, gated));
  }
  // Two arguments, as an encoder with a mask takes: it opens its own scope.
  Tensor forward(const Tensor& x, const Tensor& scale) {
    const nn::ModuleScope scope(*this);
    Tensor h = x * scale;
    for (size_t i = 0; i < layers->size(); ++i) h = (*layers->at<Block>(i))(h);
    return h;
  }
  std::shared_ptr<nn::ModuleList> layers;
};

class Toy : public nn::Module {
 public:
  explicit Toy(bool gated) : Module("Toy") {
    encoder = register_module("encoder", std::make_shared<Encoder>(gated));
  }
  Tensor forward(const Tensor& x) {
    const nn::ModuleScope scope(*this);
    return encoder->forward(x, ones({1})).sum();
  }
  std::shared_ptr<Encoder> encoder;
};

Tensor inputs() {
  return from_vector(std::vector<float>{2, 3}, {1, 2});
}

TEST(AnomalyMode, ForwardNaNNamesTheOpAndItsModulePath) {
  Toy model(false);
  const DetectAnomalyGuard anomaly;
  EXPECT_EQ(error_of([&] { model.forward(inputs()); }),
            "encoder.layers.1: log produced NaN in its output");
  EXPECT_EQ(autograd::current_module_path(), nullptr) << "the scopes unwound with the error";
}

TEST(AnomalyMode, BackwardOnlyInfNamesTheOpsBackwardAndItsModulePath) {
  Toy model(true);
  const DetectAnomalyGuard anomaly;
  const Tensor loss = model.forward(inputs());
  EXPECT_TRUE(all_finite(loss));
  EXPECT_EQ(error_of([&] { loss.backward(); }),
            "encoder.layers.1.gate: sqrt backward produced Inf (in the gradient of its input 0)");
}

// nn's own layers name themselves: a model whose encoder's second layer has a NaN weight.
class Model : public nn::Module {
 public:
  Model() : Module("Model") {
    encoder = register_module(
        "encoder", std::make_shared<nn::TransformerEncoder>(nn::TransformerEncoderLayer(8, 2), 2));
  }
  Tensor forward(const Tensor& x) {
    const nn::ModuleScope scope(*this);
    return encoder->forward(x);
  }
  std::shared_ptr<nn::TransformerEncoder> encoder;
};

TEST(AnomalyMode, TransformerLayersNameTheirPath) {
  Model model;
  {
    const NoGradGuard no_grad;
    model.encoder->layers->at<nn::TransformerEncoderLayer>(1)->self_attn->in_proj_weight.fill_(
        std::numeric_limits<double>::quiet_NaN());
  }
  const Tensor x = ones({3, 1, 8});
  const DetectAnomalyGuard anomaly;
  const std::string error = error_of([&] { model.forward(x); });
  EXPECT_TRUE(error.starts_with("encoder.layers.1.self_attn: ")) << error;
  EXPECT_TRUE(error.ends_with(" produced NaN in its output")) << error;
}

TEST(AnomalyMode, OpsOutsideModulesAreNamedAlone) {
  const DetectAnomalyGuard anomaly;
  const Tensor x = full({3}, 400.0, {.dtype = kFloat32}).requires_grad_();
  EXPECT_EQ(error_of([&] { exp(x); }), "exp produced Inf in its output");
}

// -inf is how masks exclude what may not be chosen; its gradient, zero there, is finite.
TEST(AnomalyMode, MaskingWithMinusInfinityIsNoAnomaly) {
  const DetectAnomalyGuard anomaly;
  const Tensor scores = from_vector(std::vector<float>{1, 2, 3}, {3}).requires_grad_();
  const Tensor mask = eq(arange(3), 1);
  const Tensor masked = masked_fill(scores, mask, -std::numeric_limits<double>::infinity());
  EXPECT_NO_THROW(log_softmax(masked, 0).select(0, 0).backward());
  EXPECT_TRUE(all_finite(scores.grad()));
}

TEST(AnomalyMode, TheOutermostModuleIsNamedByItsType) {
  Toy model(true);
  const DetectAnomalyGuard anomaly;
  const Tensor loss = model.forward(inputs());
  ASSERT_NE(loss.grad_fn()->module_path(), nullptr);
  EXPECT_EQ(*loss.grad_fn()->module_path(), "Toy");
}

TEST(AnomalyMode, OffNothingIsCheckedOrKept) {
  EXPECT_FALSE(AnomalyMode::is_enabled());
  Toy faulty(false);
  Tensor loss;
  EXPECT_NO_THROW(loss = faulty.forward(inputs()));
  EXPECT_EQ(find_non_finite(loss), NonFinite::NaN);
  EXPECT_EQ(loss.grad_fn()->module_path(), nullptr);
  EXPECT_EQ(autograd::current_module_path(), nullptr);
  Toy gated(true);
  EXPECT_NO_THROW(gated.forward(inputs()).backward());
  EXPECT_TRUE(gated.encoder->layers->at<Block>(0)->proj->weight.grad().defined());
}

TEST(AnomalyMode, GuardsNestAndRestore) {
  {
    const DetectAnomalyGuard on;
    EXPECT_TRUE(AnomalyMode::is_enabled());
    {
      const DetectAnomalyGuard off(false);
      EXPECT_FALSE(AnomalyMode::is_enabled());
      EXPECT_NO_THROW(Toy(false).forward(inputs()));
    }
    EXPECT_TRUE(AnomalyMode::is_enabled());
  }
  EXPECT_FALSE(AnomalyMode::is_enabled());
}

// As in PyTorch, only what autograd records is checked: no graph, no check.
TEST(AnomalyMode, OpsThatRecordNothingAreNotChecked) {
  const DetectAnomalyGuard anomaly;
  const NoGradGuard no_grad;
  EXPECT_NO_THROW(Toy(false).forward(inputs()));
}

}  // namespace
}  // namespace kiln
