"""The TSP instances of Kool et al. 2019 as NumPy draws them, for kiln's generator to match bit
for bit (tests/fixtures/models/tsp_numpy.safetensors); written by make_fixtures.py or alone:

    bench/pytorch/.venv/bin/python bench/pytorch/tsp_fixtures.py

Kool's generate_data.py reseeds before each set: np.random.seed(seed), then
np.random.uniform(size=(10000, n, 2)); seed 1234 gives the test sets, 4321 the validation sets.
NumPy's legacy RandomState keeps this stream fixed across releases (NEP 19).

Tensors, all float64:
  {test,validation}.20.first   the set's first two instances, [2, 20, 2]
  test.100.last                the last instance of the n = 100 test set, [1, 100, 2]
  {test,validation}.{20,50,100}.sum
                               the whole [10000, n, 2] array summed in storage order, one
                               element after another (np.cumsum's last element), so that the
                               C++ side can add in the very same order and compare bits."""
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

OUT = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "models"
SEEDS = {"test": 1234, "validation": 4321}
INSTANCES = 10000


def kool_set(seed, nodes):
    np.random.seed(seed)
    return np.random.uniform(size=(INSTANCES, nodes, 2))


def write_tsp_fixtures():
    tensors = {}
    for name, seed in SEEDS.items():
        for nodes in (20, 50, 100):
            instances = kool_set(seed, nodes)
            tensors[f"{name}.{nodes}.sum"] = np.cumsum(instances.ravel())[-1:]
            if nodes == 20:
                tensors[f"{name}.20.first"] = instances[:2].copy()
            if name == "test" and nodes == 100:
                tensors["test.100.last"] = instances[-1:].copy()
    OUT.mkdir(parents=True, exist_ok=True)
    save_file(tensors, OUT / "tsp_numpy.safetensors")


if __name__ == "__main__":
    write_tsp_fixtures()
