"""The engine: a Value records its parents and local derivatives; backward walks them once.

It owns ``Value`` (``value``) and its methods, made from the op records
(``value_methods``, compiled from the rules by ``rule_inlining``), the op
records (``op_record``: name, arity, rule, domain, notation) and the
built-in ops declared with them (``ops``), the math backend the rules run
on for floats (``float_math``), numbers folded into their nodes
(``number_operands``) and the checks of numbers in and out of an op
(``number_checks``), the backward pass and topological order
(``backprop``), ``no_grad`` (``grad_mode``), ``no_cycle_collection``
(``cycle_collector``), the function transforms ``grad``,
``value_and_grad``, ``hessian`` and ``gradcheck`` (``functional``), user
ops (``custom_ops``) and the stable ``logsumexp`` / ``softmax`` /
``log_softmax`` (``stable_softmax``). It imports nothing of this package but ``errors``:
no drawing, parsing, nn or CLI; every other folder builds on it.

>>> from autograd_lite.engine.value import Value
>>> x = Value(3.0, label="x")
>>> y = x * x
>>> y.backward()
>>> x.grad
6.0
"""
