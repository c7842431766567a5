"""A pure-PyTorch Mamba (Gu and Dao 2023, "Mamba: Linear-Time Sequence Modeling with Selective
State Spaces"), the twin of kiln's models/mamba.{h,cpp}: state-spaces/mamba's
MambaLMHeadModel of Mamba (v1) mixers with rms_norm=True, fused_add_norm=False,
residual_in_fp32=True, d_intermediate=0 (no MLP) and no vocabulary padding, written after
mamba_ssm/modules/mamba_simple.py (its slow path: no causal_conv1d, no fused kernels),
mamba_ssm/modules/block.py, mamba_ssm/models/mixer_seq_simple.py and
mamba_ssm/ops/selective_scan_interface.py. Its state_dict names are mamba_ssm's, so a
checkpoint of either loads into the other."""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


def selective_scan_ref(u, delta, A, B, C, D=None, z=None, delta_bias=None,
                       delta_softplus=False, return_last_state=False):
    """mamba_ssm's selective_scan_ref for a real A, step by step:
        x_l = exp(dt_l A) x_{l-1} + dt_l B_l u_l,  y_l = C_l x_l + D u_l,  out = y silu(z).
    u, delta, z [Bt, D, L]; A [D, N]; B, C [D, N], [Bt, N, L] or [Bt, G, N, L] (channel d reads
    group d // (D / G)); D, delta_bias [D]. Unlike mamba_ssm's, which computes in float32, it
    keeps the inputs' dtype, so that float64 fixtures hold float64 values."""
    if delta_bias is not None:
        delta = delta + delta_bias[..., None]
    if delta_softplus:
        delta = F.softplus(delta)
    batch, dim, dstate = u.shape[0], A.shape[0], A.shape[1]
    variable_B, variable_C = B.dim() >= 3, C.dim() >= 3
    x = A.new_zeros((batch, dim, dstate))
    delta_A = torch.exp(torch.einsum("bdl,dn->bdln", delta, A))
    if not variable_B:
        delta_B_u = torch.einsum("bdl,dn,bdl->bdln", delta, B, u)
    elif B.dim() == 3:
        delta_B_u = torch.einsum("bdl,bnl,bdl->bdln", delta, B, u)
    else:
        B = B.repeat_interleave(dim // B.shape[1], dim=1)
        delta_B_u = torch.einsum("bdl,bdnl,bdl->bdln", delta, B, u)
    if variable_C and C.dim() == 4:
        C = C.repeat_interleave(dim // C.shape[1], dim=1)
    ys = []
    for i in range(u.shape[2]):
        x = delta_A[:, :, i] * x + delta_B_u[:, :, i]
        if not variable_C:
            y = torch.einsum("bdn,dn->bd", x, C)
        elif C.dim() == 3:
            y = torch.einsum("bdn,bn->bd", x, C[:, :, i])
        else:
            y = torch.einsum("bdn,bdn->bd", x, C[:, :, :, i])
        ys.append(y)
    y = torch.stack(ys, dim=2)
    out = y if D is None else y + u * D[:, None]
    if z is not None:
        out = out * F.silu(z)
    return (out, x) if return_last_state else out


@dataclass
class MambaConfig:
    """mamba_ssm's MambaConfig with its ssm_cfg (the Mamba mixer's arguments) flattened in."""
    d_model: int = 16
    n_layer: int = 2
    vocab_size: int = 11
    d_state: int = 16
    d_conv: int = 4
    expand: int = 2
    dt_rank: int = 0  # 0: "auto", ceil(d_model / 16)
    dt_min: float = 1e-3
    dt_max: float = 1e-1
    dt_init_floor: float = 1e-4
    dt_scale: float = 1.0
    conv_bias: bool = True
    bias: bool = False
    norm_epsilon: float = 1e-5
    tie_embeddings: bool = True


class RMSNorm(nn.Module):
    """x / sqrt(mean(x^2) + eps) * weight (Zhang and Sennrich 2019), mamba_ssm's RMSNorm."""

    def __init__(self, d, eps):
        super().__init__()
        self.eps, self.weight = eps, nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Mamba(nn.Module):
    """The Mamba mixer of mamba_simple.py: in_proj to x and z, a causal depthwise convolution
    and SiLU on x, x_proj to (dt, B, C), dt_proj, the selective scan gated by silu(z),
    out_proj."""

    def __init__(self, c: MambaConfig):
        super().__init__()
        self.d_model, self.d_state, self.d_conv = c.d_model, c.d_state, c.d_conv
        self.d_inner = c.expand * c.d_model
        self.dt_rank = c.dt_rank or math.ceil(c.d_model / 16)
        self.in_proj = nn.Linear(self.d_model, self.d_inner * 2, bias=c.bias)
        self.conv1d = nn.Conv1d(self.d_inner, self.d_inner, c.d_conv, bias=c.conv_bias,
                                groups=self.d_inner, padding=c.d_conv - 1)
        self.x_proj = nn.Linear(self.d_inner, self.dt_rank + 2 * self.d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, self.d_inner, bias=True)
        # dt_proj keeps the variance of its input; softplus(dt_proj.bias) is dt drawn
        # log-uniformly in [dt_min, dt_max], floored at dt_init_floor.
        dt_init_std = self.dt_rank ** -0.5 * c.dt_scale
        nn.init.uniform_(self.dt_proj.weight, -dt_init_std, dt_init_std)
        dt = torch.exp(torch.rand(self.d_inner) * (math.log(c.dt_max) - math.log(c.dt_min))
                       + math.log(c.dt_min)).clamp(min=c.dt_init_floor)
        inv_dt = dt + torch.log(-torch.expm1(-dt))  # the inverse of softplus
        with torch.no_grad():
            self.dt_proj.bias.copy_(inv_dt)
        self.dt_proj.bias._no_reinit = True
        # S4D-real (Gu et al. 2022): A_n = -(n + 1) for every channel.
        A = torch.arange(1, self.d_state + 1, dtype=torch.float32).repeat(self.d_inner, 1)
        self.A_log = nn.Parameter(torch.log(A))
        self.A_log._no_weight_decay = True
        self.D = nn.Parameter(torch.ones(self.d_inner))
        self.D._no_weight_decay = True
        self.out_proj = nn.Linear(self.d_inner, self.d_model, bias=c.bias)

    def forward(self, hidden_states, state=None):
        """hidden_states [B, L, d_model] -> [B, L, d_model]; with state = (conv_state,
        ssm_state), those are filled with the states after the last step, as mamba_ssm does
        on its first call with inference_params."""
        seqlen = hidden_states.shape[1]
        xz = self.in_proj(hidden_states).transpose(1, 2)
        x, z = xz.chunk(2, dim=1)
        if state is not None:
            state[0].copy_(F.pad(x, (self.d_conv - seqlen, 0)))
        x = F.silu(self.conv1d(x)[..., :seqlen])
        x_dbl = self.x_proj(x.transpose(1, 2))
        dt, B, C = torch.split(x_dbl, [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = (dt @ self.dt_proj.weight.t()).transpose(1, 2)
        A = -torch.exp(self.A_log)
        y = selective_scan_ref(x, dt, A, B.transpose(1, 2), C.transpose(1, 2), self.D, z=z,
                               delta_bias=self.dt_proj.bias, delta_softplus=True,
                               return_last_state=state is not None)
        if state is not None:
            y, last_state = y
            state[1].copy_(last_state)
        return self.out_proj(y.transpose(1, 2))

    def step(self, hidden_states, conv_state, ssm_state):
        """One token, hidden_states [B, d_model]: Mamba.step without the fused kernels, the
        states updated in place."""
        x, z = self.in_proj(hidden_states).chunk(2, dim=-1)
        conv_state.copy_(torch.roll(conv_state, shifts=-1, dims=-1))
        conv_state[:, :, -1] = x
        x = torch.sum(conv_state * self.conv1d.weight.squeeze(1), dim=-1)
        if self.conv1d.bias is not None:
            x = x + self.conv1d.bias
        x = F.silu(x)
        dt, B, C = torch.split(self.x_proj(x), [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = F.softplus(F.linear(dt, self.dt_proj.weight) + self.dt_proj.bias)
        A = -torch.exp(self.A_log)
        dA = torch.exp(torch.einsum("bd,dn->bdn", dt, A))
        dB = torch.einsum("bd,bn->bdn", dt, B)
        ssm_state.copy_(ssm_state * dA + x[..., None] * dB)
        y = torch.einsum("bdn,bn->bd", ssm_state, C) + self.D * x
        return self.out_proj(y * F.silu(z))

    def allocate_inference_cache(self, batch_size, dtype):
        return (torch.zeros(batch_size, self.d_inner, self.d_conv, dtype=dtype),
                torch.zeros(batch_size, self.d_inner, self.d_state, dtype=dtype))


class Block(nn.Module):
    """mamba_ssm's Block with fused_add_norm=False: residual = hidden + residual;
    hidden = mixer(norm(residual)); returns both."""

    def __init__(self, c: MambaConfig):
        super().__init__()
        self.norm = RMSNorm(c.d_model, c.norm_epsilon)
        self.mixer = Mamba(c)

    def forward(self, hidden_states, residual=None, state=None):
        residual = hidden_states + residual if residual is not None else hidden_states
        return self.mixer(self.norm(residual), state), residual

    def step(self, hidden_states, residual, state):
        residual = hidden_states + residual if residual is not None else hidden_states
        return self.mixer.step(self.norm(residual), *state), residual


def _init_weights(module, n_layer, initializer_range=0.02):
    """mamba_ssm's _init_weights with one residual per layer (no MLP): biases zeroed (but
    dt_proj's), embeddings N(0, 0.02), out_proj.weight PyTorch's default divided by
    sqrt(n_layer) (GPT-2's scheme)."""
    if isinstance(module, nn.Linear):
        if module.bias is not None and not getattr(module.bias, "_no_reinit", False):
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=initializer_range)
    for name, p in module.named_parameters():
        if name == "out_proj.weight":
            nn.init.kaiming_uniform_(p, a=math.sqrt(5))
            with torch.no_grad():
                p /= math.sqrt(n_layer)


class MixerModel(nn.Module):
    def __init__(self, c: MambaConfig):
        super().__init__()
        self.embedding = nn.Embedding(c.vocab_size, c.d_model)
        self.layers = nn.ModuleList([Block(c) for _ in range(c.n_layer)])
        self.norm_f = RMSNorm(c.d_model, c.norm_epsilon)
        self.apply(lambda m: _init_weights(m, c.n_layer))

    def forward(self, input_ids, cache=None):
        hidden_states, residual = self.embedding(input_ids), None
        for i, layer in enumerate(self.layers):
            hidden_states, residual = layer(hidden_states, residual,
                                            None if cache is None else cache[i])
        return self.norm_f(hidden_states + residual)

    def step(self, input_ids, cache):
        hidden_states, residual = self.embedding(input_ids), None
        for i, layer in enumerate(self.layers):
            hidden_states, residual = layer.step(hidden_states, residual, cache[i])
        return self.norm_f(hidden_states + residual)


class MambaLMHeadModel(nn.Module):
    def __init__(self, c: MambaConfig):
        super().__init__()
        self.config = c
        self.backbone = MixerModel(c)
        self.lm_head = nn.Linear(c.d_model, c.vocab_size, bias=False)
        self.apply(lambda m: _init_weights(m, c.n_layer))
        if c.tie_embeddings:
            self.lm_head.weight = self.backbone.embedding.weight

    def forward(self, input_ids, cache=None):
        """input_ids [B, L] -> logits [B, L, vocab]; a cache, when given, is filled with every
        layer's states after the last token."""
        return self.lm_head(self.backbone(input_ids, cache))

    def allocate_inference_cache(self, batch_size, dtype=torch.float32):
        return [layer.mixer.allocate_inference_cache(batch_size, dtype)
                for layer in self.backbone.layers]

    def step(self, input_ids, cache):
        """One token per row, input_ids [B] -> logits [B, vocab], in O(1) per token."""
        return self.lm_head(self.backbone.step(input_ids, cache))

    def no_weight_decay(self):
        return {name for name, p in self.named_parameters()
                if getattr(p, "_no_weight_decay", False)}
