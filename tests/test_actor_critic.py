"""The linear one-step actor-critic (lesson 14): its gradient, and that it learns on a grid and on Mountain Car."""

from __future__ import annotations

import numpy as np
import pytest

from course.agents import ActorCritic
from course.agents.actor_critic import softmax_log_gradient
from course.envs import make
from course.policies import softmax_probs
from course.tiles import TileCoder


def test_log_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    theta, x = rng.normal(size=(3, 4)), rng.random(4)
    a = 2
    grad = softmax_log_gradient(softmax_probs(theta @ x, 1.0), a, x)
    numeric = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        d = np.zeros_like(theta)
        d[i] = 1e-6
        numeric[i] = (np.log(softmax_probs((theta + d) @ x, 1.0)[a])
                      - np.log(softmax_probs((theta - d) @ x, 1.0)[a])) / 2e-6
    assert np.allclose(grad, numeric, atol=1e-6)


def test_starts_uniform_and_learns_the_windy_grid():
    agent = ActorCritic(make("windy"), alpha=0.5, alpha_theta=0.5, seed=0)
    assert np.allclose(agent.pi(0), 1 / agent.n_actions)
    steps = np.array(agent.run(200).steps)
    assert steps[:10].mean() > 3 * steps[-20:].mean()  # the curve falls
    assert steps[-20:].mean() < 25  # near the shortest path of 15 steps (Sutton & Barto Example 6.5)
    assert agent.evaluate(1).steps[0] < 25  # the greedy policy reaches the goal


def test_learns_mountain_car_with_tile_coding():
    env = make("mountain-car")
    agent = ActorCritic(env, features=TileCoder(env, tiles=8, tilings=8), alpha=0.5 / 8, alpha_theta=0.5 / 8, seed=0)
    steps = np.array(agent.run(50).steps)
    assert steps[:3].mean() > 300  # a random start needs hundreds of steps
    assert steps[-10:].mean() < 200  # ... and after 50 episodes fewer than 200 (a good policy: about 110)


def test_hashed_features_with_collisions_run():
    env = make("mountain-car")
    coder = TileCoder(env, tiles=8, tilings=8, hash_size=64)
    assert not coder.unique
    agent = ActorCritic(env, features=coder, alpha=0.5 / 8, alpha_theta=0.5 / 8, seed=0, max_episode_steps=300)
    agent.run(2)
    assert np.isfinite(agent.theta).all() and agent.theta.any()


def test_same_seed_same_curve():
    a, b = (ActorCritic(make("cliff"), alpha=0.5, alpha_theta=0.1, seed=3, max_episode_steps=1000) for _ in range(2))
    assert np.array_equal(a.run(20).steps, b.run(20).steps)


@pytest.mark.parametrize("name,value", [("alpha_theta", 0.0), ("alpha_theta", -1.0), ("alpha", 2.0), ("gamma", 1.5)])
def test_bad_step_sizes_name_the_parameter(name, value):
    with pytest.raises(ValueError, match=name):
        ActorCritic(make("windy"), **{name: value})
