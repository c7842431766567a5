"""Transformer layer fixtures (tests/fixtures/nn/transformer_*), written by make_fixtures.py:
torch.nn's TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder,
TransformerDecoder and Transformer with their masks, outputs and the gradients of the inputs
and of every parameter.

Dropout is 0 and the modules stay in training mode: in eval mode PyTorch may take its fast
path (fused kernels, nested tensors that zero padded positions), which kiln does not copy.
PyTorch needs the mask itself wherever is_causal is given; the fixture keeps it, and kiln's
tests pass the hint alone."""
from pathlib import Path

import torch
import torch.nn as nn
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "nn"
D_MODEL, NHEAD, FEEDFORWARD = 8, 2, 16
BATCH, SOURCE, TARGET = 3, 5, 4


def save(name, tensors):
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in tensors.items()}, OUT / f"{name}.safetensors")


def transformer_case(name, module, inputs, dtype=torch.float64, **arguments):
    """module(*inputs, **arguments) with the tensors of make_fixtures.module_case (input,
    input2, param.<name>, output, grad_output, grad.input, grad.input2, grad.param.<name>) and
    mask.<argument> for each tensor argument. Parameters are moved off their initial values
    (LayerNorm's ones and zeros, zero attention biases) so that each one matters."""
    module = module.to(dtype).train()
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.1 * torch.randn_like(p))
    inputs = [x.to(dtype).requires_grad_() for x in inputs]
    arguments = {k: v.to(dtype) if torch.is_tensor(v) and v.is_floating_point() else v
                 for k, v in arguments.items()}
    params = {k: v.clone() for k, v in module.state_dict().items()}
    output = module(*inputs, **arguments)
    grad_output = torch.randn_like(output)
    (output * grad_output).sum().backward()
    tensors = {"output": output, "grad_output": grad_output}
    for key, x in zip(("input", "input2"), inputs):
        tensors[key], tensors[f"grad.{key}"] = x, x.grad
    tensors.update({f"mask.{k}": v for k, v in arguments.items() if torch.is_tensor(v)})
    tensors.update({f"param.{k}": v for k, v in params.items()})
    tensors.update({f"grad.param.{k}": p.grad for k, p in module.named_parameters()})
    save(name, tensors)


def sequence(length, batch_first):
    shape = (BATCH, length, D_MODEL) if batch_first else (length, BATCH, D_MODEL)
    return torch.randn(*shape)


def padding(length):
    """[BATCH, length] bool, true = padding; every row keeps its first two positions."""
    mask = torch.zeros(BATCH, length, dtype=torch.bool)
    mask[1, -1] = True
    mask[2, 2:] = True
    return mask


def additive(mask):
    """A bool mask as the float one PyTorch makes of it: -inf where true, 0 elsewhere."""
    return torch.zeros(mask.shape).masked_fill(mask, float("-inf"))


def blocked(queries, keys):
    """[queries, keys] bool, true = not allowed; no row blocks every key."""
    mask = torch.rand(queries, keys) < 0.3
    mask[:, 0] = False
    return mask


def causal(queries, keys):
    """PyTorch's causal mask, top-left aligned: -inf where key > query."""
    return torch.triu(torch.full((queries, keys), float("-inf")), diagonal=1)


def layer(kind, **options):
    return kind(D_MODEL, NHEAD, FEEDFORWARD, dropout=0.0, **options)


