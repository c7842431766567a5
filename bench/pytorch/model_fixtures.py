"""Reference-model fixtures (tests/fixtures/models/), written by make_fixtures.py: a small
GPT and small encoder-decoder Transformers built with kiln's parameter names, their logits,
loss and every parameter gradient on one batch, and the losses of ten AdamW steps on it."""
import math
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "models"
PAD, BOS, EOS = 0, 1, 2


def save(name, tensors):
    OUT.mkdir(parents=True, exist_ok=True)
    # Tied weights appear under two names: each gets its own copy in the file.
    save_file({k: v.detach().clone().contiguous() for k, v in tensors.items()},
              OUT / f"{name}.safetensors")


class CausalSelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.c_attn, self.c_proj, self.heads = nn.Linear(d, 3 * d), nn.Linear(d, d), heads

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = (z.view(n, t, self.heads, d // self.heads).transpose(1, 2)
                   for z in self.c_attn(x).chunk(3, -1))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.c_proj(y.transpose(1, 2).reshape(n, t, d))


class MLP(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.c_fc, self.c_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(d), CausalSelfAttention(d, heads)
        self.ln_2, self.mlp = nn.LayerNorm(d), MLP(d)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab, context, d, heads, layers):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab, d), wpe=nn.Embedding(context, d),
            h=nn.ModuleList([Block(d, heads) for _ in range(layers)]), ln_f=nn.LayerNorm(d)))
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.transformer.wte.weight
        for p in self.parameters():  # away from the defaults, so every parameter matters
            with torch.no_grad():
                p.add_(0.05 * torch.randn_like(p))

    def forward(self, tokens):
        t = self.transformer
        x = t.wte(tokens) + t.wpe(torch.arange(tokens.shape[1]))
        for block in t.h:
            x = block(x)
        return self.lm_head(t.ln_f(x))


def sinusoidal(length, d):
    table = torch.zeros(length, d, dtype=torch.float64)
    for pos in range(length):
        for i in range(d):
            angle = pos / math.pow(10000.0, (i - i % 2) / d)
            table[pos, i] = math.sin(angle) if i % 2 == 0 else math.cos(angle)
    return table.float()


class Transformer(nn.Module):
    def __init__(self, vocab, d, heads, layers, d_ff, pre_norm, share):
        super().__init__()
        self.d, self.pre_norm = d, pre_norm
        self.source_embedding = nn.Embedding(vocab, d)
        self.target_embedding = self.source_embedding if share else nn.Embedding(vocab, d)
        self.encoder_layers = nn.ModuleList([nn.TransformerEncoderLayer(
            d, heads, d_ff, 0.0, batch_first=True, norm_first=pre_norm) for _ in range(layers)])
        self.decoder_layers = nn.ModuleList([nn.TransformerDecoderLayer(
            d, heads, d_ff, 0.0, batch_first=True, norm_first=pre_norm) for _ in range(layers)])
        if pre_norm:
            self.encoder_norm, self.decoder_norm = nn.LayerNorm(d), nn.LayerNorm(d)
        self.generator = nn.Linear(d, vocab, bias=not share)
        if share:
            self.generator.weight = self.source_embedding.weight
        self.register_buffer("positions", sinusoidal(64, d), persistent=False)

    def embed(self, embedding, tokens):
        return embedding(tokens) * math.sqrt(self.d) + self.positions[: tokens.shape[1]]

    def forward(self, source, target_in):
        pad = source == PAD
        x = self.embed(self.source_embedding, source)
        for layer in self.encoder_layers:
            x = layer(x, src_key_padding_mask=pad)
        if self.pre_norm:
            x = self.encoder_norm(x)
        t = target_in.shape[1]
        causal = nn.Transformer.generate_square_subsequent_mask(t)
        y = self.embed(self.target_embedding, target_in)
        for layer in self.decoder_layers:
            y = layer(y, x, tgt_mask=causal, tgt_is_causal=True, memory_key_padding_mask=pad)
        if self.pre_norm:
            y = self.decoder_norm(y)
        return self.generator(y)


def model_case(name, model, forward, loss_of, batch):
    params = {f"param.{k}": v.clone() for k, v in model.state_dict().items()}
    logits = forward(model, *batch)
    loss = loss_of(logits, batch)
    loss.backward()
    tensors = dict(params)
    tensors.update({f"batch.{i}": b for i, b in enumerate(batch)})
    tensors.update({"logits": logits, "loss": loss})
    tensors.update({f"grad.{k}": p.grad for k, p in model.named_parameters()})
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(10):
        optimizer.zero_grad()
        step_loss = loss_of(forward(model, *batch), batch)
        step_loss.backward()
        optimizer.step()
        losses.append(step_loss.detach())
    tensors["adamw_losses"] = torch.stack(losses)
    save(name, tensors)


def write_model_fixtures():
    torch.manual_seed(7)
    gpt = GPT(vocab=11, context=16, d=16, heads=2, layers=2)
    tokens = torch.randint(0, 11, (3, 10))
    targets = torch.randint(0, 11, (3, 10))
    targets[0, :4] = -100
    model_case("gpt", gpt, lambda m, x, y: m(x),
               lambda logits, b: F.cross_entropy(logits.reshape(-1, 11), b[1].reshape(-1),
                                                 ignore_index=-100), (tokens, targets))
    for name, pre_norm, share in (("transformer_post_norm", False, False),
                                  ("transformer_pre_norm_shared", True, True)):
        torch.manual_seed(8)
        model = Transformer(vocab=13, d=16, heads=2, layers=2, d_ff=32, pre_norm=pre_norm,
                            share=share)
        source = torch.randint(5, 13, (3, 7))
        source[1, 5:] = PAD
        source[2, 3:] = PAD
        target = torch.randint(5, 13, (3, 5))
        target_in = torch.cat([torch.full((3, 1), BOS), target], 1)
        target_out = torch.cat([target, torch.full((3, 1), EOS)], 1)
        target_out[2, 4:] = PAD
        model_case(name, model, lambda m, s, ti, to: m(s, ti),
                   lambda logits, b: F.cross_entropy(logits.reshape(-1, 13), b[2].reshape(-1),
                                                     ignore_index=PAD, label_smoothing=0.1),
                   (source, target_in, target_out))
