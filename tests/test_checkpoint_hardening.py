"""Checkpoints under attack: a refused file changes nothing, feature settings are checked, no stale or hanging files,
and a resumed run on a stochastic Gymnasium environment continues exactly as an uninterrupted one."""

from __future__ import annotations

import hashlib
import json
import os

import gymnasium as gym
import numpy as np
import pytest

from course import checkpoint
from course.agent import Observer
from course.agents import QLearning, Sarsa
from course.envs import make
from course.events import CheckpointEvery
from course.tiles import TileCoder


def fingerprint(agent) -> str:
    """A hash of everything load may change: arrays, parameters, counters, random states, history."""
    h = hashlib.sha256()
    for k, v in sorted(agent.state_dict().items()):
        h.update(k.encode())
        h.update(np.ascontiguousarray(v).tobytes())
    h.update(json.dumps(agent.get_params(), sort_keys=True, default=repr).encode())
    h.update(json.dumps([agent.total_steps, agent.rng.bit_generator.state, agent._env_seeded,
                         agent._env_rng_pending, getattr(agent, "_epsilon_start", None)], default=str).encode())
    for v in agent.history.to_dict().values():
        h.update(np.asarray(v).tobytes())
    env_rng = agent.env.unwrapped._np_random
    h.update(repr(None if env_rng is None else env_rng.bit_generator.state).encode())
    return h.hexdigest()


def tampered(tmp_path, good, name, meta_change=None, array_change=None):
    meta, arrays = checkpoint.read(good)
    if meta_change:
        meta_change(meta)
    if array_change:
        array_change(arrays)
    return checkpoint.write(tmp_path / f"{name}.npz", meta, arrays)


@pytest.fixture
def trained(tmp_path):
    agent = Sarsa(make("cliff"), seed=1, epsilon=0.2, epsilon_decay=0.999)
    agent.run(3)
    good = agent.save(tmp_path / "good.npz")
    agent.run(2)  # the agent moves on: a load would visibly change it
    return agent, good


def _set(d, key, value):
    d[key] = value


def test_a_refused_file_leaves_the_agent_exactly_as_it_was(tmp_path, trained):
    agent, good = trained
    cases = {
        "alpha out of range": (lambda m: m["params"].update(alpha=5.0), None, "alpha=5.0 is out of range"),
        "alpha a string": (lambda m: m["params"].update(alpha="x"), None, "alpha='x' is not a number"),
        "schedule start ahead": (lambda m: _set(m, "epsilon_from", -3), None, "epsilon_from=-3"),
        "negative total_steps": (lambda m: _set(m, "total_steps", -1), None, "total_steps=-1"),
        "total_steps a float": (lambda m: _set(m, "total_steps", 1.5), None, "total_steps=1.5"),
        "history ahead of total_steps": (lambda m: _set(m, "total_steps", 3), None, "history does not agree"),
        "broken random state": (lambda m: _set(m, "rng", {"bit_generator": "PCG64", "state": 7}), None,
                                "random generator state"),
        "params missing": (lambda m: m.pop("params"), None, "no parameters"),
        "foreign features": (lambda m: m["features"].update(n_features=99), None, "saved with features"),
        "nan weights": (None, lambda a: a["state/w"].__setitem__((0, 0), np.nan), "non-finite"),
        "inf weights": (None, lambda a: a["state/w"].__setitem__((1, 2), np.inf), "non-finite"),
        "string weights": (None, lambda a: _set(a, "state/w", np.full(a["state/w"].shape, "a")), "expected numbers"),
        "wrong shape": (None, lambda a: _set(a, "state/w", a["state/w"][:, :-1]), "has shape"),
        "missing array": (None, lambda a: a.pop("state/w"), "it stores"),
        "ragged history": (None, lambda a: _set(a, "history/steps", a["history/steps"][:-1]), "history"),
        "history missing a column": (None, lambda a: a.pop("history/returns"), "history is not valid"),
    }
    before = fingerprint(agent)
    for name, (meta_change, array_change, words) in cases.items():
        path = tampered(tmp_path, good, name.replace(" ", "-"), meta_change, array_change)
        with pytest.raises(ValueError, match=words):
            agent.load(path)
        assert fingerprint(agent) == before, f"refused file ({name}) changed the agent"
    agent.load(good)  # the untampered file loads
    assert fingerprint(agent) != before and agent.total_steps == checkpoint.read(good)[0]["total_steps"]


