"""Optimizer, scheduler and gradient-clipping fixtures (tests/fixtures/optim/), written by
make_fixtures.py. Each optimizer case trains the same small MLP for 20 steps and records
the parameters after every step; each scheduler case records 100 steps of learning rates
(30 for the later ones, on two parameter groups)."""
from pathlib import Path

import torch
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "optim"
STEPS = 20
SCHEDULE_STEPS = 100


def save(name, tensors):
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in tensors.items()}, OUT / f"{name}.safetensors")


def mlp(dtype):
    torch.manual_seed(3)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).to(dtype)


def optimizer_case(name, make, dtype=torch.float64, clip=None):
    """make(model) -> optimizer. Tensors: x, y, param.<name> (initial), trajectory.<name>
    [STEPS, *shape] (after each step), loss [STEPS]."""
    model = mlp(dtype)
    generator = torch.Generator().manual_seed(4)
    x = torch.randn(6, 4, generator=generator, dtype=torch.float64).to(dtype)
    y = torch.randn(6, 3, generator=generator, dtype=torch.float64).to(dtype)
    tensors = {"x": x, "y": y}
    tensors.update({f"param.{k}": v.clone() for k, v in model.state_dict().items()})
    optimizer = make(model)
    trajectory = {k: [] for k, _ in model.named_parameters()}
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        losses.append(loss.detach())
        for k, p in model.named_parameters():
            trajectory[k].append(p.detach().clone())
    tensors.update({f"trajectory.{k}": torch.stack(v) for k, v in trajectory.items()})
    tensors["loss"] = torch.stack(losses)
    save(name, tensors)


def write_optimizer_fixtures():
    O = torch.optim
    cases = {
        "sgd": lambda m: O.SGD(m.parameters(), lr=0.1),
        "sgd_momentum_dampening_decay": lambda m: O.SGD(m.parameters(), lr=0.05, momentum=0.9,
                                                        dampening=0.1, weight_decay=0.01),
        "sgd_nesterov": lambda m: O.SGD(m.parameters(), lr=0.05, momentum=0.9, nesterov=True,
                                        weight_decay=1e-3),
        "sgd_maximize": lambda m: O.SGD(m.parameters(), lr=0.01, momentum=0.5, maximize=True),
        "sgd_groups": lambda m: O.SGD([{"params": m[0].parameters(), "lr": 0.1, "momentum": 0.9},
                                       {"params": m[2].parameters(), "nesterov": True,
                                        "momentum": 0.5}], lr=0.02),
        "adam": lambda m: O.Adam(m.parameters(), lr=1e-2),
        "adam_amsgrad_decay": lambda m: O.Adam(m.parameters(), lr=1e-2, betas=(0.8, 0.99),
                                               amsgrad=True, weight_decay=0.1, eps=1e-6),
        "adam_maximize": lambda m: O.Adam(m.parameters(), lr=1e-3, maximize=True),
        "adamw": lambda m: O.AdamW(m.parameters(), lr=1e-2, weight_decay=0.1),
        "adamw_amsgrad": lambda m: O.AdamW(m.parameters(), lr=1e-2, amsgrad=True),
        "adagrad": lambda m: O.Adagrad(m.parameters(), lr=0.1, lr_decay=0.01, weight_decay=0.01,
                                       initial_accumulator_value=0.1),
        # Both groups' accumulators start at the constructor's 0.1, not the first group's 0.5.
        "adagrad_groups": lambda m: O.Adagrad([{"params": m[0].parameters(), "lr": 0.1,
                                                "initial_accumulator_value": 0.5},
                                               {"params": m[2].parameters(), "lr_decay": 0.01}],
                                              lr=0.05, initial_accumulator_value=0.1),
        "rmsprop": lambda m: O.RMSprop(m.parameters(), lr=0.01),
        "rmsprop_centered_momentum": lambda m: O.RMSprop(m.parameters(), lr=0.01, alpha=0.9,
                                                         centered=True, momentum=0.9,
                                                         weight_decay=0.01),
    }
    for name, make in cases.items():
        optimizer_case(name, make)
    optimizer_case("adam_float32", lambda m: O.Adam(m.parameters(), lr=1e-2), dtype=torch.float32)
    optimizer_case("sgd_float32_clipped", lambda m: O.SGD(m.parameters(), lr=0.5, momentum=0.9),
                   dtype=torch.float32, clip=0.5)


