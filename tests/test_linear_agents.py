"""The linear (tabular) agents against the book: random walks, cliff walking, the maze, hand-computed updates."""

import functools

import gymnasium as gym
import numpy as np
import pytest

from course.agents import (
    TD0,
    ExpectedSarsa,
    NStepSarsa,
    QLearning,
    Sarsa,
    SarsaLambda,
    TDLambda,
    TrueOnlineSarsaLambda,
    TrueOnlineTDLambda,
)
from course.envs import make
from course.experiments import average
from course.features import OneHot

CONTROL = [Sarsa, QLearning, ExpectedSarsa, NStepSarsa, SarsaLambda, TrueOnlineSarsaLambda]
PREDICTION = [TD0, TDLambda, TrueOnlineTDLambda]


@functools.lru_cache
def mean_early_error(cls, runs=20, episodes=10, **params):
    """RMS error over the 19 states, averaged over the first ``episodes`` episodes and ``runs`` runs."""
    curves = average(lambda seed, **p: cls(make("random-walk-19"), seed=seed, **p), runs, episodes,
                     params=params, progress=False)
    return float(curves.errors.mean())


# ---------------------------------------------------------------------------
# Random walks (Sutton & Barto, example 6.2, figures 6.2, 7.2, 12.6, 12.8)
# ---------------------------------------------------------------------------
def test_random_walk_19_starts_at_the_error_of_zero_values():
    agent = TD0(make("random-walk-19"))
    assert agent.rms_error() == pytest.approx(np.sqrt(0.3))  # true values -0.9 .. 0.9; the figures' top, 0.55


def test_td0_on_the_19_state_walk_reaches_the_level_of_figure_7_2():
    # Figure 7.2, n = 1 (TD(0)): the error averaged over the first 10 episodes falls from 0.55 (alpha -> 0)
    # to about 0.35-0.4 near alpha = 0.8.  Measured here: 0.34 (20 runs; 100 runs give 0.344).
    assert mean_early_error(TD0, alpha=0.8) < 0.40


def test_true_online_td_lambda_on_the_19_state_walk_reaches_the_level_of_figure_12_8():
    # Figure 12.8: true online TD(lambda) with lambda = 0.8 reaches about 0.25 near alpha = 0.4, clearly
    # below TD(0)'s best.  Measured here: 0.26 (20 runs; 100 runs give 0.252).
    err = mean_early_error(TrueOnlineTDLambda, alpha=0.4, lambda_=0.8)
    assert err < 0.30
    assert err < mean_early_error(TD0, alpha=0.8)


def test_true_online_td_lambda_stays_stable_where_td_lambda_blows_up():
    # Figure 12.6 (TD(lambda)) vs 12.8 (true online): at lambda = 0.9 and alpha = 0.8 accumulating traces
    # make TD(lambda) diverge, while true online TD(lambda) stays below the zero-values error 0.55.
    assert mean_early_error(TrueOnlineTDLambda, runs=5, alpha=0.8, lambda_=0.9) < 0.45
    assert mean_early_error(TDLambda, runs=5, alpha=0.8, lambda_=0.9) > 1.0


def test_td0_on_the_5_state_walk_after_100_episodes_is_near_the_true_values():
    # Example 6.2 / figure 6.2 (right): values start at 0.5 (RMS error 0.236); with alpha = 0.1 the error
    # after 100 episodes levels off around 0.05-0.1.  Measured here: 0.055 (20 runs).
    def agent(seed):
        a = TD0(make("random-walk-5"), seed=seed, alpha=0.1)
        a.w[1:-1] = 0.5
        return a

    runs = [agent(seed) for seed in range(20)]
    errors = np.array([a.run(100).errors for a in runs])
    assert errors[:, 0].mean() > 0.2
    assert 0.03 < errors[:, -10:].mean() < 0.09
    mean_values = np.mean([a.state_values()[1:-1] for a in runs], axis=0)
    np.testing.assert_allclose(mean_values, np.arange(1, 6) / 6, atol=0.05)


# ---------------------------------------------------------------------------
# Cliff walking (example 6.6): Sarsa safe, Q-learning along the edge
# ---------------------------------------------------------------------------
def edge_cells(path):
    """Cells of the path in the row next to the cliff (row 2, columns 1..10)."""
    return sum(1 for r, c in path if r == 2 and 1 <= c <= 10)


@pytest.mark.slow
def test_cliff_sarsa_learns_the_safe_path_and_q_learning_the_edge():
    paths = {}
    for cls, alpha, episodes in ((Sarsa, 0.1, 500), (QLearning, 0.5, 200)):
        env = make("cliff")
        agent = cls(env, seed=0, alpha=alpha, epsilon=0.1)
        agent.run(episodes)
        paths[cls] = env.unwrapped.greedy_path(agent.w)
    q_path, s_path = paths[QLearning], paths[Sarsa]
    assert q_path[-1] == s_path[-1] == (3, 11)  # both reach the goal
    assert len(q_path) - 1 == 13 and edge_cells(q_path) == 10  # the optimal path, along the edge
    assert len(s_path) - 1 > 13 and edge_cells(s_path) <= 1  # longer, and keeps a row between it and the cliff


