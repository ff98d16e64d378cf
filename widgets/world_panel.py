"""A panel to watch a hand-written policy in the kit's worlds: pick a world, a reward scheme and a policy, then step.

:class:`~widgets.Panel` drives a *learning* agent; lesson 03 has none yet.
Here the student chooses a world (plain grid, maze, windy grid, cliff,
random walks), a reward scheme and a policy (a function ``policy(state,
rng) -> action``), and either steps it by hand, one step per press, or lets
it run at a chosen speed.  The status line shows the time step, the last
reward and the discounted return so far; the picture can show the values
v_π measured by running episodes from every cell (:mod:`course.mdp`).

It reuses the kit's pieces: the controls made from declared parameters
(:mod:`widgets.controls`; γ and the speed are :class:`~course.params.Param`
s) and the background thread of :mod:`widgets.runner`, so Pause and the
sliders answer while the policy runs::

    panel = WorldPanel({"random": lambda world: mdp.random_policy(world.n_actions),
                        "toward the goal": mdp.toward_goal})
    panel
"""

from __future__ import annotations

import html
import time
from typing import Callable, Mapping

import cv2
import ipywidgets as widgets
import numpy as np

from course import mdp
from course.envs import make
from course.envs.gridworld import REWARD_SCHEMES, GridWorld
from course.params import Param

from .base import PanelBase, button, framed
from .controls import Control, controls_grid
from .runner import Runner, background_default, error_html

__all__ = ["WorldPanel", "WORLDS"]

WORLDS = ("grid", "maze", "windy", "cliff", "random-walk-5", "random-walk-19")

GAMMA = Param(0.9, low=0.0, high=1.0, symbol="γ", doc="discount of the return shown", name="gamma")
SPEED = Param(4.0, low=0.5, high=500.0, log=True, doc="steps per second of Run", name="speed")


