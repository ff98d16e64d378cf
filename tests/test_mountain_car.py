"""Mountain Car: the environment, its rendering, and the batched runner against the plain loop."""

import gymnasium as gym
import numpy as np
import pytest

from course import batched
from course.agents import NStepSarsa, Sarsa, SarsaLambda
from course.envs import make
from course.envs.mountain_car import MountainCar, cost_to_go
from course.experiments import average, compare, factory, sweep
from course.tiles import PerDimensionTiles, TileCoder


SARSA = factory(Sarsa, "mountain-car", features=TileCoder)


def test_same_physics_and_start_as_gymnasium():
    ours, theirs = make("mountain-car"), gym.make("MountainCar-v0")
    a, _ = ours.reset(seed=7)
    b, _ = theirs.reset(seed=7)
    assert np.array_equal(a, b)
    actions = np.random.default_rng(0).integers(3, size=150)
    for action in actions:
        a, ra, ta, _, _ = ours.step(int(action))
        b, rb, tb, _, _ = theirs.step(int(action))
        assert np.array_equal(a, b) and ra == rb == -1.0 and ta == tb


def test_no_time_limit_by_default_and_200_on_request():
    env = make("mountain-car")
    env.reset(seed=0)
    for _ in range(300):  # doing nothing never reaches the goal
        _, _, terminated, truncated, _ = env.step(1)
        assert not terminated and not truncated
    capped = make("mountain-car", max_episode_steps=200)
    capped.reset(seed=0)
    for t in range(1, 201):
        _, _, _, truncated, _ = capped.step(1)
        assert truncated == (t == 200)


def test_render_draws_the_car_where_it_is():
    env = make("mountain-car", render_mode="rgb_array")
    env.reset(seed=0)
    first = env.render()
    assert first.shape == (400, 600, 3) and first.dtype == np.uint8
    for _ in range(30):
        env.step(2)
    moved = env.render()
    changed = np.argwhere((first != moved).any(axis=2))
    assert changed.size  # only the car moved: the changed pixels lie around its two positions
    assert changed[:, 1].max() - changed[:, 1].min() < 200
    with pytest.raises(ValueError, match="render_mode"):
        MountainCar(render_mode="human")


def test_cost_to_go_of_a_fresh_agent_is_zero_then_grows():
    env = make("mountain-car")
    agent = Sarsa(env, features=TileCoder(env, tilings=8), alpha=0.5 / 8, epsilon=0.0, seed=0)
    pos, vel, cost = cost_to_go(agent, resolution=10)
    assert cost.shape == (10, 10) and not cost.any()
    agent.run(steps=300)
    assert cost_to_go(agent, resolution=10)[2].max() > 0  # every step cost -1: the values fell
    with pytest.raises(ValueError, match="resolution"):
        cost_to_go(agent, resolution=1)


# -- the batched runner --------------------------------------------------------------------------------
def agent(cls, seed, features=TileCoder, coder=None, env_kwargs=None, **params):
    env = make("mountain-car", **(env_kwargs or {}))
    return cls(env, features=features(env, **(coder or {"tilings": 8})), seed=seed, **params)


CAP = {"max_episode_steps": 250}  # most cases cap episodes (through the env's TimeLimit) to stay quick
CASES = {
    "sarsa": (Sarsa, dict(alpha=0.5 / 8, epsilon=0.0)),
    "sarsa-exploring": (Sarsa, dict(alpha=0.5 / 8, epsilon=0.1, env_kwargs=CAP)),
    "n-step": (NStepSarsa, dict(alpha=0.3 / 8, epsilon=0.0, n=4, env_kwargs=CAP)),
    "n-step-agent-cap": (NStepSarsa, dict(alpha=0.3 / 8, epsilon=0.0, n=3, max_episode_steps=120)),
    "sarsa-lambda": (SarsaLambda, dict(alpha=0.3 / 8, epsilon=0.0, lambda_=0.9, env_kwargs=CAP)),
    "sarsa-lambda-accumulating": (SarsaLambda, dict(alpha=0.2 / 8, epsilon=0.0, lambda_=0.8, trace="accumulating",
                                                    env_kwargs=CAP)),
    "hashed": (Sarsa, dict(alpha=0.5 / 8, epsilon=0.0, coder={"tilings": 8, "hash_size": 128}, env_kwargs=CAP)),
    "per-dimension": (Sarsa, dict(alpha=0.3 / 8, epsilon=0.0, features=PerDimensionTiles, coder={"tiles": 8},
                                  env_kwargs=CAP)),
}


def assert_same(plain, other):
    assert np.array_equal(plain.history.steps, other.history.steps)
    assert np.array_equal(plain.history.returns, other.history.returns)
    assert np.array_equal(plain.history.losses, other.history.losses, equal_nan=True)
    assert np.array_equal(plain.history.terminated, other.history.terminated)
    assert np.array_equal(plain.w, other.w)
    assert plain.total_steps == other.total_steps
    assert plain.rng.bit_generator.state == other.rng.bit_generator.state


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_batched_equals_the_plain_loop(case):
    cls, params = CASES[case]
    seeds = (3, 4)
    plain = [agent(cls, s, **params) for s in seeds]
    for a in plain:
        a.run(3)
    together = [agent(cls, s, **params) for s in seeds]
    batched.run(together, 2, progress=False)  # two, then one more: resuming gives the same as one call
    batched.run(together, 1, progress=False)
    for p, b in zip(plain, together):
        assert_same(p, b)


