#pragma once

#include <cstdint>
#include <span>

// The layers and losses of nn/ as the op registry keys them: each must have a registry
// entry (nn/<file>_entries.cpp), which tests/autograd/test_op_registry.cpp checks.
#define KILN_NN_OPS(X)                \
  X(linear)                           \
  X(bilinear)                         \
  X(embedding_padding)                \
  X(layer_norm_nd)                    \
  X(rms_norm)                         \
  X(group_norm)                       \
  X(instance_norm)                    \
  X(cosine_similarity)                \
  X(pairwise_distance)                \
  X(cdist)                            \
  X(dropout)                          \
  X(leaky_relu)                       \
  X(conv1d)                           \
  X(conv2d)                           \
  X(conv_transpose1d)                 \
  X(conv_transpose2d)                 \
  X(pad)                              \
  X(max_pool)                         \
  X(max_unpool)                       \
  X(avg_pool)                         \
  X(adaptive_avg_pool)                \
  X(batch_norm)                       \
  X(multihead_attention)              \
  X(transformer_encoder_layer)        \
  X(transformer_decoder_layer)        \
  X(rnn)                              \
  X(lstm)                             \
  X(gru)                              \
  X(rnn_cell)                         \
  X(lstm_cell)                        \
  X(gru_cell)                         \
  X(softplus_beta)                    \
  X(elu)                              \
  X(celu)                             \
  X(hardtanh)                         \
  X(glu)                              \
  X(relu6)                            \
  X(softmin)                          \
  X(hardshrink)                       \
  X(softshrink)                       \
  X(tanhshrink)                       \
  X(threshold)                        \
  X(normalize)                        \
  X(prelu)                            \
  X(mse_loss)                         \
  X(l1_loss)                          \
  X(smooth_l1_loss)                   \
  X(huber_loss)                       \
  X(cross_entropy)                    \
  X(nll_loss)                         \
  X(binary_cross_entropy)             \
  X(binary_cross_entropy_with_logits) \
  X(kl_div)                           \
  X(gaussian_nll_loss)

namespace kiln::nn {

#define KILN_NN_OP_ENUM(name) name,
enum class Op : uint16_t { KILN_NN_OPS(KILN_NN_OP_ENUM) };
#undef KILN_NN_OP_ENUM

const char* op_name(Op op);
// The names of every op, in the enumerators' order.
std::span<const char* const> nn_op_names();

}  // namespace kiln::nn
