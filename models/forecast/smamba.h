#pragma once

// S-Mamba (Wang et al. 2024, "Is Mamba Effective for Time Series Forecasting?"), after
// wzhwzhwzh0921/S-D-Mamba's model/S_Mamba.py and layers/Mamba_EncDec.py: iTransformer's
// inverted skeleton (inverted_forecaster.h) whose encoder layers mix the variate tokens with
// a bidirectional Mamba: one Mamba mixer over the tokens in order, one over
// them reversed. The mixers are models/mamba.h's Mamba, mamba_ssm's, with its parameter
// names ("encoder.attn_layers.0.attention_r.A_log"); bench/pytorch/smamba_twin.py is the
// PyTorch twin. The reference's EncoderLayer also builds three modules its forward never
// calls (man, man2 and a); they are left out, so a reference checkpoint loads with
// load_state_dict(..., strict = false), those keys reported as unexpected.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/forecast/inverted_forecaster.h"
#include "models/mamba.h"

namespace kiln::models {

// EncoderLayer (layers/Mamba_EncDec.py): s = x + attention(x) + flip(attention_r(flip(x))),
// the flips over the tokens (no dropout on the mixers' sum, unlike iTransformer's layer),
// then the feed-forward block of InvertedEncoderLayer.
class SMambaEncoderLayer : public InvertedEncoderLayer {
 public:
  SMambaEncoderLayer(const InvertedLayerOptions& options, const MambaConfig& mixer);
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<Mamba> attention, attention_r;
};

class SMamba : public InvertedForecaster {
 public:
  // run.py's arguments that shape the model; defaults as S_Mamba_ETTh1.sh at H = 96 with
  // run.py's defaults for the rest.
  struct Config {
    int64_t d_model = 256;
    int64_t d_state = 2;  // N, each Mamba's state size per channel (run.py's default is 32)
    int64_t e_layers = 2;
    int64_t d_ff = 256;
    double dropout = 0.1;
    std::string activation = "gelu";
    bool use_norm = true;  // the series normalisation of InvertedForecaster
    int64_t d_conv = 2;    // the Mamba convolution's width, fixed in S_Mamba.py
    int64_t expand = 1;    // d_inner = expand * d_model, fixed in S_Mamba.py
  };

  SMamba(const ForecastShape& shape, const Config& config);
  nlohmann::json config_json() const override;

  // wzhwzhwzh0921/S-D-Mamba's scripts/multivariate_forecasting/ETT/S_Mamba_ETTh1.sh and
  // S_Mamba_ETTh2.sh with run.py's defaults.
  static ForecastRecipe paper_recipe(const std::string& dataset, int64_t horizon);

 private:
  Config config_;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SMamba::Config, d_model, d_state, e_layers, d_ff,
                                                dropout, activation, use_norm, d_conv, expand)

}  // namespace kiln::models
