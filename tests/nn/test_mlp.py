"""Neuron, Layer, MLP: structure, notes' labels, traces, W^(l), options, gradients, bad input."""

from __future__ import annotations

import copy
import math
import pickle
import random
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value
from nn import LOSSES, MLP, Layer, Module, Neuron, cross_entropy, get_loss, reduce, squared_error, target_for
from tests.nn.helpers import assert_close_to_differences, central_differences

LABEL = re.compile(r"^[wbza]\^\(\d+\)_\d+(,\d+)*$")


def _inputs(n: int, seed: int = 0) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)).tolist()


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("bias", [True, False])
def test_whole_network_gradients_match_central_differences(activation, bias):
    model = MLP(3, [4, 3, 2], activation=activation, bias=bias, seed=1)
    xs, ys = _inputs(3), [0, 1, 1]

    def loss():
        return reduce([cross_entropy(model(x), y) for x, y in zip(xs, ys, strict=True)], "sum")

    model.zero_grad()
    loss().backward()
    params = model.parameters()
    assert_close_to_differences([p.grad for p in params], central_differences(loss, params))


@pytest.mark.parametrize("name", list(LOSSES))
def test_whole_network_gradients_under_every_loss_match_central_differences(name):
    model = MLP(3, [5, 2], seed=3)
    xs, labels = _inputs(4, seed=1), [0, 1, 1, 0]
    ys = [target_for(name, label, 2) for label in labels]

    def loss():
        return reduce([get_loss(name)(model(x), y) for x, y in zip(xs, ys, strict=True)], "mean")

    model.zero_grad()
    loss().backward()
    params = model.parameters()
    assert_close_to_differences([p.grad for p in params], central_differences(loss, params))


def test_trace_z_grad_is_delta_and_matches_central_differences_in_z():
    model = MLP(3, [4, 4, 2], activation="tanh", seed=2)
    x, y = _inputs(1)[0], [0.5, -1.0]
    trace = model.trace(x)
    squared_error(trace.output, y).backward()
    assert len(trace.a) == len(trace.z) == 4 and trace.z[0] == [] and trace.a[0][0].data == x[0]
    # δ^(m) by differences of the loss in the output z directly.
    for zk, yk, delta in zip(trace.output, y, trace.deltas(3), strict=True):
        h = 1e-6
        numeric = ((zk.data + h - yk) ** 2 - (zk.data - h - yk) ** 2) / (2 * h)
        assert delta == pytest.approx(numeric, rel=1e-6)
    # Every layer's δ is ∂L/∂z: compare with autograd.grad, which takes another path through the engine.
    out = squared_error(trace.output, y)
    for layer in (1, 2, 3):
        assert autograd.grad(out, trace.z[layer]) == pytest.approx(trace.deltas(layer), rel=1e-12, abs=1e-15)


def test_every_value_the_network_creates_carries_a_notes_label():
    model = MLP(3, [12, 2], seed=0)
    out = model(_inputs(1)[0])
    nodes = autograd.topological_order(out[0]) + autograd.topological_order(out[1])
    assert all(LABEL.match(v.label or "") for v in nodes), {v.label for v in nodes}
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == ["w^(1)_11", "w^(1)_21", "w^(1)_31", "b^(1)_1"]
    assert "w^(1)_3,12" in names and "b^(2)_2" in names
    z = out[1]
    assert z.label == "z^(2)_2" and z.op.name == "dot"  # one dot node per neuron
    assert {p.label for p in z.parents} >= {"a^(1)_1", "w^(2)_12", "b^(2)_2"}


def test_parameters_come_per_layer_per_neuron_weights_then_bias():
    model = MLP(2, [3, 1], seed=0)
    expected = [p for layer in model.layers for neuron in layer.neurons for p in (*neuron.w, neuron.b)]
    assert model.parameters() == expected
    assert len(model.parameters()) == (2 + 1) * 3 + (3 + 1) * 1


@pytest.mark.parametrize("bias", [True, False])
def test_parameters_are_the_named_parameters_values_in_their_order(bias: bool) -> None:
    model = MLP(2, [3, 2], bias=bias, seed=0)
    model.layers[1].neurons[0].w = [Value(1.0), Value(2.0), Value(3.0)]
    for part in (model, *model.layers, *model.layers[0].neurons):
        assert [id(p) for p in part.parameters()] == [id(p) for _, p in part.named_parameters()]


