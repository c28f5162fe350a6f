"""Every optimizer step against a hand computation."""

import math

import pytest

from autograd_lite import Value
from nn import MLP, SGD, Adam


def set_grads(params, grads):
    for p, g in zip(params, grads):
        p.grad = g


def test_sgd_step_is_w_minus_eta_times_grad():
    w = [Value(1.0), Value(-2.0)]
    opt = SGD(w, lr=0.1)
    set_grads(w, [0.5, -4.0])
    opt.step()
    assert [p.data for p in w] == [1.0 - 0.1 * 0.5, -2.0 - 0.1 * -4.0]
    assert opt.t == 1


def test_sgd_learning_rate_schedule_eta_t_is_called_with_t_0_1_2():
    seen = []

    def eta(t):
        seen.append(t)
        return 1.0 - 0.9 * t / 100  # micrograd's moons schedule

    w = Value(0.0)
    opt = SGD([w], lr=eta)
    expected = 0.0
    for t in range(3):
        w.grad = 1.0
        opt.step()
        expected -= 1.0 - 0.9 * t / 100
    assert seen == [0, 1, 2]
    assert w.data == pytest.approx(expected, rel=1e-15)
    assert opt.learning_rate() == pytest.approx(1.0 - 0.9 * 3 / 100)


def test_sgd_momentum_accumulates_velocity_by_hand():
    # v1 = g1 = 1;  w = 1 - 0.1*1 = 0.9
    # v2 = 0.5*1 + 2 = 2.5;  w = 0.9 - 0.1*2.5 = 0.65
    # v3 = 0.5*2.5 - 1 = 0.25;  w = 0.65 - 0.025 = 0.625
    w = Value(1.0)
    opt = SGD([w], lr=0.1, momentum=0.5)
    for g, expected in [(1.0, 0.9), (2.0, 0.65), (-1.0, 0.625)]:
        w.grad = g
        opt.step()
        assert w.data == pytest.approx(expected, rel=1e-14)


def test_sgd_weight_decay_adds_decay_times_w_to_the_gradient():
    # g' = 0.5 + 0.01 * 2 = 0.52;  w = 2 - 0.1 * 0.52 = 1.948
    w = Value(2.0)
    opt = SGD([w], lr=0.1, weight_decay=0.01)
    w.grad = 0.5
    opt.step()
    assert w.data == pytest.approx(1.948, rel=1e-14)


def test_sgd_with_momentum_and_weight_decay_together():
    # step 1: g = 1 + 0.1*1 = 1.1, v = 1.1, w = 1 - 0.5*1.1 = 0.45
    # step 2: g = 1 + 0.1*0.45 = 1.045, v = 0.9*1.1 + 1.045 = 2.035, w = 0.45 - 1.0175
    w = Value(1.0)
    opt = SGD([w], lr=0.5, momentum=0.9, weight_decay=0.1)
    w.grad = 1.0
    opt.step()
    assert w.data == pytest.approx(0.45, rel=1e-14)
    w.grad = 1.0
    opt.step()
    assert w.data == pytest.approx(0.45 - 0.5 * 2.035, rel=1e-14)


