"""Lesson 03's tools: returns, episodes and values measured by running policies, and its self-checks."""

from __future__ import annotations

import numpy as np
import pytest

from course import mdp
from course.checks import mdp as checks_mdp
from course.envs import make


def maze_solution(state, rng):
    row, col = divmod(state, 9)
    up, right, down, left = range(4)
    if col == 8:
        return up
    if col >= 3:
        if row == 3:
            return right
        if row < 3:
            return down
        return right if (row, col) == (5, 5) else up
    if row == 0 and col == 2:
        return left
    return down if row < 4 else right


def test_discounted_return_of_known_sequences():
    assert mdp.discounted_return([1.0, 1.0, 1.0], 0.5) == pytest.approx(1.75)
    assert mdp.discounted_return([0.0, 0.0, 10.0], 0.9) == pytest.approx(8.1)
    assert mdp.discounted_return([], 0.9) == 0.0
    with pytest.raises(ValueError, match="^gamma="):
        mdp.discounted_return([1.0], 1.5)


def test_values_on_the_plain_grid_follow_the_distance_to_the_goal():
    world = make("grid").unwrapped
    gamma = 0.9
    v = mdp.values_by_episodes("grid", mdp.toward_goal(world), gamma=gamma)
    for s in range(world.n_states):
        r, c = world.pos_of(s)
        d = (4 - r) + (4 - c)  # the policy walks a shortest path: d steps of -1
        assert v[s] == pytest.approx(-(1 - gamma ** d) / (1 - gamma))


def test_bellman_equation_holds_for_the_measured_values():
    world = make("cliff").unwrapped
    policy, gamma = mdp.toward_goal(world), 0.9
    v = mdp.values_by_episodes("cliff", policy, gamma=gamma)
    q = mdp.action_values_by_episodes("cliff", policy, gamma=gamma)
    rng = np.random.default_rng(0)
    for s in np.flatnonzero(np.isfinite(v)):
        if s == world.goal_state:
            continue
        assert q[policy(int(s), rng), s] == pytest.approx(v[s])  # v(s) = q(s, π(s))
    # stepping into the cliff costs -100 and sends the agent back to the start
    start = world.start_state
    assert q[1, start] == pytest.approx(-100 + gamma * v[start])


def test_random_walk_values_by_episodes_approach_the_true_ones():
    walk = make("random-walk-5").unwrapped
    returns = {s: [] for s in range(1, 6)}
    for i in range(600):
        ep = mdp.run_episode(make("random-walk-5"), mdp.random_policy(2), seed=i)
        for s in set(ep.states[:-1]):
            returns[s].append(ep.ret)
    est = np.array([np.mean(returns[s]) for s in range(1, 6)])
    assert np.abs(est - walk.true_values[1:-1]).max() < 0.06


def test_the_hand_written_policy_gets_stuck_in_the_maze_and_a_better_one_does_not():
    world = make("maze").unwrapped
    assert "did not reach the goal" in checks_mdp.problem_maze_policy(mdp.toward_goal(world))
    assert checks_mdp.problem_maze_policy(maze_solution) is None


def test_return_check_accepts_the_reference_and_names_typical_mistakes(capsys):
    def good(rewards, gamma):
        return sum(r * gamma ** k for k, r in enumerate(rewards))

    assert checks_mdp.check_return(good)
    assert "Correct" in capsys.readouterr().out
    shifted = checks_mdp.problem_return(lambda rw, g: sum(r * g ** (k + 1) for k, r in enumerate(rw)))
    assert "first reward is not discounted" in shifted
    plain = checks_mdp.problem_return(lambda rw, g: sum(rw))
    assert "plain sum" in plain
    assert "None" in checks_mdp.problem_return(lambda rw, g: None)


def test_start_at_refuses_a_random_walk():
    with pytest.raises(ValueError, match="^name="):
        mdp.start_at("random-walk-5", 2)
