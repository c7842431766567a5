"""The cases every fixture file is made of: a module's or a function's outputs and gradients
for a random output gradient, saved under tests/fixtures/nn/."""
from pathlib import Path

import torch
from safetensors.torch import save_file

FIXTURES = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures"


def save_case(name, tensors):
    out = FIXTURES / "nn"
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in tensors.items()}, out / f"{name}.safetensors")


def module_case(name, module, inputs, dtype=torch.float64):
    """Output and input/parameter gradients of module(*inputs) for a random output gradient.

    Tensors: input, input2 (if any), param.<state_dict name>, output, grad_output,
    grad.input, grad.input2, grad.param.<name>."""
    module = module.to(dtype)
    inputs = [x.to(dtype).requires_grad_() if x.is_floating_point() else x for x in inputs]
    before = {k: v.clone() for k, v in module.state_dict().items()}
    output = module(*inputs)
    grad_output = torch.randn_like(output)
    (output * grad_output).sum().backward()
    tensors = {"output": output, "grad_output": grad_output}
    for i, x in enumerate(inputs):
        key = "input" if i == 0 else f"input{i + 1}"
        tensors[key] = x
        if x.requires_grad:
            tensors[f"grad.{key}"] = x.grad
    for pname, p in before.items():
        tensors[f"param.{pname}"] = p
    for bname, b in module.named_buffers():
        tensors[f"after.{bname}"] = b  # running statistics after the forward pass
    for pname, p in module.named_parameters():
        tensors[f"grad.param.{pname}"] = p.grad
    save_case(name, tensors)


def function_case(name, fn, **tensors):
    """fn(**tensors) -> output; gradients for every floating input that requires grad."""
    output = fn(**tensors)
    grad_output = torch.randn_like(output)
    (output * grad_output).sum().backward()
    out = {"output": output, "grad_output": grad_output}
    for key, x in tensors.items():
        out[key] = x
        if x.requires_grad:
            out[f"grad.{key}"] = x.grad
    save_case(name, out)


def leaf(*shape, dtype=torch.float64, low=None, high=None):
    x = torch.randn(*shape, dtype=dtype) if low is None else torch.rand(*shape, dtype=dtype) * (high - low) + low
    return x.requires_grad_()


def recurrent_outputs_case(name, module, x, states, params, outputs):
    """Saves a recurrent layer's outputs with random cotangents, and the gradients of
    sum(output * cotangent) for the input, the given initial states (h0, c0) and every
    parameter (params: the state dict before the call)."""
    tensors = {"input": x}
    loss = 0
    for key, value in outputs.items():
        cotangent = torch.randn_like(value)
        tensors[key], tensors[f"cotangent.{key}"] = value, cotangent
        loss = loss + (value * cotangent).sum()
    loss.backward()
    tensors["grad.input"] = x.grad
    for key, state in zip(("h0", "c0"), states):
        if state is not None:
            tensors[key], tensors[f"grad.{key}"] = state, state.grad
    tensors.update({f"param.{k}": v for k, v in params.items()})
    tensors.update({f"grad.param.{k}": p.grad for k, p in module.named_parameters()})
    save_case(name, tensors)