def test_weight_matrix_is_n_prev_by_n_and_round_trips():
    model = MLP(3, [4, 2], seed=0)
    W = model.weight_matrix(1)
    assert W.shape == (3, 4)
    assert W[2, 1] == model.layers[0].neurons[1].w[2].data  # entry [i-1, j-1] is w^(1)_ij
    assert model.layers[0].neurons[1].w[2].label == "w^(1)_32"
    new = np.arange(12.0).reshape(3, 4)
    model.set_weight_matrix(1, new)
    np.testing.assert_array_equal(model.weight_matrix(1), new)
    model.set_bias_vector(2, [1.5, -2.0])
    np.testing.assert_array_equal(model.bias_vector(2), [1.5, -2.0])
    with pytest.raises(ValueError, match=r"W\^\(1\) must have shape \(3, 4\)"):
        model.set_weight_matrix(1, new.T)
    with pytest.raises(IndexError, match="layer must be an int from 1 to 2"):
        model.weight_matrix(0)


def test_no_bias_networks_follow_the_notes():
    model = MLP(3, [4, 1], bias=False, seed=0)
    assert all(n.b is None for layer in model.layers for n in layer.neurons)
    assert len(model.parameters()) == 3 * 4 + 4 * 1
    assert model.bias_vector(1) is None
    assert len(model(_inputs(1)[0]).parents) == 8  # dot of 4 activations and 4 weights, no b


def test_seed_makes_weights_reproducible_and_accepts_a_random_instance():
    assert MLP(2, [8, 1], seed=5).state_dict() == MLP(2, [8, 1], seed=5).state_dict()
    assert MLP(2, [8, 1], seed=5).state_dict() != MLP(2, [8, 1], seed=6).state_dict()
    a = MLP(2, [8, 1], seed=random.Random(9)).state_dict()
    assert a == MLP(2, [8, 1], seed=9).state_dict()


@pytest.mark.parametrize(
    ("init", "bound"),
    [("uniform", lambda n_in, n_out: 1.0), ("xavier", lambda n_in, n_out: math.sqrt(6.0 / (n_in + n_out)))],
)
def test_uniform_inits_stay_within_their_bounds(init, bound):
    model = MLP(50, [40, 1], init=init, seed=0)
    W = model.weight_matrix(1)
    assert np.all(np.abs(W) <= bound(50, 40)) and np.abs(W).max() > 0.9 * bound(50, 40)


def test_he_init_has_variance_two_over_fan_in():
    W = MLP(50, [400, 1], init="he", seed=0).weight_matrix(1)
    assert W.var() == pytest.approx(2.0 / 50, rel=0.05)  # 20,000 draws: ~1% standard error


def test_state_dict_round_trips_and_rejects_a_mismatch_without_changing_anything():
    model, other = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    other.load_state_dict(model.state_dict())
    assert other.state_dict() == model.state_dict()
    before = other.state_dict()
    bad = dict(model.state_dict(), **{"w^(2)_31": float("nan")})
    with pytest.raises(ValueError, match="finite"):
        other.load_state_dict(bad)
    with pytest.raises(KeyError, match="missing"):
        other.load_state_dict({"w^(1)_11": 1.0})
    assert other.state_dict() == before


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_reprs_are_readable():
    model = MLP(2, [16, 16, 1])
    assert repr(model) == "MLP(2 → 16 → 16 → 1, activation='relu', bias=True, output linear)"
    assert repr(model.layers[0]) == "Layer(1: 2 → 16, relu)"
    assert repr(Module()) == "Module(0 parameters)"
    assert repr(Neuron(3)) == "ReLUNeuron(3)" and repr(Layer(3, 2, "linear").neurons[0]) == "LinearNeuron(3)"


