"""TSP model fixtures (tests/fixtures/models/), written by make_fixtures.py with the twin of
attention_model_twin.py:

attention_model.safetensors: a small AttentionModel in float32 under the reference's
parameter names (param.*), one batch of instances (coords), and in training mode (batch
statistics) its greedy tours, their log-likelihood and length (cost), the REINFORCE loss
mean((cost - baseline) * log_likelihood) against a fixed baseline, every parameter's
gradient (grad.*) and the running statistics after the pass (buffer.*); then in eval mode
the greedy tours and log-likelihood again (eval_tours, eval_log_likelihood). The metadata's
"twin" holds the config as JSON."""
import copy
import json

import torch
from safetensors.torch import save_file

from attention_model_twin import AttentionModel, tour_lengths
from pointer_network_twin import CriticNetworkLSTM, PointerNetwork
from model_fixtures import OUT


@torch.no_grad()
def smallest_greedy_margin(model, coords, tours):
    """The smallest gap between the chosen and the runner-up log-probability over the steps:
    far above float32 rounding, so kiln's greedy tours must be the same. On a copy, so that the
    model's running statistics see one pass only."""
    twin = copy.deepcopy(model)
    fixed = twin.precompute(coords)
    visited = torch.zeros(tours.shape, dtype=torch.bool)
    margins = []
    for step in range(tours.size(1)):
        first = None if step == 0 else tours[:, 0]
        last = None if step == 0 else tours[:, step - 1]
        top2 = twin.log_p(fixed, first, last, visited).topk(2, dim=1).values
        margins.append((top2[:, 0] - top2[:, 1]).min() if step + 1 < tours.size(1) else None)
        visited = visited.scatter(1, tours[:, step:step + 1], True)
    return min(m for m in margins if m is not None)


def write_attention_model():
    torch.manual_seed(21)
    config = {"embedding_dim": 16, "n_encode_layers": 2, "n_heads": 4, "feed_forward_hidden": 32,
              "tanh_clipping": 10.0}
    model = AttentionModel(**config)
    # Away from BatchNorm's initial weight 1 and bias 0, so every parameter matters.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    params = {f"param.{k}": v.clone() for k, v in model.state_dict().items()}
    coords = torch.rand(6, 9, 2)
    tours, log_likelihood = model(coords)
    assert smallest_greedy_margin(model, coords, tours) > 1e-3
    cost = tour_lengths(coords, tours)
    baseline = torch.tensor(3.0)
    loss = ((cost - baseline) * log_likelihood).mean()
    loss.backward()
    tensors = dict(params)
    tensors.update({"coords": coords, "tours": tours, "log_likelihood": log_likelihood,
                    "cost": cost, "baseline": baseline, "loss": loss})
    tensors.update({f"grad.{k}": p.grad for k, p in model.named_parameters()})
    tensors.update({f"buffer.{k}": b for k, b in model.named_buffers()})
    model.eval()
    with torch.no_grad():
        eval_tours, eval_log_likelihood = model(coords)
        assert smallest_greedy_margin(model, coords, eval_tours) > 1e-3
    tensors.update({"eval_tours": eval_tours, "eval_log_likelihood": eval_log_likelihood})
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().clone().contiguous() for k, v in tensors.items()},
              OUT / "attention_model.safetensors", metadata={"twin": json.dumps({"config": config})})


def write_pointer_network():
    """pointer_network.safetensors: a small PointerNetwork (param.*) and CriticNetworkLSTM
    (critic.*): greedy tours, log-likelihoods and lengths of a batch, the critic's values, the
    loss mean((cost - value) log_likelihood) + mean((value - cost)^2) with the value detached
    in the first term, every gradient of both (grad.*, critic_grad.*), and the
    log-likelihood of given tours (given_tours, given_log_likelihood)."""
    config = {"embedding_dim": 8, "hidden_dim": 12, "tanh_clipping": 10.0, "n_glimpses": 1}
    # The first seed whose greedy choices all win by 1e-3 in log-probability, far above float32
    # rounding; the weights move far from their initial values, whose pointing is almost
    # uniform.
    for seed in range(22, 200):
        torch.manual_seed(seed)
        model = PointerNetwork(**config)
        critic = CriticNetworkLSTM(hidden_dim=12, n_process_block_iters=3, tanh_clipping=10.0)
        with torch.no_grad():
            for p in list(model.parameters()) + list(critic.parameters()):
                p.add_(0.6 * torch.randn_like(p))
        coords = torch.rand(5, 7, 2)
        tours, log_likelihood, steps = model(coords)
        top2 = steps[:, :-1].topk(2, dim=2).values
        if (top2[..., 0] - top2[..., 1]).min() > 1e-3:
            break
    else:
        raise AssertionError("no seed gave clear greedy choices")
    cost = tour_lengths(coords, tours)
    value = critic(coords)
    loss = ((cost - value.detach()) * log_likelihood).mean() + ((value - cost) ** 2).mean()
    loss.backward()
    given = torch.stack([torch.randperm(7) for _ in range(5)])
    with torch.no_grad():
        _, given_log_likelihood, _ = model(coords, given)
    tensors = {f"param.{k}": v.clone() for k, v in model.state_dict().items()}
    tensors.update({f"critic.{k}": v.clone() for k, v in critic.state_dict().items()})
    tensors.update({"coords": coords, "tours": tours, "log_likelihood": log_likelihood,
                    "cost": cost, "value": value, "loss": loss, "given_tours": given,
                    "given_log_likelihood": given_log_likelihood})
    tensors.update({f"grad.{k}": p.grad for k, p in model.named_parameters() if p.grad is not None})
    tensors.update({f"critic_grad.{k}": p.grad for k, p in critic.named_parameters()
                    if p.grad is not None})
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().clone().contiguous() for k, v in tensors.items()},
              OUT / "pointer_network.safetensors", metadata={"twin": json.dumps({"config": config})})


def write_tsp_model_fixtures():
    write_attention_model()
    write_pointer_network()
