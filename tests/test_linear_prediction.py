"""Chapter 9 on the 1000-state random walk: the environment, its features, the agents, the batched runner, the
figures against the book, and lesson 13's self-checks."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from course import batched_prediction as bp
from course.agents import TD0, GradientMC, NStepTD
from course.checks.linear import problem_aggregation, problem_gradient_mc
from course.envs import make
from course.envs.random_walk import on_policy_distribution, true_values, walk_matrices
from course.figures import linear_prediction as figs
from course.state_features import Fourier, Polynomial, StateAggregation, state_tiles


# -- the walk and its true values --------------------------------------------------------------------------------
def test_true_values_known_properties():
    v = true_values()
    assert v.shape == (1000,)
    assert np.allclose(v, -v[::-1])  # antisymmetric: state s and state 1001 - s
    assert (np.diff(v) > 0).all()  # monotone
    assert -0.93 < v[0] < -0.91 and 0.91 < v[-1] < 0.93  # the book's curve starts near -0.9
    P, b = walk_matrices()
    assert np.abs(b + P @ v - v).max() < 1e-12  # a fixed point of the DP update v <- b + P v
    w, gaps = np.zeros(1000), []
    for _ in range(30):  # iterative policy evaluation heads for the same values
        w = b + P @ w
        gaps.append(np.abs(w - v).max())
    assert (np.diff(gaps) < 0).all()
    assert true_values() is v  # computed once, cached


def test_state_distribution_sums_to_one_and_peaks_in_the_middle():
    mu = on_policy_distribution()
    assert mu.sum() == pytest.approx(1.0)
    assert np.argmax(mu) in range(480, 521) and mu[0] < mu[499] / 5


def test_env_walks_like_the_book():
    env = make("random-walk-1000")
    assert isinstance(env.unwrapped, gym.Env) and env.unwrapped.true_values[500] == true_values()[499]
    s, _ = env.reset(seed=3)
    assert s == 500
    jumps, ends = [], []
    for episode in range(300):
        s, _ = env.reset()
        done = False
        while not done:
            a = episode % 2 if episode < 2 else int(np.random.default_rng(episode).integers(2))
            s2, r, done, _, _ = env.step(env.action_space.sample())
            if not done:
                jumps.append(s2 - s)
                assert r == 0.0
            else:
                ends.append((s2, r))
            s = s2
    jumps = np.abs(jumps)
    assert jumps.min() == 1 and jumps.max() == 100
    assert {e for e in ends} <= {(0, -1.0), (1001, 1.0)} and len({e for e in ends}) == 2
    with pytest.raises(ValueError, match="action"):
        env.step(2)


def test_bad_walk_sizes():
    with pytest.raises(ValueError, match="n_states"):
        true_values(0)
    with pytest.raises(ValueError, match="jump"):
        make("random-walk-1000", jump=0)


# -- features ------------------------------------------------------------------------------------------------------
def test_state_aggregation_groups():
    f = StateAggregation(1000, groups=10)
    assert f.n_features == 10
    assert [int(f(s)[0][0]) for s in (1, 100, 101, 500, 1000)] == [0, 0, 1, 4, 9]
    assert f(0)[0][0] == 0 and f(1001)[0][0] == 9  # terminal states count as the nearest end


@pytest.mark.parametrize("groups", [0, 7, 1001])
def test_groups_that_do_not_divide_the_states_are_refused(groups):
    with pytest.raises(ValueError, match="groups"):
        StateAggregation(1000, groups=groups)


def test_bases():
    p, f = Polynomial(1000, order=3), Fourier(1000, order=3)
    assert np.allclose(p(1)[1], [1, 0, 0, 0]) and np.allclose(p(1000)[1], [1, 1, 1, 1])
    assert np.allclose(f(1)[1], [1, 1, 1, 1]) and np.allclose(f(1000)[1], [1, -1, 1, -1])
    for cls in (Polynomial, Fourier):
        with pytest.raises(ValueError, match=r"order=-1 is out of range: order"):
            cls(1000, order=-1)


def test_tiles_are_200_states_wide_and_4_apart():
    t = state_tiles(1000, width=200, tilings=50)
    assert t.n_features == 50 * 6 and t.active == 50
    shared = lambda a, b: len(set(t(a)[0]) & set(t(b)[0]))  # noqa: E731
    assert shared(100, 104) == 49  # 4 states apart: one tiling has a boundary between them
    assert shared(100, 101) >= 49 and shared(100, 300) == 0  # a whole tile apart: nothing in common
    assert shared(100, 200) == 25  # half a tile apart: half the tilings
    one = state_tiles(1000, width=200, tilings=1)
    assert [int(one(s)[0][0]) for s in (1, 200, 201, 1000)] == [0, 0, 1, 4]  # one tiling = aggregation
    with pytest.raises(ValueError, match="width"):
        state_tiles(1000, width=0)


# -- the agents -------------------------------------------------------------------------------------------------------
def test_n_step_td_with_large_n_is_gradient_mc_and_with_n_1_is_td0():
    f = Fourier(1000, order=4)
    mc = GradientMC("random-walk-1000", features=f, alpha=1e-3, seed=5)
    long = NStepTD("random-walk-1000", features=f, alpha=1e-3, n=100_000, seed=5)
    mc.run(20), long.run(20)
    assert np.any(mc.w != 0) and np.allclose(mc.w, long.w)
    td0 = TD0("random-walk-1000", features=f, alpha=1e-3, seed=6)
    one = NStepTD("random-walk-1000", features=f, alpha=1e-3, n=1, seed=6)
    td0.run(20), one.run(20)
    assert np.any(td0.w != 0) and np.allclose(td0.w, one.w)


def test_gradient_mc_learns_the_walk():
    agent = GradientMC("random-walk-1000", features=StateAggregation(1000, groups=10), alpha=1e-3, seed=1)
    first = agent.rms_error()
    agent.run(300)
    assert agent.rms_error() < first / 2
    assert agent.state_values().shape == (1002,)


class _Replay(gym.Env):
    """Plays back given walks (the actions are ignored)."""

    observation_space = gym.spaces.Discrete(1002)
    action_space = gym.spaces.Discrete(2)

    def __init__(self, episodes):
        self.episodes, self.e, self.true_values = list(episodes), -1, make("random-walk-1000").unwrapped.true_values

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.e += 1
        self.t = 0
        return int(self.episodes[self.e][0][0]), {}

    def step(self, action):
        states, T, G = self.episodes[self.e]
        self.t += 1
        if self.t == T:
            return (0 if G < 0 else 1001), G, True, False, {}
        return int(states[self.t]), 0.0, False, False, {}


@pytest.mark.parametrize("features, alpha, n", [
    (StateAggregation(1000, groups=10), 0.01, None),  # the exact shortcut for aggregated MC
    (StateAggregation(1000, groups=20), 0.3, 3),  # the plain-Python loop for aggregated TD
    (Fourier(1000, order=5), 0.01, None),  # the general path
    (state_tiles(1000, width=200, tilings=8), 0.05, 4),  # the general path, bootstrapping
])
def test_batched_runs_compute_what_the_agents_compute(features, alpha, n):
    runs, episodes = 2, 6
    result = bp.learn([(features, alpha)], n=n, runs=runs, episodes=episodes, seed=9, progress=False)
    for r in range(runs):
        rng = np.random.default_rng([9, r])
        walks = [(s[0], int(T[0]), float(G[0])) for s, T, G in (bp.walks(rng, 1) for _ in range(episodes))]
        env = _Replay(walks)
        agent = GradientMC(env, features=features, alpha=alpha) if n is None else \
            NStepTD(env, features=features, alpha=alpha, n=n)
        agent.run(episodes)
        assert np.allclose(result.weights[0][r], agent.w)
        assert result.rms[0, r, -1] == pytest.approx(agent.rms_error())
        assert list(result.steps[r]) == list(agent.history.steps)
        assert np.allclose(result.rms[0, r], agent.history.errors)


def test_batched_runner_refuses_bad_input():
    f = StateAggregation(1000, groups=10)
    with pytest.raises(ValueError, match="alpha"):
        bp.learn([(f, 0.0)], runs=1, episodes=1)
    with pytest.raises(ValueError, match="runs"):
        bp.learn([(f, 0.1)], runs=0, episodes=1)
    with pytest.raises(ValueError, match="n=0"):
        bp.learn([(f, 0.1)], n=0, runs=1, episodes=1)


# -- the figures against the book ----------------------------------------------------------------------------------
def test_figure_9_1_staircase():
    """Gradient MC with 10 groups settles on (close to) the true values' mean over each group, in the interior.

    (The two groups at each end are visited so rarely that at this budget they are still on their way.)"""
    estimate = figs.staircase(30_000, alpha=2e-5, seed=2)
    means = figs.group_means(10)
    interior = slice(200, 800)
    assert np.abs(estimate - means)[interior].max() < 0.03
    steps = np.diff(estimate)
    assert np.count_nonzero(steps) == 9 and (steps >= 0).all()  # a staircase: 10 flat steps, going up


def test_figure_9_10_many_tilings_beat_one():
    rms = figs.tilings_errors(runs=4, episodes=600, seed=1)
    last = rms[:, :, -100:].mean(axis=(1, 2))  # the last 100 episodes, over the runs
    assert last[1] < last[0] - 0.02, last


def test_figure_9_5_fourier_beats_polynomials():
    rms = figs.bases_errors(runs=2, episodes=1000, orders=(5, 10), seed=1)
    last = rms[:, :, -100:].mean(axis=(1, 2))  # polynomial 5, 10, Fourier 5, 10
    assert last[2] < last[0] and last[3] < last[1], last


def test_figures_write_the_series(tmp_path):
    from course.figures import read_csv

    figs.figure_9_1(tmp_path, "smoke", None)
    table = read_csv(tmp_path / "sutton-barto-9.1.csv")
    assert {"true value", "approximate value", "state distribution"} <= set(table)
    assert list(table["true value"]["x"][[0, -1]]) == [1, 1000]


# -- lesson 13's self-checks ---------------------------------------------------------------------------------------
def test_aggregation_check_accepts_the_reference_and_explains_the_off_by_one():
    assert problem_aggregation(lambda s, n, groups: (s - 1) // (n // groups)) is None
    message = problem_aggregation(lambda s, n, groups: s // (n // groups))
    assert "state 100 of 1000 in 10 groups belongs to group 0" in message and "start at 1" in message


def test_gradient_mc_check_accepts_the_reference_and_names_the_missing_gradient():
    assert problem_gradient_mc(lambda w, x, G, alpha: w + alpha * (G - w @ x) * x) is None
    assert "multiply the error G - w·x by x" in problem_gradient_mc(lambda w, x, G, alpha: w + alpha * (G - w @ x))
    assert "returned None" in problem_gradient_mc(lambda w, x, G, alpha: None)
    assert "away from the target" in problem_gradient_mc(lambda w, x, G, alpha: w - alpha * (G - w @ x) * x)
    assert "unchanged" in problem_gradient_mc(lambda w, x, G, alpha: w)


def test_td_fixed_point_zeroes_the_expected_update_and_is_flatter_than_mc():
    P, b = walk_matrices()
    mu, v = on_policy_distribution(), true_values()
    td = figs.td_fixed_point(10)
    groups = np.arange(1000) // 100
    expected_update = np.bincount(groups, mu * (b + P @ td - td))  # per weight
    assert np.abs(expected_update).max() < 1e-12
    mc = np.repeat(np.bincount(groups, mu * v) / np.bincount(groups, mu), 100)
    assert abs(td[0]) < abs(mc[0]) - 0.1 and np.sum(mu * (td - v) ** 2) > np.sum(mu * (mc - v) ** 2)


def test_named_features_and_the_picture_of_the_walk():
    from course.state_features import named

    assert [named(k).n_features for k in ("aggregation", "tiles", "polynomial", "Fourier")] == [10, 300, 6, 6]
    with pytest.raises(ValueError, match="kind"):
        named("coarse")
    walk = make("random-walk-1000").unwrapped
    walk.reset(seed=0)
    plain, drawn = walk.draw(), walk.draw(values=np.zeros(1002))
    assert plain.shape == drawn.shape == (220, 500, 3) and (plain != drawn).any()  # the estimate is drawn
    with pytest.raises(ValueError, match="values"):
        walk.draw(values=np.zeros(5))
