"""Export to PyTorch, for users who outgrow a scalar engine.

``to_torch(model)`` builds the same network as a ``torch.nn.Sequential`` of
``Linear`` layers and activations (the output layer's too, when it has one),
carrying the same weights. The notes'
``W^(l)`` is ``n_{l-1} × n_l`` (``z = Wᵀa``); ``torch.nn.Linear`` stores the
transpose (``z = W a``), so each layer's ``weight`` is ``W^(l)ᵀ``. PyTorch is an
optional dependency, imported only here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nn.mlp import MLP

if TYPE_CHECKING:  # pragma: no cover
    import torch


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch() needs PyTorch: pip install 'deltagrad[torch]' (or pip install torch)") from None
    return torch


def to_torch(model: MLP, dtype: torch.dtype | None = None) -> torch.nn.Sequential:
    """An equivalent ``torch.nn.Sequential`` with ``model``'s weights (float64 unless ``dtype`` says otherwise).

    float64 keeps every weight bit-for-bit; pass ``dtype=torch.float32`` for speed.
    """
    torch = _torch()
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch() needs an MLP, got {type(model).__name__}")
    dtype = torch.float64 if dtype is None else dtype
    activations = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    modules: list[torch.nn.Module] = []
    sizes = model.sizes
    for l in range(1, len(sizes)):
        linear = torch.nn.Linear(sizes[l - 1], sizes[l], bias=model.bias, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.as_tensor(model.weight_matrix(l).T, dtype=dtype))
            if model.bias:
                linear.bias.copy_(torch.as_tensor(model.bias_vector(l), dtype=dtype))
        modules.append(linear)
        sigma = model.activation if l < len(sizes) - 1 else model.output_activation
        if sigma in activations:  # "linear" adds no module
            modules.append(activations[sigma]())
    return torch.nn.Sequential(*modules)


__all__ = ["to_torch"]
