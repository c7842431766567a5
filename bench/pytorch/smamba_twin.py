"""S-Mamba (Wang et al. 2024, "Is Mamba Effective for Time Series Forecasting?"), the twin of
kiln's models/forecast/smamba.{h,cpp}, written after wzhwzhwzh0921/S-D-Mamba's
model/S_Mamba.py and layers/Mamba_EncDec.py: iTransformer's skeleton (itransformer_twin.py)
with each encoder layer mixing the variate tokens by two Mamba mixers, one over the tokens in
order and one over them reversed. The mixers are mamba_twin.py's pure-PyTorch Mamba, with
mamba_ssm's parameter names. With the same weights, the reference's own classes
(S-D-Mamba at e7e8bf0, mamba_ssm's Mamba replaced by mamba_twin.py's) give bit-identical
forecasts and gradients on the fixture's batch.

Mamba_EncDec.py's EncoderLayer also builds three modules its forward never calls (man, man2:
Mamba(d_model=11); a: AttentionLayer(FullAttention, 11, 1)); they are left out here and in
kiln, so a reference checkpoint loads by name with those keys unexpected (strict=False)."""
from dataclasses import dataclass

import torch.nn as nn
import torch.nn.functional as F

from itransformer_twin import InvertedForecaster
from mamba_twin import Mamba, MambaConfig


@dataclass
class SMambaConfig:
    """run.py's arguments the model reads (defaults: S_Mamba_ETTh1.sh at H = 96)."""
    seq_len: int = 96
    pred_len: int = 96
    d_model: int = 256
    d_state: int = 2
    e_layers: int = 2
    d_ff: int = 256
    dropout: float = 0.1
    activation: str = "gelu"
    use_norm: bool = True
    d_conv: int = 2  # fixed in S_Mamba.py
    expand: int = 1  # fixed in S_Mamba.py


class EncoderLayer(nn.Module):
    """x = norm1(x + attention(x) + flip(attention_r(flip(x)))), the flips over the tokens;
    then iTransformer's feed-forward: norm2(x + FFN(x)). Unlike iTransformer's layer, no
    dropout on the mixers' sum."""

    def __init__(self, attention, attention_r, d_model, d_ff=None, dropout=0.1,
                 activation="relu"):
        super().__init__()
        d_ff = d_ff or 4 * d_model
        self.attention = attention
        self.attention_r = attention_r
        self.conv1 = nn.Conv1d(in_channels=d_model, out_channels=d_ff, kernel_size=1)
        self.conv2 = nn.Conv1d(in_channels=d_ff, out_channels=d_model, kernel_size=1)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)
        self.activation = F.relu if activation == "relu" else F.gelu

    def forward(self, x):
        new_x = self.attention(x) + self.attention_r(x.flip(dims=[1])).flip(dims=[1])
        x = x + new_x
        y = x = self.norm1(x)
        y = self.dropout(self.activation(self.conv1(y.transpose(-1, 1))))
        y = self.dropout(self.conv2(y).transpose(-1, 1))
        return self.norm2(x + y)


class SMamba(InvertedForecaster):
    def __init__(self, c: SMambaConfig):
        mixer = MambaConfig(d_model=c.d_model, d_state=c.d_state, d_conv=c.d_conv,
                            expand=c.expand)
        super().__init__(c, [
            EncoderLayer(Mamba(mixer), Mamba(mixer), c.d_model, c.d_ff, dropout=c.dropout,
                         activation=c.activation)
            for _ in range(c.e_layers)])
