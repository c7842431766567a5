"""iTransformer (Liu et al. 2024, "iTransformer: Inverted Transformers Are Effective for Time
Series Forecasting"), the twin of kiln's models/forecast/itransformer.{h,cpp}, written after
thuml/iTransformer's model/iTransformer.py, layers/Embed.py (DataEmbedding_inverted),
layers/Transformer_EncDec.py (EncoderLayer, Encoder) and layers/SelfAttention_Family.py
(FullAttention, AttentionLayer). Its state_dict names are the reference's
("encoder.attn_layers.0.attention.query_projection.weight", "projector.weight"), so a
checkpoint of either loads into the other. Time-Series-Library's models/iTransformer.py is the
same network with the head named "projection" and the normalisation always on. With the same
weights, the reference's own classes (thuml/iTransformer at c2426e6) give bit-identical
forecasts and gradients on the fixture's batch.

Each variate's whole look-back (and each calendar feature's, when x_mark is given) is one
token; the encoder attends across tokens; the projector maps each token to the horizon."""
from dataclasses import dataclass
from math import sqrt

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ITransformerConfig:
    """run.py's arguments the model reads (defaults: iTransformer_ETTh1.sh at H = 96)."""
    seq_len: int = 96
    pred_len: int = 96
    d_model: int = 256
    n_heads: int = 8
    e_layers: int = 2
    d_ff: int = 256
    dropout: float = 0.1
    activation: str = "gelu"
    use_norm: bool = True


def normalize(x_enc):
    """Non-stationary Transformer's series normalisation (Liu et al. 2022): each variate minus
    its mean over the look-back (detached), over sqrt(population variance + 1e-5)."""
    means = x_enc.mean(1, keepdim=True).detach()
    x_enc = x_enc - means
    stdev = torch.sqrt(torch.var(x_enc, dim=1, keepdim=True, unbiased=False) + 1e-5)
    return x_enc / stdev, means, stdev


def denormalize(dec_out, means, stdev, pred_len):
    dec_out = dec_out * (stdev[:, 0, :].unsqueeze(1).repeat(1, pred_len, 1))
    return dec_out + (means[:, 0, :].unsqueeze(1).repeat(1, pred_len, 1))


class DataEmbedding_inverted(nn.Module):
    """x [B, L, N] (and x_mark [B, L, F]) -> tokens [B, N (+ F), d_model]: one Linear over
    each series' whole look-back."""

    def __init__(self, c_in, d_model, dropout=0.1):
        super().__init__()
        self.value_embedding = nn.Linear(c_in, d_model)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x, x_mark):
        x = x.permute(0, 2, 1)
        if x_mark is None:
            x = self.value_embedding(x)
        else:
            x = self.value_embedding(torch.cat([x, x_mark.permute(0, 2, 1)], 1))
        return self.dropout(x)


class FullAttention(nn.Module):
    """softmax(scale q k^T) v with scale 1/sqrt(E), dropout on the weights; never masked here
    (mask_flag=False, as iTransformer builds it)."""

    def __init__(self, attention_dropout=0.1):
        super().__init__()
        self.dropout = nn.Dropout(attention_dropout)

    def forward(self, queries, keys, values):
        B, L, H, E = queries.shape
        scale = 1. / sqrt(E)
        scores = torch.einsum("blhe,bshe->bhls", queries, keys)
        A = self.dropout(torch.softmax(scale * scores, dim=-1))
        V = torch.einsum("bhls,bshd->blhd", A, values)
        return V.contiguous()


class AttentionLayer(nn.Module):
    def __init__(self, attention, d_model, n_heads):
        super().__init__()
        d_keys = d_values = d_model // n_heads
        self.inner_attention = attention
        self.query_projection = nn.Linear(d_model, d_keys * n_heads)
        self.key_projection = nn.Linear(d_model, d_keys * n_heads)
        self.value_projection = nn.Linear(d_model, d_values * n_heads)
        self.out_projection = nn.Linear(d_values * n_heads, d_model)
        self.n_heads = n_heads

    def forward(self, queries, keys, values):
        B, L, _ = queries.shape
        _, S, _ = keys.shape
        H = self.n_heads
        queries = self.query_projection(queries).view(B, L, H, -1)
        keys = self.key_projection(keys).view(B, S, H, -1)
        values = self.value_projection(values).view(B, S, H, -1)
        out = self.inner_attention(queries, keys, values)
        return self.out_projection(out.view(B, L, -1))


class EncoderLayer(nn.Module):
    """Post-norm: x = norm1(x + dropout(attention(x))); norm2(x + FFN(x)), the FFN two
    kernel-1 convolutions."""

    def __init__(self, attention, d_model, d_ff=None, dropout=0.1, activation="relu"):
        super().__init__()
        d_ff = d_ff or 4 * d_model
        self.attention = attention
        self.conv1 = nn.Conv1d(in_channels=d_model, out_channels=d_ff, kernel_size=1)
        self.conv2 = nn.Conv1d(in_channels=d_ff, out_channels=d_model, kernel_size=1)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)
        self.activation = F.relu if activation == "relu" else F.gelu

    def forward(self, x):
        new_x = self.attention(x, x, x)
        x = x + self.dropout(new_x)
        y = x = self.norm1(x)
        y = self.dropout(self.activation(self.conv1(y.transpose(-1, 1))))
        y = self.dropout(self.conv2(y).transpose(-1, 1))
        return self.norm2(x + y)


class Encoder(nn.Module):
    def __init__(self, attn_layers, norm_layer=None):
        super().__init__()
        self.attn_layers = nn.ModuleList(attn_layers)
        self.norm = norm_layer

    def forward(self, x):
        for attn_layer in self.attn_layers:
            x = attn_layer(x)
        if self.norm is not None:
            x = self.norm(x)
        return x


class InvertedForecaster(nn.Module):
    """The skeleton iTransformer and S-Mamba share: normalise, embed the series as tokens,
    encode, project each token to the horizon, keep the variates' tokens, denormalise."""

    def __init__(self, c, layers):
        super().__init__()
        self.pred_len, self.use_norm = c.pred_len, c.use_norm
        self.enc_embedding = DataEmbedding_inverted(c.seq_len, c.d_model, c.dropout)
        self.encoder = Encoder(layers, norm_layer=torch.nn.LayerNorm(c.d_model))
        self.projector = nn.Linear(c.d_model, c.pred_len, bias=True)

    def forward(self, x_enc, x_mark_enc=None):
        """x_enc [B, L, N], x_mark_enc [B, L, F] or None -> [B, H, N]."""
        if self.use_norm:
            x_enc, means, stdev = normalize(x_enc)
        _, _, N = x_enc.shape
        enc_out = self.encoder(self.enc_embedding(x_enc, x_mark_enc))
        dec_out = self.projector(enc_out).permute(0, 2, 1)[:, :, :N]  # the covariates dropped
        if self.use_norm:
            dec_out = denormalize(dec_out, means, stdev, self.pred_len)
        return dec_out


class ITransformer(InvertedForecaster):
    def __init__(self, c: ITransformerConfig):
        super().__init__(c, [
            EncoderLayer(AttentionLayer(FullAttention(attention_dropout=c.dropout), c.d_model,
                                        c.n_heads),
                         c.d_model, c.d_ff, dropout=c.dropout, activation=c.activation)
            for _ in range(c.e_layers)])
