"""state_dict / load_state_dict and save / load: round trips and every failure mode.

Every failure test snapshots all parameter data first and checks the model
is exactly as it was afterwards.
"""

import hashlib
import json
import os
import stat

import pytest

from nn import MLP, CheckpointError, Layer, Module, Neuron


def snapshot(model):
    return [(name, p.data) for name, p in model.named_parameters()]


def sealed(text):
    """A JSON object's text with the checksum line a model file ends with.

    The format: the object without its closing brace, then
    ',\n "sha256": "<sha256 of everything before that comma>"\n}\n'.
    """
    head = text.rstrip()
    assert head.endswith("}")
    head = head[:-1].rstrip()
    digest = hashlib.sha256(head.encode("utf-8")).hexdigest()
    return f'{head},\n "sha256": "{digest}"\n}}\n'


def unsealed(path):
    """The document of a saved model file, without its checksum field."""
    doc = json.loads(path.read_text())
    del doc["sha256"]
    return doc


@pytest.fixture
def model():
    return MLP(2, [4, 3, 1], seed=0)


@pytest.fixture
def saved(tmp_path, model):
    path = tmp_path / "model.json"
    model.save(path)
    return path


def test_state_dict_round_trip_restores_every_parameter_exactly(model):
    state = model.state_dict()
    other = MLP(2, [4, 3, 1], seed=1)
    assert other.state_dict() != state
    other.load_state_dict(state)
    assert other.state_dict() == state


def test_state_dict_is_a_copy_of_the_numbers(model):
    state = model.state_dict()
    state["layers.0.neurons.0.w.0"] = 99.0
    assert model.layers[0].neurons[0].w[0].data != 99.0


def test_save_then_load_into_a_fresh_model_gives_identical_outputs(tmp_path, model):
    path = tmp_path / "m.json"
    model.save(path)
    fresh = MLP(2, [4, 3, 1], seed=123)
    assert fresh.load(path) is fresh
    assert fresh.state_dict() == model.state_dict()  # floats survive JSON exactly
    assert fresh([0.3, -0.8]).data == model([0.3, -0.8]).data


def test_saved_file_is_readable_json_naming_the_architecture(saved, model):
    doc = json.loads(saved.read_text())
    assert doc["format"] == "autograd-lite.nn"
    assert doc["version"] == 2
    assert saved.read_text() == sealed(json.dumps(unsealed(saved), indent=1))
    assert doc["architecture"] == repr(model)
    assert list(doc["parameters"]) == [n for n, _ in model.named_parameters()]


