"""Stepping through backprop: the Stepper, its words, the player and the slide deck.

It owns one step of the walk (``step``), the ``Stepper`` that makes and
moves through the steps (``stepper``), the words each step says in HTML
(``step_words``) and the order its opening lists the inputs in
(``input_order``), the player's data and markup (``player_data``,
``player``), the slide deck (``slides``) and the player's script and
style sheets (``web/``). It imports ``drawing`` and the engine; only the
CLI imports it.

>>> from autograd_lite import Value
>>> from autograd_lite.play.stepper import Stepper
>>> s = Stepper(Value(2.0, label="x") * 3)
>>> len(s)
6
"""
