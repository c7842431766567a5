"""A pure-PyTorch twin of kiln's models/attention_model.h: the attention model of Kool, van
Hoof and Welling 2019 for the TSP, with wouterkool/attention-learn-to-route's semantics and
parameter names (nets/attention_model.py, nets/graph_encoder.py), written for the golden
fixtures and the W6 workload. Only what the TSP needs: no shrinking, no VRP contexts."""
import math

import torch
from torch import nn


class SkipConnection(nn.Module):
    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        return x + self.module(x)


class MultiHeadAttention(nn.Module):
    """Per-head bias-free projections W_query, W_key, W_val [heads, d, d / heads] and W_out
    [heads, d / heads, d], each drawn from U(+-1 / sqrt(its last dim))."""

    def __init__(self, n_heads, embed_dim):
        super().__init__()
        head_dim = embed_dim // n_heads
        self.n_heads, self.embed_dim, self.head_dim = n_heads, embed_dim, head_dim
        self.W_query = nn.Parameter(torch.empty(n_heads, embed_dim, head_dim))
        self.W_key = nn.Parameter(torch.empty(n_heads, embed_dim, head_dim))
        self.W_val = nn.Parameter(torch.empty(n_heads, embed_dim, head_dim))
        self.W_out = nn.Parameter(torch.empty(n_heads, head_dim, embed_dim))
        for p in self.parameters():
            bound = 1 / math.sqrt(p.size(-1))
            p.data.uniform_(-bound, bound)

    def forward(self, h):
        batch, nodes, dim = h.shape
        flat = h.reshape(-1, dim)
        q = torch.matmul(flat, self.W_query).view(self.n_heads, batch, nodes, -1)
        k = torch.matmul(flat, self.W_key).view(self.n_heads, batch, nodes, -1)
        v = torch.matmul(flat, self.W_val).view(self.n_heads, batch, nodes, -1)
        attn = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim), -1)
        heads = torch.matmul(attn, v)
        return torch.mm(heads.permute(1, 2, 0, 3).reshape(-1, self.n_heads * self.head_dim),
                        self.W_out.view(-1, self.embed_dim)).view(batch, nodes, self.embed_dim)


class Normalization(nn.Module):
    def __init__(self, embed_dim):
        super().__init__()
        self.normalizer = nn.BatchNorm1d(embed_dim, affine=True)

    def forward(self, x):
        return self.normalizer(x.reshape(-1, x.size(-1))).view(*x.shape)


def multi_head_attention_layer(n_heads, embed_dim, feed_forward_hidden):
    return nn.Sequential(
        SkipConnection(MultiHeadAttention(n_heads, embed_dim)),
        Normalization(embed_dim),
        SkipConnection(nn.Sequential(nn.Linear(embed_dim, feed_forward_hidden), nn.ReLU(),
                                     nn.Linear(feed_forward_hidden, embed_dim))),
        Normalization(embed_dim))


class GraphAttentionEncoder(nn.Module):
    def __init__(self, n_heads, embed_dim, n_layers, feed_forward_hidden=512):
        super().__init__()
        self.layers = nn.Sequential(*(
            multi_head_attention_layer(n_heads, embed_dim, feed_forward_hidden)
            for _ in range(n_layers)))

    def forward(self, h):
        h = self.layers(h)
        return h, h.mean(dim=1)


class AttentionModel(nn.Module):
    def __init__(self, embedding_dim=128, n_encode_layers=3, n_heads=8, feed_forward_hidden=512,
                 tanh_clipping=10.0):
        super().__init__()
        d = embedding_dim
        self.embedding_dim, self.n_heads, self.tanh_clipping = d, n_heads, tanh_clipping
        self.W_placeholder = nn.Parameter(torch.empty(2 * d).uniform_(-1, 1))
        self.init_embed = nn.Linear(2, d)
        self.embedder = GraphAttentionEncoder(n_heads, d, n_encode_layers, feed_forward_hidden)
        self.project_node_embeddings = nn.Linear(d, 3 * d, bias=False)
        self.project_fixed_context = nn.Linear(d, d, bias=False)
        self.project_step_context = nn.Linear(2 * d, d, bias=False)
        self.project_out = nn.Linear(d, d, bias=False)

    def precompute(self, coords):
        embeddings, graph_embed = self.embedder(self.init_embed(coords))
        batch, nodes, d = embeddings.shape
        glimpse_key, glimpse_val, logit_key = self.project_node_embeddings(embeddings).chunk(3, -1)

        def heads(x):
            return x.reshape(batch, nodes, self.n_heads, -1).transpose(1, 2)

        return (embeddings, self.project_fixed_context(graph_embed)[:, None, :], heads(glimpse_key),
                heads(glimpse_val), logit_key.contiguous())

    def log_p(self, fixed, first, last, visited, temperature=1.0):
        embeddings, context, glimpse_key, glimpse_val, logit_key = fixed
        batch, nodes, d = embeddings.shape
        if first is None:
            step = self.W_placeholder[None, None, :].expand(batch, 1, 2 * d)
        else:
            ends = torch.stack([first, last], 1)[:, :, None].expand(batch, 2, d)
            step = embeddings.gather(1, ends).view(batch, 1, 2 * d)
        query = context + self.project_step_context(step)
        q = query.view(batch, 1, self.n_heads, -1).transpose(1, 2)
        compat = torch.matmul(q, glimpse_key.transpose(-2, -1)) / math.sqrt(d // self.n_heads)
        compat = compat.masked_fill(visited[:, None, None, :], -math.inf)
        heads = torch.matmul(torch.softmax(compat, -1), glimpse_val)
        glimpse = self.project_out(heads.transpose(1, 2).reshape(batch, 1, d))
        logits = torch.matmul(glimpse, logit_key.transpose(-2, -1)).squeeze(1) / math.sqrt(d)
        if self.tanh_clipping > 0:
            logits = torch.tanh(logits) * self.tanh_clipping
        logits = logits.masked_fill(visited, -math.inf)
        return torch.log_softmax(logits / temperature, dim=-1)

    def forward(self, coords):
        """Greedy tours [B, n] and their log-likelihood [B]."""
        fixed = self.precompute(coords)
        batch, nodes, _ = coords.shape
        visited = torch.zeros(batch, nodes, dtype=torch.bool, device=coords.device)
        first = last = None
        chosen, tour = [], []
        for _ in range(nodes):
            log_p = self.log_p(fixed, first, last, visited)
            node = log_p.argmax(1)
            chosen.append(log_p.gather(1, node[:, None]))
            first = node if first is None else first
            last = node
            visited = visited.scatter(1, node[:, None], True)
            tour.append(node)
        return torch.stack(tour, 1), torch.cat(chosen, 1).sum(1)


def tour_lengths(coords, tours):
    """Closed tour lengths [B] of tours [B, n] over coords [B, n, 2]."""
    ordered = coords.gather(1, tours[:, :, None].expand(*tours.shape, 2))
    return (ordered - ordered.roll(-1, 1)).norm(p=2, dim=2).sum(1)
