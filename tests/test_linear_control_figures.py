"""Lesson 14's figures: Figure 10.3 against the book, the lesson's figure list, and lesson 18's hashing figure."""

from __future__ import annotations

from course import cli, figures
from course.experiments import compare
from course.figures.linear_control import BOOK, N_STEP_SARSA, N_STEP_SETTINGS


def test_lesson_14_lists_the_chapter_10_figures(capsys):
    assert cli.main(["figures", "--list", "--lesson", "14"]) == 0
    out = capsys.readouterr().out
    for name in ("sutton-barto-10.1", "sutton-barto-10.2", "sutton-barto-10.3", "sutton-barto-10.4"):
        assert name in out


def test_eight_step_sarsa_learns_faster_early_than_one_step():
    """Figure 10.3's headline: n = 8 (alpha = 0.3/8) needs fewer steps than n = 1 (0.5/8) in the first episodes."""
    one, eight = compare(N_STEP_SARSA, N_STEP_SETTINGS, 10, 10, fixed={"tilings": 8, **BOOK}, progress=False,
                         workers=1)
    assert eight.steps.mean() < one.steps.mean()
    assert one.mean()[0] > 2 * one.mean()[-1]  # and both learn within the first ten episodes
    assert eight.mean()[0] > 2 * eight.mean()[-1]


def test_figure_10_3_writes_both_series(tmp_path):
    png, csv_path = figures.load()["sutton-barto-10.3"].make(tmp_path, "smoke", 2)
    table = figures.read_csv(csv_path)
    assert png.exists() and set(table) == {"n=1, alpha=0.5/8", "n=8, alpha=0.3/8"}
    assert list(table["n=8, alpha=0.3/8"]["x"]) == [1, 2, 3, 4, 5]


def test_hashing_figure_compares_more_tiles_than_slots(tmp_path):
    _, csv_path = figures.load()["lesson18-hashing"].make(tmp_path, "smoke", 1)
    series = set(figures.read_csv(csv_path))
    assert "unhashed (2,312 weights) steps" in series
    assert any(s.startswith("hashed into 1,024") for s in series)
