"""Self-checks for the coding exercises of lessons 00 (welcome), 16 (DQN) and 18 (games).

Each ``check_*`` function runs the student's code on cases, prints one
sentence (what is wrong, or that it passed) and returns True or False;
``problem_*`` returns that sentence, or None when everything is right.

* lesson 00: ``play_episode(env, act, learn)``, the one loop by hand;
* lesson 16: ``dqn_targets`` and ``double_dqn_targets``, the two targets;
* lesson 18: ``discounted_returns`` (the Monte Carlo reference of the
  autoencoder's values) and ``epsilon_at`` (the Atari agent's schedule).
"""

from __future__ import annotations

import numpy as np
from . import report

__all__ = ["Corridor", "problem_play_episode", "check_play_episode", "problem_dqn_targets", "check_dqn_targets",
           "problem_double_dqn_targets", "check_double_dqn_targets", "problem_discounted_returns",
           "check_discounted_returns", "problem_epsilon_at", "check_epsilon_at"]


def _call(name: str, fn, *args):
    """``fn(*args)``, or the sentence that says how it failed."""
    try:
        return fn(*args), None
    except Exception as e:  # noqa: BLE001 - the student's error is the message
        return None, f"{name} raised {type(e).__name__}: {e}"


# ---------------------------------------------------------------------------
# Lesson 00: the one loop
# ---------------------------------------------------------------------------
class Corridor:
    """A Gymnasium-style corridor of ``n`` cells: action 1 moves right, 0 left; -1 per step; cut after ``limit`` steps."""

    def __init__(self, n: int = 4, limit: int = 10):
        self.n, self.limit = n, limit
        self.pos = self.t = 0

    def reset(self, seed=None):
        self.pos = self.t = 0
        return self.pos, {}

    def step(self, action):
        if self.t >= self.limit:
            raise RuntimeError(f"step() called after the episode ended (it was truncated at {self.limit} steps); "
                               "stop when terminated or truncated")
        self.t += 1
        self.pos = min(max(self.pos + (1 if action == 1 else -1), 0), self.n - 1)
        terminated = self.pos == self.n - 1
        return self.pos, -1.0, terminated, self.t >= self.limit and not terminated, {}


def problem_play_episode(play_episode) -> str | None:
    """What is wrong with ``play_episode(env, act, learn)`` (one episode; returns its total reward), or None."""
    for action, want_return, want_steps in ((1, -3.0, 3), (0, -10.0, 10)):
        env, seen = Corridor(), []
        total, problem = _call("play_episode", play_episode, env, lambda obs: action,
                               lambda *args: seen.append(args))
        if problem:
            return problem
        what = "always right (3 steps to the goal)" if action == 1 else "always left (cut after 10 steps)"
        if len(seen) != want_steps:
            return f"acting {what}, learn was called {len(seen)} times instead of {want_steps}: once per step"
        if total is None or not np.isclose(float(total), want_return):
            return f"acting {what}, the episode's total reward is {want_return:g}, but play_episode returned {total}"
        expected, pos = [], 0
        for _ in range(want_steps):
            nxt = min(max(pos + (1 if action == 1 else -1), 0), 3)
            expected.append((pos, action, -1.0, nxt, nxt == 3))
            pos = nxt
        for i, (got, want) in enumerate(zip(seen, expected)):
            if tuple(got) != want:
                return (f"acting {what}, step {i + 1} should call learn(s, a, r, s2, terminated) = learn{want}, "
                        f"got learn{tuple(got)}")
    return None


def check_play_episode(play_episode) -> bool:
    """Print whether ``play_episode`` runs one episode the way the kit's loop does; True if it does."""
    return report(problem_play_episode(play_episode),
                   "Correct: one learn call per step with (s, a, r, s2, terminated), stopping at the goal or the cut.")


# ---------------------------------------------------------------------------
# Lesson 16: DQN's and Double DQN's targets
# ---------------------------------------------------------------------------
_R = np.array([-1.0, -1.0, 0.0, 2.0])
_DONE = np.array([False, True, False, True])
_Q_TARGET = np.array([[1.0, 3.0], [5.0, 4.0], [-2.0, -1.0], [0.5, 0.0]])
_Q_ONLINE = np.array([[2.0, 1.0], [0.0, 9.0], [-3.0, -4.0], [1.0, 2.0]])
_GAMMA = 0.9


def _compare(name, got, want, shape_hint="one target per transition") -> str | None:
    if got is None:
        return f"{name} returned None; return the array of targets"
    got = np.asarray(got, dtype=float)
    if got.shape != want.shape:
        return f"{name} returned shape {got.shape}, not {want.shape}: {shape_hint}"
    return None


def problem_dqn_targets(dqn_targets) -> str | None:
    """What is wrong with ``dqn_targets(rewards, next_q_target, terminated, gamma)``, or None."""
    got, problem = _call("dqn_targets", dqn_targets, _R, _Q_TARGET, _DONE, _GAMMA)
    want = _R + _GAMMA * ~_DONE * _Q_TARGET.max(axis=1)
    problem = problem or _compare("dqn_targets", got, want)
    if problem:
        return problem
    got = np.asarray(got, dtype=float)
    if np.allclose(got, _R + _GAMMA * _Q_TARGET.max(axis=1)):
        return "at a terminal next state the target must be just r: multiply the bootstrap by (1 - terminated)"
    if np.allclose(got, _R + ~_DONE * _Q_TARGET.max(axis=1)):
        return "the bootstrapped value must be discounted: r + gamma * max_a q_target(s', a)"
    if not np.allclose(got, want):
        return (f"with rewards {_R.tolist()}, terminated {_DONE.tolist()}, gamma {_GAMMA} and next_q_target "
                f"{_Q_TARGET.tolist()} the targets are {np.round(want, 4).tolist()}, got {np.round(got, 3).tolist()}: "
                f"r + gamma * max over the actions (axis 1) of next_q_target")
    return None