def _jpeg(rgb: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise RuntimeError("OpenCV could not encode the frame")
    return buf.tobytes()


class WorldPanel(PanelBase):
    """Pick a world, a reward scheme and a policy; Step, Run, Pause, New episode; values on demand.

    Parameters
    ----------
    policies : {name: maker}; ``maker(world)`` returns ``policy(state, rng) -> action``
        (``world`` is the unwrapped environment: its map, its goal, its actions).
    world, reward, policy : the starting choices.
    max_steps : an episode is cut after this many steps (a policy may loop for ever).
    background : run in a background thread (default: only in a live notebook).
    """

    def __init__(self, policies: Mapping[str, Callable], *, world: str = "grid", reward: str = "step-1",
                 policy: str | None = None, gamma: float = 0.9, speed: float = 4.0, max_steps: int = 200,
                 seed: int = 0, background: bool | None = None, title: str = ""):
        if not policies:
            raise ValueError("policies is empty: give at least one {name: maker} pair")
        if world not in WORLDS:
            raise ValueError(f"world={world!r} is not valid: world must be one of {', '.join(WORLDS)}")
        if reward not in REWARD_SCHEMES:
            raise ValueError(f"reward={reward!r} is not valid: reward must be one of {', '.join(REWARD_SCHEMES)}")
        policy = policy or next(iter(policies))
        if policy not in policies:
            raise ValueError(f"policy={policy!r} is not valid: policy must be one of {', '.join(policies)}")
        self.policies = dict(policies)
        self.max_steps, self.seed = max_steps, seed
        self.background = background_default() if background is None else bool(background)
        self.world_box = widgets.Dropdown(options=list(WORLDS), value=world, description="world")
        self.reward_box = widgets.Dropdown(options=list(REWARD_SCHEMES), value=reward, description="reward")
        self.policy_box = widgets.Dropdown(options=list(self.policies), value=policy, description="policy")
        self.values_box = widgets.Checkbox(value=False, description="show v_π (measured)", indent=False)
        self.controls = {"gamma": Control("gamma", GAMMA, gamma), "speed": Control("speed", SPEED, speed)}
        for control in self.controls.values():
            control.observe(self._control_changed, self._refused)
        for box in (self.world_box, self.reward_box, self.policy_box):
            box.observe(lambda _change: self.new_world(), names="value")
        self.values_box.observe(lambda _change: self._draw(), names="value")
        self.step_button = button("Step", "one step of the policy", lambda: self.step(), icon="step-forward",
                                  width="120px")
        self.run_button = button("Run", "let the policy run to the end of the episode", lambda: self.run(),
                                 icon="play", style="success", width="120px")
        self.pause_button = button("Pause", "stop after the current step", self.pause, icon="pause", width="120px")
        self.new_button = button("New episode", "back to the start", self.new_episode, icon="undo", width="120px")
        self._idle_buttons = (self.step_button, self.run_button, self.new_button)
        self.image = widgets.Image(format="jpeg", layout=widgets.Layout(max_width="520px"))
        self.status, self.message = widgets.HTML(), widgets.HTML()
        self.log = widgets.Output(layout=widgets.Layout(max_height="6em", overflow="auto"))
        self._runner = Runner(self._show_error, self._run_finished, self.log)
        self._stop = False
        self._values_cache: dict = {}
        self.episode = 0
        self.new_world()
        self.widget = self._layout(title)

    # -- state ------------------------------------------------------------------------------
    @property
    def gamma(self) -> float:
        return self.controls["gamma"].value

    @property
    def speed(self) -> float:
        return self.controls["speed"].value

    @property
    def world(self):
        """The unwrapped environment now shown."""
        return self.env.unwrapped

    def new_world(self) -> None:
        """Build the chosen world with the chosen reward scheme and policy; start an episode."""
        if self.running:
            self.pause()
            self.wait()
        name = self.world_box.value
        walk = name.startswith("random-walk")
        self.reward_box.disabled = walk  # a random walk pays at its ends, whatever the scheme
        self.env = make(name) if walk else make(name, reward=self.reward_box.value)
        self.policy = self.policies[self.policy_box.value](self.world)
        self.episode = 0
        self.new_episode()

    def new_episode(self) -> None:
        """Back to the start of a fresh episode."""
        if self.running:
            self.pause()
            self.wait()
        self.episode += 1
        self.rng = np.random.default_rng(self.seed + self.episode)
        self.state, _ = self.env.reset(seed=self.seed + self.episode)
        self.rewards: list[float] = []
        self.done, self._state_text = False, "ready"
        self.message.value = ""
        self._draw()
        self._refresh()

    # -- acting -----------------------------------------------------------------------------
    def step(self) -> None:
        """One step of the policy (starts a new episode if the last one ended)."""
        if self.done:
            self.new_episode()
        a = int(self.policy(int(self.state), self.rng))
        self.state, r, terminated, truncated, _ = self.env.step(a)
        self.rewards.append(float(r))
        self._last_action = self.world.action_names[a]
        if terminated or truncated or len(self.rewards) >= self.max_steps:
            self.done = True
            self._state_text = "reached the end" if terminated else f"cut at {self.max_steps} steps"
        self._draw()
        self._refresh()

    def run(self, *, wait: bool | None = None) -> None:
        """Let the policy run, ``speed`` steps a second, until the episode ends or Pause."""
        if self.running:
            raise RuntimeError("the panel is already running; press Pause (or call pause()) first")
        if self.done:
            self.new_episode()
        self._stop = False
        self._state_text = "running"
        self._sync_buttons(running=True)
        self._runner.start(self._work, background=self.background if wait is None else not wait)

    def _work(self) -> None:
        while not self.done and not self._stop:
            began = time.perf_counter()
            self.step()
            if self.background:
                time.sleep(max(0.0, 1.0 / self.speed - (time.perf_counter() - began)))

    def pause(self) -> None:
        self._stop = True

    def wait(self, timeout: float | None = None) -> bool:
        return self._runner.wait(timeout)

    def episode_return(self) -> float:
        """The discounted return of the rewards so far, with the γ of the slider."""
        return mdp.discounted_return(self.rewards, self.gamma)

    # -- display ----------------------------------------------------------------------------
    def _values(self):
        world = self.world
        if not isinstance(world, GridWorld):
            return None
        key = (self.world_box.value, self.reward_box.value, self.policy_box.value, self.gamma)
        if key not in self._values_cache:
            stochastic = self.policy_box.value.startswith("random")
            v = mdp.values_by_episodes(self.world_box.value, self.policy, gamma=self.gamma,
                                       episodes=10 if stochastic else 1, max_steps=self.max_steps,
                                       reward=self.reward_box.value)
            self._values_cache[key] = np.nan_to_num(v, nan=np.nanmin(v))
        return self._values_cache[key]

    def _draw(self) -> None:
        values = self._values() if self.values_box.value else None
        self.image.value = _jpeg(self.world.draw(values=values))

    def _refresh(self) -> None:
        parts = [f"episode <b>{self.episode}</b>", f"step t = {len(self.rewards)}", f"state {int(self.state)}"]
        if self.rewards:
            parts.append(f"last: {self._last_action}, reward {self.rewards[-1]:g}")
        parts.append(f"return G = {self.episode_return():.3f} (γ = {self.gamma:g})")
        parts.append(f"<i>{self._state_text}</i>")
        self.status.value = " · ".join(parts)

    def _control_changed(self, control: Control) -> None:
        if control.name == "gamma":
            self._refresh()
            if self.values_box.value and not self.running:
                self._draw()

    def _refused(self, error: ValueError) -> None:
        self.message.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"

    def _run_finished(self) -> None:
        if self._runner.error is None and not self.done:
            self._state_text = "paused"
        self._sync_buttons(running=False)
        self._refresh()

    def _show_error(self, e: BaseException) -> None:
        self._state_text = "stopped by an error"
        self.message.value = error_html(e)

    def _layout(self, title: str) -> widgets.VBox:
        rows = [widgets.HBox([self.world_box, self.reward_box, self.policy_box],
                              layout=widgets.Layout(flex_flow="row wrap")),
                 controls_grid(self.controls.values()),
                 widgets.HBox([self.step_button, self.run_button, self.pause_button, self.new_button,
                               self.values_box], layout=widgets.Layout(flex_flow="row wrap")),
                 self.status, self.message, self.image, self.log]
        self._sync_buttons(running=False)
        return framed(title, rows)

    def __repr__(self) -> str:
        return (f"WorldPanel({self.world_box.value}, reward {self.reward_box.value}, policy {self.policy_box.value}, "
                f"episode {self.episode}, step {len(self.rewards)})")
