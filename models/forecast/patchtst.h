#pragma once

// PatchTST (Nie et al. 2023, "A Time Series is Worth 64 Words: Long-term Forecasting with
// Transformers"), the supervised model of yuqinie98/PatchTST (PatchTST_supervised/models/
// PatchTST.py and layers/PatchTST_backbone.py): every channel on its own (channel
// independence), normalised by RevIN, padded at the end by repeating its last value `stride`
// times and cut into patches of patch_len every stride steps; the patches go through the
// Transformer encoder of patchtst_encoder.h, and the flatten head maps all of a channel's
// patch embeddings to the horizon. With decomposition, a trend backbone and a residual
// backbone forecast the two parts of series_decomp and their forecasts are summed. Module and
// parameter names are the reference's ("model.backbone.W_P.weight"); bench/pytorch/
// patchtst_twin.py is the PyTorch twin.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/forecast/forecaster.h"
#include "models/forecast/patchtst_encoder.h"
#include "models/forecast/revin.h"
#include "models/forecast/series_decomp.h"

namespace kiln::models {

// The reference's Flatten_Head: a channel's [d_model, patch_num] embeddings flattened (d_model
// major) and mapped to the horizon by one Linear shared by the channels, or one per channel.
class FlattenHead : public nn::Module {
 public:
  FlattenHead(bool individual, int64_t n_vars, int64_t nf, int64_t target_window,
              double head_dropout);
  // x [B, C, d_model, patch_num] -> [B, C, target_window].
  Tensor forward(const Tensor& x);

  // Shared: flatten, linear, dropout. Per channel: flattens, linears, dropouts.
  std::shared_ptr<nn::UnaryModule> flatten, linear, dropout;
  std::shared_ptr<nn::ModuleList> flattens, linears, dropouts;
};

// The sizes and options one backbone is built with (PatchTST_backbone's arguments).
struct PatchTSTBackboneOptions {
  int64_t c_in, context_window, target_window, patch_len, stride;
  bool padding_end, revin, affine, subtract_last, individual;
  double head_dropout;
  TSTEncoderOptions encoder;
};

class PatchTSTBackbone : public nn::Module {
 public:
  explicit PatchTSTBackbone(const PatchTSTBackboneOptions& options);
  // z [B, C, L] -> [B, C, H].
  Tensor forward(const Tensor& z);

  std::shared_ptr<RevIN> revin_layer;  // null without RevIN
  std::shared_ptr<TSTiEncoder> backbone;
  std::shared_ptr<FlattenHead> head;

 private:
  int64_t patch_len_, stride_;
  bool padding_end_;
};

class PatchTST : public Forecaster {
 public:
  // The fields of run_longExp.py the model reads, and the model's own keyword arguments
  // (act, res_attention, pre_norm, attn_dropout); defaults are the ETTh1 script's.
  struct Config {
    int64_t e_layers = 3;
    int64_t n_heads = 4;
    int64_t d_model = 16;
    int64_t d_ff = 128;
    double dropout = 0.3;
    double attn_dropout = 0;
    double head_dropout = 0;
    int64_t patch_len = 16;
    int64_t stride = 8;
    std::string padding_patch = "end";  // or "none"
    bool revin = true;
    bool affine = false;  // run_longExp.py's default; the ETTh scripts leave it
    bool subtract_last = false;
    bool individual = false;  // a head per channel
    bool decomposition = false;
    int64_t kernel_size = 25;  // series_decomp's, with decomposition
    std::string act = "gelu";  // or "relu"
    bool res_attention = true;
    bool pre_norm = false;
  };

  // Throws kiln::Error for a size or option out of range, and for a look-back shorter than
  // one patch.
  PatchTST(const ForecastShape& shape, const Config& config);
  // x [B, L, C] -> [B, H, C]; x_mark is not used.
  Tensor forward(const Tensor& x, const Tensor& x_mark) override;
  nlohmann::json config_json() const override;
  // yuqinie98/PatchTST's scripts for ETTh1 and ETTh2 (see patchtst.cpp).
  static ForecastRecipe paper_recipe(const std::string& dataset, int64_t horizon);

  // Without decomposition: model. With it: decomp_module, model_trend and model_res.
  std::shared_ptr<PatchTSTBackbone> model, model_trend, model_res;
  std::shared_ptr<SeriesDecomp> decomp_module;

 private:
  ForecastShape shape_;
  Config config_;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PatchTST::Config, e_layers, n_heads, d_model, d_ff,
                                                dropout, attn_dropout, head_dropout, patch_len,
                                                stride, padding_patch, revin, affine, subtract_last,
                                                individual, decomposition, kernel_size, act,
                                                res_attention, pre_norm)

}  // namespace kiln::models
