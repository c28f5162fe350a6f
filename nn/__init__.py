"""Neural networks made of autograd_lite Values."""
