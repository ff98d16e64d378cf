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

from . import bias, gridworld, mazes, mountain_car, random_walk

__all__ = ["make", "names"]


def _aliases() -> dict[str, str]:
    from . import atari  # noqa: F401  (its aliases are plain data; ale_py is imported lazily)

    out: dict[str, str] = {}
    for mod in (gridworld, mountain_car, atari, bias, random_walk, mazes):
        out.update(getattr(mod, "ALIASES", {}))
    return out


def names() -> list[str]:
    """The kit's short environment names."""
    return sorted(_aliases())


def make(name: str, **kwargs) -> gym.Env:
    """Build an environment by short name or gymnasium id (a new instance every call)."""
    if not isinstance(name, str):
        raise TypeError(f"environment name must be a string, got {type(name).__name__}")
    if kwargs.get("render_mode") == "human" and not _can_open_window():
        raise ValueError("render_mode='human' needs a window, and none can open here (no display, or no pygame); "
                         "use render_mode='rgb_array': a panel or a video shows the frames")
    aliases = _aliases()
    env_id = aliases.get(name.lower(), name)
    if env_id.startswith("ALE/"):
        from .atari import register_ale

        register_ale()
    try:
        return gym.make(env_id, **kwargs)
    except gym.error.Error as e:
        if isinstance(e, (gym.error.NameNotFound, gym.error.NamespaceNotFound, gym.error.VersionNotFound,
                          gym.error.UnregisteredEnv)) or "Malformed environment ID" in str(e):
            close = difflib.get_close_matches(name.lower(), list(aliases), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"unknown environment name {name!r}.{hint} Known short names: "
                             f"{', '.join(sorted(aliases))}; any registered gymnasium id also works") from None
        raise


def _can_open_window() -> bool:
    """Whether a ``render_mode="human"`` window can open: a display (or a non-Linux desktop) and pygame."""
    import importlib.util
    import os
    import sys

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    return importlib.util.find_spec("pygame") is not None