# ---------------------------------------------------------------------------
# The maze: Q-learning finds the shortest path; runs repeat and resume exactly; save/load
# ---------------------------------------------------------------------------
def maze_agent(seed=3, **kw):
    return QLearning(make("maze"), seed=seed, **{"alpha": 1.0, "epsilon": 0.1, **kw})


def test_q_learning_on_the_maze_takes_the_shortest_path_after_training():
    agent = maze_agent()
    h = agent.run(100)
    assert h.steps[:5].mean() > 5 * h.steps[-10:].mean()  # the learning curve falls
    agent.max_episode_steps = 200  # a greedy walk that loops must not run forever
    shortest = agent.env.unwrapped.shortest_path_length()
    assert shortest == 14
    assert agent.evaluate(1).steps[0] == shortest


def test_same_seed_same_curve_and_resumed_run_equals_uninterrupted_run():
    a, b, c = maze_agent(seed=7), maze_agent(seed=7), maze_agent(seed=7)
    a.run(60)
    b.run(60)
    c.run(30)
    c.run(30)
    for other in (b, c):
        np.testing.assert_array_equal(other.history.steps, a.history.steps)
        np.testing.assert_array_equal(other.w, a.w)
    assert not np.array_equal(maze_agent(seed=8).run(60).steps, a.history.steps)


def test_save_and_load_round_trip_continues_identically(tmp_path):
    a = maze_agent(seed=1)
    a.run(20)
    path = a.save(tmp_path / "q.npz")
    b = maze_agent(seed=99, alpha=0.3)
    b.load(path)
    np.testing.assert_array_equal(b.w, a.w)
    np.testing.assert_array_equal(b.history.steps, a.history.steps)
    assert b.total_steps == a.total_steps and b.alpha == 1.0
    a.run(10)
    b.run(10)
    np.testing.assert_array_equal(b.history.steps, a.history.steps)
    np.testing.assert_array_equal(b.w, a.w)


def test_corrupt_or_foreign_checkpoint_is_a_clear_error_and_changes_nothing(tmp_path):
    agent = maze_agent()
    agent.run(5)
    w, steps, total = agent.w.copy(), agent.history.steps.copy(), agent.total_steps
    good = agent.save(tmp_path / "good.npz")

    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a checkpoint at all")
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    other = Sarsa(make("maze")).save(tmp_path / "sarsa.npz")
    cliff = QLearning(make("cliff")).save(tmp_path / "cliff.npz")
    for path, message in ((garbage, "not a valid checkpoint"), (truncated, "not a valid checkpoint"),
                          (other, "holds a Sarsa checkpoint, not a QLearning"),
                          (cliff, r"saved with features OneHot\(\) with 48 features, this agent has OneHot\(\) with 54")):
        with pytest.raises(ValueError, match=message) as e:
            agent.load(path)
        assert path.name in str(e.value)
        np.testing.assert_array_equal(agent.w, w)
        np.testing.assert_array_equal(agent.history.steps, steps)
        assert agent.total_steps == total


def test_checkpoint_with_another_reset_only_parameter_is_refused(tmp_path):
    path = NStepSarsa(make("maze"), n=3).save(tmp_path / "n3.npz")
    with pytest.raises(ValueError, match="saved with n=3, this agent has n=5"):
        NStepSarsa(make("maze"), n=5).load(path)


@pytest.mark.parametrize("cls", CONTROL)
def test_every_control_agent_learns_the_maze(cls):
    agent = cls(make("maze"), seed=0, alpha=0.5, epsilon=0.1)
    h = agent.run(60)
    assert h.steps[:3].mean() > 100 and h.steps[-10:].mean() < 35  # the shortest path is 14


# ---------------------------------------------------------------------------
# Update rules checked by hand on a chain, and against each other
# ---------------------------------------------------------------------------
class Chain(gym.Env):
    """States 0, 1, ... visited in order whatever the action; step t pays rewards[t]; ends after the last."""

    def __init__(self, rewards, n_actions=1):
        self.rewards = list(rewards)
        self.observation_space = gym.spaces.Discrete(len(self.rewards) + 1)
        self.action_space = gym.spaces.Discrete(n_actions)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.s = 0
        return 0, {}

    def step(self, action):
        r = self.rewards[self.s]
        self.s += 1
        return self.s, r, self.s == len(self.rewards), False, {}


def test_n_step_sarsa_flushes_the_tail_without_bootstrap_at_termination():
    agent = NStepSarsa(Chain([1, 1, 1, 1, 1]), n=3, alpha=1.0, epsilon=0.0)
    agent.w[:] = 10.0
    agent.run(1)
    # G = three rewards + Q(S_{t+3}) while S_{t+3} is not terminal; the last pairs sum what is left
    np.testing.assert_array_equal(agent.w[0, :5], [13, 13, 3, 2, 1])
    agent.w[:] = 0.0
    agent.run(2)
    np.testing.assert_array_equal(agent.w[0, :5], [5, 4, 3, 2, 1])  # the true values, steps to go


