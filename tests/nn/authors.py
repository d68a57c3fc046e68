"""Hand-written backprops in three authors' styles, written here for the tests, each with switchable mistakes.

- ``NielsenStyle``: per sample, (n, 1) columns, ``w^l`` as n_l × n_{l−1}, sigmoid everywhere, the quadratic
  cost ½‖a − y‖², returning ``(nabla_b, nabla_w)``.
- ``cs231n_style``: the whole batch, ReLU hidden layer, softmax cross-entropy averaged over N plus
  ``reg · ΣW²``, class indices ``y``, biases kept as (1, K), returning a grads dict.
- ``notes_style``: per sample, flat vectors, ``W^(l)`` as n_{l−1} × n_l, ReLU, linear output, ‖z − y‖².

``mistake`` plants one error (None: the derivation is right).
"""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


class NielsenStyle:
    """A network in the style of Nielsen's ``network.py`` (weights and biases loaded from outside)."""

    def __init__(self, weights, biases, mistake=None):
        self.weights, self.biases, self.mistake = weights, biases, mistake
        self.num_layers = len(weights) + 1

    def cost_derivative(self, output_activations, y):
        d = output_activations - y
        return {"doubled": 2 * d, "sign": -d}.get(self.mistake, d)

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights, strict=True):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = self.cost_derivative(activations[-1], y)
        if self.mistake != "no-output-sigma-prime":
            delta = delta * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = self._outer(delta, activations[-2])
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(activations[-l]) if self.mistake == "sigma-prime-of-a" else sigmoid_prime(z)
            w = self.weights[-l + 1] if self.mistake == "no-transpose" else self.weights[-l + 1].transpose()
            delta = np.dot(w, delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = self._outer(delta, activations[-l - 1])
        return (nabla_b, nabla_w)

    def _outer(self, delta, a):
        if self.mistake == "transposed-nabla-w":
            return np.dot(a, delta.transpose())
        return np.dot(delta, a.transpose())


def cs231n_style(params, X, y, reg=0.0, mistake=None):
    """A two-layer net's loss gradient in the style of CS231n's assignment (the whole batch at once)."""
    W1, b1, W2, b2 = params["W1"], params["b1"].reshape(1, -1), params["W2"], params["b2"].reshape(1, -1)
    N = X.shape[0]
    h = np.maximum(0, X.dot(W1) + b1)
    scores = h.dot(W2) + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    dscores = probs.copy()
    if mistake != "no-minus-y":
        dscores[range(N), y] -= 1
    if mistake != "no-divide-by-N":
        dscores /= N
    grads = {}
    l2_factor = {"reg-without-2": 1.0, "no-reg-gradient": 0.0}.get(mistake, 2.0)
    grads["W2"] = h.T.dot(dscores) + l2_factor * reg * W2
    grads["b2"] = dscores if mistake == "bias-not-summed" else np.sum(dscores, axis=0, keepdims=True)
    dhidden = dscores.dot(W2) if mistake == "no-transpose" else dscores.dot(W2.T)
    if mistake != "no-relu-mask":
        dhidden[h <= 0] = 0
    grads["W1"] = X.T.dot(dhidden) + l2_factor * reg * W1
    grads["b1"] = np.sum(dhidden, axis=0, keepdims=True)
    return grads


def notes_style(W, b, x, y, mistake=None):
    """Per sample in the notes' own layout: z^(l) = (W^(l))ᵀ a^(l−1) + b^(l), linear output, ‖z − y‖²."""
    m = len(W)
    a, z = [x], [None]
    for l in range(1, m + 1):
        z.append(W[l - 1].T @ a[-1] + b[l - 1])
        a.append(z[-1] if l == m else np.maximum(z[-1], 0.0))
    delta = [None] * (m + 1)
    delta[m] = (z[m] - y) if mistake == "missing-2" else 2 * (z[m] - y)
    if mistake == "sigma-prime-at-linear-output":
        delta[m] = delta[m] * (z[m] > 0)
    for l in range(m, 1, -1):
        Wl = W[l - 1].T if mistake == "transposed-recursion" else W[l - 1]
        delta[l - 1] = (z[l - 1] > 0) * (Wl @ delta[l])
    gW = [np.outer(a[l - 1], delta[l]) for l in range(1, m + 1)]
    gb = [delta[l] for l in range(1, m + 1)]
    return gW, gb
