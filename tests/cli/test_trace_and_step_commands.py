"""autograd-lite trace and step: narration, frames, the interactive stepper, bad input."""

from __future__ import annotations

import argparse
import html
import io
import os
import subprocess
import sys

import pexpect
import pytest

from autograd_lite import parse
from autograd_lite.cli import main
from autograd_lite.cli.assignments import graph_from_text, parse_assignment, values_from
from autograd_lite.cli.step_command import interact
from autograd_lite.play.stepper import Stepper

LECTURE = ["q = x + y; f = q * z", "x=-2", "y=5", "z=-4"]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- VAR=VAL ----------------------------------------------------------------------


def test_var_val_pairs():
    assert parse_assignment("x=-2") == ("x", -2.0)
    assert parse_assignment("rate = 1e-3") == ("rate", 0.001)
    assert values_from([("x", 1.0), ("y", 2.0)]) == {"x": 1.0, "y": 2.0}
    named, out = graph_from_text("f = x * y", ["x=3", "y=4"])
    assert out is named["f"] and out.data == 12.0


@pytest.mark.parametrize(
    "text, words",
    [("x", "not VAR=VAL"), ("x=abc", "not a number"), ("2x=1", "not a valid"), ("x=inf", "finite")],
)
def test_bad_var_val_is_an_argparse_error(text, words):
    with pytest.raises(argparse.ArgumentTypeError, match=words):
        parse_assignment(text)


def test_a_variable_given_twice_is_an_error():
    with pytest.raises(ValueError, match="x is given twice"):
        values_from([("x", 1.0), ("x", 2.0)])


# --- trace -------------------------------------------------------------------------


def test_trace_prints_the_lecture_narration_and_final_grads(capsys):
    assert main(["trace", *LECTURE]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:15] == [
        "forward pass",
        "   1. x = −2   (input)",
        "   2. y = 5   (input)",
        "   3. q = x + y = −2 + 5 = 3",
        "   4. z = −4   (input)",
        "   5. f = q * z = 3 * (−4) = −12",
        "backward pass",
        "   6. f̄ = 1   (f.grad = 1)",
        "      f̄ = ∂f/∂f = 1; below, v̄ is ∂f/∂v for each node v",
        "   7. q̄ += f̄ · ∂f/∂q = 1 · (−4) = −4   (q.grad = −4)",
        "      ∂f/∂q = −4 because f = q * z",
        "   8. z̄ += f̄ · ∂f/∂z = 1 · 3 = 3   (z.grad = 3)",
        "      ∂f/∂z = 3 because f = q * z",
        "   9. x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)",
        "      ∂q/∂x = 1 because q = x + y",
    ]
    table = out[out.index("grads after the backward pass") + 1 :]
    assert table == [
        "node  op  data  grad",
        "x           −2    −4",
        "y            5    −4",
        "q     +      3    −4",
        "z           −4     3",
        "f     *    −12     1",
    ]


def test_trace_frames_writes_one_svg_per_step(tmp_path, capsys):
    frames = tmp_path / "frames" / "lecture"
    assert main(["trace", *LECTURE, "--frames", str(frames)]) == 0
    files = sorted(p.name for p in frames.iterdir())
    assert files == [f"step-{k:02d}.svg" for k in range(1, 11)]
    ninth = html.unescape((frames / "step-09.svg").read_text(encoding="utf-8"))
    assert ninth.lstrip().startswith("<?xml") and "grad −4" in ninth
    # after step 9 (df/dx) y has no grad yet; after step 10 it has
    assert "grad ?" in ninth and "grad not computed" not in ninth  # a short text: frames hold still
    assert "grad ?" not in (frames / "step-10.svg").read_text(encoding="utf-8")
    assert "wrote 10 frames" in capsys.readouterr().err


