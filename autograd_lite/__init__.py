"""autograd-lite: scalar reverse-mode automatic differentiation you can watch.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> f = (x + y) * z
>>> f.backward()
>>> (x.grad, y.grad, z.grad)
(-4.0, -4.0, 3.0)
"""

from .expression import ExpressionError, parse
from .functional import GradcheckError, grad, gradcheck, hessian, value_and_grad
from .grad_mode import no_grad
from .softmax import log_softmax, logsumexp, softmax
from .steps import Step, Stepper
from .value import Value
from .viz import draw, render, to_svg

__version__ = "0.1.0"

# The batched compiler needs numpy, which the rest of the package does not
# import: its names load on first use (``from autograd_lite import compile_batched``).
_BATCHED = ("BatchResult", "BatchedGraph", "TraceError", "compile_batched")


def __getattr__(name: str) -> object:
    if name in _BATCHED:
        from . import batched

        return getattr(batched, name)
    raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")


__all__ = [
    "BatchResult",
    "BatchedGraph",
    "ExpressionError",
    "GradcheckError",
    "Step",
    "Stepper",
    "TraceError",
    "Value",
    "compile_batched",
    "draw",
    "grad",
    "gradcheck",
    "hessian",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "parse",
    "render",
    "softmax",
    "to_svg",
    "value_and_grad",
]