@pytest.mark.parametrize(
    ("x", "error", "message"),
    [
        ([1.0, 2.0], ValueError, "has 2 entries, but this MLP expects n_inputs=3"),
        ([1.0, "2", 3.0], TypeError, r"x\[1\] is str"),
        ([1.0, None, 3.0], TypeError, r"x\[1\] is NoneType"),
        ([1.0, True, 3.0], TypeError, r"x\[1\] is bool"),
        (5.0, TypeError, "must be a sequence of 3 numbers"),
        ("abc", TypeError, "must be a sequence of 3 numbers"),
    ],
)
def test_bad_model_input_names_the_argument(x, error, message):
    with pytest.raises(error, match=message):
        MLP(3, [2, 1], seed=0)(x)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activation": "gelu"}, "unknown activation 'gelu': choose one of relu, tanh, sigmoid, linear"),
        ({"init": "zeros"}, "unknown init 'zeros'"),
        ({"layer_sizes": []}, "layer_sizes must be a non-empty list"),
        ({"layer_sizes": [4, 0]}, "layer_sizes must be"),
        ({"n_inputs": 0}, "n_inputs must be a positive int"),
        ({"seed": "1"}, "seed must be an int"),
        ({"bias": "no"}, "bias must be True or False, got str 'no'"),
        ({"bias": None}, "bias must be True or False"),
        ({"layer_sizes": "31"}, "layer_sizes must be"),
        ({"layer_sizes": iter([])}, "layer_sizes must be a non-empty list"),
        ({"layer_sizes": [99999999999999999999, 1]}, r"would have 4e\+20 parameters.*bytes of memory"),
        ({"n_inputs": 10**30, "layer_sizes": [1]}, "would have 1e.30 parameters"),
        ({"layer_sizes": [*range(1, 10**5), 0]}, r"got \[1, 2, 3, 4, 5, 6, \.\.\.\]$"),
        ({"layer_sizes": list(range(1, 10**6))}, r"^MLP\(2 → 1 → 2 → 3 → 4 → 5 → … \(1000000 sizes\)\) would have"),
    ],
)
def test_bad_architecture_names_the_argument(kwargs, message):
    args = {"n_inputs": 2, "layer_sizes": [4, 1]} | kwargs
    with pytest.raises((ValueError, TypeError), match=message):
        MLP(**args)


def test_layer_sizes_may_be_any_iterable_of_ints_read_once() -> None:
    expected = MLP(2, [3, 1], seed=0).state_dict()
    for sizes in (iter([3, 1]), (n for n in (3, 1)), range(3, 0, -2), np.array([3, 1])):
        model = MLP(np.int64(2), sizes, seed=0)
        assert model.sizes == [2, 3, 1] and model.state_dict() == expected
        assert all(type(n) is int for n in model.sizes)


def test_a_numpy_bool_bias_is_a_bool_so_the_model_saves(tmp_path) -> None:
    from nn import load, save

    model = MLP(2, [3, 1], bias=np.bool_(False), seed=0)
    assert model.bias is False
    save(model, tmp_path / "m.json")
    assert load(tmp_path / "m.json").bias is False


def test_weight_matrix_with_grad_is_dL_dW_in_the_notes_shape() -> None:
    model = MLP(3, [4, 2], seed=5)
    loss = squared_error(model([0.3, -0.7, 1.1]), [0.5, -0.5])
    loss.backward()
    for l, layer in enumerate(model.layers, start=1):
        G = model.weight_matrix(l, grad=True)
        assert G.shape == model.weight_matrix(l).shape == (model.sizes[l - 1], model.sizes[l])
        for j, neuron in enumerate(layer.neurons):
            assert [G[i, j] for i in range(len(neuron.w))] == [w.grad for w in neuron.w]
            assert model.bias_vector(l, grad=True)[j] == neuron.b.grad


@pytest.mark.parametrize("output", ["tanh", "sigmoid", "relu"])
def test_output_activation_applies_sigma_to_z_of_the_output_layer(output):
    model = MLP(3, [4, 2], seed=1, output_activation=output)
    linear = MLP(3, [4, 2], seed=1)  # the same weights, output left linear
    x = _inputs(1)[0]
    trace = model.trace(x)
    sigma = {"tanh": math.tanh, "sigmoid": lambda z: 1 / (1 + math.exp(-z)), "relu": lambda z: max(z, 0.0)}[output]
    assert [z.data for z in trace.z[2]] == [z.data for z in linear.trace(x).z[2]]
    assert [a.data for a in trace.output] == pytest.approx([sigma(z.data) for z in trace.z[2]], rel=1e-15)
    assert [a.label for a in model(x)] == ["a^(2)_1", "a^(2)_2"] and trace.output == trace.a[2]
    assert repr(model) == f"MLP(3 → 4 → 2, activation='relu', bias=True, output {output})"
    assert repr(model.layers[-1]) == f"Layer(2: 4 → 2, {output})"


