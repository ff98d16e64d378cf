"""Action selection (course.policies) and the exploration schedule of ControlAgent."""

import gymnasium as gym
import numpy as np
import pytest

from course import policies
from course.agents import Sarsa


def draws(fn, n=20000):
    return np.array([fn() for _ in range(n)])


def assert_frequencies(actions, probs, n_actions):
    """Observed frequencies within 4.5 binomial standard errors of ``probs``."""
    freq = np.bincount(actions, minlength=n_actions) / actions.size
    se = np.sqrt(np.maximum(probs * (1 - probs), 1e-12) / actions.size)
    assert np.all(np.abs(freq - probs) <= 4.5 * se + 1e-12), (freq, probs)


def test_greedy_breaks_ties_uniformly_at_random():
    rng = np.random.default_rng(0)
    q = np.array([1.0, 3.0, 3.0, 0.0, 3.0])
    a = draws(lambda: policies.greedy(q, rng), 6000)
    assert set(a) == {1, 2, 4}
    assert_frequencies(a, np.array([0, 1, 1, 0, 1]) / 3, 5)


def test_greedy_single_best_is_deterministic():
    rng = np.random.default_rng(0)
    assert {policies.greedy(np.array([0.0, -1.0, 0.5]), rng) for _ in range(50)} == {2}


def test_epsilon_greedy_frequencies_match_the_formula():
    rng = np.random.default_rng(1)
    q = np.array([0.0, 1.0, 0.0, 0.0])
    eps = 0.2
    expected = np.array([0.05, 0.85, 0.05, 0.05])  # ε/|A| each, plus 1-ε on the greedy action
    np.testing.assert_allclose(policies.epsilon_greedy_probs(q, eps), expected)
    a = draws(lambda: policies.epsilon_greedy(q, eps, rng))
    assert_frequencies(a, expected, 4)


def test_epsilon_greedy_probs_share_the_greedy_mass_among_ties():
    np.testing.assert_allclose(policies.epsilon_greedy_probs(np.array([2.0, 2.0, 0.0]), 0.3),
                               [0.1 + 0.35, 0.1 + 0.35, 0.1])


def test_softmax_probabilities_and_sampling():
    q = np.array([1.0, 2.0, 3.0])
    e = np.exp(q)
    np.testing.assert_allclose(policies.softmax_probs(q, 1.0), e / e.sum())
    e2 = np.exp(q / 0.5)
    np.testing.assert_allclose(policies.softmax_probs(q, 0.5), e2 / e2.sum())
    np.testing.assert_allclose(policies.softmax_probs(q, 1e6), [1 / 3] * 3, atol=1e-5)  # hot: uniform
    np.testing.assert_allclose(policies.softmax_probs(q, 1e-3), [0, 0, 1], atol=1e-12)  # cold: greedy
    np.testing.assert_allclose(policies.softmax_probs(q + 1000.0, 1.0), e / e.sum())  # no overflow
    rng = np.random.default_rng(2)
    a = draws(lambda: policies.softmax(q, 1.0, rng))
    assert_frequencies(a, e / e.sum(), 3)


def test_random_action_is_uniform():
    rng = np.random.default_rng(3)
    a = draws(lambda: policies.random_action(4, rng), 8000)
    assert_frequencies(a, np.full(4, 0.25), 4)


def test_agent_act_follows_its_policy_parameter():
    agent = Sarsa(gym.make("CliffWalking-v1"), seed=0, epsilon=0.4)
    agent.w[:, 0] = [0.0, 1.0, 0.0, 0.0]
    a = draws(lambda: agent.act(0), 8000)
    assert_frequencies(a, policies.epsilon_greedy_probs(agent.q(0), 0.4), 4)
    np.testing.assert_allclose(agent.probs(agent.q(0)), [0.1, 0.7, 0.1, 0.1])
    assert {agent.act(0, explore=False) for _ in range(100)} == {1}
    agent.set_params(policy="softmax", temperature=0.5)
    np.testing.assert_allclose(agent.probs(agent.q(0)), policies.softmax_probs(agent.q(0), 0.5))
    a = draws(lambda: agent.act(0), 8000)
    assert_frequencies(a, policies.softmax_probs(agent.q(0), 0.5), 4)
    agent.set_params(policy="greedy")
    assert {agent.act(0) for _ in range(100)} == {1}


