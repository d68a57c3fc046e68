"""micrograd-style code that walks a network's graph itself (``_prev``, ``_op``, ``_backward()``) or keeps
optimizer state on its Values works on deltagrad's ``nn``: the patterns of micrograd's ``trace_graph.ipynb``,
the lecture's hand-written ``backward`` and EurekaLabs' AdamW, written here in their style.
"""

from __future__ import annotations

import random

import pytest

import autograd
from autograd import Value
from nn import MLP, Adam, Neuron, moons, squared_error


def trace(root):
    # builds a set of all nodes and edges in a graph (micrograd's trace_graph.ipynb does it so)
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def draw_dot(root):
    graphviz = pytest.importorskip("graphviz")
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = trace(root)
    for n in nodes:
        dot.node(name=str(id(n)), label="{ data %.4f | grad %.4f }" % (n.data, n.grad), shape="record")  # noqa: UP031
        if n._op:
            dot.node(name=str(id(n)) + n._op, label=n._op)
            dot.edge(str(id(n)) + n._op, str(id(n)))
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def _network_loss() -> tuple[MLP, Value]:
    model = MLP(2, [4, 3, 1], activation="tanh", seed=4, output_activation="tanh")
    xs, ys = [[0.5, -1.0], [1.5, 0.3], [-0.2, 0.8]], [1.0, -1.0, 1.0]
    return model, sum((model(x) - y) ** 2 for x, y in zip(xs, ys, strict=True))


@pytest.mark.parametrize("network", ["neuron", "mlp"])
def test_a_micrograd_draw_dot_walking_prev_and_op_sees_every_node_and_edge(network):
    if network == "neuron":
        random.seed(1337)
        root = Neuron(2)([Value(1.0), Value(-2.0)])  # trace_graph.ipynb's "simple 2D neuron"
    else:
        root = _network_loss()[1]
    root.backward()
    nodes, edges = trace(root)
    order = autograd.topological_order(root)
    assert nodes == set(order)
    assert edges == {(p, v) for v in order for p in v.parents}
    assert all(isinstance(v._op, str) and (v._op == "") == v.is_leaf() for v in order)
    assert all(v._prev == v.parents for v in order)  # the inputs, in order
    source = draw_dot(root).source
    assert source.count("shape=record") == len(nodes)
    assert source.count("->") == len(edges) + sum(1 for v in nodes if v._op)


def test_the_lectures_own_backward_over_prev_calling_each_nodes_backward_gives_backwards_gradients():
    model, loss = _network_loss()
    loss.backward()
    expected = {p: p.grad for p in model.parameters()}
    model, loss = _network_loss()  # a fresh graph, every grad 0

    # the lecture's Value.backward, written by the learner outside the class
    topo = []
    visited = set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(loss)
    loss.grad = 1.0
    for node in reversed(topo):
        node._backward()

    got = [p.grad for p in model.parameters()]
    assert any(got) and got == pytest.approx(list(expected.values()), rel=1e-12, abs=1e-15)


class AdamW:
    # EurekaLabs' micrograd keeps the optimizer's state on the parameters themselves
    def __init__(self, parameters, lr=1e-1, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0):
        self.parameters = parameters
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.t = 0
        for p in self.parameters:
            p.m = 0  # first moment
            p.v = 0  # second moment

    def step(self):
        self.t += 1
        for p in self.parameters:
            p.m = self.beta1 * p.m + (1 - self.beta1) * p.grad
            p.v = self.beta2 * p.v + (1 - self.beta2) * (p.grad**2)
            m_hat = p.m / (1 - self.beta1**self.t)
            v_hat = p.v / (1 - self.beta2**self.t)
            p.data -= self.lr * (m_hat / (v_hat**0.5 + self.eps) + self.weight_decay * p.data)


def test_optimizer_state_kept_on_values_trains_as_nn_adam_does():
    X, y = moons(16, seed=2)
    targets = [2.0 * c - 1.0 for c in y]
    ours, reference = MLP(2, [6, 1], seed=1), MLP(2, [6, 1], seed=1)
    with_state = AdamW(ours.parameters(), lr=0.05)  # no weight decay: AdamW is Adam
    adam = Adam(reference, lr=0.05, betas=(0.9, 0.95), eps=1e-8)
    for _ in range(5):
        for model, optimizer in ((ours, with_state), (reference, adam)):
            loss = sum(squared_error(model(x), t) for x, t in zip(X.tolist(), targets, strict=True))
            model.zero_grad()
            loss.backward()
            optimizer.step()
        assert [p.data for p in ours.parameters()] == pytest.approx([p.data for p in reference.parameters()], rel=1e-9)
    assert all(isinstance(p.m, float) and p.v > 0 for p in ours.parameters() if p.grad)
