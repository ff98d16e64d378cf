"""The bandit panel: sliders from the learner's Params, a slider moved mid-run changes the running learner."""

from __future__ import annotations

import threading
import time

import pytest

from course.bandits import ActionValueAgent
from widgets import BanditPanel


def make_panel(**kw):
    return BanditPanel(lambda epsilon, alpha, q0, c: ActionValueAgent(epsilon, alpha, q0, c),
                       params=[ActionValueAgent], runs=200, **kw)


def test_controls_come_from_the_declarations_and_q0_acts_on_reset():
    panel = make_panel(background=False)
    assert set(panel.controls) == {"epsilon", "alpha", "q0", "c"}
    assert panel.controls["q0"].reset_only and not panel.controls["epsilon"].reset_only
    panel.run(300)
    assert panel.agent.step == 300 and "done" in panel.status.value and "300" in panel.status.value
    panel.set(q0=5.0)
    assert panel.agent.q0 == 0.0  # not yet: q0 shapes the estimates
    panel.reset()
    assert panel.agent.q0 == 5.0 and panel.agent.step == 0 and len(panel._previous) == 1


def test_a_bad_value_from_code_names_the_parameter():
    panel = make_panel(background=False)
    with pytest.raises(ValueError, match="^c="):
        panel.set(c=-1.0)


def test_a_slider_moved_mid_run_changes_the_running_learner():
    panel = make_panel(background=True, steps=10**6, chunk=5)
    seen = []
    real_advance = panel.session.advance
    moved = threading.Event()

    def advance(n):
        seen.append(panel.agent.epsilon)
        if len(seen) == 20:
            panel.set(epsilon=0.5)  # as a slider would, while the thread learns
            moved.set()
        return real_advance(n)

    panel.session.advance = advance
    panel.run()
    assert moved.wait(60)
    deadline = time.monotonic() + 60
    while len(seen) < 25 and time.monotonic() < deadline:  # a few more chunks with the new value
        time.sleep(0.01)
    panel.pause()
    assert panel.wait(60)
    assert "paused" in panel.status.value
    assert seen[0] == 0.1 and seen[19] == 0.1 and seen[20] == 0.5 and seen[-1] == 0.5 and panel.agent.epsilon == 0.5
    assert panel.controls["epsilon"].value == 0.5