@pytest.mark.parametrize("output", [None, "linear"])
def test_a_linear_output_is_z_itself(output):
    model = MLP(3, [4, 2], seed=1, output_activation=output)
    trace = model.trace(_inputs(1)[0])
    assert trace.output is trace.z[2] and model.output_activation == "linear"
    assert repr(model).endswith("output linear)")


@pytest.mark.parametrize(("activation", "output"), [("tanh", "tanh"), ("relu", "sigmoid")])
def test_gradients_through_a_nonlinear_output_match_central_differences(activation, output):
    model = MLP(3, [4, 3, 2], activation=activation, seed=6, output_activation=output)
    xs, ys = _inputs(3), [[0.5, -0.5], [-1.0, 0.2], [0.0, 1.0]]

    def loss():
        return reduce([squared_error(model(x), y) for x, y in zip(xs, ys, strict=True)], "sum")

    model.zero_grad()
    loss().backward()
    params = model.parameters()
    assert_close_to_differences([p.grad for p in params], central_differences(loss, params))


def test_the_lectures_tanh_network_is_one_call():
    model = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "tanh"]
    assert model([2.0, 3.0, -1.0]).op.name == "tanh"  # the output itself is a tanh node


def test_micrograds_nonlin_keyword_picks_relu_or_linear():
    x = [1.0, -2.0, 0.5]
    assert Neuron(3, nonlin=False).activation == "linear" and Neuron(3, nonlin=True).activation == "relu"
    assert Neuron(3, False).activation == "linear"  # micrograd's Neuron(nin, nonlin), positionally
    assert Layer(3, 2, nonlin=False).activation == "linear" and Layer(3, 2).activation == "relu"
    linear = Neuron(3, nonlin=False, seed=0)
    assert linear(x).data == pytest.approx(sum(w.data * xi for w, xi in zip(linear.w, x, strict=True)), rel=1e-15)
    assert repr(linear) == "LinearNeuron(3)"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"activation": "tanh", "nonlin": True}, TypeError, "give activation= or micrograd's nonlin=, not both"),
        ({"nonlin": 1}, TypeError, r"nonlin must be True \(ReLU\) or False \(linear\)"),
        ({"activation": "gelu"}, ValueError, "unknown activation 'gelu'"),
    ],
)
def test_bad_neuron_and_layer_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        Neuron(3, **kwargs)
    with pytest.raises(error, match=message):
        Layer(3, 2, **kwargs)


def test_a_layer_of_one_neuron_returns_a_bare_value_and_wider_layers_a_list():
    x = [1.0, -2.0, 0.5]
    one, two = Layer(3, 1, seed=0), Layer(3, 2, seed=0)
    assert isinstance(one(x), autograd.Value) and one(x).data == one.forward(x)[1][0].data
    assert isinstance(two(x), list) and len(two(x)) == 2
    assert isinstance(one.forward(x)[1], list)  # forward keeps lists: MLP and traces build on it


def test_bad_output_activation_names_the_argument():
    with pytest.raises(ValueError, match="unknown output_activation 'softmax': choose one of relu, tanh"):
        MLP(2, [3, 2], output_activation="softmax")


def test_without_a_seed_the_default_init_is_micrograds_and_with_one_it_is_he():
    random.seed(11)
    unseeded = MLP(4, [5, 1])
    random.seed(11)
    draws = [random.uniform(-1, 1) for _ in range(4 * 5 + 5)]  # weights only: biases start at 0
    assert unseeded.init == "uniform" and [p.data for p in unseeded.parameters() if p.data] == draws
    assert all(n.b.data == 0.0 for layer in unseeded.layers for n in layer.neurons)
    seeded = MLP(4, [5, 1], seed=3)
    assert seeded.init == "he" and seeded.state_dict() == MLP(4, [5, 1], init="he", seed=3).state_dict()
    random.seed(11)
    assert Neuron(4).w[0].data == draws[0]  # a bare Neuron draws as micrograd's does too


