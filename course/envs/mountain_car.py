"""Mountain Car (Sutton & Barto, Example 10.1) on Gymnasium's own physics.

An under-powered car sits in a valley and must reach the flag on the right
hill.  Full throttle is not enough to climb straight up: the car has to back
up the left slope first and use gravity.  Every step costs a reward of -1,
so the return of an episode is minus its length, and a good policy is a
short one.

:class:`MountainCar` *is* Gymnasium's ``MountainCarEnv`` (same state,
actions, dynamics, start distribution and termination); it only changes two
things:

* **No time limit by default.**  Gymnasium's ``MountainCar-v0`` cuts every
  episode at 200 steps; the book's experiments run each episode until the
  car reaches the goal (early episodes take several hundred steps).  The
  short name ``"mountain-car"`` has no cap; ``make("mountain-car",
  max_episode_steps=200)`` puts Gymnasium's 200-step ``TimeLimit`` back
  (the agents' own ``max_episode_steps`` parameter is a third way).
* **Rendering without pygame.**  Gymnasium draws this environment with
  pygame (an SDL game library); here :meth:`MountainCar.render` draws the
  same picture (hill, car, wheels, flag, 600 x 400 pixels) with OpenCV into
  an RGB array, thousands of frames per second, which is what a live view
  in a notebook needs.

:func:`cost_to_go` evaluates ``-max_a q(s, a)`` of a control agent over a
grid of states: the book's Figure 10.1 surface.
"""

from __future__ import annotations

import math

import cv2
import gymnasium as gym
import numpy as np

from ..params import check_int
from gymnasium.envs.classic_control.mountain_car import MountainCarEnv

__all__ = ["MountainCar", "ALIASES", "cost_to_go"]

ALIASES = {"mountain-car": "course/MountainCar-v0"}


class MountainCar(MountainCarEnv):
    """Gymnasium's MountainCarEnv with an OpenCV renderer (``render_mode="rgb_array"``).

    Observation ``(position, velocity)`` in [-1.2, 0.6] x [-0.07, 0.07];
    actions 0 = push left, 1 = no push, 2 = push right; reward -1 per step;
    the episode terminates when the position reaches 0.5.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    WIDTH, HEIGHT = 600, 400  # pixels, as Gymnasium draws it
    _BLACK, _GREY, _GOLD, _WHITE = (0, 0, 0), (128, 128, 128), (204, 204, 0), (255, 255, 255)

    def __init__(self, render_mode: str | None = None, goal_velocity: float = 0.0):
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode={render_mode!r} is not valid: render_mode must be None or 'rgb_array'")
        super().__init__(render_mode=render_mode, goal_velocity=goal_velocity)
        self._background = None

    def _to_pixels(self, x, y):
        """World (position, height) to integer pixel coordinates (origin top left)."""
        scale = self.WIDTH / (self.max_position - self.min_position)
        return np.stack([(np.asarray(x) - self.min_position) * scale, self.HEIGHT - np.asarray(y) * scale], -1)

    def _draw_background(self) -> np.ndarray:
        img = np.full((self.HEIGHT, self.WIDTH, 3), self._WHITE, dtype=np.uint8)
        xs = np.linspace(self.min_position, self.max_position, 100)
        track = self._to_pixels(xs, self._height(xs))
        cv2.polylines(img, [np.round(track).astype(np.int32)], False, self._BLACK, 1, cv2.LINE_AA)
        flag_x, flag_y = self._to_pixels(self.goal_position, self._height(self.goal_position))
        fx, fy = int(flag_x), int(flag_y)
        cv2.line(img, (fx, fy), (fx, fy - 50), self._BLACK, 1)
        cv2.fillPoly(img, [np.array([(fx, fy - 50), (fx, fy - 40), (fx + 25, fy - 45)], np.int32)],
                     self._GOLD, cv2.LINE_AA)
        return img

    def render(self):
        """The current state as an RGB array of shape (400, 600, 3), or None without a render mode."""
        if self.render_mode is None:
            gym.logger.warn("render() called without render_mode; make the environment with render_mode='rgb_array'")
            return None
        if self._background is None:
            self._background = self._draw_background()
        img = self._background.copy()
        pos = float(self.state[0])
        angle = math.cos(3 * pos)  # the slope's angle, as Gymnasium tilts the car
        rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        base = self._to_pixels(pos, self._height(pos))
        clearance, car_w, car_h = 10, 40, 20

        def place(points):  # car-frame points (x right, y up) to pixels
            p = np.asarray(points, float) @ rot.T
            p[:, 1] += clearance
            return np.column_stack([base[0] + p[:, 0], base[1] - p[:, 1]])

        body = place([(-car_w / 2, 0), (-car_w / 2, car_h), (car_w / 2, car_h), (car_w / 2, 0)])
        cv2.fillConvexPoly(img, np.round(body).astype(np.int32), self._BLACK, cv2.LINE_AA)
        for wx, wy in place([(car_w / 4, 0), (-car_w / 4, 0)]):
            cv2.circle(img, (int(wx), int(wy)), int(car_h / 2.5), self._GREY, -1, cv2.LINE_AA)
        return img

    def close(self):
        self._background = None
        super().close()


def cost_to_go(agent, resolution: int = 40) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``-max_a q(s, a)`` of a control agent on a ``resolution`` x ``resolution`` grid of states.

    Returns ``(positions, velocities, values)`` with ``values[i, j]`` the
    cost-to-go at ``velocities[i]``, ``positions[j]`` (ready for a surface
    or contour plot).  With rewards of -1 per step this is the agent's
    estimate of the number of steps still needed to reach the goal.
    """
    resolution = check_int("resolution", resolution, low=2)
    space = agent.env.observation_space
    positions = np.linspace(space.low[0], space.high[0], resolution)
    velocities = np.linspace(space.low[1], space.high[1], resolution)
    values = np.array([[-np.max(agent.q(np.array([p, v], dtype=np.float32))) for p in positions]
                       for v in velocities])
    return positions, velocities, values


gym.register(id=ALIASES["mountain-car"], entry_point=MountainCar, max_episode_steps=None)
