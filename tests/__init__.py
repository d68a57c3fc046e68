"""deltagrad's tests: one folder per package (autograd, nn, visualize)."""
