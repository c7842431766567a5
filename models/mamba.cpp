#include "models/mamba.h"

#include <cmath>
#include <tuple>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "nn/init.h"
#include "nn/loss.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"
#include "tensor/ops_selective_scan.h"

namespace kiln::models {

void validate(const MambaConfig& config) {
  auto positive = [](const char* field, auto value) {
    KILN_CHECK(value > 0, "MambaConfig: ", field, " must be positive, got ", value);
  };
  positive("d_model", config.d_model);
  positive("n_layer", config.n_layer);
  positive("vocab_size", config.vocab_size);
  positive("d_state", config.d_state);
  positive("d_conv", config.d_conv);
  positive("expand", config.expand);
  positive("dt_min", config.dt_min);
  positive("dt_init_floor", config.dt_init_floor);
  positive("dt_scale", config.dt_scale);
  positive("norm_epsilon", config.norm_epsilon);
  KILN_CHECK(config.dt_rank >= 0,
             "MambaConfig: dt_rank must be positive, or 0 for ceil(d_model / 16), got ",
             config.dt_rank);
  KILN_CHECK(config.dt_max >= config.dt_min, "MambaConfig: dt_max ", config.dt_max,
             " is below dt_min ", config.dt_min);
}

namespace {

// softplus^-1(y) = y + log(1 - exp(-y)), written with expm1 to stay exact for small y.
Tensor inverse_softplus(const Tensor& y) {
  return y + (-(-y).expm1()).log();
}

// The state of a causal convolution of width `width` after the last of x's steps: its last
// `width` inputs, zeros before the first one (F.pad(x, (width - L, 0)) in mamba_ssm).
Tensor last_inputs(const Tensor& x, int64_t width) {
  const int64_t length = x.size(2);
  if (length >= width) return x.narrow(2, length - width, width);
  return cat(
      {zeros({x.size(0), x.size(1), width - length}, {.dtype = x.dtype(), .device = x.device()}),
       x},
      2);
}

}  // namespace

Mamba::Mamba(const MambaConfig& config)
    : UnaryModule("Mamba"),
      d_state_(config.d_state),
      d_conv_(config.d_conv),
      dt_rank_(config.resolved_dt_rank()) {
  validate(config);
  const int64_t d_inner = config.d_inner();
  in_proj = register_module("in_proj",
                            std::make_shared<nn::Linear>(config.d_model, 2 * d_inner, config.bias));
  // Depthwise (one filter per channel), padded by d_conv - 1 on both sides; forward keeps
  // the first L outputs, the causal ones.
  conv1d = register_module(
      "conv1d", std::make_shared<nn::Conv1d>(
                    d_inner, d_inner, config.d_conv,
                    nn::functional::ConvOptions{.padding = {config.d_conv - 1}, .groups = d_inner},
                    config.conv_bias));
  x_proj = register_module(
      "x_proj", std::make_shared<nn::Linear>(d_inner, dt_rank_ + 2 * config.d_state, false));
  dt_proj = register_module("dt_proj", std::make_shared<nn::Linear>(dt_rank_, d_inner, true));
  // The step's projection keeps its input's variance, and softplus(dt_proj.bias) starts as a
  // step drawn log-uniformly in [dt_min, dt_max].
  const double dt_init_std = config.dt_scale / std::sqrt(static_cast<double>(dt_rank_));
  nn::init::uniform_(dt_proj->weight, -dt_init_std, dt_init_std);
  const double log_min = std::log(config.dt_min), log_max = std::log(config.dt_max);
  const Tensor dt = (rand({d_inner}, {.dtype = kFloat64}) * (log_max - log_min) + log_min)
                        .exp()
                        .clamp(config.dt_init_floor, std::nullopt);
  {
    NoGradGuard no_grad;
    Tensor bias = dt_proj->bias.detach();
    bias.copy_(inverse_softplus(dt).to(bias.dtype()));
  }
  // S4D-real (Gu et al. 2022, "On the Parameterization and Initialization of Diagonal State
  // Space Models"): A_n = -(n + 1) in every channel, kept as its log.
  A_log = register_parameter(
      "A_log", arange(1, static_cast<double>(config.d_state) + 1, 1, {.dtype = kFloat32})
                   .log()
                   .repeat({d_inner, 1}));
  D = register_parameter("D", ones({d_inner}));
  out_proj = register_module("out_proj",
                             std::make_shared<nn::Linear>(d_inner, config.d_model, config.bias));
}

Mamba::ScanInputs Mamba::project(const Tensor& x) {
  const Tensor x_dbl = (*x_proj)(x);
  return {.dt = x_dbl.narrow(-1, 0, dt_rank_).matmul(dt_proj->weight.t()),
          .B = x_dbl.narrow(-1, dt_rank_, d_state_),
          .C = x_dbl.narrow(-1, dt_rank_ + d_state_, d_state_)};
}

Tensor Mamba::forward(const Tensor& hidden_states) {
  return mix(hidden_states, nullptr);
}

Tensor Mamba::forward(const Tensor& hidden_states, MambaLayerState& state) {
  const nn::ModuleScope scope(*this);
  return mix(hidden_states, &state);
}

Tensor Mamba::mix(const Tensor& hidden_states, MambaLayerState* state) {
  KILN_CHECK(hidden_states.dim() == 3, "Mamba: hidden_states must be [B, L, d_model], got ",
             hidden_states.shape());
  const int64_t length = hidden_states.size(1);
  // [B, 2 d_inner, L]: channels first, as the convolution and the scan take them.
  const std::vector<Tensor> xz = (*in_proj)(hidden_states).transpose(1, 2).chunk(2, 1);
  const Tensor& z = xz[1];
  if (state != nullptr) state->conv_state = last_inputs(xz[0], d_conv_);
  const Tensor x = silu((*conv1d)(xz[0]).narrow(2, 0, length));
  const ScanInputs in = project(x.transpose(1, 2));
  const Tensor A = -A_log.exp();
  const SelectiveScanOutput scanned =
      selective_scan_with_last_state(x, in.dt.transpose(1, 2), A, in.B.transpose(1, 2),
                                     in.C.transpose(1, 2), D, z, dt_proj->bias, true);
  if (state != nullptr) state->ssm_state = scanned.last_state;
  return (*out_proj)(scanned.out.transpose(1, 2));
}

Tensor Mamba::step(const Tensor& hidden_states, MambaLayerState& state) {
  KILN_CHECK(hidden_states.dim() == 2, "Mamba::step: hidden_states must be [B, d_model], got ",
             hidden_states.shape());
  KILN_CHECK(state.conv_state.defined() && state.conv_state.size(0) == hidden_states.size(0),
             "Mamba::step: the cache must hold states for the batch of ", hidden_states.size(0));
  const std::vector<Tensor> xz = (*in_proj)(hidden_states).chunk(2, -1);
  // The convolution's window moves by one input: out = sum_w state_w weight_w + bias.
  state.conv_state = cat({state.conv_state.narrow(2, 1, d_conv_ - 1), xz[0].unsqueeze(2)}, 2);
  Tensor x = (state.conv_state * conv1d->weight.squeeze(1)).sum({-1});
  if (conv1d->bias.defined()) x = x + conv1d->bias;
  x = silu(x);
  const ScanInputs in = project(x);
  // One step of the scan (ZOH for A, Euler for B): h = exp(dt A) h + dt B x, y = C h + D x.
  const Tensor dt = softplus(in.dt + dt_proj->bias).unsqueeze(-1);  // [B, d_inner, 1]
  const Tensor A = -A_log.exp();
  state.ssm_state = state.ssm_state * (dt * A).exp() + dt * in.B.unsqueeze(1) * x.unsqueeze(-1);
  const Tensor y = (state.ssm_state * in.C.unsqueeze(1)).sum({-1}) + D * x;
  return (*out_proj)(y * silu(xz[1]));
}

MambaLayerState Mamba::allocate_inference_cache(int64_t batch) const {
  const TensorOptions options{.dtype = A_log.dtype(), .device = A_log.device()};
  return {.conv_state = zeros({batch, D.size(0), d_conv_}, options),
          .ssm_state = zeros({batch, D.size(0), d_state_}, options)};
}

MambaBlock::MambaBlock(const MambaConfig& config) : Module("Block") {
  norm = register_module("norm",
                         std::make_shared<nn::RMSNorm>(Shape{config.d_model}, config.norm_epsilon));
  mixer = register_module("mixer", std::make_shared<Mamba>(config));
}

std::pair<Tensor, Tensor> MambaBlock::forward(const Tensor& hidden_states, const Tensor& residual,
                                              MambaLayerState* state) {
  const nn::ModuleScope scope(*this);
  const Tensor sum = residual.defined() ? hidden_states + residual : hidden_states;
  const Tensor normed = (*norm)(sum);
  return {state != nullptr ? mixer->forward(normed, *state) : mixer->forward(normed), sum};
}

std::pair<Tensor, Tensor> MambaBlock::step(const Tensor& hidden_states, const Tensor& residual,
                                           MambaLayerState& state) {
  const Tensor sum = residual.defined() ? hidden_states + residual : hidden_states;
  return {mixer->step((*norm)(sum), state), sum};
}

MambaMixerModel::MambaMixerModel(const MambaConfig& config) : Module("MixerModel") {
  embedding = register_module("embedding",
                              std::make_shared<nn::Embedding>(config.vocab_size, config.d_model));
  layers = register_module("layers", std::make_shared<nn::ModuleList>());
  for (int64_t i = 0; i < config.n_layer; ++i)
    layers->push_back(std::make_shared<MambaBlock>(config));
  norm_f = register_module(
      "norm_f", std::make_shared<nn::RMSNorm>(Shape{config.d_model}, config.norm_epsilon));
}

Tensor MambaMixerModel::forward(const Tensor& tokens, MambaInferenceCache* cache) {
  const nn::ModuleScope scope(*this);
  Tensor hidden = (*embedding)(tokens), residual;
  for (size_t i = 0; i < layers->size(); ++i) {
    MambaLayerState* state = cache != nullptr ? &cache->layers.at(i) : nullptr;
    std::tie(hidden, residual) = layers->at<MambaBlock>(i)->forward(hidden, residual, state);
  }
  return (*norm_f)(hidden + residual);
}

Tensor MambaMixerModel::step(const Tensor& tokens, MambaInferenceCache& cache) {
  Tensor hidden = (*embedding)(tokens), residual;
  for (size_t i = 0; i < layers->size(); ++i)
    std::tie(hidden, residual) =
        layers->at<MambaBlock>(i)->step(hidden, residual, cache.layers.at(i));
  return (*norm_f)(hidden + residual);
}

MambaLMHeadModel::MambaLMHeadModel(const MambaConfig& config)
    : Module("MambaLMHeadModel"), config_(config) {
  validate(config);
  backbone = register_module("backbone", std::make_shared<MambaMixerModel>(config));
  if (config.tie_embeddings) {
    lm_head = register_module("lm_head", std::make_shared<TiedLinear>(backbone->embedding->weight));
  } else {
    lm_head = register_module(
        "lm_head", std::make_shared<nn::Linear>(config.d_model, config.vocab_size, false));
  }
  // mamba_ssm's _init_weights, with one residual branch per layer: embeddings N(0, 0.02),
  // the Linear biases zeroed but dt_proj's, and out_proj.weight PyTorch's default,
  // U(+-1 / sqrt(fan_in)), scaled by 1 / sqrt(n_layer) (GPT-2's scheme).
  nn::init::normal_(backbone->embedding->weight, 0, 0.02);
  const double out_bound = 1 / std::sqrt(static_cast<double>(config.d_inner() * config.n_layer));
  for (size_t i = 0; i < backbone->layers->size(); ++i) {
    const std::shared_ptr<Mamba> mixer = backbone->layers->at<MambaBlock>(i)->mixer;
    for (const auto& linear : {mixer->in_proj, mixer->out_proj})
      if (linear->bias.defined()) nn::init::zeros_(linear->bias);
    nn::init::uniform_(mixer->out_proj->weight, -out_bound, out_bound);
  }
}

std::string MambaLMHeadModel::extra_repr() const {
  return nlohmann::json(config_).dump();
}

Tensor MambaLMHeadModel::forward(const Tensor& tokens) {
  const nn::ModuleScope scope(*this);
  KILN_CHECK(tokens.dim() == 2, "MambaLMHeadModel: tokens must be [B, L], got ", tokens.shape());
  return (*lm_head)(backbone->forward(tokens));
}

Tensor MambaLMHeadModel::forward(const Tensor& tokens, MambaInferenceCache& cache) {
  const nn::ModuleScope scope(*this);
  KILN_CHECK(tokens.dim() == 2, "MambaLMHeadModel: tokens must be [B, L], got ", tokens.shape());
  cache.layers.resize(backbone->layers->size());
  return (*lm_head)(backbone->forward(tokens, &cache));
}

Tensor MambaLMHeadModel::step(const Tensor& tokens, MambaInferenceCache& cache) {
  KILN_CHECK(tokens.dim() == 1, "MambaLMHeadModel::step: tokens must be [B], got ", tokens.shape());
  KILN_CHECK(cache.layers.size() == backbone->layers->size(),
             "MambaLMHeadModel::step: the cache has ", cache.layers.size(), " layers, the model ",
             backbone->layers->size(), " (allocate_inference_cache makes one)");
  return (*lm_head)(backbone->step(tokens, cache));
}

MambaInferenceCache MambaLMHeadModel::allocate_inference_cache(int64_t batch) const {
  MambaInferenceCache cache;
  for (size_t i = 0; i < backbone->layers->size(); ++i)
    cache.layers.push_back(
        backbone->layers->at<MambaBlock>(i)->mixer->allocate_inference_cache(batch));
  return cache;
}

Tensor MambaLMHeadModel::loss(const Tensor& logits, const Tensor& targets) const {
  return nn::cross_entropy(logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}));
}

std::set<std::string> MambaLMHeadModel::no_weight_decay() const {
  std::set<std::string> names;
  for (const auto& [name, param] : named_parameters())
    if (name.ends_with(".mixer.A_log") || name.ends_with(".mixer.D")) names.insert(name);
  return names;
}

}  // namespace kiln::models
