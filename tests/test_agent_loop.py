"""The one interaction loop (course.agent.Agent.run): stop rules, resuming, evaluation, events, errors."""

import gymnasium as gym
import numpy as np
import pytest

from course.agent import Observer
from course.agents import TD0, QLearning, Sarsa


class Corridor(gym.Env):
    """States 0..length; action 1 moves right, 0 left (a wall at 0); -1 per step; ends at ``length``."""

    def __init__(self, length=6):
        self.length = length
        self.observation_space = gym.spaces.Discrete(length + 1)
        self.action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.s = 0
        return self.s, {}

    def step(self, action):
        self.s = min(self.length, max(0, self.s + (1 if action == 1 else -1)))
        return self.s, -1.0, self.s == self.length, False, {}


def make(cls=Sarsa, length=6, seed=0, **kw):
    return cls(Corridor(length), seed=seed, **{"alpha": 0.5, "epsilon": 0.1, **kw})


class Recorder(Observer):
    """Writes every event it receives into ``log``."""

    def __init__(self):
        self.log = []

    def on_run_start(self, agent):
        self.log.append(("start",))

    def on_step(self, agent, step):
        self.log.append(("step", step.episode, step.t, step.total_steps, step.terminated or step.truncated))

    def on_episode_end(self, agent, ep):
        self.log.append(("episode", ep.episode, ep.steps))

    def on_run_end(self, agent, history):
        self.log.append(("end", len(history)))


def test_run_returns_history_of_finished_episodes():
    agent = make()
    h = agent.run(5)
    assert len(h) == 5 and agent.episode == 5
    assert h.terminated.all()
    assert h.total_steps[-1] == agent.total_steps == h.steps.sum()
    np.testing.assert_array_equal(h.returns, -h.steps)  # -1 per step
    assert agent.stop_reason == "episodes"


def test_per_episode_step_cap_truncates():
    agent = make(length=30, epsilon=1.0, max_episode_steps=4)  # a random walk cannot cross 30 cells in 4 steps
    h = agent.run(3)
    np.testing.assert_array_equal(h.steps, [4, 4, 4])
    assert not h.terminated.any()
    assert agent.total_steps == 12


def test_total_steps_cap_stops_mid_episode_and_next_run_continues_it():
    whole = make(length=40, epsilon=1.0)
    whole.run(2)
    first_len = int(whole.history.steps[0])
    assert first_len > 10

    split = make(length=40, epsilon=1.0)
    split.run(total_steps=10)
    assert split.stop_reason == "total_steps"
    assert split.total_steps == 10 and split.episode == 0
    split.run(2)  # finishes the unfinished episode first, then one more
    np.testing.assert_array_equal(split.history.steps, whole.history.steps)
    np.testing.assert_array_equal(split.w, whole.w)


def test_steps_rule_counts_steps_of_this_run():
    agent = make(length=40, epsilon=1.0)
    agent.run(steps=7)
    agent.run(steps=5)
    assert agent.total_steps == 12 and agent.stop_reason == "steps"


def test_target_return_stops_once_the_window_mean_reaches_it():
    agent = make(length=5, epsilon=0.0)
    h = agent.run(500, target_return=-5.5, window=4)  # the best possible return is -5
    assert agent.stop_reason == "target_return"
    assert len(h) < 500
    assert h.mean_return(4) >= -5.5
    assert np.mean(h.returns[-5:-1]) < -5.5 or len(h) == 4  # it stopped as soon as it was reached


def test_learn_false_leaves_weights_history_and_counters_alone():
    agent = make(QLearning)
    agent.run(10)
    w, hist, total = agent.w.copy(), agent.history.steps.copy(), agent.total_steps
    ev = agent.evaluate(3)
    assert len(ev) == 3 and ev is not agent.history
    np.testing.assert_array_equal(agent.w, w)
    np.testing.assert_array_equal(agent.history.steps, hist)
    assert agent.total_steps == total
    np.testing.assert_array_equal(ev.steps, [6, 6, 6])  # greedy on a learned corridor: straight to the end


