"""A pure-PyTorch twin of kiln's models/pointer_network.h: Bello et al. 2016's pointer network
(LSTM encoder and decoder, one glimpse, C tanh logit clipping) and its LSTM critic, with the
semantics and parameter names of wouterkool/attention-learn-to-route's nets/pointer_network.py
(PointerNetwork, CriticNetworkLSTM), written batch first."""
import math

import torch
from torch import nn


def uniform_parameter(*shape, bound):
    return nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))


class Attention(nn.Module):
    """u_i = v . tanh(project_query(q) + project_ref(r)_i), C tanh(u) when C > 0."""

    def __init__(self, dim, tanh_clipping):
        super().__init__()
        self.tanh_clipping = tanh_clipping
        self.project_query = nn.Linear(dim, dim)
        self.project_ref = nn.Conv1d(dim, dim, 1, 1)
        self.v = uniform_parameter(dim, bound=1 / math.sqrt(dim))

    def project(self, ref):
        """ref [B, n, d] -> e [B, n, d]."""
        return self.project_ref(ref.transpose(1, 2)).transpose(1, 2)

    def logits(self, query, projected):
        u = torch.tanh(self.project_query(query).unsqueeze(1) + projected) @ self.v
        return self.tanh_clipping * torch.tanh(u) if self.tanh_clipping > 0 else u


def attend(logits, projected):
    return (torch.softmax(logits, 1).unsqueeze(1) @ projected).squeeze(1)


class Encoder(nn.Module):
    def __init__(self, input_dim, hidden_dim):
        super().__init__()
        self.lstm = nn.LSTM(input_dim, hidden_dim, batch_first=True)
        bound = 1 / math.sqrt(hidden_dim)
        self.init_hx = uniform_parameter(hidden_dim, bound=bound)
        self.init_cx = uniform_parameter(hidden_dim, bound=bound)


class Decoder(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, tanh_clipping):
        super().__init__()
        self.lstm = nn.LSTMCell(embedding_dim, hidden_dim)
        self.pointer = Attention(hidden_dim, tanh_clipping)
        self.glimpse = Attention(hidden_dim, 0.0)


class PointerNetwork(nn.Module):
    def __init__(self, embedding_dim=128, hidden_dim=128, tanh_clipping=10.0, n_glimpses=1):
        super().__init__()
        self.n_glimpses = n_glimpses
        self.encoder = Encoder(embedding_dim, hidden_dim)
        self.decoder = Decoder(embedding_dim, hidden_dim, tanh_clipping)
        bound = 1 / math.sqrt(embedding_dim)
        self.decoder_in_0 = uniform_parameter(embedding_dim, bound=bound)
        self.embedding = uniform_parameter(2, embedding_dim, bound=bound)

    def forward(self, coords, given=None):
        """Greedy tours [B, n] (or the `given` ones), their log-likelihood [B] and every step's
        log-probabilities [B, n, n]."""
        batch, nodes, _ = coords.shape
        embedded = coords @ self.embedding
        outputs, (h, c) = self.encoder.lstm(embedded)
        h, c = h[0], c[0]
        glimpse_ref = self.decoder.glimpse.project(outputs)
        pointer_ref = self.decoder.pointer.project(outputs)
        x = self.decoder_in_0.unsqueeze(0).expand(batch, -1)
        visited = torch.zeros(batch, nodes, dtype=torch.bool)
        chosen, tour, steps = [], [], []
        for step in range(nodes):
            h, c = self.decoder.lstm(x, (h, c))
            query = h
            for _ in range(self.n_glimpses):
                logits = self.decoder.glimpse.logits(query, glimpse_ref).masked_fill(visited, -math.inf)
                query = attend(logits, glimpse_ref)
            logits = self.decoder.pointer.logits(query, pointer_ref).masked_fill(visited, -math.inf)
            log_p = torch.log_softmax(logits, 1)
            node = log_p.argmax(1) if given is None else given[:, step]
            chosen.append(log_p.gather(1, node[:, None]))
            steps.append(log_p)
            x = embedded.gather(1, node[:, None, None].expand(batch, 1, embedded.size(2))).squeeze(1)
            visited = visited.scatter(1, node[:, None], True)
            tour.append(node)
        return torch.stack(tour, 1), torch.cat(chosen, 1).sum(1), torch.stack(steps, 1)


class CriticNetworkLSTM(nn.Module):
    def __init__(self, hidden_dim=128, n_process_block_iters=3, tanh_clipping=10.0):
        super().__init__()
        self.n_process_block_iters = n_process_block_iters
        self.encoder = Encoder(2, hidden_dim)
        self.process_block = Attention(hidden_dim, tanh_clipping)
        self.decoder = nn.Sequential(nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
                                     nn.Linear(hidden_dim, 1))

    def forward(self, coords):
        batch = coords.size(0)
        h0 = self.encoder.init_hx[None, None, :].expand(1, batch, -1).contiguous()
        c0 = self.encoder.init_cx[None, None, :].expand(1, batch, -1).contiguous()
        outputs, (h, _) = self.encoder.lstm(coords, (h0, c0))
        projected = self.process_block.project(outputs)
        state = h[0]
        for _ in range(self.n_process_block_iters):
            state = attend(self.process_block.logits(state, projected), projected)
        return self.decoder(state).squeeze(1)
