"""Fixtures of F.pad's modes (negative pads included), the convolutions' padding_mode, max
pooling with return_indices (ties, padding, -inf), max unpooling and avg_pool2d's
divisor_override; each in float64 and float32 `<name>_f32` (tests/nn/test_golden_pooling.cpp
reads them)."""
import copy

import torch
import torch.nn.functional as F

from fixture_cases import function_case, module_case
from surface_fixtures import both_dtypes

DTYPES = (("", torch.float64), ("_f32", torch.float32))

# name: (input shape, PyTorch's pad, last dim first); valid in every copying mode.
PAD_CASES = {
    "1d": ((2, 3, 6), (2, 3)),
    "1d_unbatched": ((3, 5), (4, 1)),
    "2d": ((2, 2, 4, 5), (1, 2, 3, 0)),
    "3d": ((1, 2, 3, 4, 5), (1, 2, 0, 3, 2, 1)),
    "3d_unbatched": ((2, 3, 4, 5), (2, 0, 1, 1, 1, 2)),
    "negative_1d": ((2, 2, 6), (-2, 4)),
    "negative_2d": ((1, 2, 4, 5), (2, -1, -1, 3)),
}


def write_pad_fixtures():
    for mode in ("reflect", "replicate", "circular"):
        for case, (shape, pad) in PAD_CASES.items():
            both_dtypes(f"pad_{mode}_{case}", lambda input: F.pad(input, pad, mode=mode),
                        input=shape)
    both_dtypes("pad_constant_negative", lambda input: F.pad(input, (-1, 2, 1, -2), value=0.5),
                input=(2, 3, 4, 5))
    both_dtypes("pad_constant_negative_3d", lambda input: F.pad(input, (-1, 1, 2, -3, -1, 0)),
                input=(2, 3, 4, 5))


def write_conv_padding_mode_fixtures():
    cases = [
        ("conv1d_reflect", torch.nn.Conv1d(3, 4, 3, padding=2, padding_mode="reflect"), (2, 3, 7)),
        ("conv1d_circular_same",
         torch.nn.Conv1d(2, 3, 4, padding="same", padding_mode="circular"), (2, 2, 6)),
        ("conv2d_replicate",
         torch.nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 2), padding_mode="replicate"),
         (1, 2, 5, 6)),
        ("conv2d_circular_groups_dilation",
         torch.nn.Conv2d(4, 4, 3, padding=2, dilation=2, groups=2, padding_mode="circular"),
         (2, 4, 5, 5)),
        ("conv2d_reflect_same",
         torch.nn.Conv2d(2, 2, (2, 3), padding="same", padding_mode="reflect"), (1, 2, 4, 5)),
    ]
    for name, module, shape in cases:
        x = torch.randn(*shape)
        for suffix, dtype in DTYPES:
            module_case(name + suffix, copy.deepcopy(module), [x], dtype)


def max_pool_case(name, pool, x):
    """pool(input) -> (values, indices): the values as function_case in both dtypes, and
    PyTorch's indices, passed in only so that function_case saves them as "indices"."""
    for suffix, dtype in DTYPES:
        input = x.to(dtype).detach().clone().requires_grad_()
        function_case(name + suffix, lambda input, indices: pool(input)[0], input=input,
                      indices=pool(input)[1])


def write_max_pool_with_indices_fixtures():
    def ties(*shape):
        return torch.randint(-2, 3, shape).double()  # five values: many windows tie

    max_pool_case("max_pool1d_indices_ties",
                  lambda input: F.max_pool1d(input, 3, 2, padding=1, ceil_mode=True,
                                             return_indices=True), ties(2, 3, 11))
    max_pool_case("max_pool1d_indices_dilation",
                  lambda input: F.max_pool1d(input, 4, 1, padding=1, dilation=2,
                                             return_indices=True), torch.randn(2, 2, 9))
    max_pool_case("max_pool2d_indices_ties",
                  lambda input: F.max_pool2d(input, (3, 2), (2, 1), padding=1, ceil_mode=True,
                                             return_indices=True), ties(1, 2, 6, 7))
    max_pool_case("max_pool2d_indices_dilation",
                  lambda input: F.max_pool2d(input, 2, 2, padding=1, dilation=2,
                                             return_indices=True), torch.randn(2, 1, 7, 6))
    max_pool_case("max_pool2d_indices_unbatched_ties",
                  lambda input: F.max_pool2d(input, 2, 1, return_indices=True), ties(2, 5, 5))
    # Windows whose inputs are all -inf tie with their padding: PyTorch picks the first input.
    minus_inf = float("-inf")
    max_pool_case("max_pool1d_indices_minus_inf",
                  lambda input: F.max_pool1d(input, 3, 2, padding=1, return_indices=True),
                  torch.tensor([[[minus_inf, minus_inf, 1.0, minus_inf, minus_inf]]]))


def write_max_unpool_fixtures():
    def unpool_case(name, pool, unpool, x):
        values, indices = pool(x)
        both_dtypes(name, lambda input, indices: unpool(input, indices),
                    input=torch.randn(values.shape, dtype=torch.float64), indices=indices)

    unpool_case("max_unpool1d", lambda x: F.max_pool1d(x, 2, return_indices=True),
                lambda input, indices: F.max_unpool1d(input, indices, 2), torch.randn(2, 3, 8))
    unpool_case("max_unpool1d_output_size",
                lambda x: F.max_pool1d(x, 3, 2, padding=1, return_indices=True),
                lambda input, indices: F.max_unpool1d(input, indices, 3, 2, padding=1,
                                                      output_size=(9,)), torch.randn(2, 3, 9))
    unpool_case("max_unpool2d", lambda x: F.max_pool2d(x, 2, return_indices=True),
                lambda input, indices: F.max_unpool2d(input, indices, 2), torch.randn(2, 2, 4, 6))
    unpool_case("max_unpool2d_output_size",
                lambda x: F.max_pool2d(x, (2, 3), (2, 3), padding=1, return_indices=True),
                lambda input, indices: F.max_unpool2d(input, indices, (2, 3), (2, 3), padding=1,
                                                      output_size=(1, 2, 5, 7)),
                torch.randn(1, 2, 5, 7))
    unpool_case("max_unpool2d_unbatched", lambda x: F.max_pool2d(x, 2, 3, return_indices=True),
                lambda input, indices: F.max_unpool2d(input, indices, 2, 3, output_size=(7, 6)),
                torch.randn(3, 7, 6))
    # The layers: MaxPool2d(return_indices=True) into MaxUnpool2d, back to the input's size.
    pool, unpool = torch.nn.MaxPool2d(2, return_indices=True), torch.nn.MaxUnpool2d(2)
    both_dtypes("max_pool2d_into_max_unpool2d",
                lambda input: unpool(*pool(input), output_size=input.shape), input=(1, 2, 5, 4))


def write_avg_pool_divisor_fixtures():
    both_dtypes("avg_pool2d_divisor_override",
                lambda input: F.avg_pool2d(input, 3, 2, padding=1, ceil_mode=True,
                                           divisor_override=4), input=(2, 2, 6, 7))
    both_dtypes("avg_pool2d_divisor_override_negative",
                lambda input: F.avg_pool2d(input, (2, 3), divisor_override=-5), input=(1, 3, 4, 6))


def write_pooling_fixtures():
    torch.manual_seed(17)
    write_pad_fixtures()
    write_conv_padding_mode_fixtures()
    write_max_pool_with_indices_fixtures()
    write_max_unpool_fixtures()
    write_avg_pool_divisor_fixtures()