def test_scheduled_epsilon_function():
    assert policies.scheduled_epsilon(0.5, 1, factor=0.9) == pytest.approx(0.45)
    assert policies.scheduled_epsilon(0.5, 2, factor=0.9) == pytest.approx(0.405)
    assert policies.scheduled_epsilon(0.5, 1, factor=0.9, floor=0.48) == 0.48
    assert policies.scheduled_epsilon(1.0, 1, linear_steps=4, floor=0.2) == pytest.approx(0.8)
    assert policies.scheduled_epsilon(1.0, 4, linear_steps=4, floor=0.2) == pytest.approx(0.2)
    assert policies.scheduled_epsilon(1.0, 400, linear_steps=4, floor=0.2) == pytest.approx(0.2)
    assert policies.scheduled_epsilon(0.1, 3, linear_steps=4, floor=0.2) == 0.1  # below the floor: stays
    assert policies.scheduled_epsilon(0.7, 0, linear_steps=4) == 0.7


def steps_taken(agent, n):
    """The exploration rate after ``n`` more steps (the schedule's start, ``epsilon``, does not move)."""
    start = agent.epsilon
    agent.run(total_steps=agent.total_steps + n)
    assert agent.epsilon == start
    return agent.exploration


def test_linear_epsilon_decay_reaches_the_floor_and_stays():
    agent = Sarsa(gym.make("CliffWalking-v1"), seed=0, epsilon=1.0, epsilon_min=0.1, epsilon_decay_steps=10)
    assert steps_taken(agent, 5) == pytest.approx(0.55)
    assert steps_taken(agent, 5) == pytest.approx(0.1)
    assert steps_taken(agent, 20) == pytest.approx(0.1)


def test_multiplicative_epsilon_decay_reaches_the_floor():
    agent = Sarsa(gym.make("CliffWalking-v1"), seed=0, epsilon=0.5, epsilon_decay=0.9, epsilon_min=0.2)
    assert steps_taken(agent, 3) == pytest.approx(0.5 * 0.9**3)
    assert steps_taken(agent, 20) == pytest.approx(0.2)


def test_epsilon_stays_constant_without_a_schedule_and_evaluation_does_not_decay():
    agent = Sarsa(gym.make("CliffWalking-v1"), seed=0, epsilon=0.3)
    assert steps_taken(agent, 50) == 0.3
    decaying = Sarsa(gym.make("CliffWalking-v1"), seed=0, epsilon=0.5, epsilon_decay=0.9, max_episode_steps=5)
    decaying.evaluate(2)
    assert decaying.epsilon == decaying.exploration == 0.5


def test_moving_epsilon_mid_schedule_continues_from_the_new_value():
    agent = Sarsa(gym.make("CliffWalking-v1"), seed=0, epsilon=1.0, epsilon_min=0.0, epsilon_decay_steps=100)
    steps_taken(agent, 10)
    assert agent.exploration == pytest.approx(0.9)
    agent.epsilon = 0.5  # a slider: the schedule starts again from 0.5, down to the floor over 100 steps
    assert agent.exploration == 0.5
    assert steps_taken(agent, 10) == pytest.approx(0.45)


def test_the_schedule_survives_a_checkpoint(tmp_path):
    agent = Sarsa(gym.make("CliffWalking-v1"), seed=0, epsilon=1.0, epsilon_min=0.1, epsilon_decay_steps=100)
    steps_taken(agent, 10)
    agent.epsilon = 0.6
    steps_taken(agent, 20)
    agent.save(tmp_path / "a.npz")
    other = Sarsa(gym.make("CliffWalking-v1"), seed=0, epsilon=1.0, epsilon_min=0.1, epsilon_decay_steps=100)
    other.load(tmp_path / "a.npz")
    assert other.epsilon == 0.6 and other.exploration == agent.exploration == pytest.approx(0.6 - 0.5 * 0.2)
