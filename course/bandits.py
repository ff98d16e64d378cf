"""Multi-armed bandits (Sutton & Barto, chapter 2), many independent runs at once.

A bandit problem has one state and ``arms`` actions.  Pulling arm ``a``
pays a reward drawn from a normal distribution around the arm's true value
``q*(a)`` with variance 1.  The *10-armed testbed* draws the true values of
each run from a normal distribution (mean ``mean``, variance 1); a drifting
testbed lets them take an independent random walk, ``drift`` being the
standard deviation of each step of the walk.

Everything here is batched: a :class:`Testbed` holds ``runs`` independent
problems as arrays of shape ``(runs, arms)``, and a learner keeps its
estimates in arrays of the same shape, so one call advances all runs by one
step.  The book's 2,000 runs x 1,000 steps take a second or two::

    from course import bandits
    bed = bandits.Testbed(runs=2000, seed=0)
    agent = bandits.ActionValueAgent(epsilon=0.1, seed=0)
    result = bandits.run(agent, bed, steps=1000)
    result.reward[-100:].mean(), result.optimal[-100:].mean()

The learners:

* :class:`ActionValueAgent` keeps action-value estimates Q, updated by
  sample averages (``alpha=None``) or by a constant step size ``alpha``;
  starts them at ``q0`` (optimistic when high); chooses greedily with
  probability 1 - ``epsilon`` and uniformly at random otherwise; with
  ``c > 0`` the greedy choice is by the upper confidence bound
  ``Q + c sqrt(ln t / N)`` (UCB; an arm never tried counts as maximal).
* :class:`GradientAgent` keeps preferences H and picks arms by their
  softmax; it moves H by ``alpha (R - baseline)``, the baseline being the
  average reward so far (``baseline=True``) or 0.

Ties between equally good arms are broken at random (never "the first
one"), so a greedy agent with equal estimates does not always pull arm 0.

The hyperparameters are declared with :class:`~course.params.Param`: a bad
value (``c=-1``, ``epsilon=1.5``, ``alpha=0``) is a ``ValueError`` naming the
parameter and its valid range, and the same declarations make a panel's
sliders.  Each testbed and each learner owns its random generator: the same
seeds give the same curves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import Configurable, Param

__all__ = ["Testbed", "ActionValueAgent", "GradientAgent", "BanditRun", "Result", "run", "three_armed",
           "THREE_ARMED", "argmax_random", "plain_epsilon_greedy"]

#: The true values of the small fixed bandit that opens lesson 02.
THREE_ARMED = (0.5, 1.5, 1.0)


def argmax_random(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The index of the largest value of each row, ties broken uniformly at random.

    ``values`` has shape ``(runs, arms)``; the result has shape ``(runs,)``.
    """
    best = values == values.max(axis=1, keepdims=True)
    choice = np.argmax(best, axis=1)  # the first maximum of each row
    tied = np.flatnonzero(best.sum(axis=1) > 1)
    if tied.size:  # only rows with ties need random numbers (all of them at the start, few later)
        choice[tied] = np.argmax(best[tied] * rng.random((tied.size, values.shape[1])), axis=1)
    return choice


