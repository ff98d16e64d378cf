"""Checks on the lesson notebooks themselves (nbval runs them; these read them).

* every section of the course outline (LESSONS.md) has its heading;
* every experiment says how long the original course needed and measures its own time;
* code cells are short (the kit does the work) and no notebook imports another;
* outputs are stored as the README says: cleared, except the cells nbval checks exactly;
* the helpers of ``course.grid_values`` do what the lessons rely on.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))
CHECK = "# NBVAL_CHECK_OUTPUT"
MAX_CODE_LINES = 15

#: The sections of the course outline each lesson must have a heading for (in order).
SECTIONS = {
    "00_welcome.ipynb": ["environment", "agent, and the one loop", "panel", "figures", "go next"],
    "16_nonlinear_control.ipynb": [
        "What you will learn", "Check the installation", "replay buffer from first principles",
        "predicts values", "prediction to control", "DQN", "Double DQN", "Conclusion and exercises"],
    "18_games.ipynb": [
        "What you will learn", "Check the installation", "Background", "Mountain Car, recalled",
        "number of tilings", "Hashing", "Atari through Gymnasium and ALE", "replay buffer",
        "deep agent for games", "deep control agent", "Double DQN on Pong", "autoencoder",
        "Conclusion and exercises"],
}

#: What the original course needed for each experiment: each must be quoted beside its own timing.
ORIGINAL_TIMES = {
    "16_nonlinear_control.ipynb": ["3 h 11 min", "6 h 44 min", "4 h 39 min", "1 h 34 min", "20 min"],
    "18_games.ipynb": ["44 s", "28 s", "1.5 min per setting", "1.5 to 2 min per setting"],
}


def read(path: Path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def is_checked(cell) -> bool:
    return cell.source.lstrip().startswith(CHECK)


def headings(nb) -> list[str]:
    return [line.lstrip("#").strip() for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if line.startswith("#")]


def test_every_lesson_is_here():
    assert {p.name for p in NOTEBOOKS} >= set(SECTIONS)


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_every_section_of_the_outline_has_a_heading_in_order(name):
    found = headings(read(LESSONS / name))
    position = -1
    for section in SECTIONS[name]:
        matches = [i for i, h in enumerate(found) if section.lower() in h.lower() and i > position]
        assert matches, f"{name}: no heading for {section!r} after {found[position] if position >= 0 else 'the start'!r}"
        position = matches[0]


@pytest.mark.parametrize("name", sorted(ORIGINAL_TIMES))
def test_every_experiment_quotes_the_original_time_beside_its_own(name):
    cells = code_cells(read(LESSONS / name))
    timers = {"perf_counter"}  # and the notebook's own functions that measure time
    for c in cells:
        if "perf_counter" in c.source:
            timers.update(fn + "(" for fn in re.findall(r"^def (\w+)\(", c.source, re.M))
    for quote in ORIGINAL_TIMES[name]:
        timed = [c for c in cells if quote in c.source and any(t in c.source for t in timers)]
        assert timed, f"{name}: no code cell both measures its time and quotes the original {quote!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_short(path):
    long = [(i, len(c.source.splitlines())) for i, c in enumerate(read(path).cells)
            if c.cell_type == "code" and len(c.source.splitlines()) > MAX_CODE_LINES]
    assert not long, f"{path.name}: cells (index, lines) longer than {MAX_CODE_LINES} lines: {long}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_notebook_imports_another(path):
    pattern = re.compile(r"\.ipynb|%run\b|import_ipynb|nbimporter|\bfrom lessons\b|\bimport lessons\b")
    bad = [c.source.splitlines()[0] for c in code_cells(read(path)) if pattern.search(c.source)]
    assert not bad, f"{path.name} reaches into other notebooks: {bad}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_cleared_except_the_checked_cells(path):
    nb = read(path)
    for i, cell in enumerate(code_cells(nb)):
        if is_checked(cell):
            assert cell.execution_count is not None, f"{path.name} code cell {i}: nbval needs its execution count"
            assert cell.outputs, f"{path.name} code cell {i} is checked by nbval but has no reference output"
            assert all(o.output_type != "error" for o in cell.outputs), f"{path.name} code cell {i} stores an error"
        else:
            assert cell.execution_count is None, f"{path.name} code cell {i} has an execution count"
            assert not cell.outputs, f"{path.name} code cell {i} stores output; run lessons/clean_outputs.py"
    assert "widgets" not in nb.metadata, f"{path.name} stores widget state; run lessons/clean_outputs.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checked_cells_are_deterministic_and_every_lesson_has_some(path):
    checked = [c for c in code_cells(read(path)) if is_checked(c)]
    assert len(checked) >= 3, f"{path.name}: only {len(checked)} cells are checked exactly"
    for cell in checked:
        assert not re.search(r"perf_counter|time\.time|timeit", cell.source), \
            f"{path.name}: a checked cell measures time, which no reference output can match:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_budgets_come_from_the_scale_switch(path):
    sources = "\n".join(c.source for c in code_cells(read(path)))
    assert "scale.pick(" in sources, f"{path.name} never asks course.scale for its budgets"
    markdown = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")
    assert "COURSE_SCALE=full" in markdown, f"{path.name} does not tell how to run it at full scale"


def test_cell_observations_show_the_agent_in_each_free_cell():
    from course.envs import make
    from course.grid_values import cell_observations

    world = make("maze", obs="image").unwrapped
    observations = cell_observations(world)
    free = [s for s in range(world.n_states)
            if world.layout[world.pos_of(s)[0]][world.pos_of(s)[1]] != "#" and s != world.goal_state]
    assert sorted(observations) == free
    cell = world.observation_space.shape[0] // world.n_rows
    for s, obs in observations.items():
        rows, cols = np.nonzero(obs[..., 0] == 255)  # the agent is the only white patch
        assert (rows.mean() // cell, cols.mean() // cell) == world.pos_of(s)
