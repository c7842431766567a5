"""TimeMixer (Wang et al. 2024, "TimeMixer: Decomposable Multiscale Mixing for Time Series
Forecasting") for long-term forecasting, the twin of kiln's models/forecast/timemixer.{h,cpp}:
kwuking/TimeMixer's models/TimeMixer.py with layers/Embed.py (DataEmbedding_wo_pos),
layers/StandardNorm.py (Normalize) and layers/Autoformer_EncDec.py (series_decomp), in the
configuration its long-term scripts use: channel_independence 1, decomp_method moving_avg,
embed timeF, use_future_temporal_feature 0, down_sampling_method avg or max. Module and
parameter names are the reference's, so a checkpoint of either loads into the other; the
modules the reference builds but this path never runs (PastDecomposableMixing.layer_norm and
DataEmbedding_wo_pos.position_embedding) are kept for that reason. On the fixture's weights and
batch it gives kwuking/TimeMixer's own Model (commit 8d230b7) bit for bit: forecast, loss and
every gradient."""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass
class Configs:
    """The reference's argparse fields that the forecasting path reads (run.py's defaults
    except where TimeMixer_ETTh1_unify.sh sets them)."""
    seq_len: int = 96
    pred_len: int = 96
    enc_in: int = 7
    c_out: int = 7
    mark_features: int = 4  # freq 'h' with embed 'timeF': TimeFeatureEmbedding's d_inp
    d_model: int = 16
    d_ff: int = 32
    e_layers: int = 2
    dropout: float = 0.1
    moving_avg: int = 25
    down_sampling_layers: int = 3
    down_sampling_window: int = 2
    down_sampling_method: str = "avg"
    use_norm: int = 1


class moving_avg(nn.Module):
    def __init__(self, kernel_size, stride):
        super().__init__()
        self.kernel_size = kernel_size
        self.avg = nn.AvgPool1d(kernel_size=kernel_size, stride=stride, padding=0)

    def forward(self, x):
        front = x[:, 0:1, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        end = x[:, -1:, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        x = torch.cat([front, x, end], dim=1)
        return self.avg(x.permute(0, 2, 1)).permute(0, 2, 1)


class series_decomp(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.moving_avg = moving_avg(kernel_size, stride=1)

    def forward(self, x):
        moving_mean = self.moving_avg(x)
        return x - moving_mean, moving_mean


class Normalize(nn.Module):
    """RevIN (Kim et al. 2022) per scale; the statistics are detached, as the reference's."""

    def __init__(self, num_features, eps=1e-5, affine=False, non_norm=False):
        super().__init__()
        self.eps, self.affine, self.non_norm = eps, affine, non_norm
        if affine:
            self.affine_weight = nn.Parameter(torch.ones(num_features))
            self.affine_bias = nn.Parameter(torch.zeros(num_features))

    def forward(self, x, mode):
        if mode == "norm":
            dims = tuple(range(1, x.ndim - 1))
            self.mean = torch.mean(x, dim=dims, keepdim=True).detach()
            self.stdev = torch.sqrt(
                torch.var(x, dim=dims, keepdim=True, unbiased=False) + self.eps).detach()
            if self.non_norm:
                return x
            x = (x - self.mean) / self.stdev
            return x * self.affine_weight + self.affine_bias if self.affine else x
        if self.non_norm:
            return x
        if self.affine:
            x = (x - self.affine_bias) / (self.affine_weight + self.eps * self.eps)
        return x * self.stdev + self.mean


class PositionalEmbedding(nn.Module):
    def __init__(self, d_model, max_len=5000):
        super().__init__()
        pe = torch.zeros(max_len, d_model).float()
        position = torch.arange(0, max_len).float().unsqueeze(1)
        div_term = (torch.arange(0, d_model, 2).float() * -(math.log(10000.0) / d_model)).exp()
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0))


class TokenEmbedding(nn.Module):
    def __init__(self, c_in, d_model):
        super().__init__()
        self.tokenConv = nn.Conv1d(in_channels=c_in, out_channels=d_model, kernel_size=3,
                                   padding=1, padding_mode="circular", bias=False)
        nn.init.kaiming_normal_(self.tokenConv.weight, mode="fan_in", nonlinearity="leaky_relu")

    def forward(self, x):
        return self.tokenConv(x.permute(0, 2, 1)).transpose(1, 2)


class TimeFeatureEmbedding(nn.Module):
    def __init__(self, d_model, d_inp):
        super().__init__()
        self.embed = nn.Linear(d_inp, d_model, bias=False)

    def forward(self, x):
        return self.embed(x)


class DataEmbedding_wo_pos(nn.Module):
    def __init__(self, c_in, d_model, d_inp, dropout):
        super().__init__()
        self.value_embedding = TokenEmbedding(c_in=c_in, d_model=d_model)
        self.position_embedding = PositionalEmbedding(d_model=d_model)
        self.temporal_embedding = TimeFeatureEmbedding(d_model, d_inp)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x, x_mark):
        if x_mark is None:
            x = self.value_embedding(x)
        else:
            x = self.value_embedding(x) + self.temporal_embedding(x_mark)
        return self.dropout(x)