def test_batched_and_plain_mix_freely():
    params = dict(alpha=0.5 / 8, epsilon=0.0, env_kwargs={"max_episode_steps": 150})
    plain, mixed = agent(Sarsa, 0, **params), agent(Sarsa, 0, **params)
    plain.run(4)
    mixed.run(1)
    batched.run([mixed], 2, progress=False)
    mixed.run(1)
    assert_same(plain, mixed)


def test_runs_of_different_step_sizes_share_a_batch():
    cap = {"max_episode_steps": 150}
    plain = [agent(Sarsa, 1, alpha=a, epsilon=0.0, env_kwargs=cap) for a in (0.1 / 8, 0.5 / 8)]
    for a in plain:
        a.run(3)
    together = [agent(Sarsa, 1, alpha=a, epsilon=0.0, env_kwargs=cap) for a in (0.1 / 8, 0.5 / 8)]
    batched.run(together, 3, progress=False)
    for p, b in zip(plain, together):
        assert_same(p, b)


def test_batched_average_equals_experiments_average():
    def make_agent(seed, alpha):
        return agent(Sarsa, seed, alpha=alpha, epsilon=0.0, max_episode_steps=150)

    # a stop rule given to average() selects the agents' own loop; without one the same agents are batched
    slow = average(make_agent, runs=2, episodes=3, seed=5, params={"alpha": 0.5 / 8}, progress=False,
                   max_episode_steps=150)
    fast = average(SARSA, runs=2, episodes=3, seed=5, params=dict(alpha=0.5 / 8, epsilon=0.0, max_episode_steps=150),
                   progress=False)
    assert np.array_equal(slow.steps, fast.steps) and np.array_equal(slow.returns, fast.returns)


def test_the_experiments_api_picks_the_batched_runner_for_mountain_car(monkeypatch):
    calls = []
    real = batched.run
    monkeypatch.setattr(batched, "run", lambda agents, *a, **k: calls.append(len(agents)) or real(agents, *a, **k))
    sweep(SARSA, "alpha", [0.2 / 8, 0.4 / 8], 3, 1, fixed={"epsilon": 0.0, "max_episode_steps": 50},
          progress=False, workers=1)
    assert calls == [6]  # both step sizes, three runs each, in one batch
    calls.clear()
    average(lambda seed, **p: Sarsa(make("mountain-car"), seed=seed, policy="softmax", **p), 2, 1,
            params={"max_episode_steps": 50}, progress=False)
    assert calls == []  # softmax cannot be batched: the plain loop ran it


@pytest.mark.slow
def test_sarsa_learns_to_reach_the_goal_in_under_200_steps():
    curves = average(SARSA, 3, 150, params=dict(alpha=0.5 / 8, epsilon=0.0, gamma=1.0, tilings=8), progress=False)
    mean = curves.mean()
    assert mean[0] > 400  # the first episode wanders: every unvisited action looks best
    assert mean[-50:].mean() < 200
    assert (curves.steps[:, -50:].mean(axis=1) < 200).all()  # every run, not just on average


def test_sweep_groups_settings_and_keeps_common_seeds():
    out = sweep(SARSA, "alpha", [0.2 / 8, 0.4 / 8], 2, 2, fixed=dict(epsilon=0.0, max_episode_steps=100),
                progress=False)
    assert list(out) == [0.2 / 8, 0.4 / 8]
    assert all(c.steps.shape == (2, 2) and (c.steps == 100).all() for c in out.values())
    assert out[0.2 / 8].params["alpha"] == 0.2 / 8
    tiles = sweep(factory(Sarsa, "mountain-car", features=PerDimensionTiles), "tiles", [4, 8], 1, 1,
                  fixed=dict(alpha=0.1, epsilon=0.0, max_episode_steps=50), progress=False)
    assert set(tiles) == {4, 8}


def test_batched_refuses_what_it_cannot_reproduce():
    a = agent(Sarsa, 0, alpha=0.1, epsilon=0.0)
    with pytest.raises(ValueError, match="episodes"):
        batched.run([a], 0)
    with pytest.raises(ValueError, match="differs"):
        batched.run([a, agent(Sarsa, 1, alpha=0.1, epsilon=0.0, coder={"tilings": 4})], 1)
    with pytest.raises(ValueError, match="softmax"):
        batched.run([agent(Sarsa, 0, policy="softmax")], 1)
    with pytest.raises(ValueError, match="epsilon"):
        batched.run([agent(Sarsa, 0, epsilon_decay=0.99)], 1)
    with pytest.raises(ValueError, match="Mountain Car"):
        env = gym.make("CartPole-v1")
        batched.run([Sarsa(env, features=TileCoder(((-1, -1, -1, -1), (1, 1, 1, 1))), seed=0)], 1)
    with pytest.raises(ValueError, match="middle of an episode"):
        a.run(steps=5)
        batched.run([a], 1)


def test_sweep_in_worker_processes_gives_the_same_runs():
    make_agent = factory(Sarsa, "mountain-car", features=PerDimensionTiles)
    kw = dict(fixed=dict(alpha=0.3 / 8, epsilon=0.0, max_episode_steps=400), progress=False)
    here = sweep(make_agent, "tiles", [4, 8], 2, 3, workers=1, **kw)
    there = sweep(make_agent, "tiles", [4, 8], 2, 3, workers=2, **kw)
    for n in (4, 8):
        np.testing.assert_array_equal(here[n].steps, there[n].steps)
    with pytest.raises(ValueError, match="workers"):
        sweep(make_agent, "tiles", [4, 8], 2, 3, workers=0, **kw)
    with pytest.raises(ValueError, match="labels"):
        compare(make_agent, [{"tiles": 4}], 1, 1, labels=["a", "b"])
