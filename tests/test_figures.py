"""``course figures``: the registry, the command line, and one real figure at smoke scale."""

import csv

import pytest

from course import cli, figures

BOOK_FIGURES = {"sutton-barto-10.1", "sutton-barto-10.2", "sutton-barto-10.4"}
LESSON_FIGURES = {"lesson18-tiles", "lesson18-tilings", "lesson18-hashing"}


def test_list_shows_every_figure(capsys):
    assert figures.main(["--list"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert BOOK_FIGURES | LESSON_FIGURES <= listed


def test_list_through_the_course_command_and_by_lesson(capsys):
    assert cli.main(["figures", "--list", "--lesson", "18"]) == 0
    out = capsys.readouterr().out
    assert "sutton-barto-10.2" in out and "lesson 18" in out


def test_unknown_figure_and_empty_lesson_are_errors(capsys):
    assert figures.main(["no-such-figure"]) == 2
    assert "no-such-figure" in capsys.readouterr().err
    assert figures.main(["--lesson", "999", "--list"]) == 2


def test_bad_runs_names_the_option(capsys):
    with pytest.raises(SystemExit):
        figures.main(["--runs", "0", "sutton-barto-10.2"])
    assert "--runs" in capsys.readouterr().err


def test_a_name_registered_twice_is_refused():
    figures.load()

    def other(out, scale, runs):
        return []

    with pytest.raises(ValueError, match="registered twice"):
        figures.figure("sutton-barto-10.2")(other)


def test_registering_a_figure_module_of_ones_own(tmp_path, capsys):
    @figures.figure("test-only-figure", lesson=99, help="a figure a test adds")
    def make(out, scale, runs):
        path = out / f"test-{scale}-{runs}.txt"
        path.write_text("ok")
        return [path]

    try:
        assert figures.main(["test-only-figure", "--out", str(tmp_path), "--scale", "smoke", "--runs", "3"]) == 0
        assert (tmp_path / "test-smoke-3.txt").read_text() == "ok"
    finally:
        del figures.REGISTRY["test-only-figure"]


@pytest.mark.slow
def test_figure_10_2_at_smoke_scale_writes_png_and_csv(tmp_path):
    assert figures.main(["sutton-barto-10.2", "--out", str(tmp_path), "--scale", "smoke", "--runs", "1"]) == 0
    assert (tmp_path / "sutton-barto-10.2.png").stat().st_size > 10_000
    with open(tmp_path / "sutton-barto-10.2.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["alpha", "episode", "mean_steps", "stderr"]
    assert {float(r["alpha"]) for r in rows} == {0.1 / 8, 0.2 / 8, 0.5 / 8}
    assert len(rows) == 3 * 5  # smoke scale: 5 episodes per step size
    first = {float(r["alpha"]): float(r["mean_steps"]) for r in rows if r["episode"] == "1"}
    assert all(steps > 100 for steps in first.values())  # nobody reaches the goal at once
    assert all(float(r["stderr"]) == 0.0 for r in rows)  # one run: no spread
