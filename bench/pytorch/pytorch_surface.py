"""Writes docs/pytorch-surface.json: the PyTorch names kiln's coverage table lists, read from
the installed torch (`kiln coverage` turns it into docs/pytorch-coverage.md).

    bench/pytorch/.venv/bin/python bench/pytorch/pytorch_surface.py

Sections: every public function of torch.nn.functional (in-place twins such as elu_ are
listed with their out-of-place op), every class torch.nn exports, every schedule of
torch.optim.lr_scheduler, and the common differentiable torch ops below (creation,
comparison and random functions are not listed).
"""
import inspect
import json
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim.lr_scheduler as lr_scheduler

OUT = Path(__file__).resolve().parent.parent.parent / "docs" / "pytorch-surface.json"

# torch.<name> (or Tensor.<name> where PyTorch has no function of that name), by category.
COMMON_TORCH_OPS = {
    "pointwise": [
        "abs", "neg", "exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt",
        "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
        "atanh", "sigmoid", "logit", "erf", "erfc", "erfinv", "floor", "ceil", "round", "trunc",
        "frac", "sign", "square", "reciprocal", "pow", "add", "sub", "mul", "div", "remainder",
        "fmod", "maximum", "minimum", "clamp", "atan2", "hypot", "lerp", "where", "addcmul",
        "addcdiv", "logaddexp", "xlogy", "nan_to_num", "Tensor.masked_fill",
    ],
    "reduction": [
        "sum", "mean", "prod", "amax", "amin", "max", "min", "logsumexp", "norm", "var", "std",
        "var_mean", "std_mean", "median", "cumsum", "cumprod", "cummax", "logcumsumexp",
    ],
    "shape and indexing": [
        "reshape", "Tensor.view", "permute", "transpose", "t", "narrow", "select", "squeeze",
        "unsqueeze", "flatten", "unflatten", "Tensor.expand", "cat", "stack", "split", "chunk",
        "unbind", "flip", "roll", "Tensor.repeat", "tile", "repeat_interleave", "tril", "triu",
        "gather", "scatter", "scatter_add", "index_select", "index_add", "masked_select",
        "take_along_dim", "sort", "topk", "Tensor.unfold", "Tensor.contiguous", "clone",
        "movedim", "diagonal", "diag_embed",
    ],
    "linear algebra": [
        "matmul", "mm", "bmm", "mv", "dot", "outer", "einsum", "addmm", "baddbmm", "addmv",
        "tensordot", "cdist", "kron", "trace",
    ],
}


def functional_names():
    names = []
    for name in dir(F):
        value = getattr(F, name)
        if name.startswith("_") or name.endswith("_") or inspect.isclass(value):
            continue
        if callable(value) and not inspect.ismodule(value) and name != "assert_int_or_pair":
            if getattr(value, "__module__", None) in ("torch.nn.functional", "torch._C._nn", "torch",
                                                       "torch._C._VariableFunctions", None):
                names.append(name)
    return sorted(names)


def main():
    for names in COMMON_TORCH_OPS.values():
        for name in names:
            owner = torch.Tensor if name.startswith("Tensor.") else torch
            assert hasattr(owner, name.removeprefix("Tensor.")), name
    def qualified(name):
        return name if name.startswith("Tensor.") else "torch." + name

    sections = [{"title": "torch.nn.functional", "kind": "op",
                 "names": ["F." + n for n in functional_names()]}]
    for category, names in COMMON_TORCH_OPS.items():
        sections.append({"title": f"torch: {category}", "kind": "op",
                         "names": [qualified(n) for n in names]})
    sections.append({"title": "torch.nn layers", "kind": "module",
                     "names": ["nn." + n for n in sorted(nn.modules.__all__)]})
    sections.append({"title": "torch.optim.lr_scheduler", "kind": "schedule",
                     "names": ["lr_scheduler." + n for n in sorted(lr_scheduler.__all__)
                               if n != "LRScheduler"]})
    surface = {"torch_version": torch.__version__.split("+")[0], "sections": sections}
    OUT.write_text(json.dumps(surface, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
