"""Lesson 15, eligibility traces: the offline λ-return algorithm, the batched runners, figures 12.3-12.11."""

import csv

import gymnasium as gym
import numpy as np
import pytest

from course import batched, batched_walk, figures
from course.agents import (
    OfflineLambdaReturn,
    SarsaLambda,
    TDLambda,
    TrueOnlineSarsaLambda,
    TrueOnlineTDLambda,
)
from course.agents.lambda_return import lambda_return
from course.envs import make
from course.experiments import factory, sweep
from course.figures.eligibility_traces import BOOK, walk_errors
from course.tiles import TileCoder


class Chain(gym.Env):
    """States 0, 1, ... visited in order whatever the action; step t pays rewards[t]; ends after the last."""

    def __init__(self, rewards):
        self.rewards = list(rewards)
        self.observation_space = gym.spaces.Discrete(len(self.rewards) + 1)
        self.action_space = gym.spaces.Discrete(1)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.s = 0
        return 0, {}

    def step(self, action):
        r = self.rewards[self.s]
        self.s += 1
        return self.s, r, self.s == len(self.rewards), False, {}


def lambda_return_by_definition(rewards, values, lam, gamma):
    """G^λ_t = (1-λ) Σ_{n<T-t} λ^(n-1) G_{t:t+n} + λ^(T-t-1) G_t, straight from the book's equation 12.3."""
    T = len(rewards)
    out = []
    for t in range(T):
        def n_step(n):
            end = min(t + n, T)
            g = sum(gamma ** (k - t) * rewards[k] for k in range(t, end))
            return g + (gamma ** n * values[t + n] if t + n < T else 0.0)
        g = (1 - lam) * sum(lam ** (n - 1) * n_step(n) for n in range(1, T - t)) + lam ** (T - t - 1) * n_step(T - t)
        out.append(g)
    return np.array(out)


@pytest.mark.parametrize("lam", [0.0, 0.5, 0.9, 1.0])
def test_the_recursion_gives_the_lambda_return_of_the_definition(lam):
    rng = np.random.default_rng(0)
    rewards, values = rng.normal(size=6), rng.normal(size=7)
    values[-1] = 0.0  # the terminal state
    expected = lambda_return_by_definition(rewards, values, lam, 0.9)
    np.testing.assert_allclose(lambda_return(rewards, values[1:], lam, 0.9), expected)


def test_offline_lambda_return_changes_nothing_during_the_episode_and_updates_at_its_end():
    agent = OfflineLambdaReturn(Chain([0, 0, 1]), alpha=0.5, lambda_=0.5)
    agent.run(steps=2)
    assert not agent.w.any()  # mid-episode: no change yet
    agent.run(1)
    # all values were 0, so every λ-return is λ^(steps to go - 1) x 1: 0.25, 0.5, 1 -> halfway there
    np.testing.assert_allclose(agent.w[:3], [0.125, 0.25, 0.5])


def test_offline_lambda_return_with_lambda_one_is_monte_carlo_and_zero_is_td0_with_fixed_targets():
    mc = OfflineLambdaReturn(Chain([1, 2, 3]), alpha=1.0, lambda_=1.0, gamma=1.0)
    mc.run(1)
    np.testing.assert_allclose(mc.w[:3], [6, 5, 3])  # α = 1: each value becomes its return
    td = OfflineLambdaReturn(Chain([1, 2, 3]), alpha=1.0, lambda_=0.0)
    td.w[:] = 10.0
    td.w[3] = 0.0  # the terminal state
    td.run(1)
    np.testing.assert_allclose(td.w[:3], [11, 12, 3])  # R + V(S') with the values of the episode's start


@pytest.mark.parametrize("cls", [OfflineLambdaReturn, TDLambda, TrueOnlineTDLambda, SarsaLambda,
                                 TrueOnlineSarsaLambda])
@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_lambda_outside_0_1_is_a_clear_error(cls, bad):
    with pytest.raises(ValueError, match=r"lambda_=.* \[0, 1\]"):
        cls(make("random-walk-19"), lambda_=bad)


