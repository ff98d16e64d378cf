"""Lesson 14's kit pieces: coarse grid tiles (they tell every cell apart and speed Sarsa up) and the tiles slider."""

from __future__ import annotations

import ipywidgets
import numpy as np
import pytest

from course import experiments
from course.agents import Sarsa
from course.envs import make
from course.grid_tiles import GridTiles
from course.tiles import TileCoder
from widgets.controls import Control


def test_shifted_tilings_tell_every_cell_apart_and_neighbours_share_tiles():
    env = make("windy")
    coder = GridTiles(env, size=3, tilings=3)
    sets = {tuple(sorted(coder(s)[0])) for s in range(env.unwrapped.n_states)}
    assert len(sets) == env.unwrapped.n_states  # as expressive as the table
    assert np.intersect1d(coder(30)[0], coder(31)[0]).size == 2  # neighbours share 2 of their 3 tiles
    assert GridTiles(env, size=1, tilings=1).n_features >= env.unwrapped.n_states  # size 1: one-hot


def test_coarse_tiles_learn_the_windy_grid_faster_than_one_hot():
    def agent(seed, coarse):
        env = make("windy")
        features = GridTiles(env, size=3, tilings=3) if coarse else None
        return Sarsa(env, features=features, alpha=0.5 / 3 if coarse else 0.5, epsilon=0.1, seed=seed)

    one_hot = experiments.average(lambda seed: agent(seed, False), 5, 20, progress=False)
    coarse = experiments.average(lambda seed: agent(seed, True), 5, 20, progress=False)
    assert coarse.steps.sum(axis=1).mean() < 0.8 * one_hot.steps.sum(axis=1).mean()


def test_bad_tile_size_names_the_parameter():
    with pytest.raises(ValueError, match="size"):
        GridTiles(make("windy"), size=0)
    with pytest.raises(ValueError, match="grid world"):
        GridTiles(make("mountain-car"))


def test_tiles_slider_is_logarithmic_with_the_default_inside():
    widget = Control("tiles", TileCoder.tiles, 8, reset_only=True).widget
    assert isinstance(widget, ipywidgets.SelectionSlider)
    assert {1, 8, 256} <= set(widget.options) and widget.value == 8
    assert widget.options.index(8) > 0  # not at the far left any more
