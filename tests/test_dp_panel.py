"""The dynamic-programming panel of lesson 05, driven from code."""

from __future__ import annotations

import numpy as np
import pytest

from widgets import DPPanel


def test_sweeps_then_convergence_give_figure_4_1():
    panel = DPPanel("corner-grid", method="policy evaluation", theta=1e-4)
    first = panel.image.value
    panel.sweep()
    assert panel.sweeps == 1 and np.allclose(panel.v[1:15], panel.v[1:15].round(6)) and panel.image.value != first
    assert panel.converge()
    assert np.array_equal(panel.v.reshape(4, 4)[0].round(0), [0, -14, -20, -22])
    panel.improve()
    assert panel.policy[1].argmax() == 3  # next to the top-left corner: go left


def test_value_iteration_on_the_maze_reaches_the_shortest_path():
    panel = DPPanel("maze", method="value iteration")
    assert panel.converge()
    assert -panel.v[panel.world.start_state] == panel.world.shortest_path_length()
    assert "v(start) = -14.00" in panel.status.value


def test_a_policy_that_never_ends_is_stopped_with_a_message():
    panel = DPPanel("corner-grid")
    panel.policy = np.tile([1.0, 0, 0, 0], (16, 1))  # always up
    assert not panel.converge()
    assert "no convergence" in panel.message.value


def test_bad_values_are_named():
    panel = DPPanel()
    with pytest.raises(ValueError, match="gamma=2 is out of range"):
        panel.set(gamma=2)
    with pytest.raises(ValueError, match="world='moon' is not valid"):
        DPPanel("moon")
    panel.set(gamma=0.9)
    panel.world_box.value = "windy"
    assert panel.gamma == 0.9 and panel.sweeps == 0 and panel.model.n_states == 70
