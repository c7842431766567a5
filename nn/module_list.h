#pragma once

// The layers of nn/ by class name, for the PyTorch coverage table (`kiln coverage`);
// nn/module_list.cpp checks at compile time that each is an nn::Module.
#include <span>

#define KILN_NN_MODULES(X)   \
  X(AdaptiveAvgPool)         \
  X(AvgPool)                 \
  X(BatchNorm1d)             \
  X(BatchNorm2d)             \
  X(Bilinear)                \
  X(CELU)                    \
  X(Conv1d)                  \
  X(Conv2d)                  \
  X(ConvTranspose1d)         \
  X(ConvTranspose2d)         \
  X(CosineSimilarity)        \
  X(Dropout)                 \
  X(ELU)                     \
  X(Embedding)               \
  X(Flatten)                 \
  X(GELU)                    \
  X(GLU)                     \
  X(GRU)                     \
  X(GRUCell)                 \
  X(GroupNorm)               \
  X(Hardshrink)              \
  X(Hardsigmoid)             \
  X(Hardswish)               \
  X(Hardtanh)                \
  X(Identity)                \
  X(InstanceNorm1d)          \
  X(InstanceNorm2d)          \
  X(InstanceNorm3d)          \
  X(LSTM)                    \
  X(LSTMCell)                \
  X(LayerNorm)               \
  X(LeakyReLU)               \
  X(Linear)                  \
  X(LogSigmoid)              \
  X(LogSoftmax)              \
  X(MaxPool)                 \
  X(MaxUnpool)               \
  X(Mish)                    \
  X(Module)                  \
  X(ModuleDict)              \
  X(ModuleList)              \
  X(MultiheadAttention)      \
  X(PairwiseDistance)        \
  X(PReLU)                   \
  X(RMSNorm)                 \
  X(RNN)                     \
  X(RNNCell)                 \
  X(ReLU)                    \
  X(ReLU6)                   \
  X(SELU)                    \
  X(Sequential)              \
  X(SiLU)                    \
  X(Sigmoid)                 \
  X(Softmin)                 \
  X(Softmax)                 \
  X(Softshrink)              \
  X(Softplus)                \
  X(Softsign)                \
  X(Tanh)                    \
  X(Tanhshrink)              \
  X(Threshold)               \
  X(Transformer)             \
  X(TransformerDecoder)      \
  X(TransformerDecoderLayer) \
  X(TransformerEncoder)      \
  X(TransformerEncoderLayer) \
  X(Unflatten)

namespace kiln::nn {

// The class names of KILN_NN_MODULES, in its order.
std::span<const char* const> module_names();

}  // namespace kiln::nn