def test_evaluation_in_the_middle_of_an_episode_starts_fresh_and_learning_resumes():
    agent = make(length=40, epsilon=1.0)
    agent.run(steps=5)
    agent.evaluate(1, explore=True)  # abandons the unfinished learning episode
    assert agent.total_steps == 5 and agent.episode == 0
    agent.run(1)
    assert agent.episode == 1 and agent.history.steps[0] == agent.total_steps - 5


def test_observers_get_step_episode_and_run_end_events_in_order():
    agent = make(length=3, epsilon=0.0)
    rec = Recorder()
    agent.subscribe(rec)
    agent.run(2)
    log = rec.log
    assert log[0] == ("start",) and log[-1] == ("end", 2)
    body = log[1:-1]
    kinds = [e[0] for e in body]
    # each episode: its steps, the last one ending it, then its episode-end event
    first_end = kinds.index("episode")
    steps_ep0 = body[:first_end]
    assert [e[2] for e in steps_ep0] == list(range(1, len(steps_ep0) + 1))
    assert all(e[1] == 0 for e in steps_ep0) and steps_ep0[-1][4] and not any(e[4] for e in steps_ep0[:-1])
    assert body[first_end] == ("episode", 0, len(steps_ep0))
    assert body[-1][:2] == ("episode", 1) and kinds.count("episode") == 2
    assert [e[3] for e in body if e[0] == "step"] == list(range(1, agent.total_steps + 1))
    agent.unsubscribe(rec)
    agent.run(1)
    assert log[-1] == ("end", 2)  # no more events after unsubscribing


def test_per_run_observers_and_observers_without_on_step():
    class EpisodesOnly(Observer):
        def __init__(self):
            self.episodes = []

        def on_episode_end(self, agent, ep):
            self.episodes.append(ep.episode)

    obs = EpisodesOnly()
    agent = make()
    agent.run(3, observers=[obs])
    agent.run(1)
    assert obs.episodes == [0, 1, 2]


def test_request_stop_from_an_observer_stops_after_that_step_and_a_later_run_resumes():
    class StopAt(Observer):
        def on_step(self, agent, step):
            if step.total_steps == 9:
                agent.request_stop()

    whole = make(length=30, epsilon=1.0)
    whole.run(3)

    agent = make(length=30, epsilon=1.0)
    agent.run(3, observers=[StopAt()])
    assert agent.stop_reason == "stopped" and agent.total_steps == 9 and not agent.running
    agent.run(3 - agent.episode)
    np.testing.assert_array_equal(agent.history.steps, whole.history.steps)
    np.testing.assert_array_equal(agent.w, whole.w)


class FailingSarsa(Sarsa):
    """Sarsa whose update raises at one chosen step (a bug, or Ctrl-C)."""

    fail_at = None

    def learn(self, s, a, r, s2, a2, terminated):
        if self.total_steps == self.fail_at:
            self.fail_at = None
            raise KeyboardInterrupt
        return super().learn(s, a, r, s2, a2, terminated)


def test_exception_inside_learn_leaves_a_consistent_agent_and_next_run_starts_fresh():
    agent = make(FailingSarsa, length=30, epsilon=1.0)
    agent.fail_at = 5
    rec = Recorder()
    with pytest.raises(KeyboardInterrupt):
        agent.run(2, observers=[rec])
    assert rec.log[-1] == ("end", 0)  # the run-end event still arrives
    assert agent.stop_reason == "error" and not agent.running
    assert agent.total_steps == 5 and agent.episode == 0
    rec2 = Recorder()
    agent.run(1, observers=[rec2])
    first_step = rec2.log[1]
    assert first_step[0] == "step" and first_step[2] == 1  # a fresh episode, not step 6 of the old one
    assert agent.episode == 1 and agent.history.steps[0] == agent.total_steps - 5


def test_run_needs_a_stop_rule_and_valid_counts():
    agent = make()
    with pytest.raises(ValueError, match="stop rule"):
        agent.run()
    with pytest.raises(ValueError, match="episodes=-1"):
        agent.run(-1)
    with pytest.raises(ValueError, match="window=0"):
        agent.run(3, target_return=0.0, window=0)


def test_env_by_name_or_wrong_type():
    with pytest.raises(TypeError, match="gymnasium.Env"):
        TD0(object())
    with pytest.raises(ValueError, match="discrete action space"):
        Sarsa(gym.make("MountainCarContinuous-v0"))