def test_trace_frames_into_a_file_is_a_clear_error(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("")
    assert main(["trace", *LECTURE, "--frames", str(f)]) == 1
    assert "is a file, not a directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, status, words",
    [
        (['__import__("os").system("true")', "x=1"], 1, "^^^^^^^^^^"),
        (["f = log(x)", "x=0"], 1, "log: needs x > 0"),
        (["x * w", "x=1"], 1, "unknown name 'w'"),
        (["x * y", "x=1", "y=oops"], 2, "'oops' is not a number"),
        (["x * y", "x=1", "x=2", "y=3"], 1, "x is given twice"),
        (["x = 1", "x=1"], 1, "is an input"),
    ],
)
@pytest.mark.parametrize("command", ["trace", "step"])
def test_bad_input_is_a_message_on_stderr_without_a_traceback(command, args, status, words):
    done = run_cli(command, *args)
    assert done.returncode == status
    assert words in done.stderr
    assert f"autograd-lite {command}: error:" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


# --- step ----------------------------------------------------------------------------


def test_step_without_a_terminal_prints_everything_and_exits_0():
    done = run_cli("step", *LECTURE, stdin="")
    assert done.returncode == 0
    assert "   9. x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)" in done.stdout
    assert done.stdout.rstrip().endswith("f     *    −12     1")


def test_step_loop_answers_each_command():
    s = Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], notation="unicode")
    commands = iter(["", "n", "p", "j 9", "t", "j 99", "x", "e", "n", "r", "h"])
    out = io.StringIO()

    def read(prompt):
        try:
            return next(commands)
        except StopIteration:
            raise EOFError from None

    assert interact(s, read, out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("10 steps: 5 forward, then 5 backward.")
    assert lines[1] == "[1/10] forward: x = −2   (input)"
    assert lines[2] == "[2/10] forward: y = 5   (input)"
    assert lines[3] == "back to [1/10] forward: x = −2   (input)"
    assert lines[4] == "[9/10] backward: x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)"
    assert lines[5] == "                 ∂q/∂x = 1 because q = x + y"
    assert lines[6:12] == [
        "   node  op  data  grad",
        "*  x           −2    −4",
        "   y            5     -",
        ">  q     +      3    −4",
        "   z           −4     3",
        "   f     *    −12     1",
    ]
    assert "(j needs a step number from 0 to 10, as in j 3)" in lines
    assert any(line.startswith("(unknown command 'x'") for line in lines)
    assert "[10/10] backward: ȳ += q̄ · ∂q/∂y = (−4) · 1 = −4   (y.grad = −4)" in lines
    assert any(line.startswith("(that was the last step") for line in lines)
    assert "[0/10] the start" in lines
    assert s.position == 0


def spawn_step(*, dimensions=(30, 110), term="xterm", **kw):
    env = {**os.environ, "TERM": term, "PYTHONIOENCODING": "utf-8"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "autograd_lite", "step", *LECTURE],
        encoding="utf-8",
        timeout=30,
        dimensions=dimensions,
        env=env,
        **kw,
    )


RIGHT, LEFT, HOME, END = "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F"


