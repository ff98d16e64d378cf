"""Tile coding: active tiles, generalisation between neighbours, hashing, clear errors."""

import numpy as np
import pytest

from course.envs import make
from course.tiles import PerDimensionTiles, TileCoder

SPACE = make("mountain-car").observation_space
LOW, HIGH = SPACE.low.astype(float), SPACE.high.astype(float)  # Mountain Car's box, [-1.2, 0.6] x [-0.07, 0.07]


@pytest.fixture(scope="module")
def env():
    return make("mountain-car")


def random_states(n, seed=0):
    return np.random.default_rng(seed).uniform(LOW, HIGH, size=(n, 2))


@pytest.mark.parametrize("tilings", [1, 2, 4, 8, 16])
def test_every_state_activates_one_tile_per_tiling(env, tilings):
    coder = TileCoder(env, tiles=8, tilings=tilings)
    assert coder.n_features == tilings * 9 * 9 and coder.active == tilings
    for s in random_states(200):
        idx, val = coder(s)
        assert idx.shape == (tilings,) and np.array_equal(val, np.ones(tilings))
        # tiling i owns the block of tile numbers [81 i, 81 (i + 1))
        assert np.array_equal(idx // 81, np.arange(tilings))
        assert coder.dense(s).sum() == tilings


def test_batch_indices_equal_one_by_one(env):
    coder = TileCoder(env, tiles=8, tilings=8)
    states = random_states(50, seed=1).astype(np.float32)
    batch = coder.indices(states)
    assert batch.shape == (50, 8)
    for s, row in zip(states, batch):
        assert np.array_equal(coder(s)[0], row)


@pytest.mark.parametrize("m", range(8))
def test_shift_of_m_eighths_of_a_tile_changes_exactly_m_tilings(env, m):
    # Tiling i is offset by i/8 of a tile in position, so the 8 tilings' boundaries are 1/8 of a tile
    # apart: moving m/8 of a tile width crosses exactly m of them.
    coder = TileCoder(env, tiles=8, tilings=8)
    width = (HIGH[0] - LOW[0]) / 8
    s = np.array([-0.53, 0.013])
    shifted = s + [m / 8 * width, 0.0]
    shared = np.intersect1d(coder(s)[0], coder(shifted)[0]).size
    assert shared == 8 - m


def test_neighbours_share_tiles_and_far_states_share_none(env):
    coder = TileCoder(env, tiles=8, tilings=8)
    for s in random_states(100, seed=2) * 0.9:  # keep clear of the edges
        near = s + (HIGH - LOW) * 1e-4
        assert np.intersect1d(coder(s)[0], coder(near)[0]).size >= 7
    far = np.intersect1d(coder(LOW)[0], coder(HIGH)[0])
    assert far.size == 0


def test_offsets_are_asymmetric_one_and_three(env):
    coder = TileCoder(env, tiles=8, tilings=8)
    assert np.allclose(coder.offsets * 8, np.outer(np.arange(8), [1, 3]) % 8)


def test_outside_the_box_counts_as_the_edge(env):
    coder = TileCoder(env, tiles=8, tilings=4)
    assert np.array_equal(coder(LOW - 1.0)[0], coder(LOW)[0])
    assert np.array_equal(coder(HIGH + 1.0)[0], coder(HIGH)[0])


def test_hashing_stays_in_the_table_and_counts_collisions(env):
    plain = TileCoder(env, tiles=8, tilings=8)
    hashed = TileCoder(env, tiles=8, tilings=8, hash_size=64)
    assert hashed.n_features == 64
    # 648 tiles in 64 slots: at least 584 tiles must share a slot; the count is tiles - occupied slots
    assert hashed.collisions == 648 - np.unique(hashed.table).size >= 648 - 64
    assert not hashed.unique
    states = random_states(300, seed=3)
    idx = hashed.indices(states)
    assert idx.min() >= 0 and idx.max() < 64
    assert np.array_equal(idx, hashed.table[plain.indices(states)])  # consistent: a tile keeps its slot


def test_a_big_table_has_few_collisions(env):
    big = TileCoder(env, tiles=8, tilings=8, hash_size=2**20)
    assert big.collisions < 5 and big.n_features == 2**20


def test_per_dimension_tiles(env):
    coder = PerDimensionTiles(env, tiles=8)
    assert coder.n_features == 2 * (8 + 1) and coder.active == 2
    assert np.array_equal(coder(LOW)[0], [0, 9])
    assert np.array_equal(coder(HIGH)[0], [8, 17])
    # the middle of the box: position in interval 4 of 0..8, velocity likewise
    assert np.array_equal(coder((LOW + HIGH) / 2)[0], [4, 13])
    for s in random_states(100, seed=4):
        p, v = coder(s)[0]
        assert 0 <= p <= 8 and 9 <= v <= 17


def test_repeated_calls_are_consistent_and_read_only(env):
    coder = TileCoder(env, tiles=8, tilings=8)
    s = np.array([-0.5, 0.01], dtype=np.float32)
    first = coder(s)[0]
    for other in random_states(3, seed=5):
        coder(other)
    assert np.array_equal(coder(s)[0], first)
    with pytest.raises(ValueError):
        first[0] = 1


def test_bounds_from_env_space_or_pair(env):
    a = TileCoder(env, tilings=4)
    b = TileCoder(env.observation_space, tilings=4)
    c = TileCoder((LOW, HIGH), tilings=4)
    s = random_states(20, seed=6)
    assert np.array_equal(a.indices(s), b.indices(s))
    assert np.array_equal(a.indices(s), c.indices(s))


@pytest.mark.parametrize("kwargs, name", [
    (dict(tilings=0), "tilings"),
    (dict(tiles=0), "tiles"),
    (dict(tiles=2.5), "tiles"),
    (dict(hash_size=-1), "hash_size"),
    (dict(hash_size=4, tilings=8), "hash_size"),
])
def test_bad_settings_name_the_parameter(env, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}="):
        TileCoder(env, **kwargs)


def test_bad_bounds_and_frozen_sizes(env):
    with pytest.raises(ValueError, match="bounds"):
        TileCoder((np.array([0.0, 1.0]), np.array([0.0, 2.0])))
    with pytest.raises(ValueError, match="bounds"):
        TileCoder(3.0)
    with pytest.raises(ValueError, match="tiles"):
        PerDimensionTiles(env, tiles=0)
    coder = TileCoder(env, tilings=8)
    with pytest.raises(ValueError, match="tilings"):
        coder.tilings = 4