def write_encoder_layer_fixtures():
    enc = nn.TransformerEncoderLayer
    transformer_case("transformer_encoder_layer_relu", layer(enc), [sequence(SOURCE, False)],
                     src_mask=torch.randn(SOURCE, SOURCE))
    transformer_case("transformer_encoder_layer_gelu_norm_first_batch_first",
                     layer(enc, activation="gelu", norm_first=True, batch_first=True),
                     [sequence(SOURCE, True)], src_mask=blocked(SOURCE, SOURCE),
                     src_key_padding_mask=padding(SOURCE))
    # Float masks: an additive key padding mask and one [N * nhead, S, S] attention mask.
    transformer_case("transformer_encoder_layer_no_bias", layer(enc, bias=False),
                     [sequence(SOURCE, False)], src_mask=torch.randn(BATCH * NHEAD, SOURCE, SOURCE),
                     src_key_padding_mask=torch.randn(BATCH, SOURCE))
    transformer_case("transformer_encoder_layer_causal", layer(enc, batch_first=True),
                     [sequence(SOURCE, True)], src_mask=causal(SOURCE, SOURCE), is_causal=True)
    transformer_case("transformer_encoder_layer_causal_padding_f32",
                     layer(enc, norm_first=True), [sequence(SOURCE, False)], torch.float32,
                     src_mask=causal(SOURCE, SOURCE),
                     src_key_padding_mask=additive(padding(SOURCE)), is_causal=True)


def write_decoder_layer_fixtures():
    dec = nn.TransformerDecoderLayer
    transformer_case("transformer_decoder_layer_all_masks", layer(dec),
                     [sequence(TARGET, False), sequence(SOURCE, False)],
                     tgt_mask=blocked(TARGET, TARGET), memory_mask=blocked(TARGET, SOURCE),
                     tgt_key_padding_mask=padding(TARGET), memory_key_padding_mask=padding(SOURCE))
    transformer_case("transformer_decoder_layer_norm_first_causal",
                     layer(dec, activation="gelu", norm_first=True, batch_first=True),
                     [sequence(TARGET, True), sequence(SOURCE, True)],
                     tgt_mask=causal(TARGET, TARGET), tgt_is_causal=True,
                     memory_mask=torch.randn(BATCH * NHEAD, TARGET, SOURCE),
                     memory_key_padding_mask=torch.randn(BATCH, SOURCE))
    transformer_case("transformer_decoder_layer_memory_causal_no_bias",
                     layer(dec, bias=False, batch_first=True),
                     [sequence(TARGET, True), sequence(SOURCE, True)],
                     tgt_mask=causal(TARGET, TARGET), tgt_is_causal=True,
                     memory_mask=causal(TARGET, SOURCE), memory_is_causal=True,
                     tgt_key_padding_mask=additive(padding(TARGET)))


def write_stack_fixtures():
    encoder = nn.TransformerEncoder(layer(nn.TransformerEncoderLayer), 2, nn.LayerNorm(D_MODEL),
                                    enable_nested_tensor=False)
    transformer_case("transformer_encoder_norm", encoder, [sequence(SOURCE, False)],
                     mask=blocked(SOURCE, SOURCE), src_key_padding_mask=padding(SOURCE))
    decoder = nn.TransformerDecoder(layer(nn.TransformerDecoderLayer, norm_first=True), 2,
                                    nn.LayerNorm(D_MODEL))
    transformer_case("transformer_decoder_norm", decoder,
                     [sequence(TARGET, False), sequence(SOURCE, False)],
                     tgt_mask=causal(TARGET, TARGET), tgt_is_causal=True,
                     memory_key_padding_mask=padding(SOURCE))


def transformer(**options):
    return nn.Transformer(D_MODEL, NHEAD, 2, 2, FEEDFORWARD, dropout=0.0, **options)


def write_full_transformer_fixtures():
    transformer_case("transformer_full", transformer(),
                     [sequence(SOURCE, False), sequence(TARGET, False)],
                     src_key_padding_mask=padding(SOURCE), tgt_mask=causal(TARGET, TARGET),
                     tgt_is_causal=True, memory_key_padding_mask=padding(SOURCE))
    transformer_case("transformer_full_f32",
                     transformer(activation="gelu", batch_first=True, norm_first=True),
                     [sequence(SOURCE, True), sequence(TARGET, True)], torch.float32,
                     src_mask=blocked(SOURCE, SOURCE), tgt_mask=blocked(TARGET, TARGET),
                     memory_mask=blocked(TARGET, SOURCE), tgt_key_padding_mask=padding(TARGET))


def write_transformer_fixtures():
    torch.manual_seed(16)
    write_encoder_layer_fixtures()
    write_decoder_layer_fixtures()
    write_stack_fixtures()
    write_full_transformer_fixtures()
