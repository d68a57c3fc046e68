"""micrograd code runs on deltagrad with only its imports changed (micrograd itself is the oracle)."""

from __future__ import annotations

import contextlib
import io
import random
import re

import pytest

from nn import MLP

micrograd_nn = pytest.importorskip("micrograd.nn", reason="micrograd is the oracle for the compatibility tests")

MICROGRAD_IMPORTS = "from micrograd.engine import Value\nfrom micrograd.nn import Neuron, Layer, MLP\n"
DELTAGRAD_IMPORTS = "from autograd import Value\nfrom nn import Neuron, Layer, MLP\n"

# micrograd's demo.ipynb, cell by cell; only the dataset (sklearn's make_moons there) is
# supplied by the test as X, y, and the loop runs STEPS steps instead of 100.
DEMO_SETUP = """
import random
import numpy as np
{imports}
np.random.seed(1337)
random.seed(1337)
y = y*2 - 1 # make y be -1 or 1

# initialize a model
model = MLP(2, [16, 16, 1]) # 2-layer neural network
print(model)
print("number of parameters", len(model.parameters()))

# loss function
def loss(batch_size=None):

    # inline DataLoader :)
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = np.random.permutation(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    inputs = [list(map(Value, xrow)) for xrow in Xb]

    # forward the model to get scores
    scores = list(map(model, inputs))

    # svm "max-margin" loss
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss

    # also get accuracy
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

total_loss, acc = loss()
print(total_loss, acc)
"""

DEMO_LOOP = """
# optimization
for k in range(STEPS):

    # forward
    total_loss, acc = loss()

    # backward
    model.zero_grad()
    total_loss.backward()

    # update (sgd)
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad

    if k % 1 == 0:
        print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
"""

STEPS = 3


def _run(source: str, namespace: dict) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(source, namespace)
    return out.getvalue()


def _steps(printed: str) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in re.findall(r"step \d+ loss (\S+), accuracy (\S+)%", printed)]


def test_micrograd_demo_runs_unchanged_and_matches_micrograd_step_by_step():
    from nn.data import moons

    X, y = moons(20, noise=0.1, seed=1337)
    ours = {"X": X, "y": y, "STEPS": STEPS}
    theirs = {"X": X, "y": y, "STEPS": STEPS}
    # random.seed(1337) in the setup: both draw the same weights, in the same order, from the global generator.
    printed_ours = _run(DEMO_SETUP.format(imports=DELTAGRAD_IMPORTS), ours)
    printed_theirs = _run(DEMO_SETUP.format(imports=MICROGRAD_IMPORTS), theirs)
    assert "number of parameters 337" in printed_ours and "number of parameters 337" in printed_theirs
    assert [p.data for p in ours["model"].parameters()] == [float(q.data) for q in theirs["model"].parameters()]
    assert ours["total_loss"].data == pytest.approx(theirs["total_loss"].data, rel=1e-12)  # step 0's loss
    ours_steps = _steps(_run(DEMO_LOOP, ours))
    theirs_steps = _steps(_run(DEMO_LOOP, theirs))
    assert len(ours_steps) == len(theirs_steps) == STEPS
    for (loss_ours, acc_ours), (loss_theirs, acc_theirs) in zip(ours_steps, theirs_steps, strict=True):
        assert loss_ours == pytest.approx(loss_theirs, rel=1e-9)
        assert acc_ours == acc_theirs
    assert ours_steps[-1][0] < ours_steps[0][0]  # and it learns


# The lecture's way of building a network: its own MLP class around the library's Neuron and
# Layer, trained on four samples with the summed squared error (yout - ygt)**2.
HAND_BUILT = """
import random
{imports}

class MLP:

    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i+1], nonlin=i!=len(nouts)-1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

random.seed(SEED)
n = MLP(3, [4, 4, 1])
xs = [
  [2.0, 3.0, -1.0],
  [3.0, -1.0, 0.5],
  [0.5, 1.0, 1.0],
  [1.0, 1.0, -1.0],
]
ys = [1.0, -1.0, -1.0, 1.0] # desired targets

for k in range(STEPS):

    # forward pass
    ypred = [n(x) for x in xs]
    loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))

    # backward pass
    for p in n.parameters():
        p.grad = 0.0
    loss.backward()

    # update
    for p in n.parameters():
        p.data += -0.05 * p.grad

    print(k, loss.data)
"""


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_hand_built_mlp_from_neuron_and_layer_trains_as_micrograds_does(seed):
    ours = _run(HAND_BUILT.format(imports=DELTAGRAD_IMPORTS), {"SEED": seed, "STEPS": 10})
    theirs = _run(HAND_BUILT.format(imports=MICROGRAD_IMPORTS), {"SEED": seed, "STEPS": 10})
    losses_ours = [float(line.split()[1]) for line in ours.splitlines()]
    losses_theirs = [float(line.split()[1]) for line in theirs.splitlines()]
    assert len(losses_ours) == 10 and losses_ours == pytest.approx(losses_theirs, rel=1e-12)


@pytest.mark.parametrize("init", [None, "uniform"])
def test_without_a_seed_the_weights_are_micrograds_from_the_global_generator(init):
    random.seed(7)
    theirs = micrograd_nn.MLP(3, [4, 4, 1])
    after_theirs = random.getstate()
    random.seed(7)
    ours = MLP(3, [4, 4, 1], init=init)
    assert [p.data for p in ours.parameters()] == [float(q.data) for q in theirs.parameters()]
    assert random.getstate() == after_theirs  # no extra draws: code after the model sees micrograd's numbers


def test_output_and_parameter_order_match_micrograd():
    random.seed(3)
    theirs = micrograd_nn.MLP(2, [5, 3])
    random.seed(3)
    ours = MLP(2, [5, 3])
    x = [0.3, -1.2]
    assert [v.data for v in ours(x)] == pytest.approx([v.data for v in theirs(x)], rel=1e-12)
    random.seed(3)
    single = MLP(2, [5, 1])(x)
    assert not isinstance(single, list)  # one output neuron: one Value, as micrograd returns