def schedule_case(name, make, groups=(0.1,), optimizer="sgd", metrics=None, epochs=None,
                  steps=SCHEDULE_STEPS):
    """make(optimizer) -> scheduler. Tensors: lr [steps + 1, groups] (before the first step
    and after each), momentum likewise (SGD momentum or Adam beta1); metrics or epochs, what
    each step was given, if any."""
    params = [torch.zeros(1, requires_grad=True) for _ in groups]
    param_groups = [{"params": [p], "lr": lr} for p, lr in zip(params, groups)]
    if optimizer == "sgd":
        opt = torch.optim.SGD(param_groups, lr=0.1, momentum=0.9)
    else:
        opt = torch.optim.Adam(param_groups, lr=0.1)
    scheduler = make(opt)

    def momenta():
        return [g["momentum"] if "momentum" in g else g["betas"][0] for g in opt.param_groups]

    lrs, moms = [[g["lr"] for g in opt.param_groups]], [momenta()]
    for k in range(steps):
        opt.step()
        if metrics is not None:
            scheduler.step(float(metrics[k]))
        elif epochs is not None:
            scheduler.step(float(epochs[k]))
        else:
            scheduler.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append(momenta())
    tensors = {"lr": torch.tensor(lrs, dtype=torch.float64),
               "momentum": torch.tensor(moms, dtype=torch.float64)}
    if metrics is not None:
        tensors["metrics"] = metrics
    if epochs is not None:
        tensors["epochs"] = epochs
    save(name, tensors)


def write_schedule_fixtures():
    S = torch.optim.lr_scheduler
    schedule_case("step_lr", lambda o: S.StepLR(o, step_size=30, gamma=0.1), groups=(0.1, 0.01))
    schedule_case("multi_step_lr", lambda o: S.MultiStepLR(o, milestones=[30, 60, 60, 80], gamma=0.5))
    schedule_case("exponential_lr", lambda o: S.ExponentialLR(o, gamma=0.95))
    schedule_case("cosine_annealing_lr", lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=1e-3),
                  groups=(0.1, 0.05))
    schedule_case("linear_lr", lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=10))
    schedule_case("linear_warmup_cosine", lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.01, end_factor=1.0, total_iters=10),
            S.CosineAnnealingLR(o, T_max=90, eta_min=1e-4)], milestones=[10]))
    schedule_case("one_cycle_lr", lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=SCHEDULE_STEPS))
    schedule_case("one_cycle_lr_three_phase_linear_adam", lambda o: S.OneCycleLR(
        o, max_lr=[0.5, 0.1], total_steps=SCHEDULE_STEPS, pct_start=0.25, anneal_strategy="linear",
        three_phase=True, base_momentum=0.8, max_momentum=0.9, div_factor=10,
        final_div_factor=100), groups=(0.1, 0.1), optimizer="adam")
    # A loss that falls, stalls, wobbles inside the threshold, falls again, then rises.
    k = torch.arange(SCHEDULE_STEPS, dtype=torch.float64)
    metrics = torch.where(k < 20, 1.0 / (1 + k), 1.0 / 20 + 1e-4 * torch.sin(k))
    metrics = torch.where((k >= 50) & (k < 60), metrics - 0.01 * (k - 49), metrics)
    metrics = torch.where(k >= 60, 0.05 + 0.001 * (k - 60), metrics)
    schedule_case("reduce_lr_on_plateau", lambda o: S.ReduceLROnPlateau(
        o, mode="min", factor=0.5, patience=3, threshold=0.01, cooldown=2, min_lr=[1e-3, 2e-3]),
        groups=(0.1, 0.2), metrics=metrics)
    schedule_case("reduce_lr_on_plateau_max_abs", lambda o: S.ReduceLROnPlateau(
        o, mode="max", factor=0.3, patience=2, threshold=0.05, threshold_mode="abs"),
        metrics=-metrics)