def test_a_layers_dot_nodes_keep_a_and_w_b_as_two_tuples_and_read_as_one() -> None:
    """nn's dot nodes share the layer's a and the neuron's own (w, b) tuple; parents still read a, w, b in order."""
    model = MLP(2, [3, 1], seed=0)
    trace = model.trace([0.5, -1.0])
    for l, layer in enumerate(model.layers, start=1):
        for zj, neuron in zip(trace.z[l], layer.neurons, strict=True):
            assert zj.parents == (*trace.a[l - 1], *neuron.w, neuron.b)
    hidden = trace.z[2][0]
    assert type(hidden._b) is tuple and hidden._b is model.layers[1].neurons[0]._wb  # nothing copied per sample
    eager = [zj.data for zj in trace.z[2]]
    assert eager == [autograd.dot(trace.a[1], n.w, n.b).data for n in model.layers[1].neurons]


def test_replacing_a_neurons_weights_is_checked_and_used() -> None:
    model = MLP(2, [2, 1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w = [Value(1.0), Value(2.0)]
    neuron.b = Value(0.5)
    assert model.layers[0].forward([Value(1.0), Value(1.0)])[0][0].data == 3.5
    with pytest.raises(TypeError, match="weights and bias must be Values"):
        neuron.w = [1.0, 2.0]
    neuron.w = [Value(1.0)]  # one weight for two inputs: the layer says so, no silent truncation
    with pytest.raises(ValueError, match="same length"):
        model.layers[0].forward([Value(1.0), Value(1.0)])


def test_a_layer_reads_its_neurons_as_they_are_now() -> None:
    """A layer keeps what its dot nodes need between calls; every change to its neurons reaches the next graph."""
    layer = Layer(2, 3, seed=0)
    x = [Value(0.5), Value(-1.0)]

    def made_from(z: list[Value]) -> list[tuple[Value, ...]]:
        assert [zj.label for zj in z] == [n._z_label for n in layer.neurons]
        return [zj.parents[2:] for zj in z]

    def expected() -> list[tuple[Value, ...]]:
        return [(*n.w, n.b) for n in layer.neurons]

    assert made_from(layer.forward(x)[0]) == expected()
    layer.neurons[0], layer.neurons[1] = layer.neurons[1], layer.neurons[0]  # in place: same list, same length
    assert made_from(layer.forward(x)[0]) == expected()
    layer.neurons[2].w = [Value(3.0), Value(4.0)]
    layer.neurons[1].b = Value(7.0)
    assert made_from(layer.forward(x)[0]) == expected()
    layer.neurons.append(Neuron(2, seed=1))
    assert made_from(layer.forward(x)[0]) == expected()
    layer.neurons = layer.neurons[:2]
    assert made_from(layer.forward(x)[0]) == expected()
    with pytest.raises(ValueError, match="same length"):
        layer.forward([*x, Value(1.0)])  # three inputs for two weights a neuron
    assert made_from(layer.forward(x)[0]) == expected()


@pytest.mark.parametrize("copy_of", ["pickle", "deepcopy", "pickled by an older deltagrad"])
def test_a_copied_model_computes_what_the_original_does(copy_of: str) -> None:
    model = MLP(2, [4, 3, 1], seed=0)
    model([0.5, -1.0])  # its layers have made their plans
    if copy_of == "deepcopy":
        other = copy.deepcopy(model)
    else:
        state = pickle.dumps(model)
        other = pickle.loads(state)
        if copy_of != "pickle":  # weights of the plain constructed class, no kinds, an old plan's attributes
            for layer in other.layers:
                layer._plan_key, layer._planned = None, None
                for neuron in layer.neurons:
                    del neuron.__dict__["_kind"]
                    for p in neuron.parameters():
                        p.__class__ = type(Value(0.0))
    x = [0.5, -1.0]
    loss, copied = squared_error(model(x), 0.25), squared_error(other(x), 0.25)
    loss.backward()
    copied.backward()
    assert copied.data == loss.data
    assert [p.grad for p in other.parameters()] == [p.grad for p in model.parameters()]
    assert not set(map(id, other.parameters())) & set(map(id, model.parameters()))  # its own Values


def test_a_pickled_layer_keeps_no_numbers_it_read() -> None:
    """A layer's kept numbers are dated by this process's count of writes (``data_writes``); in another process
    the count means nothing, so a pickle carries none of them: the copy reads its weights afresh."""
    from autograd import value

    model = MLP(2, [3, 1], seed=0)
    x = [0.5, -1.0]
    model(x)  # numbers read at this count
    count = value.data_writes()
    model.layers[0].neurons[0].w[0].data = 5.0  # after the read: what the layer kept is out of date
    other = pickle.loads(pickle.dumps(model))
    hidden, output = model.layers
    expected = output.neurons[0]([n([Value(v) for v in x]) for n in hidden.neurons]).data  # neuron by neuron
    value._writes = count  # as if the copy were loaded where the count stands where it did when they were read
    try:
        assert other(x).data == expected
    finally:
        value._writes = count + 1_000  # on from any count seen so far: every kept number is read again


def test_a_neurons_weights_add_to_lists_as_micrograds_do() -> None:
    """micrograd's Neuron.w is a list: ``n.w + [n.b]`` (its parameters()) and ``[n.b] + n.w`` keep working."""
    neuron = Neuron(3, seed=0)
    assert neuron.w + [neuron.b] == [*neuron.w, neuron.b]  # noqa: RUF005 - the concatenation is what is tested
    assert [neuron.b] + neuron.w == [neuron.b, *neuron.w]  # noqa: RUF005
    assert neuron.w + () == tuple(neuron.w)  # noqa: RUF005
    with pytest.raises(TypeError, match=r"neuron.w = \[...\]"):
        neuron.w[0] = Value(1.0)
    neuron.w[0].data = 1.5  # a value changes in place, as in micrograd
    z = neuron.pre_activation([Value(1.0), Value(2.0), Value(3.0)])
    w = [wi.data for wi in neuron.w]
    assert z.parents[3] is neuron.w[0] and z.data == math.fsum([w[0], 2.0 * w[1], 3.0 * w[2], neuron.b.data])


_number = st.floats(-4.0, 4.0, allow_nan=False, width=64)
_writes = st.one_of(
    st.tuples(st.just("p.data ="), st.integers(0, 16), _number),
    st.tuples(st.just("p.data +="), st.integers(0, 16), _number),
    st.tuples(st.just("setattr"), st.integers(0, 16), _number),
    st.tuples(st.just("SGD.step"), st.just(0), _number),
    st.tuples(st.just("load_state_dict"), st.integers(0, 16), _number),
    st.tuples(st.just("forward"), st.just(0), _number),
)


@given(actions=st.lists(_writes, max_size=10), x=st.tuples(_number, _number))
def test_a_layers_kept_numbers_are_its_weights_at_every_forward(
    actions: list[tuple[str, int, float]], x: tuple[float, float]
) -> None:
    """A layer keeps its Parameters' numbers from one forward to the next (``nn.layer._Plan``) until one is set,
    by whatever means: every forward, and every backward through it, is bit for bit that of the network's
    neurons called one by one, which read each weight as it is (``autograd.dot``, nothing kept)."""
    from nn import SGD

    model = MLP(2, [3, 2], seed=0)
    params = model.parameters()

    def outputs(kept: bool) -> tuple[list[str], list[str]]:
        xs = [Value(v) for v in x]
        if kept:
            out = model(xs)
        else:
            hidden, last = model.layers
            a = [n(xs) for n in hidden.neurons]
            out = [n(a) for n in last.neurons]
        model.zero_grad()
        autograd.sum(zk * (k + 1.5) for k, zk in enumerate(out)).backward()
        return [repr(zk.data) for zk in out], [repr(p.grad) for p in (*params, *xs)]

    for what, i, v in [*actions, ("forward", 0, 0.0)]:
        p = params[i]
        if what == "p.data =":
            p.data = v
        elif what == "p.data +=":
            p.data += v
        elif what == "setattr":
            setattr(p, "data", v)  # noqa: B010 - the attribute named, as a generic tool would
        elif what == "SGD.step":
            SGD(model, lr=abs(v) / 8 + 0.01).step()  # after the backward of the last forward
        elif what == "load_state_dict":
            model.load_state_dict({**model.state_dict(), p.label: v})
        else:
            assert outputs(kept=True) == outputs(kept=False)
