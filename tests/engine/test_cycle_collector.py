"""``no_cycle_collection``: the cycle collector paused inside the block, exactly as it was
after it, whatever happens inside and however many threads use it."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest

from autograd_lite import Value, no_cycle_collection
from nn import MLP, fit


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_on_again_after_a_forward_and_backward():
    x = Value(0.5, label="x")
    with no_cycle_collection():
        assert not gc.isenabled()
        f = sum((x * k + 1.0).tanh() for k in range(500))
        f.backward()
    assert gc.isenabled()
    # the gradient is the one without the block: sum of k * (1 - tanh^2)
    expected = sum(k * (1 - np.tanh(0.5 * k + 1.0) ** 2) for k in range(500))
    assert x.grad == pytest.approx(expected, rel=1e-12)


def test_off_stays_off():
    gc.disable()
    with no_cycle_collection():
        pass
    assert not gc.isenabled()


def test_an_error_inside_still_turns_it_back_on():
    with pytest.raises(ValueError, match="log"):
        with no_cycle_collection():
            Value(-1.0).log()
    assert gc.isenabled()


def test_nested_blocks_resume_when_the_outer_one_ends():
    with no_cycle_collection():
        with no_cycle_collection():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_threads_resume_when_the_last_block_closes():
    inside, release = threading.Event(), threading.Event()

    def worker():
        with no_cycle_collection():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    with no_cycle_collection():
        pass
    assert not gc.isenabled()  # the worker's block is still open
    release.set()
    t.join(5)
    assert gc.isenabled()


def test_a_loop_made_inside_is_collected_once_the_collector_is_back():
    class Loop:
        pass

    with no_cycle_collection():
        a, b = Loop(), Loop()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
    assert alive() is not None  # refcounting alone cannot free a loop
    gc.collect()
    assert alive() is None


def test_fit_leaves_the_collector_as_it_found_it():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    y = np.array([1.0, 1.0, -1.0, -1.0])
    before = (gc.isenabled(), gc.get_threshold())
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=3)
    assert (gc.isenabled(), gc.get_threshold()) == before
    gc.disable()
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=3)
    assert not gc.isenabled()