def test_adam_two_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    w = Value(0.5)
    opt = Adam([w], lr=lr, betas=(b1, b2), eps=eps)
    expected, m, v = 0.5, 0.0, 0.0
    for t, g in enumerate([0.2, -0.4], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        expected -= lr * m_hat / (math.sqrt(v_hat) + eps)
        w.grad = g
        opt.step()
        assert w.data == pytest.approx(expected, rel=1e-14)


def test_adam_first_step_moves_each_weight_by_lr_against_its_gradient_sign():
    w = [Value(0.0), Value(0.0), Value(0.0)]
    opt = Adam(w, lr=0.1)
    set_grads(w, [1e-3, -50.0, 7.0])
    opt.step()
    assert [p.data for p in w] == pytest.approx([-0.1, 0.1, -0.1], rel=1e-4)


def test_adam_weight_decay_is_added_to_the_gradient():
    a, b = Value(1.0), Value(1.0)
    opt_a = Adam([a], lr=0.1, weight_decay=0.5)
    opt_b = Adam([b], lr=0.1)
    a.grad, b.grad = 1.0, 1.5  # 1.0 + 0.5 * w(=1.0)
    opt_a.step()
    opt_b.step()
    assert a.data == b.data


def test_sgd_minimizes_a_quadratic_to_its_closed_form_minimum():
    w = Value(0.0)
    opt = SGD([w], lr=0.1)
    for _ in range(200):
        opt.zero_grad()
        loss = (w - 3.0) ** 2
        loss.backward()
        opt.step()
    assert w.data == pytest.approx(3.0, abs=1e-9)


def test_zero_grad_clears_accumulated_leaf_gradients():
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model, lr=0.1)
    model([1.0, 1.0]).backward()
    model([1.0, 1.0]).backward()
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_optimizer_takes_a_module_or_its_parameters():
    model = MLP(2, [3, 1], seed=0)
    assert SGD(model).params == model.parameters()
    assert Adam(model.parameters()).params == model.parameters()


def test_a_nan_gradient_stops_the_step_with_the_parameter_name_and_changes_nothing():
    model = MLP(2, [2, 1], seed=0)
    opt = SGD(model, lr=0.1)
    before = model.state_dict()
    for p in model.parameters():
        p.grad = 1.0
    model.layers[1].neurons[0].w[1].grad = float("nan")
    with pytest.raises(FloatingPointError, match=r"layers\.1\.neurons\.0\.w\.1.*nan.*no parameter"):
        opt.step()
    assert model.state_dict() == before
    assert opt.t == 0


def test_an_infinite_gradient_stops_adam_too():
    w = Value(1.0, label="w")
    opt = Adam([w])
    w.grad = float("inf")
    with pytest.raises(FloatingPointError, match="'w' is inf"):
        opt.step()
    assert w.data == 1.0