def test_save_leaves_no_temporary_files_and_keeps_permissions(tmp_path, model):
    path = tmp_path / "m.json"
    model.save(path)
    assert os.listdir(tmp_path) == ["m.json"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    os.chmod(path, 0o600)
    model.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["m.json"]


def test_save_over_an_existing_file_replaces_it_whole(tmp_path, model):
    path = tmp_path / "m.json"
    path.write_text("x" * 100_000)
    model.save(path)
    assert json.loads(path.read_text())["architecture"] == repr(model)


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, model):
    path = tmp_path / "m.json"
    model.save(path)
    before = path.read_bytes()
    model.layers[0].neurons[0].b.data = float("nan")
    with pytest.raises(ValueError, match=r"layers\.0\.neurons\.0\.b.*nan"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"]


def test_save_into_a_missing_folder_is_a_clear_os_error(tmp_path, model):
    with pytest.raises(FileNotFoundError):
        model.save(tmp_path / "no" / "such" / "m.json")


# --- loading a bad file: a clear error, and the model unchanged ----------------------


def assert_load_fails(model, path, match):
    before = snapshot(model)
    with pytest.raises(CheckpointError, match=match) as info:
        model.load(path)
    assert snapshot(model) == before
    assert str(path) in str(info.value)
    return info.value


def test_truncated_file_is_refused_and_the_model_unchanged(tmp_path, saved, model):
    text = saved.read_text()
    for cut in (len(text) // 2, len(text) - 3, 1):
        bad = tmp_path / f"cut{cut}.json"
        bad.write_text(text[:cut])
        assert_load_fails(model, bad, "corrupt or truncated JSON")


def test_corrupt_bytes_are_refused(tmp_path, model):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    assert_load_fails(model, bad, "not UTF-8")


def test_empty_file_is_refused(tmp_path, model):
    bad = tmp_path / "empty.json"
    bad.write_text("")
    assert_load_fails(model, bad, "empty")


def test_json_that_is_not_a_model_file_is_refused(tmp_path, model):
    for i, text in enumerate(["[1, 2, 3]", '{"hello": 1}', '"text"', "null"]):
        bad = tmp_path / f"other{i}.json"
        bad.write_text(text)
        assert_load_fails(model, bad, "not an autograd-lite model file")


def test_a_newer_format_version_is_refused(tmp_path, saved, model):
    doc = unsealed(saved)
    doc["version"] = 3
    bad = tmp_path / "v3.json"
    bad.write_text(sealed(json.dumps(doc)))
    assert_load_fails(model, bad, "version 3")


def test_a_file_for_a_different_architecture_is_refused(tmp_path, model):
    for i, other in enumerate(
        [
            MLP(2, [8, 1], seed=0),
            MLP(2, [4, 3, 1], activation="tanh", seed=0),
            MLP(3, [4, 3, 1], seed=0),
            Layer(2, 4, seed=0),
        ]
    ):
        path = tmp_path / f"other{i}.json"
        other.save(path)
        error = assert_load_fails(model, path, "different architecture")
        assert repr(other) in str(error) and repr(model) in str(error)


def test_a_file_with_a_missing_parameter_is_refused_naming_it(tmp_path, saved, model):
    doc = unsealed(saved)
    del doc["parameters"]["layers.2.neurons.0.b"]
    bad = tmp_path / "missing.json"
    bad.write_text(sealed(json.dumps(doc)))
    assert_load_fails(model, bad, r"missing 1 parameter\(s\): layers\.2\.neurons\.0\.b")


def test_a_file_with_an_extra_parameter_is_refused_naming_it(tmp_path, saved, model):
    doc = unsealed(saved)
    doc["parameters"]["layers.9.neurons.0.b"] = 1.0
    bad = tmp_path / "extra.json"
    bad.write_text(sealed(json.dumps(doc)))
    assert_load_fails(model, bad, r"unexpected 1 name\(s\): layers\.9\.neurons\.0\.b")


@pytest.mark.parametrize(
    "value, match",
    [('"abc"', "got 'abc' \\(str\\)"), ("true", "bool"), ("null", "NoneType"), ("[1]", "list")],
)
def test_a_file_with_a_non_number_parameter_is_refused(tmp_path, saved, model, value, match):
    doc = unsealed(saved)
    last = list(doc["parameters"])[-1]
    doc["parameters"][last] = "PLACEHOLDER"
    bad = tmp_path / "bad.json"
    bad.write_text(sealed(json.dumps(doc).replace('"PLACEHOLDER"', value)))
    assert_load_fails(model, bad, match)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_file_with_nan_or_infinity_is_refused(tmp_path, saved, model, constant):
    doc = unsealed(saved)
    first = list(doc["parameters"])[0]
    doc["parameters"][first] = "PLACEHOLDER"
    bad = tmp_path / "nan.json"
    bad.write_text(sealed(json.dumps(doc).replace('"PLACEHOLDER"', constant)))
    assert_load_fails(model, bad, constant)


def test_a_file_without_parameters_is_refused(tmp_path, saved, model):
    doc = unsealed(saved)
    doc["parameters"] = [1, 2]
    bad = tmp_path / "noparams.json"
    bad.write_text(sealed(json.dumps(doc)))
    assert_load_fails(model, bad, "'parameters' field")


def test_a_missing_file_is_file_not_found_and_the_model_unchanged(tmp_path, model):
    before = snapshot(model)
    with pytest.raises(FileNotFoundError):
        model.load(tmp_path / "nope.json")
    assert snapshot(model) == before


# --- load_state_dict failures ----------------------------------------------------------


def assert_state_fails(model, state, error, match):
    before = snapshot(model)
    with pytest.raises(error, match=match):
        model.load_state_dict(state)
    assert snapshot(model) == before


def test_load_state_dict_with_a_wrong_value_changes_nothing_even_earlier_ones(model):
    state = model.state_dict()
    state = {k: v + 1.0 for k, v in state.items()}
    last = list(state)[-1]
    state[last] = float("inf")  # the last one is bad: none of the others may be written
    assert_state_fails(model, state, CheckpointError, f"{last}.*finite number")


def test_load_state_dict_names_missing_and_unexpected_keys(model):
    state = model.state_dict()
    state.pop("layers.0.neurons.0.w.0")
    state["bogus"] = 1.0
    assert_state_fails(
        model,
        state,
        CheckpointError,
        r"missing 1 .*layers\.0\.neurons\.0\.w\.0.*unexpected 1 .*bogus",
    )


def test_load_state_dict_shortens_a_long_list_of_missing_names(model):
    assert_state_fails(model, {}, CheckpointError, r"missing 31 parameter\(s\):.*and 26 more")


def test_load_state_dict_of_a_non_mapping_is_a_type_error(model):
    assert_state_fails(model, [1.0, 2.0], TypeError, "takes a dict")


def test_load_state_dict_accepts_ints_and_numpy_numbers():
    import numpy as np

    n = Neuron(2, seed=0)
    n.load_state_dict({"w.0": 1, "w.1": np.float32(0.5), "b": np.int64(-2)})
    assert n.state_dict() == {"w.0": 1.0, "w.1": 0.5, "b": -2.0}
    assert all(type(v) is float for v in n.state_dict().values())


def test_custom_module_round_trips_through_a_file(tmp_path):
    class Net(Module):
        def __init__(self, seed):
            self.body = MLP(2, [3], activation="tanh", seed=seed)
            self.head = Neuron(3, activation="linear", seed=seed)

    a, b = Net(0), Net(1)
    a.save(tmp_path / "net.json")
    b.load(tmp_path / "net.json")
    assert b.state_dict() == a.state_dict()
    assert "body.layers.0.neurons.2.b" in a.state_dict()


# --- the checksum: a changed file never loads -------------------------------------------


def test_every_single_bit_flip_of_a_small_checkpoint_is_refused_and_changes_nothing(tmp_path):
    model = MLP(2, [2, 1], seed=0)  # 9 parameters, about 500 bytes
    good = tmp_path / "good.json"
    model.save(good)
    data = good.read_bytes()
    before = snapshot(model)
    bad = tmp_path / "flipped.json"
    loaded = []
    for i in range(len(data) * 8):
        flipped = bytearray(data)
        flipped[i // 8] ^= 1 << (i % 8)
        bad.write_bytes(bytes(flipped))
        try:
            model.load(bad)
            loaded.append(i)
        except CheckpointError:
            pass
        assert snapshot(model) == before
    assert loaded == []
    assert model.load(good).state_dict() == dict(before)  # the intact file still loads


def test_a_checksum_that_does_not_match_says_the_file_was_changed(tmp_path, saved, model):
    text = saved.read_text()
    name = "layers.0.neurons.0.w.0"
    value = str(json.loads(text)["parameters"][name])
    bad = tmp_path / "edited.json"
    bad.write_text(text.replace(f'"{name}": {value}', f'"{name}": 0.5'))
    assert_load_fails(model, bad, "checksum does not match")


def test_a_file_without_a_checksum_is_refused(tmp_path, saved, model):
    bad = tmp_path / "bare.json"
    bad.write_text(json.dumps(unsealed(saved)))
    assert_load_fails(model, bad, "no checksum")


def test_a_version_1_file_from_before_checksums_is_refused_with_the_reason(tmp_path, saved, model):
    doc = unsealed(saved)
    doc["version"] = 1
    old = tmp_path / "v1.json"
    old.write_text(json.dumps(doc, indent=1))
    assert_load_fails(model, old, "version 1, .*before model files carried a checksum")


@pytest.mark.parametrize("seal", [sealed, lambda text: text])
def test_deeply_nested_json_is_a_checkpoint_error_not_a_recursion_error(tmp_path, model, seal):
    bad = tmp_path / "deep.json"
    bad.write_text(
        seal('{"format": "autograd-lite.nn", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    )
    assert_load_fails(model, bad, "nested too deeply")


def test_a_400_digit_integer_is_a_checkpoint_error_not_an_overflow_error(tmp_path, saved, model):
    doc = unsealed(saved)
    doc["parameters"]["layers.0.neurons.0.b"] = "PLACEHOLDER"
    bad = tmp_path / "huge.json"
    bad.write_text(sealed(json.dumps(doc).replace('"PLACEHOLDER"', "9" * 400)))
    assert_load_fails(model, bad, r"layers\.0\.neurons\.0\.b.*finite number")
    state = model.state_dict()
    for huge in (10**400, 10**5000):  # past 4300 digits even repr() of the int fails
        state["layers.0.neurons.0.b"] = huge
        assert_state_fails(model, state, CheckpointError, "too large for a float")


@pytest.mark.parametrize(
    "field, match",
    [
        ("architecture", "different architecture"),
        ("version", "version"),
        ("extra name", "unexpected"),
    ],
)
def test_a_huge_field_gives_a_short_message(tmp_path, saved, model, field, match):
    doc = unsealed(saved)
    huge = "x" * 1_000_000
    if field == "extra name":
        doc["parameters"][huge] = 1.0
    else:
        doc[field] = huge
    bad = tmp_path / "huge.json"
    bad.write_text(sealed(json.dumps(doc)))
    error = assert_load_fails(model, bad, match)
    assert len(str(error)) < 2_000