@pytest.mark.parametrize("algo", sorted(batched_walk.ALGOS))
def test_batched_walk_equals_the_agents_run_one_by_one(algo):
    settings = [{"alpha": 0.4, "lambda_": 0.8}, {"alpha": 0.9, "lambda_": 0.95}, {"alpha": 0.05, "lambda_": 0.0}]
    errors = batched_walk.rms_errors(algo, settings, runs=3, episodes=6, seed=7)
    cls = batched_walk.ALGOS[algo]
    for k, s in enumerate(settings):
        for i in range(3):
            with np.errstate(over="ignore", invalid="ignore"):
                expected = cls(make("random-walk-19"), seed=7 + i, **s).run(6).errors
            np.testing.assert_allclose(errors[k, i], expected, rtol=1e-12)


def test_batched_walk_refuses_bad_settings_with_the_agents_messages():
    with pytest.raises(ValueError, match="lambda_=2"):
        batched_walk.rms_errors("offline", [{"alpha": 0.1, "lambda_": 2}], runs=1, episodes=1)
    with pytest.raises(ValueError, match="algo="):
        batched_walk.rms_errors("monte-carlo", [{"alpha": 0.1}], runs=1, episodes=1)
    with pytest.raises(ValueError, match="epsilon"):
        batched_walk.rms_errors("offline", [{"alpha": 0.1, "epsilon": 0.1}], runs=1, episodes=1)


def test_figure_12_3_offline_lambda_return_is_best_at_an_intermediate_lambda():
    best = {lam: mean.min() for lam, (mean, _) in walk_errors("offline", runs=30).items()}
    middle = min(best[lam] for lam in (0.4, 0.8, 0.9, 0.95))
    assert middle < best[0.0] - 0.05 and middle < best[1.0] - 0.05
    assert 0.22 < middle < 0.32  # the book: about 0.25-0.3 near λ = 0.8-0.9
    assert min(best, key=best.get) in (0.8, 0.9)


def test_figure_12_8_true_online_stays_stable_where_accumulating_td_lambda_blows_up():
    alphas = (0.6, 1.0)
    online = walk_errors("true-online", runs=10, lambdas=(0.975, 0.99), alphas=alphas)
    accumulating = walk_errors("td-lambda", runs=10, lambdas=(0.975, 0.99), alphas=alphas)
    for lam in (0.975, 0.99):
        assert (online[lam][0] < 0.8).all()  # below the chart's top, as in the book
        assert (~np.isfinite(accumulating[lam][0]) | (accumulating[lam][0] > 10)).all()


@pytest.mark.slow
def test_figure_12_10_sarsa_lambda_0_9_beats_lambda_0_over_the_first_50_episodes():
    curves = sweep(factory(SarsaLambda, "mountain-car", features=TileCoder), "lambda_", (0.0, 0.9), 4, 50,
                   fixed=dict(alpha=1.0 / 8, trace="replacing", tilings=8, **BOOK), workers=1, progress=False)
    zero, ninety = curves[0.0].steps.mean(), curves[0.9].steps.mean()
    assert ninety < zero - 15  # the book: about 190 against about 230 steps per episode
    assert 150 < ninety < 260


def _car_agents(cls, alphas, **params):
    agents = []
    for i, a in enumerate(alphas):
        env = make("mountain-car")
        agents.append(cls(env, features=TileCoder(env, tiles=8, tilings=8), seed=i, alpha=a / 8, lambda_=0.9,
                          **BOOK, **params))
    return agents


