"""The world panel of lesson 03: choose a world, a reward scheme and a policy; step it; the return it shows."""

from __future__ import annotations

import pytest

from course import mdp
from widgets import WorldPanel

POLICIES = {"toward the goal": mdp.toward_goal, "random": lambda world: mdp.random_policy(world.n_actions)}


def test_stepping_by_hand_adds_up_the_discounted_return():
    panel = WorldPanel(POLICIES, world="grid", background=False)
    for _ in range(3):
        panel.step()
    assert panel.rewards == [-1.0, -1.0, -1.0]
    assert panel.episode_return() == pytest.approx(-1 - 0.9 - 0.81)
    assert "step t = 3" in panel.status.value


def test_run_reaches_the_goal_and_a_new_world_or_scheme_rebuilds_it():
    panel = WorldPanel(POLICIES, world="grid", background=False)
    panel.run()
    assert panel.done and len(panel.rewards) == 8 and "reached the end" in panel.status.value
    panel.reward_box.value = "goal+1"
    assert panel.rewards == [] and panel.world.reward_scheme == "goal+1"
    panel.run()
    assert panel.rewards[-1] == 1.0 and sum(panel.rewards) == 1.0
    panel.world_box.value = "random-walk-5"
    assert panel.reward_box.disabled
    panel.policy_box.value = "random"
    panel.run()
    assert panel.done and panel.rewards[-1] in (0.0, 1.0)


def test_a_looping_policy_is_cut_and_values_can_be_shown():
    panel = WorldPanel(POLICIES, world="maze", max_steps=50, background=False)
    panel.run()
    assert len(panel.rewards) == 50 and "cut at 50" in panel.status.value
    panel.values_box.value = True  # measured by running the policy from every cell
    assert panel.image.value[:2] == b"\xff\xd8"  # a JPEG


def test_bad_choices_name_the_argument():
    with pytest.raises(ValueError, match="^world="):
        WorldPanel(POLICIES, world="moon")
    with pytest.raises(ValueError, match="^gamma="):
        WorldPanel(POLICIES).controls["gamma"].set(1.5)