def check_dqn_targets(dqn_targets) -> bool:
    """Print whether ``dqn_targets`` builds DQN's Q-learning targets; True if it does."""
    return report(problem_dqn_targets(dqn_targets),
                   "Correct: r + γ max_a q_target(s', a), and just r at terminal states.")


def problem_double_dqn_targets(double_dqn_targets) -> str | None:
    """What is wrong with ``double_dqn_targets(rewards, next_q_online, next_q_target, terminated, gamma)``, or None."""
    got, problem = _call("double_dqn_targets", double_dqn_targets, _R, _Q_ONLINE, _Q_TARGET, _DONE, _GAMMA)
    best = _Q_ONLINE.argmax(axis=1)
    want = _R + _GAMMA * ~_DONE * _Q_TARGET[np.arange(len(_R)), best]
    problem = problem or _compare("double_dqn_targets", got, want)
    if problem:
        return problem
    got = np.asarray(got, dtype=float)
    if np.allclose(got, _R + _GAMMA * ~_DONE * _Q_TARGET.max(axis=1)):
        return ("that is DQN's target (the max of the target network); let the online network choose the action "
                "(argmax of next_q_online) and the target network value it")
    if np.allclose(got, _R + _GAMMA * ~_DONE * _Q_ONLINE.max(axis=1)):
        return "the chosen action must be valued by the target network, not the online one: next_q_target[i, best[i]]"
    if np.allclose(got, _R + _GAMMA * _Q_TARGET[np.arange(len(_R)), best]):
        return "at a terminal next state the target must be just r: multiply the bootstrap by (1 - terminated)"
    if not np.allclose(got, want):
        return (f"the targets should be {np.round(want, 4).tolist()}, got {np.round(got, 3).tolist()}: "
                "r + gamma * next_q_target[i, argmax(next_q_online[i])], and just r where terminated")
    return None


def check_double_dqn_targets(double_dqn_targets) -> bool:
    """Print whether ``double_dqn_targets`` builds Double DQN's targets; True if it does."""
    return report(problem_double_dqn_targets(double_dqn_targets),
                   "Correct: the online network chooses a', the target network values it, nothing after a terminal.")


# ---------------------------------------------------------------------------
# Lesson 18: Monte Carlo returns and the exploration schedule
# ---------------------------------------------------------------------------
def problem_discounted_returns(discounted_returns) -> str | None:
    """What is wrong with ``discounted_returns(rewards, gamma)`` (G_t for every t of one episode), or None."""
    for rewards, gamma in (([0.0, 0.0, 1.0], 0.5), ([1.0, -1.0, 0.0, 2.0], 0.9), ([3.0], 0.99), ([], 0.9)):
        got, problem = _call("discounted_returns", discounted_returns, np.array(rewards), gamma)
        if problem:
            return problem
        want, g = np.zeros(len(rewards)), 0.0
        for t in range(len(rewards) - 1, -1, -1):
            g = rewards[t] + gamma * g
            want[t] = g
        problem = _compare("discounted_returns", got, want, "one return per time step")
        if problem:
            return problem
        got = np.asarray(got, dtype=float)
        if not np.allclose(got, want):
            forward = np.cumsum(np.array(rewards) * gamma ** np.arange(len(rewards)))
            if np.allclose(got, forward):
                return (f"for rewards {rewards} and gamma {gamma} you summed from the start; G_t sums the rewards "
                        f"after t: G_t = R_(t+1) + gamma G_(t+1), computed backwards from the end ({np.round(want, 4).tolist()})")
            return (f"for rewards {rewards} and gamma {gamma} the returns are {np.round(want, 4).tolist()}, got "
                    f"{np.round(got, 4).tolist()}: G_t = R_(t+1) + gamma G_(t+1), with G = 0 after the last step")
    return None


def check_discounted_returns(discounted_returns) -> bool:
    """Print whether ``discounted_returns`` computes the Monte Carlo return of every step; True if it does."""
    return report(problem_discounted_returns(discounted_returns),
                   "Correct: G_t = R_(t+1) + γ G_(t+1) for every step, computed backwards from the end.")


def problem_epsilon_at(epsilon_at) -> str | None:
    """What is wrong with ``epsilon_at(step, start, end, decay_steps)`` (linear decay, then flat), or None."""
    for step, start, end, decay in ((0, 1.0, 0.01, 200_000), (100_000, 1.0, 0.01, 200_000),
                                    (200_000, 1.0, 0.01, 200_000), (1_000_000, 1.0, 0.01, 200_000),
                                    (250, 0.5, 0.1, 500), (10, 0.3, 0.05, 0)):
        got, problem = _call("epsilon_at", epsilon_at, step, start, end, decay)
        if problem:
            return problem
        want = start if decay == 0 else max(end, start + (end - start) * step / decay)
        if got is None or not np.isclose(float(got), want):
            if decay and step > decay and got is not None and float(got) < end:
                return (f"epsilon_at({step}, {start}, {end}, {decay}) = {got:g} fell below the floor {end}: "
                        f"after decay_steps epsilon stays at end")
            return (f"epsilon_at({step}, {start}, {end}, {decay}) should be {want:g}, got {got}: a straight line "
                    f"from start at step 0 to end at step decay_steps, then end (decay_steps 0: no decay, start for ever)")
    return None


def check_epsilon_at(epsilon_at) -> bool:
    """Print whether ``epsilon_at`` is the linear exploration schedule with a floor; True if it is."""
    return report(problem_epsilon_at(epsilon_at),
                   "Correct: ε falls in a straight line from start to end over decay_steps, then stays at end.")
