"""The scale switch and the atomic checkpoint files."""

import numpy as np
import pytest

from course import checkpoint, scale


def test_scale_follows_course_scale_then_ci(monkeypatch):
    monkeypatch.delenv("COURSE_SCALE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert scale.current() == "lesson"
    monkeypatch.setenv("CI", "true")
    assert scale.current() == "smoke"
    assert scale.pick(smoke=1, lesson=2, full=3) == 1
    monkeypatch.setenv("COURSE_SCALE", "full")
    assert scale.pick(smoke=1, lesson=2, full=3) == 3


def test_bad_scale_names_the_variable(monkeypatch):
    monkeypatch.setenv("COURSE_SCALE", "huge")
    with pytest.raises(ValueError, match="COURSE_SCALE='huge'.*smoke, lesson, full"):
        scale.current()


def test_checkpoint_round_trip(tmp_path):
    path = checkpoint.write(tmp_path / "a.npz", {"x": 1, "name": "α"}, {"w": np.arange(6.0).reshape(2, 3)})
    meta, arrays = checkpoint.read(path)
    assert meta == {"x": 1, "name": "α"}
    np.testing.assert_array_equal(arrays["w"], np.arange(6.0).reshape(2, 3))
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"], "no temporary file is left behind"


def test_corrupt_checkpoint_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file at all")
    with pytest.raises(ValueError, match="bad.npz is not a valid checkpoint"):
        checkpoint.read(bad)
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        checkpoint.read(tmp_path / "missing.npz")


def test_interrupted_write_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    path = checkpoint.write(tmp_path / "c.npz", {"v": 1}, {"w": np.zeros(3)})

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.write(path, {"v": 2}, {"w": np.ones(3)})
    monkeypatch.undo()
    meta, arrays = checkpoint.read(path)
    assert meta == {"v": 1} and arrays["w"].sum() == 0
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]