def test_a_failure_while_applying_a_checked_file_puts_everything_back(tmp_path, trained, monkeypatch):
    agent, good = trained
    before = fingerprint(agent)

    def half_then_fail(arrays):
        agent.w[...] = 123.0  # half-applied...
        raise RuntimeError("disk went away")

    monkeypatch.setattr(agent, "load_state_dict", half_then_fail)
    with pytest.raises(ValueError, match="could not be loaded .* the agent is unchanged"):
        agent.load(good)
    monkeypatch.undo()
    assert fingerprint(agent) == before


def test_feature_settings_are_stored_and_checked(tmp_path):
    env = make("mountain-car") if "mountain-car" in __import__("course.envs", fromlist=["names"]).names() else None
    env = env or gym.make("MountainCar-v0")
    a = Sarsa(env, features=TileCoder(env, tiles=7, tilings=16), seed=0)
    b = Sarsa(env, features=TileCoder(env, tiles=15, tilings=4), seed=0)
    assert a.features.n_features == b.features.n_features == 1024  # same size: shapes alone cannot tell
    path = a.save(tmp_path / "tiles7.npz")
    before = fingerprint(b)
    with pytest.raises(ValueError, match=r"saved with features TileCoder\(tiles=7, tilings=16, hash_size=0\)"
                                         r".* this agent has TileCoder\(tiles=15, tilings=4"):
        b.load(path)
    assert fingerprint(b) == before
    Sarsa(env, features=TileCoder(env, tiles=7, tilings=16)).load(path)  # the same coding loads


def test_a_stale_temporary_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    agent = QLearning(make("cliff"), seed=0)
    path = tmp_path / "run.npz"
    stale = tmp_path / "run.npz.abc123.tmp"  # what mkstemp left when the save was killed mid-write
    stale.write_bytes(b"half a checkpoint")
    other = tmp_path / "other.npz.zzz.tmp"  # another file's temporary is not ours to remove
    other.write_bytes(b"x")
    agent.save(path)
    assert not stale.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.npz.zzz.tmp", "run.npz"]


