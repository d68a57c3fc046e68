"""Code written the way micrograd, its lectures and its forks write it runs on deltagrad's ``Value``.

The patterns are those of karpathy/micrograd's ``trace_graph.ipynb`` (a ``draw_dot`` that walks
``_prev`` and reads ``_op``), of the nn-zero-to-hero micrograd lecture (backprop by hand, one
``_backward()`` at a time) and of EurekaLabsAI/micrograd (optimizer state and colours kept on the
Values themselves); the code here is written for these tests. autograd's own ``grad`` is the oracle.
"""

from __future__ import annotations

import math

import graphviz
import pytest

import autograd
from autograd import DivisionByZeroError, DomainError, Value


def trace(root):
    # micrograd's way: a recursive-looking walk, here with a stack, over _prev
    nodes, edges, stack = set(), set(), [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    return nodes, edges


def draw_dot(root):
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")  # noqa: UP031 - their style
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def lecture_neuron():
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, [x1, x2, w1, w2, b], [x1w1, x2w2, x1w1x2w2, n]


def test_draw_dot_walking_prev_and_op_draws_every_node_and_edge():
    o, leaves, _inner = lecture_neuron()
    o.backward()
    dot = draw_dot(o)
    nodes, edges = trace(o)
    assert nodes == set(autograd.topological_order(o))
    assert edges == {(p, v) for v in nodes for p in v.parents}
    source = dot.source
    assert source.count("shape=record") == len(nodes)
    ops = [v for v in nodes if v._op]
    assert {v._op for v in ops} == {"×", "+", "tanh"}  # the op's symbol, as deltagrad's graphs show it
    assert all(v._op == "" for v in leaves)  # a leaf has no op: '' (micrograd's `if n._op:` skips it)
    assert all(f"data {v.data:.4f} | grad {v.grad:.4f}" in source for v in nodes)


def test_prev_is_the_ordered_inputs_and_read_only():
    a, b = Value(2.0), Value(-3.0)
    c = a - b
    assert c._prev == (a, b) and (a * a)._prev == (a, a)
    with pytest.raises(AttributeError):
        c._prev = ()
    with pytest.raises(AttributeError):
        c._op = "+"
    assert (a**3)._op == "**3" and (a**0.5)._op == "**0.5"


def test_the_lectures_manual_backprop_cells_give_autogrades_numbers():
    o, leaves, inner = lecture_neuron()
    x1w1, x2w2, x1w1x2w2, n = inner
    expected = autograd.grad(o, [*leaves, *inner])
    # the lecture's cells, in its order: seed the output, then each node's own step
    o.grad = 1.0
    o._backward()
    n._backward()
    b = leaves[4]
    b._backward()  # a leaf: nothing happens
    x1w1x2w2._backward()
    x2w2._backward()
    x1w1._backward()
    got = [v.grad for v in (*leaves, *inner)]
    assert got == pytest.approx(expected, rel=1e-15, abs=0)
    assert n.grad == pytest.approx(1 - o.data**2) and n.grad == pytest.approx(0.5)  # the lecture's 1 − tanh²


def test_backward_step_in_reverse_topological_order_is_backward():
    o, leaves, _inner = lecture_neuron()
    o.grad = 1.0
    for node in reversed(autograd.topological_order(o)):
        node.backward_step()
    by_hand = [v.grad for v in leaves]
    for v in autograd.topological_order(o):
        v.grad = 0.0
    o.backward()
    assert by_hand == [v.grad for v in leaves]


def test_backward_step_accumulates_so_a_plus_a_counts_both_edges():
    a = Value(3.0, label="a")
    b = a + a
    b.grad = 1.0
    b._backward()
    assert a.grad == 2.0  # micrograd's first version gave 1 here


def test_micrograds_constructor_positionally_and_by_keyword():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    for d in (Value(-6.0, (a, b), "*"), Value(-6.0, _children=(a, b), _op="*", label="d")):
        assert d.op is autograd.OPS["mul"] and d.parents == (a, b) and d._op == "×"
        d.backward()
        assert (a.grad, b.grad) == (b.data, a.data)
        a.grad = b.grad = 0.0
    assert Value(2.0, (), "", "x").label == "x" and Value(2.0, label="").label is None
    t = Value(math.tanh(0.5), (Value(0.5),), "tanh")
    assert t.op is autograd.OPS["tanh"]


@pytest.mark.parametrize(
    ("make", "error", "says"),
    [
        (lambda a, b: Value(-6.0, (a, b)), ValueError, "needs the op that made it"),
        (lambda a, b: Value(5.0, (a, b), "*"), ValueError, "is -6.0, not 5.0"),
        (lambda a, b: Value(-6.0, (a, b), "frobnicate"), ValueError, "no op of that name"),
        (lambda a, b: Value(-6.0, {a, b}, "*"), TypeError, "a set has no order"),
        (lambda a, b: Value(1.0, "a"), TypeError, "a label goes by keyword"),
        (lambda a, b: Value(1.0, label=("a", "b")), TypeError, "label must be a string"),
        (lambda a, b: Value(1.0, label=3), TypeError, "label must be a string"),
        (lambda a, b: Value(-6.0, (a, 2.0), "*"), TypeError, "not a Value"),
    ],
)
def test_a_wrong_constructor_call_is_a_clear_error_never_a_stored_label(make, error, says):
    a, b = Value(2.0), Value(-3.0)
    with pytest.raises(error, match=says):
        make(a, b)


class AdamW:
    # EurekaLabs-style: the moments live on the parameters themselves
    def __init__(self, parameters, lr=0.1, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0):
        self.parameters, self.lr, (self.beta1, self.beta2) = parameters, lr, betas
        self.eps, self.weight_decay, self.t = eps, weight_decay, 0
        for p in self.parameters:
            p.m = 0
            p.v = 0

    def step(self):
        self.t += 1
        for p in self.parameters:
            p.m = self.beta1 * p.m + (1 - self.beta1) * p.grad
            p.v = self.beta2 * p.v + (1 - self.beta2) * (p.grad**2)
            m_hat = p.m / (1 - self.beta1**self.t)
            v_hat = p.v / (1 - self.beta2**self.t)
            p.data -= self.lr * (m_hat / (v_hat**0.5 + self.eps) + self.weight_decay * p.data)


def test_optimizer_state_kept_on_values_trains_like_state_kept_aside():
    def loss_of(w, b):
        return sum(((w * x + b) - (2.0 * x - 1.0)) ** 2 for x in (-1.0, 0.0, 0.5, 2.0))

    lr, (beta1, beta2), eps, decay = 0.05, (0.9, 0.95), 1e-8, 1e-4
    w, b = Value(0.3, label="w"), Value(-0.2, label="b")
    opt = AdamW([w, b], lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=decay)
    data, m, v = [0.3, -0.2], [0.0, 0.0], [0.0, 0.0]  # the same AdamW, its state in lists
    for t in range(1, 31):
        loss = loss_of(w, b)
        loss.backward()
        opt.step()
        w.grad = b.grad = 0
        leaves = [Value(d) for d in data]
        g = autograd.grad(loss_of(*leaves), leaves)
        for i in range(2):
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] ** 2
            m_hat, v_hat = m[i] / (1 - beta1**t), v[i] / (1 - beta2**t)
            data[i] -= lr * (m_hat / (v_hat**0.5 + eps) + decay * data[i])
        assert [w.data, b.data] == data and [w.m, b.m] == m and [w.v, b.v] == v
    assert loss_of(w, b).data < loss_of(Value(0.3), Value(-0.2)).data / 5  # and it trains


