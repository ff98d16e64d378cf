"""Environments of the kit, all gymnasium.Env objects, and :func:`make`.

``make(name, **kwargs)`` accepts the kit's short names (``"maze"``,
``"cliff"``, ``"random-walk-19"``, ``"mountain-car"``, ``"pong"``, ...), the
kit's registered gymnasium ids (``"course/Maze-v0"``) and any other
gymnasium id (``"CartPole-v1"``, ``"ALE/Breakout-v5"``).  An unknown name is
a ``ValueError`` that lists the known short names.
"""

from __future__ import annotations

import difflib

import gymnasium as gym

from . import gridworld, mountain_car
from . import mazes  # lesson 10's mazes

__all__ = ["make", "names"]


def _aliases() -> dict[str, str]:
    from . import atari  # noqa: F401  (its aliases are plain data; ale_py is imported lazily)

    out: dict[str, str] = {}
    for mod in (gridworld, mountain_car, atari):
        out.update(getattr(mod, "ALIASES", {}))
    out.update(mazes.ALIASES)
    return out


def names() -> list[str]:
    """The kit's short environment names."""
    return sorted(_aliases())


def make(name: str, **kwargs) -> gym.Env:
    """Build an environment by short name or gymnasium id (a new instance every call)."""
    if not isinstance(name, str):
        raise TypeError(f"environment name must be a string, got {type(name).__name__}")
    aliases = _aliases()
    env_id = aliases.get(name.lower(), name)
    if env_id.startswith("ALE/"):
        from .atari import register_ale

        register_ale()
    try:
        return gym.make(env_id, **kwargs)
    except gym.error.Error as e:
        if isinstance(e, (gym.error.NameNotFound, gym.error.NamespaceNotFound, gym.error.VersionNotFound,
                          gym.error.UnregisteredEnv)):
            close = difflib.get_close_matches(name.lower(), list(aliases), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"unknown environment name {name!r}.{hint} Known short names: "
                             f"{', '.join(sorted(aliases))}; any registered gymnasium id also works") from None
        raise
