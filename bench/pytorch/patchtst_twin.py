"""PatchTST (Nie et al. 2023, "A Time Series is Worth 64 Words: Long-term Forecasting with
Transformers"), the supervised model, in PyTorch after yuqinie98/PatchTST's
PatchTST_supervised/models/PatchTST.py, layers/PatchTST_backbone.py, layers/PatchTST_layers.py
and layers/RevIN.py, with their module and parameter names
("model.backbone.encoder.layers.0.self_attn.W_Q.weight").

Kept from the reference: RevIN, patching with end padding, the channel-independent encoder
with learned positions (pe='zeros', learn_pe=True), BatchNorm, residual attention, pre- or
post-norm, the flatten head (shared or per channel) and the optional decomposition into two
backbones. Left out: the pretraining head, the other positional encodings, key padding and
attention masks, learned attention scale (lsa) and store_attn, which the supervised scripts
never use, and LayerNorm: the reference's Model takes norm='BatchNorm' but PatchTST_backbone
does not pass it on to TSTiEncoder, so its encoder always has BatchNorm.
"""
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn

from dlinear_twin import series_decomp


class RevIN(nn.Module):
    """Reversible instance normalisation (Kim et al. 2022): each series scaled by its own mean
    (or last value) and standard deviation on the way in, and back on the way out."""

    def __init__(self, num_features, eps=1e-5, affine=True, subtract_last=False):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.affine = affine
        self.subtract_last = subtract_last
        if self.affine:
            self.affine_weight = nn.Parameter(torch.ones(self.num_features))
            self.affine_bias = nn.Parameter(torch.zeros(self.num_features))

    def forward(self, x, mode):
        if mode == 'norm':
            self._get_statistics(x)
            return self._normalize(x)
        if mode == 'denorm':
            return self._denormalize(x)
        raise NotImplementedError

    def _get_statistics(self, x):
        dim2reduce = tuple(range(1, x.ndim - 1))
        if self.subtract_last:
            self.last = x[:, -1, :].unsqueeze(1)
        else:
            self.mean = torch.mean(x, dim=dim2reduce, keepdim=True).detach()
        self.stdev = torch.sqrt(
            torch.var(x, dim=dim2reduce, keepdim=True, unbiased=False) + self.eps).detach()

    def _normalize(self, x):
        x = x - (self.last if self.subtract_last else self.mean)
        x = x / self.stdev
        if self.affine:
            x = x * self.affine_weight
            x = x + self.affine_bias
        return x

    def _denormalize(self, x):
        if self.affine:
            x = x - self.affine_bias
            x = x / (self.affine_weight + self.eps * self.eps)
        x = x * self.stdev
        return x + (self.last if self.subtract_last else self.mean)