@pytest.mark.parametrize("hashed", [False, True])
def test_batched_true_online_sarsa_lambda_equals_the_agents_run_one_by_one(hashed):
    params = {"max_episode_steps": 700}
    together = _car_agents(TrueOnlineSarsaLambda, (0.5, 1.0, 1.6), **params)
    alone = _car_agents(TrueOnlineSarsaLambda, (0.5, 1.0, 1.6), **params)
    if hashed:
        for a in together + alone:
            a.features = TileCoder(a.env, tiles=8, tilings=8, hash_size=256)
            a.w, a.z = np.zeros((3, 256)), np.zeros((3, 256))
    batched.run(together, 2, progress=False)  # two, then one more: resuming gives the same as one call
    batched.run(together, 1, progress=False)
    for a in alone:
        a.run(3)
    for x, y in zip(together, alone):
        np.testing.assert_array_equal(x.history.steps, y.history.steps)
        np.testing.assert_array_equal(x.history.losses, y.history.losses)
        assert x.rng.bit_generator.state == y.rng.bit_generator.state
        np.testing.assert_array_equal(x.w, y.w)
        np.testing.assert_array_equal(x.z, y.z)
        assert x._v_old == y._v_old and x.total_steps == y.total_steps


def test_a_diverged_agent_is_named_in_the_error():
    env = make("mountain-car")
    agent = SarsaLambda(env, features=TileCoder(env, tiles=8, tilings=8), alpha=1.0, lambda_=0.99,
                        trace="accumulating", seed=0, **BOOK)
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="diverged"):
        agent.run(5)


def test_lesson_15_figures_at_smoke_scale_write_the_common_columns(tmp_path):
    names = [f"sutton-barto-12.{n}" for n in (3, 6, 8, 10, 11)]
    assert figures.main(names + ["--out", str(tmp_path), "--scale", "smoke"]) == 0
    for name in names:
        with open(tmp_path / f"{name}.csv") as f:
            rows = list(csv.DictReader(f))
        assert list(rows[0]) == ["series", "x", "y", "stderr"]
    walk = figures.read_csv(tmp_path / "sutton-barto-12.3.csv")
    assert "lambda=0.8" in walk and walk["lambda=0.8"]["x"][0] == 0.02
    kinds = figures.read_csv(tmp_path / "sutton-barto-12.11.csv")
    assert set(kinds) == {"true online", "replacing", "accumulating"}
    assert all((t["y"] < 0).all() for t in kinds.values())  # rewards of -1 per step
    assert figures.main(["--list", "--lesson", "15"]) == 0


def test_the_trace_view_paints_the_trace_of_sarsa_lambda_and_of_td_lambda_on_the_grid():
    from widgets.traces import TraceView, trace_frame, trace_tables

    view = TraceView()
    agent = SarsaLambda(make("maze"), alpha=0.1, lambda_=0.9, seed=0)
    assert trace_frame(agent) is None  # nothing to draw before the first reset
    agent.subscribe(view)
    agent.run(steps=30)
    assert view.frames >= 1 and view.image.value  # a JPEG was delivered
    assert trace_tables(agent)["q"] is agent.z  # one wedge per state and action
    untouched = agent.env.unwrapped.draw(q=np.zeros_like(agent.z))
    assert (trace_frame(agent) != untouched).any()  # the trail is painted
    walk = TDLambda(make("random-walk-19"), lambda_=0.9, seed=0)
    walk.run(steps=5)
    assert trace_tables(walk)["values"].shape == (21,)
    coded = SarsaLambda(make("mountain-car"), features=TileCoder(make("mountain-car")), seed=0)
    assert trace_tables(coded) is None  # tile coding: no grid to paint on


def test_the_trace_sits_in_the_panel_beside_its_live_view():
    from widgets import Panel
    from widgets.traces import TraceView, beside

    view = TraceView()

    def factory(alpha=0.1, lambda_=0.9, seed=0):
        agent = SarsaLambda(make("maze"), alpha=alpha, lambda_=lambda_, seed=seed)
        agent.subscribe(view)
        return agent

    panel = beside(Panel(factory, params=[SarsaLambda]), view)
    row = next(box for box in panel.widget.children if view.image in getattr(box, "children", ()))
    assert list(row.children) == [panel.view.image, view.image, panel.curves.image]
    panel.set(lambda_=0.5)
    panel.run(steps=20, wait=True)
    assert panel.agent.lambda_ == 0.5 and view.frames >= 1
