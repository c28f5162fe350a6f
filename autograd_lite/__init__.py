"""autograd-lite: scalar reverse-mode automatic differentiation you can watch.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> f = (x + y) * z
>>> f.backward()
>>> (x.grad, y.grad, z.grad)
(-4.0, -4.0, 3.0)

Importing the package loads only the engine (``Value``, the op records and
backprop). Every other public name loads its module on first use, so
``from autograd_lite import Value`` pulls in no numpy, graphviz, parser or
drawing code.

The folders, and what each may import (an arrow points downwards; nothing
imports upwards, not even inside a function)::

    cli ──► play ──► drawing ──► engine ◄── expression (parse)
     │       Stepper, steps,     scene, frames,   Value, op records, ops,
     │       player, slides,     DOT, renderer,   backprop, grad mode,
     │       web/                layout, SVG,     grad / hessian / gradcheck,
     │                           text tree        custom ops, softmax
     ├──► expression
     └──► nn (for --mlp and --neuron)
    batched (trace → program → lowering → run) ──► engine
    nn ──► engine, batched

At the top beside this face: ``__main__`` (``python -m autograd_lite``),
``errors`` (the messages that name an op and its operand), ``atomic_file``
(writing a file whole or not at all), ``expression`` (the expression
language) and ``slides`` (``write_slides``'s old address).
"""

from __future__ import annotations

from importlib import import_module

from .engine.grad_mode import no_grad
from .engine.value import Value

__version__ = "0.1.0"

# Public name -> the module (relative to this package) that defines it.
_LAZY: dict[str, str] = {
    "BatchResult": ".batched",
    "BatchedGraph": ".batched",
    "TraceError": ".batched",
    "compile_batched": ".batched",
    "ExpressionError": ".expression",
    "parse": ".expression",
    "GradcheckError": ".engine.functional",
    "central_difference": ".engine.functional",
    "grad": ".engine.functional",
    "gradcheck": ".engine.functional",
    "hessian": ".engine.functional",
    "value_and_grad": ".engine.functional",
    "custom_op": ".engine.custom_ops",
    "no_cycle_collection": ".engine.cycle_collector",
    "log_softmax": ".engine.stable_softmax",
    "logsumexp": ".engine.stable_softmax",
    "softmax": ".engine.stable_softmax",
    "Step": ".play.step",
    "Stepper": ".play.stepper",
    "draw": ".drawing.viz",
    "render": ".drawing.viz",
    "to_svg": ".drawing.viz",
    "to_text": ".drawing.text_tree",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = ["Value", "no_grad", *_LAZY]