def test_a_schedule_returning_a_negative_rate_names_the_step():
    w = Value(1.0)
    opt = SGD([w], lr=lambda t: 0.1 - 0.1 * t)
    w.grad = 1.0
    opt.step()
    opt.step()  # t = 1 gives 0.0, still fine
    with pytest.raises(ValueError, match="lr schedule at step 2 must be a finite number >= 0"):
        opt.step()


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: SGD([]), ValueError, "no parameters"),
        (lambda: SGD([1.0]), TypeError, r"params\[0\] is float"),
        (lambda: SGD(Value(1.0)), TypeError, "single Value"),
        (lambda: SGD([Value(1.0)], lr=-1), ValueError, "lr must be a finite number >= 0"),
        (lambda: SGD([Value(1.0)], lr="fast"), TypeError, "lr must be a number or a callable"),
        (lambda: SGD([Value(1.0)], momentum=1.0), ValueError, "momentum must be in"),
        (lambda: SGD([Value(1.0)], weight_decay=-1), ValueError, "weight_decay"),
        (lambda: Adam([Value(1.0)], betas=(0.9,)), TypeError, "betas must be a pair"),
        (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, r"betas\[1\]"),
    ],
)
def test_bad_optimizer_arguments_say_what_was_wrong(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_the_same_parameter_twice_is_refused():
    w = Value(1.0)
    with pytest.raises(ValueError, match=r"params\[1\] appears twice"):
        SGD([w, w])


# --- AdamW: decoupled weight decay, as PyTorch's torch.optim.AdamW ------------------


def adamw_by_closed_form(w0, g, lr, wd, eps, steps):
    """Each AdamW step with a constant gradient g, worked out once by hand.

    With g fixed, m_t = (1 - b1^t) g and v_t = (1 - b2^t) g^2, so the bias-corrected
    moments are exactly g and g^2 and every Adam step is the same c = lr g / (|g| + eps).
    PyTorch's AdamW decays first, w <- w - lr wd w = a w with a = 1 - lr wd, then
    steps: w_t = a w_(t-1) - c, a geometric series:
    w_T = a^T w_0 - c (1 - a^T) / (1 - a).
    """
    a = 1.0 - lr * wd
    c = lr * g / (abs(g) + eps)
    return a**steps * w0 - c * (1.0 - a**steps) / (1.0 - a)


def test_adamw_100_steps_match_the_closed_form_to_1e_12():
    from nn import AdamW

    w0 = [0.8, -1.5, 3.0, 1e-3]
    grads = [0.25, -2.0, 1e-4, 7.5]
    lr, wd, eps = 0.01, 0.1, 1e-8
    w = [Value(x) for x in w0]
    opt = AdamW(w, lr=lr, weight_decay=wd, eps=eps)
    for _ in range(100):
        set_grads(w, grads)
        opt.step()
    for p, x0, g in zip(w, w0, grads):
        expected = adamw_by_closed_form(x0, g, lr, wd, eps, 100)
        assert abs(p.data - expected) <= 1e-12 * max(1.0, abs(expected))
    assert opt.t == 100


def test_adamw_defaults_are_pytorchs():
    from nn import AdamW

    opt = AdamW([Value(1.0)])
    assert (opt.lr, opt.betas, opt.eps, opt.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 1e-2)


def test_adamw_decays_the_weight_not_the_gradient():
    # A zero gradient: Adam's L2 decay (g = wd * w) takes a full lr-sized step,
    # AdamW only shrinks the weight by lr * wd * w.
    from nn import AdamW

    a, b = Value(2.0), Value(2.0)
    adamw, adam = AdamW([a], lr=0.1, weight_decay=0.5), Adam([b], lr=0.1, weight_decay=0.5)
    a.grad = b.grad = 0.0
    adamw.step()
    adam.step()
    assert a.data == pytest.approx(2.0 - 0.1 * 0.5 * 2.0, rel=1e-15)
    assert b.data == pytest.approx(2.0 - 0.1, rel=1e-9)


def test_adamw_is_exported_next_to_adam():
    import nn

    assert "AdamW" in nn.__all__ and issubclass(nn.AdamW, nn.Optimizer)


# --- a step is all or nothing ---------------------------------------------------


@pytest.mark.parametrize("make", [lambda w: Adam(w, eps=0), lambda w: Adam(w, eps=0.0)])
def test_adam_eps_0_is_refused_because_a_zero_gradient_would_divide_by_zero(make):
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        make([Value(1.0)])


def test_adamw_eps_0_and_infinite_weight_decay_are_refused():
    from nn import AdamW

    with pytest.raises(ValueError, match="AdamW: eps must be a finite number > 0"):
        AdamW([Value(1.0)], eps=0.0)
    with pytest.raises(ValueError, match="AdamW: weight_decay"):
        AdamW([Value(1.0)], weight_decay=math.inf)
    with pytest.raises(ValueError, match="SGD: weight_decay"):
        SGD([Value(1.0)], weight_decay=math.inf)


def test_an_update_that_overflows_changes_no_parameter_and_names_the_one_it_would_break():
    # The first gradient is fine, the second is finite but lr * g overflows to -inf.
    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    opt = SGD([a, b], lr=1e300, momentum=0.5)
    a.grad, b.grad = 1.0, -1e10
    with pytest.raises(FloatingPointError, match=r"SGD step 0: .*'b'.*no parameter was changed"):
        opt.step()
    assert (a.data, b.data, opt.t, opt.velocity) == (1.0, 1.0, 0, [0.0, 0.0])


def test_adam_keeps_its_moments_when_a_step_is_refused():
    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    opt = Adam([a, b], lr=0.1)
    a.grad, b.grad = 0.5, 1e200  # b's second moment (1e200)^2 overflows
    with pytest.raises(FloatingPointError, match="'b'"):
        opt.step()
    assert (a.data, b.data, opt.m, opt.v, opt.t) == (1.0, 1.0, [0.0, 0.0], [0.0, 0.0], 0)
    b.grad = 2.0  # the same optimizer then steps as if nothing had happened
    opt.step()
    assert a.data == pytest.approx(0.9, rel=1e-7) and b.data == pytest.approx(0.9, rel=1e-7)
