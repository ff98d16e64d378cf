"""The lesson-09 panel: n-step TD on the 19-state walk with its values drawn against the true ones."""

import pytest

from course.agents import NStepTD
from course.envs import make
from widgets import ValuesPanel


def nstep(n=4, alpha=0.2, gamma=1.0, seed=0):
    return NStepTD(make("random-walk-19"), n=n, alpha=alpha, gamma=gamma, seed=seed)


def test_values_are_drawn_and_redrawn_after_learning():
    panel = ValuesPanel(nstep, params=[NStepTD], episodes=5, background=False)
    first = panel.values_image.value
    assert first[:4] == b"\x89PNG"
    panel.run(10, wait=True)
    assert panel.agent.episode == 10 and panel.values_image.value != first
    assert panel.values_image in panel.widget.children


def test_n_acts_on_reset_and_alpha_live():
    panel = ValuesPanel(nstep, params=[NStepTD], episodes=5, background=False)
    panel.set(n=8, alpha=0.1)
    assert panel.agent.alpha == 0.1 and panel.agent.n == 4
    panel.reset()
    assert panel.agent.n == 8


def test_a_world_without_true_values_is_refused():
    from course.agents import Sarsa

    with pytest.raises(ValueError, match="true_values"):
        ValuesPanel(lambda alpha=0.5, seed=0: Sarsa(make("cliff"), alpha=alpha, seed=seed), params=[Sarsa],
                    background=False)