def mlp(d_in, d_out, d_last):
    return nn.Sequential(nn.Linear(d_in, d_out), nn.GELU(), nn.Linear(d_out, d_last))


class MultiScaleSeasonMixing(nn.Module):
    """Bottom-up mixing of the season: each scale plus a projection of the finer one."""

    def __init__(self, configs):
        super().__init__()
        w = configs.down_sampling_window
        self.down_sampling_layers = nn.ModuleList([
            mlp(configs.seq_len // w ** i, configs.seq_len // w ** (i + 1),
                configs.seq_len // w ** (i + 1))
            for i in range(configs.down_sampling_layers)])

    def forward(self, season_list):
        out_high = season_list[0]
        out_low = season_list[1]
        out_season_list = [out_high.permute(0, 2, 1)]
        for i in range(len(season_list) - 1):
            out_low_res = self.down_sampling_layers[i](out_high)
            out_low = out_low + out_low_res
            out_high = out_low
            if i + 2 <= len(season_list) - 1:
                out_low = season_list[i + 2]
            out_season_list.append(out_high.permute(0, 2, 1))
        return out_season_list


class MultiScaleTrendMixing(nn.Module):
    """Top-down mixing of the trend: each scale plus a projection of the coarser one."""

    def __init__(self, configs):
        super().__init__()
        w = configs.down_sampling_window
        self.up_sampling_layers = nn.ModuleList([
            mlp(configs.seq_len // w ** (i + 1), configs.seq_len // w ** i,
                configs.seq_len // w ** i)
            for i in reversed(range(configs.down_sampling_layers))])

    def forward(self, trend_list):
        trend_list_reverse = trend_list.copy()
        trend_list_reverse.reverse()
        out_low = trend_list_reverse[0]
        out_high = trend_list_reverse[1]
        out_trend_list = [out_low.permute(0, 2, 1)]
        for i in range(len(trend_list_reverse) - 1):
            out_high_res = self.up_sampling_layers[i](out_low)
            out_high = out_high + out_high_res
            out_low = out_high
            if i + 2 <= len(trend_list_reverse) - 1:
                out_high = trend_list_reverse[i + 2]
            out_trend_list.append(out_low.permute(0, 2, 1))
        out_trend_list.reverse()
        return out_trend_list


class PastDecomposableMixing(nn.Module):
    def __init__(self, configs):
        super().__init__()
        self.layer_norm = nn.LayerNorm(configs.d_model)  # built, never used, as the reference
        self.dropout = nn.Dropout(configs.dropout)
        self.decompsition = series_decomp(configs.moving_avg)
        self.mixing_multi_scale_season = MultiScaleSeasonMixing(configs)
        self.mixing_multi_scale_trend = MultiScaleTrendMixing(configs)
        self.out_cross_layer = mlp(configs.d_model, configs.d_ff, configs.d_model)

    def forward(self, x_list):
        length_list = [x.size(1) for x in x_list]
        season_list, trend_list = [], []
        for x in x_list:
            season, trend = self.decompsition(x)
            season_list.append(season.permute(0, 2, 1))
            trend_list.append(trend.permute(0, 2, 1))
        out_season_list = self.mixing_multi_scale_season(season_list)
        out_trend_list = self.mixing_multi_scale_trend(trend_list)
        out_list = []
        for ori, out_season, out_trend, length in zip(x_list, out_season_list, out_trend_list,
                                                      length_list):
            out = ori + self.out_cross_layer(out_season + out_trend)
            out_list.append(out[:, :length, :])
        return out_list


class Model(nn.Module):
    def __init__(self, configs):
        super().__init__()
        self.configs = configs
        self.pred_len = configs.pred_len
        self.pdm_blocks = nn.ModuleList(
            [PastDecomposableMixing(configs) for _ in range(configs.e_layers)])
        self.enc_embedding = DataEmbedding_wo_pos(1, configs.d_model, configs.mark_features,
                                                  configs.dropout)
        self.layer = configs.e_layers
        self.normalize_layers = nn.ModuleList([
            Normalize(configs.enc_in, affine=True, non_norm=configs.use_norm == 0)
            for _ in range(configs.down_sampling_layers + 1)])
        self.predict_layers = nn.ModuleList([
            nn.Linear(configs.seq_len // configs.down_sampling_window ** i, configs.pred_len)
            for i in range(configs.down_sampling_layers + 1)])
        self.projection_layer = nn.Linear(configs.d_model, 1, bias=True)

    def multi_scale_process_inputs(self, x_enc, x_mark_enc):
        window = self.configs.down_sampling_window
        down_pool = (nn.AvgPool1d(window) if self.configs.down_sampling_method == "avg"
                     else nn.MaxPool1d(window))
        x_enc_ori = x_enc.permute(0, 2, 1)
        x_mark_enc_mark_ori = x_mark_enc
        x_enc_sampling_list = [x_enc]
        x_mark_sampling_list = [x_mark_enc]
        for _ in range(self.configs.down_sampling_layers):
            x_enc_sampling = down_pool(x_enc_ori)
            x_enc_sampling_list.append(x_enc_sampling.permute(0, 2, 1))
            x_enc_ori = x_enc_sampling
            if x_mark_enc_mark_ori is not None:
                x_mark_enc_mark_ori = x_mark_enc_mark_ori[:, ::window, :]
                x_mark_sampling_list.append(x_mark_enc_mark_ori)
        return x_enc_sampling_list, (x_mark_sampling_list if x_mark_enc is not None else None)

    def forecast(self, x_enc, x_mark_enc):
        x_enc, x_mark_enc = self.multi_scale_process_inputs(x_enc, x_mark_enc)
        x_list, x_mark_list = [], []
        for i, x in enumerate(x_enc):
            B, T, N = x.size()
            x = self.normalize_layers[i](x, "norm")
            x_list.append(x.permute(0, 2, 1).contiguous().reshape(B * N, T, 1))
            if x_mark_enc is not None:
                # Row b N + n of x holds (batch b, channel n), but repeat(N, 1, 1) puts the
                # marks of batch (b N + n) mod B there: the reference's pairing, kept.
                x_mark_list.append(x_mark_enc[i].repeat(N, 1, 1))
        enc_out_list = [self.enc_embedding(x, x_mark_list[i] if x_mark_enc is not None else None)
                        for i, x in enumerate(x_list)]
        for i in range(self.layer):
            enc_out_list = self.pdm_blocks[i](enc_out_list)
        dec_out_list = self.future_multi_mixing(B, enc_out_list)
        dec_out = torch.stack(dec_out_list, dim=-1).sum(-1)
        return self.normalize_layers[0](dec_out, "denorm")

    def future_multi_mixing(self, B, enc_out_list):
        dec_out_list = []
        for i, enc_out in enumerate(enc_out_list):
            dec_out = self.predict_layers[i](enc_out.permute(0, 2, 1)).permute(0, 2, 1)
            dec_out = self.projection_layer(dec_out)
            dec_out = dec_out.reshape(B, self.configs.c_out, self.pred_len).permute(0, 2, 1)
            dec_out_list.append(dec_out.contiguous())
        return dec_out_list

    def forward(self, x_enc, x_mark_enc):
        return self.forecast(x_enc, x_mark_enc)