def test_a_fifo_or_a_folder_is_refused_instead_of_hanging(tmp_path):
    agent = QLearning(make("cliff"), seed=0)
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        agent.load(fifo)  # np.load on a FIFO would wait for a writer forever
    with pytest.raises(ValueError, match="not a regular file"):
        agent.save(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        agent.load(tmp_path)
    with pytest.raises(FileNotFoundError):
        agent.load(tmp_path / "missing.npz")


def test_checkpoint_paths_with_braces_are_taken_literally(tmp_path):
    agent = QLearning(make("cliff"), seed=0)
    saver = CheckpointEvery(tmp_path / "run{}{0}{x" / "step-{step}.npz", every=50)
    agent.run(total_steps=100, observers=[saver])
    assert [p.name for p in saver.paths] == ["step-50.npz", "step-100.npz"]
    assert all(p.parent.name == "run{}{0}{x" and p.exists() for p in saver.paths)


class FailAtEnd(Observer):
    def __init__(self, log):
        self.log = log

    def on_run_end(self, agent, history):
        self.log.append("fail")
        raise OSError(28, "No space left on device")


class Note(Observer):
    def __init__(self, log):
        self.log = log

    def on_run_end(self, agent, history):
        self.log.append("note")


def test_an_observer_failing_at_the_end_of_a_run_reaches_the_caller_after_all_have_run():
    log = []
    agent = QLearning(make("cliff"), seed=0)
    with pytest.raises(OSError, match="No space left"):
        agent.run(1, observers=[FailAtEnd(log), Note(log)])
    assert log == ["fail", "note"]  # the second observer still heard the end
    assert len(agent.history) == 1 and isinstance(agent.run_end_errors[0], OSError)


def _resume_matches_uninterrupted(make_env, make_agent, tmp_path, first=6, second=6):
    whole = make_agent(make_env())
    whole.run(first + second)
    part = make_agent(make_env())
    part.run(first)
    path = part.save(tmp_path / "half.npz")
    resumed = make_agent(make_env())  # a fresh process: a new environment and agent
    resumed.load(path)
    resumed.run(second)
    np.testing.assert_array_equal(resumed.history.steps, whole.history.steps)
    np.testing.assert_array_equal(resumed.history.returns, whole.history.returns)
    np.testing.assert_array_equal(resumed.state_dict()["w"], whole.state_dict()["w"])
    return resumed


def test_resume_is_exact_on_taxi(tmp_path):
    """Taxi's passenger and destination are drawn at every reset from the environment's generator."""
    _resume_matches_uninterrupted(lambda: gym.make("Taxi-v4"),
                                  lambda env: QLearning(env, seed=4, alpha=0.5, epsilon=0.2), tmp_path)


def test_resume_is_exact_on_cartpole(tmp_path):
    """CartPole's start state is random at every reset; epsilon-greedy also draws from the agent's generator."""
    bounds = ([-2.4, -3.0, -0.21, -3.5], [2.4, 3.0, 0.21, 3.5])
    _resume_matches_uninterrupted(lambda: gym.make("CartPole-v1"),
                                  lambda env: Sarsa(env, features=TileCoder(bounds, tiles=4, tilings=4), seed=2,
                                                    alpha=0.1 / 4, epsilon=0.1), tmp_path, 8, 8)


def test_without_the_environment_state_the_episode_starts_differ(tmp_path):
    """The check above can fail: a checkpoint stripped of the environment's state gives other Taxi episodes."""
    whole = QLearning(gym.make("Taxi-v4"), seed=4, alpha=0.5, epsilon=0.2)
    whole.run(12)
    part = QLearning(gym.make("Taxi-v4"), seed=4, alpha=0.5, epsilon=0.2)
    part.run(6)
    path = part.save(tmp_path / "half.npz")
    meta, arrays = checkpoint.read(path)
    del meta["env_rng"], meta["env_seeded"]  # what a checkpoint of the old format held
    old = checkpoint.write(tmp_path / "old.npz", meta, arrays)
    resumed = QLearning(gym.make("Taxi-v4"), seed=4, alpha=0.5, epsilon=0.2)
    resumed.load(old)
    resumed.run(6)
    assert not np.array_equal(resumed.history.returns, whole.history.returns)


@pytest.mark.slow
def test_a_refused_dqn_file_leaves_the_dqn_as_it_was(tmp_path):
    """The deep agent's own arrays: network and optimizer weights, counters, the replay buffer's ring."""
    from course.agents.deep import DQN

    def build():
        return DQN(gym.make("CartPole-v1"), seed=0, buffer_size=64, learning_starts=32, hidden=8, n_layers=1,
                   epsilon_decay_steps=50)

    agent = build()
    agent.run(total_steps=60)
    good = agent.save(tmp_path / "dqn.npz")
    agent.run(total_steps=90)
    before = fingerprint(agent)
    cases = {
        "updates ahead of the steps": (lambda a: _set(a, "state/updates", np.array([10**6])), "updates=1000000"),
        "buffer counters": (lambda a: _set(a, "state/buffer/counters", np.array([70, 64, 60])), "counters"),
        "nan network weight": (lambda a: a["state/network/000"].__setitem__((0, 0), np.nan), "non-finite"),
        "wrong layer shape": (lambda a: _set(a, "state/network/000", a["state/network/000"][:, :3]), "has shape"),
    }
    for name, (change, words) in cases.items():
        with pytest.raises(ValueError, match=words):
            agent.load(tampered(tmp_path, good, name.replace(" ", "-"), array_change=change))
        assert fingerprint(agent) == before, name
    fresh = build()
    fresh.load(good)
    assert fresh.total_steps == 60