def write_more_schedule_fixtures():
    """30 steps on two groups (rates 0.1 and 0.05) of the schedules added later."""
    S = torch.optim.lr_scheduler
    two = dict(groups=(0.1, 0.05), steps=30)
    schedule_case("constant_lr", lambda o: S.ConstantLR(o, factor=0.5, total_iters=8), **two)
    schedule_case("polynomial_lr", lambda o: S.PolynomialLR(o, total_iters=20, power=2.0), **two)
    schedule_case("polynomial_lr_linear", lambda o: S.PolynomialLR(o, total_iters=12), **two)
    schedule_case("lambda_lr", lambda o: S.LambdaLR(
        o, lr_lambda=[lambda epoch: 0.95**epoch, lambda epoch: 1.0 / (1 + epoch)]), **two)
    schedule_case("multiplicative_lr", lambda o: S.MultiplicativeLR(
        o, lr_lambda=lambda epoch: 0.95**epoch), **two)
    schedule_case("chained_constant_exponential", lambda o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.1, total_iters=4), S.ExponentialLR(o, gamma=0.9)]), **two)
    # SequentialLR's undo reaches through the chain to its schedules; the chain's initial
    # step then steps ExponentialLR outside its initial mode, so it applies gamma at once.
    schedule_case("sequential_chain_then_cosine", lambda o: S.SequentialLR(
        o, [S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=3),
                                S.ExponentialLR(o, gamma=0.9)]),
            S.CosineAnnealingLR(o, T_max=10, eta_min=1e-3)], milestones=[6]), **two)
    schedule_case("cosine_warm_restarts", lambda o: S.CosineAnnealingWarmRestarts(
        o, T_0=7, eta_min=1e-3), **two)
    schedule_case("cosine_warm_restarts_t_mult_2", lambda o: S.CosineAnnealingWarmRestarts(
        o, T_0=3, T_mult=2), **two)
    # Fractional epochs, as a loop calls step(epoch + batch / batches): 0.4 epochs a step,
    # then a jump back to epoch 2.5 and on.
    epochs = torch.cat([0.4 * torch.arange(1, 21, dtype=torch.float64),
                        2.5 + 0.75 * torch.arange(10, dtype=torch.float64)])
    schedule_case("cosine_warm_restarts_fractional", lambda o: S.CosineAnnealingWarmRestarts(
        o, T_0=2, T_mult=2, eta_min=1e-4), epochs=epochs, **two)
    schedule_case("cosine_warm_restarts_fractional_t_mult_1", lambda o: S.CosineAnnealingWarmRestarts(
        o, T_0=3), epochs=epochs, **two)
    schedule_case("cyclic_lr_triangular", lambda o: S.CyclicLR(
        o, base_lr=0.01, max_lr=[0.1, 0.05], step_size_up=4), **two)
    schedule_case("cyclic_lr_triangular2", lambda o: S.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5, mode="triangular2",
        base_momentum=[0.8, 0.85], max_momentum=0.95), **two)
    schedule_case("cyclic_lr_exp_range_adam", lambda o: S.CyclicLR(
        o, base_lr=0.001, max_lr=0.01, step_size_up=5, mode="exp_range", gamma=0.95),
        optimizer="adam", **two)
    schedule_case("cyclic_lr_scale_fn_iterations", lambda o: S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, step_size_down=4,
        scale_fn=lambda x: 1 / (1 + 0.1 * x), scale_mode="iterations"), **two)
    schedule_case("cyclic_lr_scale_fn_cycle_no_momentum", lambda o: S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=lambda x: 0.5**x,
        cycle_momentum=False), **two)


def write_clip_fixtures():
    generator = torch.Generator().manual_seed(5)
    for name, norm_type, max_norm in (("clip_norm_2", 2.0, 1.0), ("clip_norm_inf", float("inf"), 0.5),
                                      ("clip_norm_1_no_clip", 1.0, 1e3)):
        grads = [torch.randn(*shape, generator=generator, dtype=torch.float64)
                 for shape in ((3, 4), (4,), (2, 2, 2))]
        params = [torch.zeros_like(g, requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        tensors = {f"grad.{i}": g for i, g in enumerate(grads)}
        tensors.update({f"clipped.{i}": p.grad for i, p in enumerate(params)})
        tensors["total"] = total
        save(name, tensors)


def write_optim_fixtures():
    write_optimizer_fixtures()
    write_schedule_fixtures()
    write_more_schedule_fixtures()
    write_clip_fixtures()
