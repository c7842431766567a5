"""The LSTM forecasting baseline, the twin of kiln's models/forecast/lstm_forecaster.{h,cpp}
(ours; no paper): RevIN (Kim et al. 2022, PatchTST's layers/RevIN.py with affine parameters)
normalises each window per channel, an LSTM runs over the L steps of C channels, a linear
head maps the last step's hidden state to all H x C values, and RevIN undoes the
normalisation."""
from dataclasses import dataclass

import torch
import torch.nn as nn

from timemixer_twin import Normalize


@dataclass
class Configs:
    seq_len: int = 96
    pred_len: int = 96
    enc_in: int = 7
    hidden_size: int = 128
    num_layers: int = 2
    dropout: float = 0.0
    revin: bool = True


class Model(nn.Module):
    def __init__(self, configs):
        super().__init__()
        self.pred_len, self.channels = configs.pred_len, configs.enc_in
        if configs.revin:
            self.revin_layer = Normalize(configs.enc_in, affine=True)
        self.lstm = nn.LSTM(configs.enc_in, configs.hidden_size, configs.num_layers,
                            batch_first=True, dropout=configs.dropout)
        self.head = nn.Linear(configs.hidden_size, configs.pred_len * configs.enc_in)

    def forward(self, x, x_mark=None):
        revin = hasattr(self, "revin_layer")
        if revin:
            x = self.revin_layer(x, "norm")
        output, _ = self.lstm(x)
        y = self.head(output[:, -1, :]).reshape(x.size(0), self.pred_len, self.channels)
        return self.revin_layer(y, "denorm") if revin else y