class Testbed(Configurable):
    """``runs`` independent ``arms``-armed bandit problems (the book's 10-armed testbed by default).

    ``values`` gives fixed true values (the same for every run) instead of
    drawing them.  ``drift`` > 0 makes the problem non-stationary: after
    every step each true value moves by a normal step of that standard
    deviation (Exercise 2.5 uses 0.01, with every run starting at 0).
    """

    __test__ = False  # (its name starts with "Test": not a pytest class)

    runs = Param(2000, low=1, live=False, doc="independent runs advanced together")
    arms = Param(10, low=1, high=1000, live=False, doc="arms (actions)", symbol="k")
    mean = Param(0.0, live=False, doc="mean of the true values q*(a) when they are drawn")
    drift = Param(0.0, low=0.0, live=False, doc="std of the random walk of q*(a) per step (0: stationary)")
    noise = Param(1.0, low=0.0, live=False, doc="std of a reward around its arm's true value")
    seed = Param(0, low=0, live=False, doc="random seed of the testbed")

    def __init__(self, runs: int = 2000, arms: int | None = None, *, mean: float = 0.0, drift: float = 0.0,
                 noise: float = 1.0, values=None, seed: int = 0):
        if values is not None:
            values = np.asarray(values, dtype=float)
            if values.ndim != 1 or values.size < 1 or not np.isfinite(values).all():
                raise ValueError(f"values={values!r} is not valid: values must be a non-empty list of finite numbers,"
                                 f" one true value per arm")
            if arms is not None and arms != values.size:
                raise ValueError(f"arms={arms!r} is not valid: arms must equal len(values) = {values.size}")
            arms = values.size
        self.configure(runs=runs, arms=10 if arms is None else arms, mean=mean, drift=drift, noise=noise, seed=seed)
        self._built = True
        self.rng = np.random.default_rng(seed)
        if values is not None:
            self.q_star = np.tile(values, (self.runs, 1))
        elif self.drift > 0 and mean == 0.0:
            self.q_star = np.zeros((self.runs, self.arms))  # Exercise 2.5: all equal at the start, then they wander
        else:
            self.q_star = self.rng.normal(self.mean, 1.0, (self.runs, self.arms))
        self._rows = np.arange(self.runs)
        self._best = None

    def optimal(self) -> np.ndarray:
        """The best arm of each run now, shape ``(runs,)`` (the first one if several tie)."""
        return self.q_star.argmax(axis=1)

    def pull(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pull arm ``actions[i]`` in run ``i``: returns (rewards, whether each was an optimal arm)."""
        actions = np.asarray(actions)
        chosen = self.q_star[self._rows, actions]
        if self.drift > 0 or self._best is None:
            self._best = self.q_star.max(axis=1)  # (recomputed each step only while the values drift)
        optimal = chosen >= self._best
        rewards = chosen + self.noise * self.rng.standard_normal(self.runs)
        if self.drift > 0:
            self.q_star += self.rng.normal(0.0, self.drift, self.q_star.shape)
        return rewards, optimal


def three_armed(runs: int = 1, seed: int = 0) -> Testbed:
    """The small fixed bandit of lesson 02: three arms whose true values are :data:`THREE_ARMED`."""
    return Testbed(runs, values=THREE_ARMED, seed=seed)


class _Learner(Configurable):
    """What the learners share: their arrays of shape (runs, arms), the step count, the generator."""

    seed = Param(0, low=0, live=False, doc="random seed of the learner")

    def __init__(self, **params):
        self.configure(**params)
        self._built = True
        self.rng = np.random.default_rng(self.seed)
        self.runs = self.arms = 0
        self.t = 0

    def start(self, runs: int, arms: int) -> None:
        """Forget everything; get ready for ``runs`` problems of ``arms`` arms."""
        self.runs, self.arms, self.t = runs, arms, 0
        self._rows = np.arange(runs)

    @property
    def step(self) -> int:
        """Steps taken so far (each run has taken this many)."""
        return self.t

    def act(self) -> np.ndarray:  # pragma: no cover - each learner says how it acts
        raise NotImplementedError

    def learn(self, actions: np.ndarray, rewards: np.ndarray) -> None:  # pragma: no cover
        raise NotImplementedError


class ActionValueAgent(_Learner):
    """ε-greedy on action-value estimates: sample averages or constant α, optimistic Q0, optional UCB (c > 0)."""

    epsilon = Param(0.1, low=0.0, high=1.0, symbol="ε", doc="probability of a random arm")
    alpha = Param(None, low=0.0, high=1.0, low_open=True, allow_none=True, kind=float, symbol="α",
                  doc="constant step size (None: sample average, 1/n)")
    q0 = Param(0.0, low=-100.0, high=100.0, live=False, symbol="Q₀", doc="initial action value")
    c = Param(0.0, low=0.0, high=10.0, symbol="c", doc="UCB exploration degree (0: no UCB)")

    def __init__(self, epsilon: float = 0.1, alpha: float | None = None, q0: float = 0.0, c: float = 0.0,
                 seed: int = 0):
        super().__init__(epsilon=epsilon, alpha=alpha, q0=q0, c=c, seed=seed)

    def start(self, runs: int, arms: int) -> None:
        super().start(runs, arms)
        self.Q = np.full((runs, arms), float(self.q0))
        self.N = np.zeros((runs, arms))

    def act(self) -> np.ndarray:
        self.t += 1
        if self.c > 0:  # upper confidence bound; an arm never pulled is maximal
            with np.errstate(divide="ignore", invalid="ignore"):
                bonus = self.c * np.sqrt(np.log(self.t) / self.N)
            greedy = argmax_random(np.where(self.N > 0, self.Q + bonus, np.inf), self.rng)
        else:
            greedy = argmax_random(self.Q, self.rng)
        if self.epsilon == 0:
            return greedy
        explore = self.rng.random(self.runs) < self.epsilon
        return np.where(explore, self.rng.integers(self.arms, size=self.runs), greedy)

    def learn(self, actions: np.ndarray, rewards: np.ndarray) -> None:
        rows = self._rows
        self.N[rows, actions] += 1
        step = 1.0 / self.N[rows, actions] if self.alpha is None else self.alpha
        self.Q[rows, actions] += step * (rewards - self.Q[rows, actions])  # Q <- Q + step (R - Q)


class GradientAgent(_Learner):
    """The gradient bandit: softmax over preferences H, moved by α (R - baseline)."""

    alpha = Param(0.1, low=0.0, high=10.0, low_open=True, log=True, symbol="α", doc="step size")
    baseline = Param(True, doc="subtract the average reward so far (else 0)")

    def __init__(self, alpha: float = 0.1, baseline: bool = True, seed: int = 0):
        super().__init__(alpha=alpha, baseline=baseline, seed=seed)

    def start(self, runs: int, arms: int) -> None:
        super().start(runs, arms)
        self.H = np.zeros((runs, arms))
        self.average = np.zeros(runs)  # the average reward of the steps before this one

    def policy(self) -> np.ndarray:
        """π(a) = softmax(H), shape (runs, arms)."""
        e = np.exp(self.H - self.H.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def act(self) -> np.ndarray:
        self.t += 1
        self._pi = self.policy()
        u = self.rng.random((self.runs, 1))
        return np.minimum((self._pi.cumsum(axis=1) < u).sum(axis=1), self.arms - 1)

    def learn(self, actions: np.ndarray, rewards: np.ndarray) -> None:
        if self.t == 1:
            self.average = rewards.astype(float).copy()  # the book: R̄_1 = R_1
        baseline = self.average if self.baseline else 0.0
        one_hot = np.zeros_like(self.H)
        one_hot[self._rows, actions] = 1.0
        self.H += self.alpha * (rewards - baseline)[:, None] * (one_hot - self._pi)
        self.average += (rewards - self.average) / self.t


@dataclass
class Result:
    """The curves of a batch of runs: per step (1-based), the mean over runs and its standard error."""

    reward: np.ndarray  # average reward at each step
    optimal: np.ndarray  # fraction of runs that pulled an optimal arm at each step
    reward_stderr: np.ndarray
    optimal_stderr: np.ndarray
    runs: int
    per_run_reward: np.ndarray  # each run's average reward over all its steps, shape (runs,)

    @property
    def steps(self) -> int:
        return len(self.reward)


class BanditRun:
    """A learner on a testbed, advanced a chunk of steps at a time (a panel advances it while you watch).

    The learner's live parameters (ε, α, c) may change between two chunks
    and act from the next step.
    """

    def __init__(self, agent: _Learner, testbed: Testbed):
        self.agent, self.testbed = agent, testbed
        agent.start(testbed.runs, testbed.arms)
        self._reward: list[np.ndarray] = []
        self._reward_sq: list[np.ndarray] = []
        self._optimal: list[np.ndarray] = []
        self._total = np.zeros(testbed.runs)

    @property
    def steps(self) -> int:
        return len(self._reward)

    def advance(self, steps: int) -> "BanditRun":
        """Advance every run by ``steps`` steps."""
        agent, bed = self.agent, self.testbed
        for _ in range(int(steps)):
            actions = agent.act()
            rewards, optimal = bed.pull(actions)
            agent.learn(actions, rewards)
            self._total += rewards
            self._reward.append(rewards.mean())
            self._reward_sq.append(np.square(rewards).mean())
            self._optimal.append(optimal.mean())
        return self

    def result(self) -> Result:
        """The curves so far."""
        n = self.testbed.runs
        reward = np.array(self._reward)
        optimal = np.array(self._optimal)
        var = np.maximum(np.array(self._reward_sq) - reward ** 2, 0.0) * n / max(n - 1, 1)
        return Result(reward, optimal, np.sqrt(var / n), np.sqrt(optimal * (1 - optimal) / max(n - 1, 1)), n,
                      self._total / max(self.steps, 1))


def run(agent: _Learner, testbed: Testbed, steps: int = 1000) -> Result:
    """Run ``agent`` on every problem of ``testbed`` for ``steps`` steps; the averaged curves."""
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"steps={steps!r} is not valid: steps must be a positive integer")
    return BanditRun(agent, testbed).advance(steps).result()


def plain_epsilon_greedy(epsilon: float, steps: int, seed: int, arms: int = 10) -> tuple[list, list]:
    """One run of sample-average ε-greedy on a fresh testbed problem, in plain Python (the benchmark's yardstick).

    Returns the rewards and whether each pull was optimal, step by step.
    """
    import random

    rnd = random.Random(seed)
    q_star = [rnd.gauss(0.0, 1.0) for _ in range(arms)]
    best = max(q_star)
    Q, N = [0.0] * arms, [0] * arms
    rewards, optimal = [], []
    for _ in range(steps):
        if rnd.random() < epsilon:
            a = rnd.randrange(arms)
        else:
            top = max(Q)
            a = rnd.choice([i for i, q in enumerate(Q) if q == top])
        r = rnd.gauss(q_star[a], 1.0)
        N[a] += 1
        Q[a] += (r - Q[a]) / N[a]
        rewards.append(r)
        optimal.append(q_star[a] == best)
    return rewards, optimal