class Transpose(nn.Module):
    def __init__(self, *dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return x.transpose(*self.dims)


def get_activation_fn(activation):
    if activation.lower() == "relu":
        return nn.ReLU()
    if activation.lower() == "gelu":
        return nn.GELU()
    raise ValueError(activation)


class Flatten_Head(nn.Module):
    def __init__(self, individual, n_vars, nf, target_window, head_dropout=0):
        super().__init__()
        self.individual = individual
        self.n_vars = n_vars
        if self.individual:
            self.linears = nn.ModuleList()
            self.dropouts = nn.ModuleList()
            self.flattens = nn.ModuleList()
            for _ in range(self.n_vars):
                self.flattens.append(nn.Flatten(start_dim=-2))
                self.linears.append(nn.Linear(nf, target_window))
                self.dropouts.append(nn.Dropout(head_dropout))
        else:
            self.flatten = nn.Flatten(start_dim=-2)
            self.linear = nn.Linear(nf, target_window)
            self.dropout = nn.Dropout(head_dropout)

    def forward(self, x):  # x: [bs x nvars x d_model x patch_num]
        if self.individual:
            x_out = []
            for i in range(self.n_vars):
                z = self.flattens[i](x[:, i, :, :])
                z = self.linears[i](z)
                z = self.dropouts[i](z)
                x_out.append(z)
            return torch.stack(x_out, dim=1)
        return self.dropout(self.linear(self.flatten(x)))


class _ScaledDotProductAttention(nn.Module):
    def __init__(self, d_model, n_heads, attn_dropout=0., res_attention=False):
        super().__init__()
        self.attn_dropout = nn.Dropout(attn_dropout)
        self.res_attention = res_attention
        head_dim = d_model // n_heads
        self.scale = nn.Parameter(torch.tensor(head_dim ** -0.5), requires_grad=False)

    def forward(self, q, k, v, prev=None):
        attn_scores = torch.matmul(q, k) * self.scale
        if prev is not None:
            attn_scores = attn_scores + prev
        attn_weights = F.softmax(attn_scores, dim=-1)
        attn_weights = self.attn_dropout(attn_weights)
        output = torch.matmul(attn_weights, v)
        if self.res_attention:
            return output, attn_weights, attn_scores
        return output, attn_weights


class _MultiheadAttention(nn.Module):
    def __init__(self, d_model, n_heads, res_attention=False, attn_dropout=0., proj_dropout=0.):
        super().__init__()
        d_k = d_v = d_model // n_heads
        self.n_heads, self.d_k, self.d_v = n_heads, d_k, d_v
        self.W_Q = nn.Linear(d_model, d_k * n_heads)
        self.W_K = nn.Linear(d_model, d_k * n_heads)
        self.W_V = nn.Linear(d_model, d_v * n_heads)
        self.res_attention = res_attention
        self.sdp_attn = _ScaledDotProductAttention(d_model, n_heads, attn_dropout=attn_dropout,
                                                   res_attention=res_attention)
        self.to_out = nn.Sequential(nn.Linear(n_heads * d_v, d_model), nn.Dropout(proj_dropout))

    def forward(self, Q, prev=None):
        bs = Q.size(0)
        q_s = self.W_Q(Q).view(bs, -1, self.n_heads, self.d_k).transpose(1, 2)
        k_s = self.W_K(Q).view(bs, -1, self.n_heads, self.d_k).permute(0, 2, 3, 1)
        v_s = self.W_V(Q).view(bs, -1, self.n_heads, self.d_v).transpose(1, 2)
        if self.res_attention:
            output, attn_weights, attn_scores = self.sdp_attn(q_s, k_s, v_s, prev=prev)
        else:
            output, attn_weights = self.sdp_attn(q_s, k_s, v_s)
        output = output.transpose(1, 2).contiguous().view(bs, -1, self.n_heads * self.d_v)
        output = self.to_out(output)
        if self.res_attention:
            return output, attn_weights, attn_scores
        return output, attn_weights


class TSTEncoderLayer(nn.Module):
    def __init__(self, d_model, n_heads, d_ff=256, attn_dropout=0, dropout=0.,
                 activation="gelu", res_attention=False, pre_norm=False):
        super().__init__()
        assert not d_model % n_heads
        self.res_attention = res_attention
        self.self_attn = _MultiheadAttention(d_model, n_heads, attn_dropout=attn_dropout,
                                             proj_dropout=dropout, res_attention=res_attention)
        self.dropout_attn = nn.Dropout(dropout)
        self.norm_attn = nn.Sequential(Transpose(1, 2), nn.BatchNorm1d(d_model), Transpose(1, 2))
        self.ff = nn.Sequential(nn.Linear(d_model, d_ff), get_activation_fn(activation),
                                nn.Dropout(dropout), nn.Linear(d_ff, d_model))
        self.dropout_ffn = nn.Dropout(dropout)
        self.norm_ffn = nn.Sequential(Transpose(1, 2), nn.BatchNorm1d(d_model), Transpose(1, 2))
        self.pre_norm = pre_norm

    def forward(self, src, prev=None):
        if self.pre_norm:
            src = self.norm_attn(src)
        if self.res_attention:
            src2, attn, scores = self.self_attn(src, prev)
        else:
            src2, attn = self.self_attn(src)
        src = src + self.dropout_attn(src2)
        if not self.pre_norm:
            src = self.norm_attn(src)
        if self.pre_norm:
            src = self.norm_ffn(src)
        src2 = self.ff(src)
        src = src + self.dropout_ffn(src2)
        if not self.pre_norm:
            src = self.norm_ffn(src)
        if self.res_attention:
            return src, scores
        return src


class TSTEncoder(nn.Module):
    def __init__(self, d_model, n_heads, d_ff=None, attn_dropout=0., dropout=0.,
                 activation='gelu', res_attention=False, n_layers=1, pre_norm=False):
        super().__init__()
        self.layers = nn.ModuleList([
            TSTEncoderLayer(d_model, n_heads=n_heads, d_ff=d_ff, attn_dropout=attn_dropout,
                            dropout=dropout, activation=activation, res_attention=res_attention,
                            pre_norm=pre_norm)
            for _ in range(n_layers)])
        self.res_attention = res_attention

    def forward(self, src):
        output = src
        scores = None
        if self.res_attention:
            for mod in self.layers:
                output, scores = mod(output, prev=scores)
            return output
        for mod in self.layers:
            output = mod(output)
        return output


class TSTiEncoder(nn.Module):  # i: channel-independent
    def __init__(self, patch_num, patch_len, n_layers=3, d_model=128, n_heads=16, d_ff=256,
                 attn_dropout=0., dropout=0., act="gelu", res_attention=True, pre_norm=False):
        super().__init__()
        self.patch_num = patch_num
        self.patch_len = patch_len
        q_len = patch_num
        self.W_P = nn.Linear(patch_len, d_model)
        self.seq_len = q_len
        # positional_encoding(pe='zeros', learn_pe=True, q_len, d_model)
        W_pos = torch.empty((q_len, d_model))
        nn.init.uniform_(W_pos, -0.02, 0.02)
        self.W_pos = nn.Parameter(W_pos, requires_grad=True)
        self.dropout = nn.Dropout(dropout)
        self.encoder = TSTEncoder(d_model, n_heads, d_ff=d_ff, attn_dropout=attn_dropout,
                                  dropout=dropout, pre_norm=pre_norm, activation=act,
                                  res_attention=res_attention, n_layers=n_layers)

    def forward(self, x):  # x: [bs x nvars x patch_len x patch_num]
        n_vars = x.shape[1]
        x = x.permute(0, 1, 3, 2)
        x = self.W_P(x)
        u = torch.reshape(x, (x.shape[0] * x.shape[1], x.shape[2], x.shape[3]))
        u = self.dropout(u + self.W_pos)
        z = self.encoder(u)
        z = torch.reshape(z, (-1, n_vars, z.shape[-2], z.shape[-1]))
        return z.permute(0, 1, 3, 2)  # [bs x nvars x d_model x patch_num]


class PatchTST_backbone(nn.Module):
    def __init__(self, c_in, context_window, target_window, patch_len, stride, n_layers=3,
                 d_model=128, n_heads=16, d_ff=256, attn_dropout=0.,
                 dropout=0., act="gelu", res_attention=True, pre_norm=False, head_dropout=0,
                 padding_patch=None, individual=False, revin=True, affine=True,
                 subtract_last=False):
        super().__init__()
        self.revin = revin
        if self.revin:
            self.revin_layer = RevIN(c_in, affine=affine, subtract_last=subtract_last)
        self.patch_len = patch_len
        self.stride = stride
        self.padding_patch = padding_patch
        patch_num = int((context_window - patch_len) / stride + 1)
        if padding_patch == 'end':
            self.padding_patch_layer = nn.ReplicationPad1d((0, stride))
            patch_num += 1
        self.backbone = TSTiEncoder(patch_num=patch_num, patch_len=patch_len, n_layers=n_layers,
                                    d_model=d_model, n_heads=n_heads, d_ff=d_ff,
                                    attn_dropout=attn_dropout, dropout=dropout, act=act,
                                    res_attention=res_attention, pre_norm=pre_norm)
        self.head_nf = d_model * patch_num
        self.n_vars = c_in
        self.individual = individual
        self.head = Flatten_Head(self.individual, self.n_vars, self.head_nf, target_window,
                                 head_dropout=head_dropout)

    def forward(self, z):  # z: [bs x nvars x seq_len]
        if self.revin:
            z = z.permute(0, 2, 1)
            z = self.revin_layer(z, 'norm')
            z = z.permute(0, 2, 1)
        if self.padding_patch == 'end':
            z = self.padding_patch_layer(z)
        z = z.unfold(dimension=-1, size=self.patch_len, step=self.stride)
        z = z.permute(0, 1, 3, 2)  # [bs x nvars x patch_len x patch_num]
        z = self.backbone(z)
        z = self.head(z)  # [bs x nvars x target_window]
        if self.revin:
            z = z.permute(0, 2, 1)
            z = self.revin_layer(z, 'denorm')
            z = z.permute(0, 2, 1)
        return z


class Model(nn.Module):
    """configs: the fields of kiln's PatchTST::Config plus seq_len, pred_len and enc_in."""

    def __init__(self, configs):
        super().__init__()
        c = SimpleNamespace(**configs) if isinstance(configs, dict) else configs
        backbone = dict(
            c_in=c.enc_in, context_window=c.seq_len, target_window=c.pred_len,
            patch_len=c.patch_len, stride=c.stride, n_layers=c.e_layers, d_model=c.d_model,
            n_heads=c.n_heads, d_ff=c.d_ff, attn_dropout=c.attn_dropout,
            dropout=c.dropout, act=c.act, res_attention=c.res_attention, pre_norm=c.pre_norm,
            head_dropout=c.head_dropout,
            padding_patch=None if c.padding_patch == "none" else c.padding_patch,
            individual=c.individual, revin=c.revin, affine=c.affine,
            subtract_last=c.subtract_last)
        self.decomposition = c.decomposition
        if self.decomposition:
            self.decomp_module = series_decomp(c.kernel_size)
            self.model_trend = PatchTST_backbone(**backbone)
            self.model_res = PatchTST_backbone(**backbone)
        else:
            self.model = PatchTST_backbone(**backbone)

    def forward(self, x):  # x: [Batch, Input length, Channel]
        if self.decomposition:
            res_init, trend_init = self.decomp_module(x)
            res_init, trend_init = res_init.permute(0, 2, 1), trend_init.permute(0, 2, 1)
            x = self.model_res(res_init) + self.model_trend(trend_init)
            return x.permute(0, 2, 1)
        x = x.permute(0, 2, 1)
        x = self.model(x)
        return x.permute(0, 2, 1)