def test_the_terminal_stepper_takes_single_keys_and_redraws_in_place():
    child = spawn_step()
    try:
        child.expect_exact("step 0 of 10")
        child.expect_exact("Press → or space for the first.")
        child.send(RIGHT)  # one key, no Enter
        child.expect_exact("step 1 of 10")  # the title line, then the step
        child.expect_exact(" 1. x = −2   (input)")
        child.send(" ")
        child.expect_exact(" 2. y = 5   (input)")
        child.send("n")
        child.expect_exact(" 3. q = x + y = −2 + 5 = 3")
        child.send(LEFT)
        child.expect_exact(" 2. y = 5   (input)")
        child.send("\x7f")  # backspace: back
        child.expect_exact(" 1. x = −2   (input)")
        child.send(END)
        child.expect_exact("10. ȳ += q̄ · ∂q/∂y = (−4) · 1 = −4   (y.grad = −4)")
        child.expect_exact("∂q/∂y = 1 because q = x + y")
        child.expect_exact("└── * y   input   data 5   grad −4")  # the tree, y just written
        child.send(HOME)
        child.expect_exact("step 0 of 10")
        child.send("j")
        child.expect_exact("jump to step (0 to 10): _")
        child.send("9")
        child.send("\r")
        child.expect_exact(" 9. x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)")
        child.expect_exact("├── > q = x + y   data 3   grad −4")
        child.expect_exact("│   ├── * x   input   data −2   grad −4")
        child.send("t")  # the table instead of the tree
        child.expect_exact("*  x           −2    −4")
        child.send("q")
        child.expect_exact("stopped at step 9 of 10: x̄ += q̄")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_the_terminal_stepper_follows_a_resize():
    child = spawn_step(dimensions=(24, 100))
    try:
        child.expect_exact("─" * 100)
        child.setwinsize(20, 60)  # the terminal sends SIGWINCH
        child.expect_exact("─" * 60 + "\r\n")
        child.send(RIGHT)
        child.expect_exact(" 1. x = −2   (input)")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_ctrl_c_in_the_terminal_stepper_exits_130_and_restores_the_terminal():
    child = spawn_step()
    child.expect_exact("step 0 of 10")
    child.sendintr()
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in output
    assert output.rstrip().endswith("\x1b[?1049l") or "\x1b[?1049l" in output  # main screen back


def test_a_dumb_terminal_reads_a_command_per_line():
    child = spawn_step(term="dumb")
    try:
        child.expect_exact("10 steps: 5 forward, then 5 backward.")
        child.expect_exact("> ")
        child.send("\r")  # Enter
        child.expect_exact("[1/10] forward: x = −2   (input)")
        for _ in range(2):
            child.sendline("n")
        child.expect_exact("[3/10] forward: q = x + y = −2 + 5 = 3")
        child.sendline("j 8")
        child.expect_exact("[8/10] backward: z̄ += f̄ · ∂f/∂z = 1 · 3 = 3   (z.grad = 3)")
        child.sendline("n")
        child.expect_exact("[9/10] backward: x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)")
        child.expect_exact("∂q/∂x = 1 because q = x + y")
        child.sendline("t")
        child.expect_exact("*  x           −2    −4")
        child.expect_exact("   y            5     -")
        child.sendline("p")
        child.expect_exact("back to [8/10] backward: z̄")
        child.sendline("")
        child.sendline("")
        child.expect_exact("[10/10] backward: ȳ += q̄ · ∂q/∂y = (−4) · 1 = −4   (y.grad = −4)")
        child.expect_exact("every grad is now what backward() gives")
        child.sendline("q")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_the_line_stepper_quits_on_end_of_input_and_ctrl_c():
    child = spawn_step(term="dumb")
    child.expect_exact("> ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = spawn_step(term="dumb")
    child.expect_exact("> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in output


# --- notation and number format on the command line --------------------------------


def test_trace_writes_plain_ascii_where_stdout_cannot_print_the_bars():
    done = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "trace", *LECTURE],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert done.returncode == 0
    out = done.stdout.decode("ascii")  # nothing outside ASCII
    assert "   9. x_bar += q_bar * dq/dx = (-4) * 1 = -4   (x.grad = -4)" in out
    assert "      dq/dx = 1 because q = x + y" in out


def test_trace_ascii_and_format_options(capsys):
    args = ["trace", "tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1"]
    assert main([*args, "b=6.8813735870195432", "--format", ".4f", "--ascii"]) == 0
    out = capsys.readouterr().out
    assert "b = 6.8814   (input)" in out and "x_bar" not in out and "w1_bar += " in out
    assert out.isascii()
    with pytest.raises(SystemExit):
        main([*args, "b=1", "--format", ".4f", "--digits", "3"])
    assert "not allowed with" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*args, "b=1", "--format", "%d"])
    assert "not a number format" in capsys.readouterr().err
