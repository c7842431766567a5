"""Fixtures of the PyTorch surface kiln mirrors beyond the first round's layers: activations,
elementwise and shape ops, normalisation, distances, padding modes and layer options; each in
float64 and float32 (tests/nn/test_golden_surface.cpp reads them)."""
import copy

import torch
import torch.nn.functional as F

from fixture_cases import function_case, module_case


def write_activation_fixtures():
    activations = [("elu", torch.nn.ELU(alpha=0.7)), ("celu", torch.nn.CELU(alpha=1.5)),
                   ("selu", torch.nn.SELU()), ("hardtanh", torch.nn.Hardtanh(-0.5, 1.2)),
                   ("hardsigmoid", torch.nn.Hardsigmoid()), ("hardswish", torch.nn.Hardswish()),
                   ("mish", torch.nn.Mish()), ("logsigmoid", torch.nn.LogSigmoid()),
                   ("softsign", torch.nn.Softsign()), ("glu", torch.nn.GLU(dim=1))]
    for name, module in activations:
        x = torch.randn(3, 6) * 3
        module_case(f"act_{name}", module, [x])
        module_case(f"act_{name}_f32", module, [x], torch.float32)


def both_dtypes(name, fn, **shapes):
    """function_case in float64 (<name>) and float32 (<name>_f32) on the same values; a shape
    given as a tensor is passed as it is (indices, masks)."""
    values = {k: torch.randn(v, dtype=torch.float64) if isinstance(v, tuple) else v
              for k, v in shapes.items()}
    for suffix, dtype in (("", torch.float64), ("_f32", torch.float32)):
        tensors = {k: v.to(dtype).detach().clone().requires_grad_() if v.is_floating_point() else v
                   for k, v in values.items()}
        function_case(name + suffix, fn, **tensors)


def write_elementwise_and_shape_fixtures():
    both_dtypes("atan2", torch.atan2, input=(3, 4), other=(4,))
    both_dtypes("hypot", torch.hypot, input=(3, 4), other=(3, 1))
    both_dtypes("add_alpha", lambda input, other: torch.add(input, other, alpha=2.5),
                input=(3, 4), other=(4,))
    both_dtypes("sub_alpha", lambda input, other: torch.sub(input, other, alpha=-0.5),
                input=(3, 4), other=(3, 4))
    both_dtypes("masked_fill_tensor", lambda input, value, mask: input.masked_fill(mask, value),
                input=(3, 4), value=(), mask=torch.rand(4) > 0.5)
    both_dtypes("flip", lambda input: torch.flip(input, (0, 2)), input=(2, 3, 4))
    both_dtypes("roll", lambda input: torch.roll(input, (1, -2), (1, 0)), input=(3, 4))
    both_dtypes("roll_flat", lambda input: torch.roll(input, 5), input=(3, 4))
    both_dtypes("repeat", lambda input: input.repeat(2, 1, 3), input=(2, 3))
    both_dtypes("tile", lambda input: torch.tile(input, (2,)), input=(2, 3))
    both_dtypes("repeat_interleave", lambda input: torch.repeat_interleave(input, 2, dim=1),
                input=(2, 3))
    both_dtypes("repeat_interleave_counts",
                lambda input, repeats: torch.repeat_interleave(input, repeats, dim=0),
                input=(3, 2), repeats=torch.tensor([2, 0, 3]))
    both_dtypes("einsum_attention", lambda a, b: torch.einsum("bhqd,bhkd->bhqk", a, b),
                a=(2, 2, 3, 4), b=(2, 2, 5, 4))
    both_dtypes("einsum_ellipsis", lambda a, b: torch.einsum("...ij,...jk", a, b),
                a=(2, 3, 4), b=(4, 2))
    both_dtypes("einsum_three", lambda a, b, c: torch.einsum("ik,jk,k->ij", a, b, c),
                a=(2, 3), b=(4, 3), c=(3,))
    both_dtypes("addmm", lambda input, mat1, mat2: torch.addmm(input, mat1, mat2, beta=0.5, alpha=2),
                input=(3,), mat1=(2, 4), mat2=(4, 3))
    both_dtypes("baddbmm",
                lambda input, batch1, batch2: torch.baddbmm(input, batch1, batch2, beta=2, alpha=-1),
                input=(1, 3, 2), batch1=(2, 3, 4), batch2=(2, 4, 2))


def randomised(module):
    """The module with every parameter redrawn, so that ones and zeros hide no mistake."""
    with torch.no_grad():
        for p in module.parameters():
            p.normal_()
    return module