def test_n_step_sarsa_bootstraps_the_tail_when_the_episode_is_cut_short():
    agent = NStepSarsa(Chain([1] * 10), n=3, alpha=1.0, epsilon=0.0, max_episode_steps=4)
    agent.w[:] = 10.0
    agent.run(1)
    assert agent.history.steps[0] == 4 and not agent.history.terminated[0]
    np.testing.assert_array_equal(agent.w[0, :6], [13, 13, 12, 11, 10, 10])  # the tail bootstraps from Q(S_4)


@pytest.mark.parametrize("cls", [TDLambda, TrueOnlineTDLambda])
def test_lambda_prediction_by_hand(cls):
    # alpha = 0.5, lambda = 0.5, reward 1 at the end of a 3-step chain.  Episode 1: only the last TD error
    # is non-zero (1), with traces (0.25, 0.5, 1).  Episode 2, worked through the book's boxes (12.2, 12.5).
    agent = cls(Chain([0, 0, 1]), alpha=0.5, lambda_=0.5)
    agent.run(1)
    np.testing.assert_allclose(agent.w[:3], [0.125, 0.25, 0.5])
    agent.run(1)  # traces start again from zero
    np.testing.assert_allclose(agent.w[:3], [0.3125, 0.5, 0.75])


def test_td0_by_hand():
    agent = TD0(Chain([0, 0, 1]), alpha=0.5)
    agent.run(1)
    np.testing.assert_allclose(agent.w[:3], [0, 0, 0.5])
    agent.run(1)
    np.testing.assert_allclose(agent.w[:3], [0, 0.25, 0.75])


@pytest.mark.parametrize("cls", [TDLambda, TrueOnlineTDLambda])
def test_lambda_zero_prediction_is_td0(cls):
    ref = TD0(make("random-walk-19"), seed=4, alpha=0.3)
    ref.run(20)
    agent = cls(make("random-walk-19"), seed=4, alpha=0.3, lambda_=0.0)
    agent.run(20)
    np.testing.assert_allclose(agent.w, ref.w, atol=1e-12)


@pytest.mark.parametrize("cls, params", [
    (NStepSarsa, {"n": 1}),
    (SarsaLambda, {"lambda_": 0.0, "trace": "replacing"}),
    (SarsaLambda, {"lambda_": 0.0, "trace": "accumulating"}),
    (TrueOnlineSarsaLambda, {"lambda_": 0.0}),
])
def test_one_step_special_cases_are_sarsa(cls, params):
    ref = Sarsa(make("cliff"), seed=5, alpha=0.5)
    ref.run(30)
    agent = cls(make("cliff"), seed=5, alpha=0.5, **params)
    agent.run(30)
    np.testing.assert_array_equal(agent.history.steps, ref.history.steps)
    np.testing.assert_allclose(agent.w, ref.w, atol=1e-9)


def test_expected_sarsa_with_a_greedy_policy_is_q_learning():
    ref = QLearning(make("cliff"), seed=6, alpha=0.5, epsilon=0.0)
    ref.run(30)
    agent = ExpectedSarsa(make("cliff"), seed=6, alpha=0.5, epsilon=0.0)
    agent.run(30)
    np.testing.assert_array_equal(agent.history.steps, ref.history.steps)
    np.testing.assert_array_equal(agent.w, ref.w)


def test_expected_sarsa_target_averages_over_the_epsilon_greedy_policy():
    agent = ExpectedSarsa(Chain([0, 0], n_actions=2), alpha=1.0, epsilon=0.2, gamma=1.0)
    agent.w[:, 1] = [4.0, 2.0]  # in state 1: greedy action 0 (prob 0.9), action 1 (prob 0.1)
    agent.learn(0, 1, 1.0, 1, 0, False)
    assert agent.w[1, 0] == pytest.approx(1.0 + 0.9 * 4.0 + 0.1 * 2.0)


class Doubled(OneHot):
    """One-hot features written as two half-features at the same index (as a full hash table does)."""

    unique = False

    def __call__(self, obs):
        return np.array([int(obs)] * 2), np.array([0.5, 0.5])


@pytest.mark.parametrize("cls", PREDICTION + CONTROL)
def test_repeated_feature_indices_give_the_same_result_as_unique_ones(cls):
    env_name = "random-walk-19" if cls in PREDICTION else "cliff"
    ref = cls(make(env_name), seed=2, alpha=0.25)
    ref.run(8)
    n = ref.features.n_features
    agent = cls(make(env_name), seed=2, alpha=0.25, features=Doubled(n))
    agent.run(8)
    np.testing.assert_array_equal(agent.history.steps, ref.history.steps)
    np.testing.assert_allclose(agent.w, ref.w, atol=1e-12)


def test_state_values_of_prediction_and_control_agents():
    pred = TD0(make("random-walk-5"))
    pred.w[:] = np.arange(7.0)
    np.testing.assert_array_equal(pred.state_values(), np.arange(7.0))
    ctrl = Sarsa(make("cliff"))
    ctrl.w[2, 5] = 3.0
    values = ctrl.state_values()
    assert values.shape == (48,) and values[5] == 3.0 and values[4] == 0.0