def test_extra_attributes_go_on_values_you_make_and_colours_are_read_with_hasattr():
    x, y = Value(0.0), Value(0.0)
    for n in (x, y):
        setattr(n, "_vis_color", "lightblue")  # noqa: B010 - EurekaLabs' vis_color does exactly this
    out = (x * y).tanh()
    nodes, _ = trace(out)
    colours = {n: n._vis_color if hasattr(n, "_vis_color") else "white" for n in nodes}
    assert [colours[n] for n in (x, y, out)] == ["lightblue", "lightblue", "white"]
    assert not hasattr(out, "__dict__")  # op results stay small: no room for attributes
    with pytest.raises(AttributeError):
        out.m = 0.0


@pytest.mark.parametrize(
    "code",
    [
        lambda: Value(1.0) / 0,
        lambda: 1.0 / Value(0.0),
        lambda: Value(0.0) ** -1,
        lambda: Value(0.0) ** Value(-1.0),
        lambda: 0.0 ** Value(-2.0),
    ],
)
def test_division_by_zero_is_both_a_domain_error_and_a_zero_division_error(code):
    try:
        code()
    except ZeroDivisionError as caught:  # what code written for floats catches
        assert isinstance(caught, DomainError) and isinstance(caught, DivisionByZeroError)
        assert caught.op in ("div", "pow", "powc")
    else:
        pytest.fail("no error")


def test_other_domain_errors_stay_value_errors_only():
    with pytest.raises(DomainError) as error:
        Value(0.0).log()
    assert isinstance(error.value, ValueError) and not isinstance(error.value, ZeroDivisionError)
