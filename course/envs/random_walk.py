"""The 1000-state random walk of Sutton & Barto (Example 9.1), the running example of chapter 9.

States 1 .. 1000 lie in a row; the walk starts in state 500.  Each step jumps
to one of the 100 states on the left or one of the 100 on the right, all 200
equally likely.  A jump past the left end terminates with reward -1, past the
right end with +1; every other step pays 0 (no discounting).  Near an end,
the jumps that would overshoot all land in the terminal state, so the
probability of ending there is that much larger.

As a gymnasium environment the walk has two actions, left (0) and right
(1); the environment itself draws how far the jump goes (1 .. 100 states).
An agent that picks left and right uniformly at random (what the kit's
prediction agents do) *is* the book's walk.  Observations are the state
number 0 .. 1001, where 0 and 1001 are the two terminal states.

``true_values`` are v_pi of the walk, found once by dynamic programming (the
Bellman equation v = b + P v of the 1000 states, solved exactly with numpy)
and cached for the session; ``on_policy_distribution`` is mu, the fraction of
time spent in each state (chapter 9's weighting of the value error).
``draw(values=...)`` pictures the true values with an estimate over them;
the kit's panels show it live.
"""

from __future__ import annotations

from functools import lru_cache

import gymnasium as gym
import numpy as np

__all__ = ["RandomWalk1000", "walk_matrices", "true_values", "on_policy_distribution", "ALIASES"]


def _check(n_states, jump) -> tuple[int, int]:
    for name, value in (("n_states", n_states), ("jump", jump)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}={value!r} is not valid: {name} must be a positive integer")
    return int(n_states), int(jump)


@lru_cache(maxsize=8)
def walk_matrices(n_states: int = 1000, jump: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """``(P, b)``: P[i, j] the probability of moving from state i+1 to state j+1, b[i] the expected reward from i+1."""
    n, k = _check(n_states, jump)
    p = 1.0 / (2 * k)
    s = np.arange(1, n + 1)[:, None]
    d = np.arange(1, k + 1)[None, :]
    P = np.zeros((n, n))
    rows = np.broadcast_to(s - 1, (n, k))
    for target in (s - d, s + d):  # every jump left, then every jump right
        inside = (target >= 1) & (target <= n)
        np.add.at(P, (rows[inside], target[inside] - 1), p)
    b = p * (((s + d) > n).sum(axis=1) - ((s - d) < 1).sum(axis=1)).astype(float)  # +1 past the right end, -1 left
    P.flags.writeable = False
    b.flags.writeable = False
    return P, b


@lru_cache(maxsize=8)
def _values(n: int, k: int) -> np.ndarray:
    P, b = walk_matrices(n, k)
    v = np.linalg.solve(np.eye(n) - P, b)  # the fixed point of the DP update v <- b + P v
    v.flags.writeable = False
    return v


def true_values(n_states: int = 1000, jump: int = 100) -> np.ndarray:
    """v_pi of states 1 .. n_states (a read-only array of n_states values), computed once and cached."""
    return _values(*_check(n_states, jump))


@lru_cache(maxsize=8)
def _mu(n: int, k: int) -> np.ndarray:
    P, _ = walk_matrices(n, k)
    h = np.zeros(n)
    h[(n + 1) // 2 - 1 if n % 2 else n // 2 - 1] = 1.0  # every episode starts in the middle state
    eta = np.linalg.solve(np.eye(n) - P.T, h)  # expected visits per episode: eta = h + P^T eta
    mu = eta / eta.sum()
    mu.flags.writeable = False
    return mu


def on_policy_distribution(n_states: int = 1000, jump: int = 100) -> np.ndarray:
    """mu(s): the fraction of time the walk spends in each state 1 .. n_states (book section 9.2)."""
    return _mu(*_check(n_states, jump))


def start_state(n_states: int) -> int:
    """The middle state (500 of 1000, as in the book)."""
    return n_states // 2 if n_states % 2 == 0 else (n_states + 1) // 2


class RandomWalk1000(gym.Env):
    """The book's 1000-state random walk (see the module's documentation).

    Parameters: ``n_states`` (1000) and ``jump`` (100), the most states one step moves.
    """

    metadata = {"render_modes": ["rgb_array"]}

    def __init__(self, n_states: int = 1000, jump: int = 100, render_mode: str | None = "rgb_array"):
        self.n, self.jump = _check(n_states, jump)
        self.start_state = start_state(self.n)
        self.render_mode = render_mode
        self.observation_space = gym.spaces.Discrete(self.n + 2)
        self.action_space = gym.spaces.Discrete(2)
        self.action_names = ("left", "right")
        self.true_values = np.full(self.n + 2, np.nan)  # nan at the two terminal states, as RandomWalk
        self.true_values[1:-1] = true_values(self.n, self.jump)
        self._state = self.start_state

    @property
    def on_policy_distribution(self) -> np.ndarray:
        return on_policy_distribution(self.n, self.jump)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._state = self.start_state
        return self._state, {}

    def step(self, action):
        a = int(action)
        if a not in (0, 1):
            raise ValueError(f"action={action!r} is not valid: action must be 0 (left) or 1 (right)")
        d = int(self.np_random.integers(1, self.jump + 1))
        s = self._state + (d if a == 1 else -d)
        if s < 1:
            self._state = 0
            return 0, -1.0, True, False, {}
        if s > self.n:
            self._state = self.n + 1
            return self._state, 1.0, True, False, {}
        self._state = s
        return s, 0.0, False, False, {}

    # -- pictures ------------------------------------------------------------------------
    def draw(self, values: np.ndarray | None = None, *, width: int = 500, height: int = 220) -> np.ndarray:
        """An RGB picture: the true values (grey), ``values`` over them (red), the current state (blue).

        ``values`` has one entry per observation (0 .. n+1, the ends ignored) or per state (1 .. n).
        """
        img = np.full((height, width, 3), 255, dtype=np.uint8)
        pad = 10
        y_of = lambda v: np.clip(np.round((1 - (np.asarray(v) + 1) / 2) * (height - 2 * pad) + pad), 0, height - 1
                                 ).astype(int)  # values in [-1, 1] from bottom to top
        xs = np.linspace(0, width - 1, self.n).round().astype(int)
        img[y_of(0.0), :] = (220, 220, 220)
        for curve, colour, thick in ((self.true_values[1:-1], (110, 110, 110), 1), (values, (215, 40, 40), 2)):
            if curve is None:
                continue
            curve = np.asarray(curve, dtype=float)
            if curve.size == self.n + 2:
                curve = curve[1:-1]
            if curve.size != self.n:
                raise ValueError(f"values has {curve.size} entries: give one per state ({self.n}) or per "
                                 f"observation ({self.n + 2})")
            ys = y_of(np.nan_to_num(curve))
            for dy in range(thick):
                img[np.clip(ys + dy, 0, height - 1), xs] = colour
            for x0, x1, y0, y1 in zip(xs[:-1], xs[1:], ys[:-1], ys[1:]):  # join the points: a line, not dots
                if abs(y1 - y0) > 1:
                    lo, hi = sorted((y0, y1))
                    img[lo:hi + 1, x1] = colour
        if 1 <= self._state <= self.n:
            x = xs[self._state - 1]
            img[:, max(0, x - 1):x + 2] = (60, 90, 220)
        return img

    def render(self):
        return self.draw()


ALIASES = {"random-walk-1000": "course/RandomWalk1000-v0"}

if "course/RandomWalk1000-v0" not in gym.registry:  # importing the module again must not register twice
    gym.register(id="course/RandomWalk1000-v0", entry_point=f"{__name__}:RandomWalk1000")
