"""Environments and agents on bad input: the kit's own named errors, fast."""

from __future__ import annotations

import numpy as np
import pytest

from course.agents import QLearning, Sarsa, TD0
from course.envs import make
from course.envs.gridworld import CLIFF, WINDY, GridWorld, RandomWalk


@pytest.mark.parametrize("name", ["", "   ", "/", "-v0"])
def test_empty_or_malformed_names_get_the_kits_error(name):
    with pytest.raises(ValueError, match="unknown environment name .* Known short names: .*cliff"):
        make(name)


def test_human_rendering_is_refused_where_no_window_can_open(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    for name in ("cliff", "CartPole-v1", "mountain-car"):
        with pytest.raises(ValueError, match="render_mode='human' needs a window.*render_mode='rgb_array'"):
            make(name, render_mode="human")
    with pytest.raises(ValueError, match="render_mode='human' is not valid"):
        GridWorld(CLIFF, render_mode="human")


@pytest.mark.parametrize("kwargs, words", [
    ({"start": (3.7, 0)}, r"start=\(3\.7, 0\) is not valid: start must be a \(row, col\) pair of integers"),
    ({"start": (3, 0.5)}, r"start=\(3, 0\.5\) is not valid"),
    ({"goal": ("3", "11")}, r"goal=\('3', '11'\) is not valid"),
    ({"start": "30"}, r"start='30' is not valid"),
    ({"start": (True, 0)}, r"start=\(True, 0\) is not valid"),
    ({"reward": 5}, r"reward=5 is not valid: reward must be one of"),
    ({"reward": np.array(["cliff"])}, r"reward=.* is not valid: reward must be one of"),
    ({"obs": ["index"]}, r"obs=\['index'\] is not valid"),
    ({"wind": (10**400,) * 12}, r"wind=.* is not valid: wind must be 12 non-negative integers"),
    ({"wind": (1.5,) * 12}, r"wind=.* is not valid"),
])
def test_bad_world_arguments_name_the_argument(kwargs, words):
    with pytest.raises(ValueError, match=words):
        GridWorld(CLIFF, **{"reward": "cliff", **kwargs})


@pytest.mark.parametrize("kwargs, words", [
    ({"left_reward": "a lot"}, "left_reward='a lot' is not a number"),
    ({"right_reward": float("nan")}, "right_reward=nan is not valid"),
    ({"right_reward": float("inf")}, "right_reward=inf is out of range"),
    ({"left_reward": 1 + 1j}, r"left_reward=\(1\+1j\) is not a number"),
    ({"n": 10**9}, r"n=1000000000 is not valid: n must be an integer in \[1, 10000\]"),
    ({"n": 2.5}, "n=2.5 is not valid"),
])
def test_bad_random_walks_fail_fast_naming_the_argument(kwargs, words):
    with pytest.raises(ValueError, match=words):
        RandomWalk(**kwargs)


def test_a_huge_wind_works_as_a_wind_that_reaches_the_top():
    rows, cols = len(WINDY), len(WINDY[0])
    huge = GridWorld(WINDY, wind=(10**15,) * cols)  # no loop of 10**15 pushes
    top = GridWorld(WINDY, wind=(rows,) * cols)
    np.testing.assert_array_equal(huge._next, top._next)


@pytest.mark.parametrize("action", [1.7, 1.0, "1", None, True, np.array([1]), 4, -1, 10**400])
def test_step_refuses_what_is_not_an_action(action):
    env = make("cliff")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"action=.* is not valid: action must be an integer in \[0, 4\)"):
        env.unwrapped.step(action)
    walk = make("random-walk-5")
    walk.reset(seed=0)
    with pytest.raises(ValueError, match=r"action=.* is not valid: action must be 0 \(left\) or 1 \(right\)"):
        walk.unwrapped.step(action if not isinstance(action, int) or isinstance(action, bool) else 2)


def test_numpy_actions_are_actions():
    env = make("cliff")
    env.reset(seed=0)
    for a in (np.int64(1), np.int32(0), np.array(2), np.uint8(3)):
        env.step(a)


def test_run_refuses_a_zero_step_cap():
    agent = QLearning(make("cliff"), seed=0)
    with pytest.raises(ValueError, match=r"max_episode_steps=0 is out of range"):
        agent.run(1, max_episode_steps=0)
    with pytest.raises(ValueError, match=r"max_episode_steps=2\.5 is not an integer"):
        agent.evaluate(1, max_episode_steps=2.5)
    assert agent.total_steps == 0 and len(agent.history) == 0


@pytest.mark.parametrize("cls", [Sarsa, QLearning, TD0])
@pytest.mark.parametrize("env", [123, None, 1.5, [1, 2]])
def test_an_agent_without_an_environment_says_it_needs_one(cls, env):
    with pytest.raises(TypeError, match=f"{cls.__name__} needs an environment: a gymnasium.Env or an environment name"):
        cls(env)
