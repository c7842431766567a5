"""DLinear (Zeng et al. 2023, "Are Transformers Effective for Time Series Forecasting?") in
PyTorch, after cure-lab/LTSF-Linear's models/DLinear.py (the paper's code) and
thuml/Time-Series-Library's models/DLinear.py, with their module and parameter names
(Linear_Seasonal, Linear_Trend).

The two differ in three places: LTSF-Linear fixes the moving-average kernel at 25 where
Time-Series-Library reads configs.moving_avg; LTSF-Linear takes `individual` from the config
where Time-Series-Library's constructor argument defaults to False; and Time-Series-Library
sets every weight to 1 / seq_len, where LTSF-Linear keeps nn.Linear's default initialisation
(its 1 / seq_len lines are commented out, "if you want to visualize the weights").
`average_init` picks Time-Series-Library's.

series_decomp is Autoformer's (Time-Series-Library's layers/Autoformer_EncDec.py, the same
code in LTSF-Linear and in PatchTST's layers/PatchTST_layers.py); patchtst_twin.py uses it too.
"""
import torch
import torch.nn as nn


class moving_avg(nn.Module):
    """The mean of each window of kernel_size steps, the series padded at both ends with
    (kernel_size - 1) // 2 copies of its first and last values so that the length stays."""

    def __init__(self, kernel_size, stride):
        super().__init__()
        self.kernel_size = kernel_size
        self.avg = nn.AvgPool1d(kernel_size=kernel_size, stride=stride, padding=0)

    def forward(self, x):  # x: [B, L, C]
        front = x[:, 0:1, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        end = x[:, -1:, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        x = torch.cat([front, x, end], dim=1)
        x = self.avg(x.permute(0, 2, 1))
        return x.permute(0, 2, 1)


class series_decomp(nn.Module):
    """x = res + moving_mean: the seasonal remainder and the trend."""

    def __init__(self, kernel_size):
        super().__init__()
        self.moving_avg = moving_avg(kernel_size, stride=1)

    def forward(self, x):
        moving_mean = self.moving_avg(x)
        res = x - moving_mean
        return res, moving_mean


class Model(nn.Module):
    """Decomposition-Linear: one Linear(seq_len, pred_len) over time for the seasonal part and
    one for the trend, shared by the channels or one per channel (individual)."""

    def __init__(self, seq_len, pred_len, enc_in, individual=False, moving_avg=25,
                 average_init=False):
        super().__init__()
        self.seq_len = seq_len
        self.pred_len = pred_len
        self.decompsition = series_decomp(moving_avg)
        self.individual = individual
        self.channels = enc_in

        def linear():
            layer = nn.Linear(self.seq_len, self.pred_len)
            if average_init:
                layer.weight = nn.Parameter(
                    (1 / self.seq_len) * torch.ones([self.pred_len, self.seq_len]))
            return layer

        if self.individual:
            self.Linear_Seasonal = nn.ModuleList()
            self.Linear_Trend = nn.ModuleList()
            for _ in range(self.channels):
                self.Linear_Seasonal.append(linear())
                self.Linear_Trend.append(linear())
        else:
            self.Linear_Seasonal = linear()
            self.Linear_Trend = linear()

    def forward(self, x):  # x: [B, L, C] -> [B, H, C]
        seasonal_init, trend_init = self.decompsition(x)
        seasonal_init, trend_init = seasonal_init.permute(0, 2, 1), trend_init.permute(0, 2, 1)
        if self.individual:
            seasonal_output = torch.zeros(
                [seasonal_init.size(0), seasonal_init.size(1), self.pred_len],
                dtype=seasonal_init.dtype)
            trend_output = torch.zeros([trend_init.size(0), trend_init.size(1), self.pred_len],
                                       dtype=trend_init.dtype)
            for i in range(self.channels):
                seasonal_output[:, i, :] = self.Linear_Seasonal[i](seasonal_init[:, i, :])
                trend_output[:, i, :] = self.Linear_Trend[i](trend_init[:, i, :])
        else:
            seasonal_output = self.Linear_Seasonal(seasonal_init)
            trend_output = self.Linear_Trend(trend_init)
        x = seasonal_output + trend_output
        return x.permute(0, 2, 1)
