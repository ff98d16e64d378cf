"""The maximization-bias MDP of Sutton & Barto, Example 6.7 and Figure 6.5.

Two non-terminal states, A (the start, state 0) and B (state 1), and a
terminal state (2).  From A, ``right`` ends the episode with reward 0 and
``left`` moves to B with reward 0.  From B every one of ``n_actions``
actions ends the episode with a reward drawn from a normal distribution of
mean -0.1 and standard deviation 1.  So going left is worse on average
(-0.1 against 0), but an agent that maximises over noisy estimates of B's
actions will think, for a while, that some action of B is worth more than 0.

Actions: state A has two, ``left`` (0) and ``right`` (1); state B has
``n_actions`` (default 10).  The action space is ``Discrete(n_actions)``;
in A only actions 0 and 1 are legal (:meth:`MaxBias.legal_actions`, and
``info["action_mask"]``), and another action there is a ``ValueError``.
The agents of the kit that know about legal actions
(:class:`course.agents.tabular.LegalActions`) explore only among them.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

__all__ = ["MaxBias", "ALIASES", "A", "B", "LEFT", "RIGHT"]

A, B, TERMINAL = 0, 1, 2
LEFT, RIGHT = 0, 1


class MaxBias(gym.Env):
    """Example 6.7's MDP: A --left--> B --any of n actions--> end with reward ~ N(mean, std)."""

    metadata = {"render_modes": []}

    def __init__(self, n_actions: int = 10, *, mean: float = -0.1, std: float = 1.0):
        if not isinstance(n_actions, (int, np.integer)) or isinstance(n_actions, bool) or n_actions < 2:
            raise ValueError(f"n_actions={n_actions!r} is not valid: n_actions (actions in B) must be an integer >= 2")
        if not std >= 0:
            raise ValueError(f"std={std!r} is not valid: std must be >= 0")
        self.n_actions = int(n_actions)
        self.mean, self.std = float(mean), float(std)
        self.observation_space = gym.spaces.Discrete(3)
        self.action_space = gym.spaces.Discrete(self.n_actions)
        self.action_names = ("left", "right")
        self._mask = np.ones((3, self.n_actions), dtype=bool)
        self._mask[A, 2:] = False
        self._state = A

    def legal_actions(self, state) -> np.ndarray:
        """Boolean mask of the actions legal in ``state``."""
        return self._mask[int(state)]

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._state = A
        return A, {"action_mask": self._mask[A].copy()}

    def step(self, action):
        a = int(action)
        s = self._state
        if not (0 <= a < self.n_actions) or not self._mask[s, a]:
            legal = "0 (left) or 1 (right) in A" if s == A else f"an integer in [0, {self.n_actions}) in B"
            raise ValueError(f"action={action!r} is not valid: action must be {legal}")
        if s == A:
            if a == RIGHT:
                self._state = TERMINAL
                return TERMINAL, 0.0, True, False, {"action_mask": self._mask[TERMINAL].copy()}
            self._state = B
            return B, 0.0, False, False, {"action_mask": self._mask[B].copy()}
        if s == B:
            self._state = TERMINAL
            r = float(self.np_random.normal(self.mean, self.std))
            return TERMINAL, r, True, False, {"action_mask": self._mask[TERMINAL].copy()}
        raise RuntimeError("step() after the episode ended: call reset()")


#: Short names for :func:`course.envs.make`.
ALIASES = {"max-bias": "course/MaxBias-v0"}

if "course/MaxBias-v0" not in gym.registry:
    gym.register(id="course/MaxBias-v0", entry_point=f"{__name__}:MaxBias")
