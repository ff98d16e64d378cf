"""Gymnasium's Blackjack for the tabular agents: its observation as one state number.

``Blackjack-v1`` observes a tuple (player's sum, dealer's showing card,
usable ace).  Tabular agents want one state number, so
:class:`BlackjackStates` (a ``gymnasium.ObservationWrapper``) maps the tuple
to ``state_index(sum, dealer, ace) = (sum * 11 + dealer) * 2 + ace`` in a
``Discrete(N_STATES)`` space (sums 0..31, dealer 0..10: the book's 200
states, sums 12..21, are a part of it; the others are visited, rarely, at the
start of an episode, or never).  :func:`make` builds it with the book's rules
(``sab=True``: a natural wins unless the dealer has one too).

:class:`BlackjackStart` starts every episode in one chosen state (Example
5.4: the dealer shows a 2 and the player holds a usable ace and a 2, sum 13).
:func:`stick_policy` is the book's fixed policy (stick on 20 or 21, else hit).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

__all__ = ["N_STATES", "STICK", "HIT", "state_index", "decode", "BlackjackStates", "BlackjackStart", "make",
           "stick_policy", "value_grid"]

N_STATES = 32 * 11 * 2
STICK, HIT = 0, 1


def state_index(player_sum: int, dealer: int, usable_ace) -> int:
    """The state number of (player's sum, dealer's showing card 1..10, usable ace)."""
    return (int(player_sum) * 11 + int(dealer)) * 2 + int(bool(usable_ace))


def decode(state: int) -> tuple[int, int, bool]:
    """(player's sum, dealer's card, usable ace) of a state number."""
    rest, ace = divmod(int(state), 2)
    player_sum, dealer = divmod(rest, 11)
    return player_sum, dealer, bool(ace)


class BlackjackStates(gym.ObservationWrapper):
    """Blackjack's observation (sum, dealer, ace) as one state number in ``Discrete(N_STATES)``."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.observation_space = gym.spaces.Discrete(N_STATES)

    def observation(self, obs):
        return state_index(*obs)


class BlackjackStart(gym.Wrapper):
    """Every episode starts with the player's ``cards`` and the dealer showing ``dealer`` (the hidden card is drawn).

    Default: Example 5.4's state, a usable ace and a 2 (sum 13) against a 2.
    """

    def __init__(self, env: gym.Env, *, cards=(1, 2), dealer: int = 2):
        super().__init__(env)
        if not 1 <= int(dealer) <= 10:
            raise ValueError(f"dealer={dealer!r} is not valid: dealer must be a card value in [1, 10]")
        self.cards, self.dealer = [int(c) for c in cards], int(dealer)

    def reset(self, **kwargs):
        _, info = self.env.reset(**kwargs)
        game = self.env.unwrapped
        game.player = list(self.cards)
        game.dealer[0] = self.dealer
        return game._get_obs(), info


def make(*, start: bool = False, **start_kwargs) -> gym.Env:
    """``Blackjack-v1`` with the book's rules, observed as state numbers (``start=True``: from one state)."""
    env = gym.make("Blackjack-v1", sab=True)
    if start:
        env = BlackjackStart(env, **start_kwargs)
    return BlackjackStates(env)


def stick_policy() -> np.ndarray:
    """The book's fixed policy as a table (N_STATES, 2): stick on 20 or 21, hit otherwise."""
    pi = np.zeros((N_STATES, 2))
    sums = np.array([decode(s)[0] for s in range(N_STATES)])
    pi[sums >= 20, STICK] = 1.0
    pi[sums < 20, HIT] = 1.0
    return pi


def value_grid(values: np.ndarray, usable_ace: bool) -> np.ndarray:
    """The book's 10 x 10 picture of per-state numbers: rows player sum 12..21, columns dealer 1 (ace)..10."""
    values = np.asarray(values)
    return np.array([[values[state_index(p, d, usable_ace)] for d in range(1, 11)] for p in range(12, 22)])