def both_module_dtypes(name, module, *shapes):
    inputs = [torch.randn(shape) for shape in shapes]
    module_case(name, copy.deepcopy(module), inputs)
    module_case(name + "_f32", copy.deepcopy(module), inputs, torch.float32)


def write_normalisation_fixtures():
    both_module_dtypes("group_norm", randomised(torch.nn.GroupNorm(2, 4)), (2, 4, 3, 2))
    both_module_dtypes("group_norm_no_affine", torch.nn.GroupNorm(3, 3, affine=False), (2, 3, 5))
    both_module_dtypes("instance_norm1d_running",
                       randomised(torch.nn.InstanceNorm1d(3, affine=True, track_running_stats=True)),
                       (2, 3, 5))
    both_module_dtypes("instance_norm2d", torch.nn.InstanceNorm2d(2), (2, 2, 3, 4))
    both_module_dtypes("instance_norm1d_unbatched", torch.nn.InstanceNorm1d(3), (3, 6))
    evaluating = torch.nn.InstanceNorm2d(2, track_running_stats=True)
    evaluating.running_mean.copy_(torch.randn(2))
    evaluating.running_var.copy_(torch.rand(2) + 0.5)
    both_module_dtypes("instance_norm2d_eval", evaluating.eval(), (2, 2, 3, 3))


def write_distance_fixtures():
    both_dtypes("cosine_similarity", lambda x1, x2: F.cosine_similarity(x1, x2, dim=1),
                x1=(3, 4, 2), x2=(3, 4, 2))
    both_dtypes("cosine_similarity_broadcast", lambda x1, x2: F.cosine_similarity(x1, x2, dim=-1),
                x1=(2, 3, 4), x2=(4,))
    both_dtypes("pairwise_distance", F.pairwise_distance, x1=(3, 4), x2=(3, 4))
    both_dtypes("pairwise_distance_p1",
                lambda x1, x2: F.pairwise_distance(x1, x2, p=1, keepdim=True), x1=(3, 4), x2=(3, 4))
    both_dtypes("cdist", torch.cdist, x1=(2, 3, 4), x2=(2, 5, 4))
    both_dtypes("cdist_matmul", torch.cdist, x1=(30, 4), x2=(5, 4))
    both_dtypes("cdist_p1", lambda x1, x2: torch.cdist(x1, x2, p=1), x1=(3, 4), x2=(5, 4))


def write_option_fixtures():
    both_dtypes("embedding_negative_padding",
                lambda weight, indices: F.embedding(indices, weight, padding_idx=-1),
                weight=(5, 3), indices=torch.tensor([[0, 4, 2], [4, 1, 3]]))
    both_dtypes("sdpa_gqa",
                lambda query, key, value: F.scaled_dot_product_attention(
                    query, key, value, is_causal=True, enable_gqa=True),
                query=(2, 4, 3, 2), key=(2, 2, 3, 2), value=(2, 2, 3, 5))


def write_shrink_and_slope_fixtures():
    activations = [("relu6", torch.nn.ReLU6()), ("hardshrink", torch.nn.Hardshrink(0.4)),
                   ("softshrink", torch.nn.Softshrink(0.3)), ("tanhshrink", torch.nn.Tanhshrink()),
                   ("threshold", torch.nn.Threshold(0.1, -2.0)), ("softmin", torch.nn.Softmin(dim=1)),
                   ("log_softmax", torch.nn.LogSoftmax(dim=1))]
    for name, module in activations:
        both_module_dtypes(f"act_{name}", module, (3, 6))
    prelu = torch.nn.PReLU(3)
    with torch.no_grad():
        prelu.weight.copy_(torch.randn(3))
    both_module_dtypes("act_prelu", prelu, (2, 3, 4))
    both_dtypes("normalize", lambda input: torch.nn.functional.normalize(input, p=3, dim=0),
                input=(3, 4))
    both_dtypes("sdpa_gqa_uneven",
                lambda query, key, value: F.scaled_dot_product_attention(
                    query, key, value, enable_gqa=True),
                query=(1, 6, 3, 2), key=(1, 3, 4, 2), value=(1, 2, 4, 5))


def write_surface_fixtures():
    torch.manual_seed(16)
    write_activation_fixtures()
    write_elementwise_and_shape_fixtures()
    write_normalisation_fixtures()
    write_distance_fixtures()
    write_option_fixtures()
    write_shrink_and_slope_fixtures()
