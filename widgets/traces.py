"""The eligibility trace, painted live on a grid world (lesson 15).

:class:`TraceView` is a :class:`~widgets.view.LiveView` that paints the
agent's trace ``z`` instead of its values: every cell coloured by how
eligible it is now, from dark (0) to yellow (the largest trace).  For a
control agent with one-hot features (Sarsa(λ) on a maze) ``z`` has one entry
per state and action, drawn as the cell's four wedges, so the picture shows
which action was taken where; for a prediction agent (TD(λ) on a random
walk) one colour per state.  It is an observer like the others: subscribe it
to an agent (``agent.subscribe(view)``, e.g. in a panel's factory, so a
rebuilt agent is watched too) and show ``view.image``, on its own or inside
a panel, between the panel's view and its curves (:func:`beside`).
"""

from __future__ import annotations

import gymnasium as gym
import ipywidgets as widgets
import numpy as np

from .view import LiveView, encode, started

__all__ = ["TraceView", "trace_tables", "trace_frame", "beside"]


def trace_tables(agent) -> dict[str, np.ndarray] | None:
    """What the grid world's ``draw`` needs to paint ``agent.z``: ``{"q": z}`` or ``{"values": z}``; None if it cannot."""
    env, z = agent.env, getattr(agent, "z", None)
    world = env.unwrapped
    if z is None or not hasattr(world, "draw") or not isinstance(env.observation_space, gym.spaces.Discrete):
        return None
    if z.shape == (world.n_actions, world.n_states):
        return {"q": z}
    if z.shape == (world.n_states,):
        return {"values": z}
    return None  # features other than one per cell: no picture on the grid


def trace_frame(agent) -> np.ndarray | None:
    """An RGB picture of the agent's grid world with its trace painted on it (None when there is none yet)."""
    tables = trace_tables(agent)
    if tables is None or not started(agent.env):
        return None
    return agent.env.unwrapped.draw(**{k: v.copy() for k, v in tables.items()})


class TraceView(LiveView):
    """A live view of the agent's eligibility trace on its grid world (see the module's documentation)."""

    def __init__(self, image: widgets.Image | None = None, *, fps: float = 15.0, share: float = 0.3,
                 enabled: bool = True):
        super().__init__(image if image is not None else widgets.Image(
            format="jpeg", layout=widgets.Layout(max_width="480px")), fps=fps, share=share, enabled=enabled)

    def show(self, agent, *, fresh: bool = False) -> None:
        rgb = trace_frame(agent)
        if rgb is not None:
            self.image.value = encode(rgb)
            if self.frames == 0:
                self.image.layout.display = None
            self.frames += 1


def beside(panel, view: TraceView):
    """Put ``view``'s picture in ``panel``, between the panel's live view and its curves; returns the panel."""
    for box in panel.widget.children:
        if isinstance(box, widgets.HBox) and panel.view.image in box.children:
            box.children = tuple(c for c in box.children if c is not view.image)
            i = box.children.index(panel.view.image) + 1
            box.children = box.children[:i] + (view.image,) + box.children[i:]
            return panel
    raise ValueError("this panel has no live view to put the trace beside")
