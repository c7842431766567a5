"""Mamba's selective scan in plain PyTorch through a parallel scan over L (Blelloch 1990,
"Prefix sums and their applications"), the approach of mamba.py's pscan, beside the sequential
loop of mamba_ssm's selective_scan_ref (mamba_twin.py). Both are differentiated by autograd;
W4 of WORKLOADS.md times them beside kiln's fused op.

Shapes as selective_scan_fn: u, delta, z (B, D, L); A (D, N); B, C (D, N), (B, N, L) or
(B, G, N, L); D, delta_bias (D,).
"""
import torch
import torch.nn.functional as F


def _per_step(b_or_c, channels):
    """B or C as (B or 1, D or 1, L, N), or (D, 1, N) when fixed."""
    if b_or_c.dim() == 2:
        return b_or_c.unsqueeze(1)
    if b_or_c.dim() == 3:
        return b_or_c.unsqueeze(1).transpose(-1, -2)
    return b_or_c.repeat_interleave(channels // b_or_c.size(1), dim=1).transpose(-1, -2)


def _discretised(u, delta, A, B, delta_bias, delta_softplus):
    """dt, exp(dt A) and dt B u, the last two (B, D, L, N)."""
    if delta_bias is not None:
        delta = delta + delta_bias[..., None]
    if delta_softplus:
        delta = F.softplus(delta)
    decay = torch.exp(delta.unsqueeze(-1) * A.unsqueeze(1))
    return decay, (delta * u).unsqueeze(-1) * _per_step(B, u.size(1))


def _output(states, u, C, D, z):
    """y = sum_n C x (+ D u), gated by silu(z); states (B, D, L, N)."""
    y = (states * _per_step(C, u.size(1))).sum(-1)
    if D is not None:
        y = y + u * D[..., None]
    if z is not None:
        y = y * F.silu(z)
    return y


def parallel_scan(a, x):
    """h_l = a_l h_{l-1} + x_l along dim 2 (h_{-1} = 0), for a length that is a power of two:
    pairs of steps combine into one step, (a2 a1, a2 x1 + x2), the half-length scan gives the
    odd positions, and one more step each gives the even ones. O(L) work, 2 log2(L) depth."""
    if x.size(2) == 1:
        return x
    a_even, a_odd = a[:, :, 0::2], a[:, :, 1::2]
    x_even, x_odd = x[:, :, 0::2], x[:, :, 1::2]
    h_odd = parallel_scan(a_odd * a_even, a_odd * x_even + x_odd)
    h_before_even = F.pad(h_odd[:, :, :-1], (0, 0, 1, 0))
    h_even = a_even * h_before_even + x_even
    return torch.stack([h_even, h_odd], dim=3).flatten(2, 3)


def selective_scan_pscan(u, delta, A, B, C, D=None, z=None, delta_bias=None,
                         delta_softplus=False):
    """The same result through parallel_scan, L padded to a power of two."""
    decay, inputs = _discretised(u, delta, A, B, delta_bias, delta_softplus)
    length = u.size(2)
    padded = 1 << (length - 1).bit_length()
    if padded != length:
        decay = F.pad(decay, (0, 0, 0, padded - length))
        inputs = F.pad(inputs, (0, 0, 0, padded - length))
    states = parallel_scan(decay, inputs)[:, :, :length]
    return _output(states, u, C, D, z)
