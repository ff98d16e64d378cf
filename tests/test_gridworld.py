"""Grid worlds and random walks: the gymnasium contract, the dynamics, the pictures, bad input."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from course.envs import gridworld as gw
from course.envs import make

UP, RIGHT, DOWN, LEFT, UP_RIGHT = range(5)
GRID_WORLDS = [name for name in gw.ALIASES if not name.startswith("random-walk")]
RANDOM_WALKS = ["random-walk-5", "random-walk-19"]


def fresh(name, **kwargs):
    """The unwrapped environment of a short name, reset with a seed."""
    env = make(name, **kwargs).unwrapped
    env.reset(seed=0)
    return env


def walk(env, actions):
    """Take the actions; return the (obs, reward, terminated) of every step."""
    out = []
    for a in actions:
        obs, r, terminated, truncated, _ = env.step(a)
        assert truncated is False  # no time limit inside the environment
        out.append((obs, r, terminated))
    return out


# -- the gymnasium contract ------------------------------------------------------

@pytest.mark.parametrize("obs", gw.OBS_TYPES)
@pytest.mark.parametrize("name", GRID_WORLDS)
def test_grid_worlds_pass_the_gymnasium_checker(name, obs):
    env = make(name, obs=obs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the checker's warnings count as failures
        check_env(env.unwrapped)


@pytest.mark.parametrize("name", RANDOM_WALKS)
def test_random_walks_pass_the_gymnasium_checker(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(make(name).unwrapped)


def test_eight_actions_pass_the_gymnasium_checker():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(make("windy", n_actions=8, obs="onehot").unwrapped)


def test_every_alias_is_registered_and_registering_again_is_harmless():
    for env_id in gw.ALIASES.values():
        assert env_id.startswith("course/") and env_id in gym.registry
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "overriding environment" warning
        gw._register()  # what a re-import runs
    assert make("cliff").unwrapped.shortest_path_length() == 13


def test_make_by_short_name_and_unknown_name():
    env = make("maze", obs="image")
    obs, _ = env.reset(seed=10)
    assert obs.shape == env.observation_space.shape
    with pytest.raises(ValueError, match="mazee.*maze"):
        make("mazee")


# -- dynamics --------------------------------------------------------------------

def test_walls_and_the_edge_leave_the_agent_in_place():
    env = fresh("maze")
    assert env.pos_of(env.start_state) == (2, 0)
    (s1, r1, t1), (s2, r2, t2), (s3, r3, t3) = walk(env, [LEFT, RIGHT, RIGHT])
    assert env.pos_of(s1) == (2, 0)  # off the grid: stays
    assert env.pos_of(s2) == (2, 1)
    assert env.pos_of(s3) == (2, 1)  # (2, 2) is a wall: stays
    assert (r1, r2, r3) == (-1.0, -1.0, -1.0) and not (t1 or t2 or t3)


def test_diagonal_moves_with_eight_actions():
    env = fresh("maze", n_actions=8)
    assert env.action_space.n == 8 and env.action_names[UP_RIGHT] == "up-right"
    ((s, _, _),) = walk(env, [UP_RIGHT])
    assert env.pos_of(s) == (1, 1)


def test_wind_pushes_up_by_the_strength_of_the_column_left():
    env = fresh("windy")
    states = [s for s, _, _ in walk(env, [RIGHT] * 7)]
    # wind per column: 0 0 0 1 1 1 2 2 1 0; leaving column 6 (wind 2) from row 0 hits the top edge
    assert [env.pos_of(s) for s in states] == [(3, 1), (3, 2), (3, 3), (2, 4), (1, 5), (0, 6), (0, 7)]


def test_cliff_costs_100_and_sends_back_to_the_start_without_ending():
    env = fresh("cliff")
    (s1, r1, t1), (s2, r2, t2), (s3, r3, t3) = walk(env, [RIGHT, UP, DOWN])
    assert env.pos_of(s1) == (3, 0) and r1 == -100.0 and not t1
    assert env.pos_of(s2) == (2, 0) and r2 == -1.0
    assert env.pos_of(s3) == (3, 0) and r3 == -1.0  # the start itself is safe


def test_reaching_the_goal_terminates_with_the_schemes_reward():
    for reward, step_r, goal_r in (("step-1", -1.0, -1.0), ("goal+1", 0.0, 1.0)):
        env = fresh("grid", reward=reward)
        steps = walk(env, [RIGHT] * 4 + [DOWN] * 4)
        assert [t for _, _, t in steps] == [False] * 7 + [True]
        assert [r for _, r, _ in steps] == [step_r] * 7 + [goal_r]
        assert env.pos_of(steps[-1][0]) == (4, 4)


def test_start_and_goal_overrides():
    env = fresh("grid", start=(4, 0), goal=(0, 4))
    assert env.pos_of(env.reset()[0]) == (4, 0)
    assert env.shortest_path_length() == 8
    _, _, terminated = walk(env, [UP] * 4 + [RIGHT] * 4)[-1]
    assert terminated


def test_state_numbers_and_cells():
    env = fresh("maze")
    assert env.n_rows == 6 and env.n_cols == 9 and env.n_states == 54
    assert env.state_of(2, 0) == 18 == env.start_state
    assert all(env.state_of(*env.pos_of(s)) == s for s in range(env.n_states))


# -- shortest and greedy paths -------------------------------------------------------

@pytest.mark.parametrize("name, kwargs, length", [
    ("maze", {}, 14),                   # Sutton & Barto, Dyna maze
    ("windy", {}, 15),                  # Example 6.5
    ("windy", {"n_actions": 8}, 7),     # Exercise 6.9, king's moves
    ("cliff", {}, 13),                  # along the edge of the cliff
    ("grid", {}, 8),
    ("grid", {"n_actions": 8}, 4),
])
def test_shortest_path_lengths(name, kwargs, length):
    assert fresh(name, **kwargs).shortest_path_length() == length


def test_large_maze_is_solvable_and_longer():
    assert fresh("large-maze").shortest_path_length() > 3 * fresh("maze").shortest_path_length()


def test_shortest_path_of_an_enclosed_goal_is_none():
    env = gw.GridWorld(["S.#.", "..#G"])
    assert env.shortest_path_length() is None


def test_greedy_path_along_the_cliff_edge_and_into_the_cliff():
    env = fresh("cliff")
    q = np.zeros((4, env.n_states))
    q[UP, env.state_of(3, 0)] = 1.0
    q[RIGHT, [env.state_of(2, c) for c in range(11)]] = 1.0
    q[DOWN, env.state_of(2, 11)] = 1.0
    path = env.greedy_path(q)
    assert path == [(3, 0)] + [(2, c) for c in range(12)] + [(3, 11)]
    assert len(path) - 1 == env.shortest_path_length()

    q[:, env.state_of(3, 0)] = [0, 1, 0, 0]  # step right from the start: into the cliff, back to the start
    assert env.greedy_path(q, max_steps=3) == [(3, 0)] * 4


# -- observations ---------------------------------------------------------------------

def test_image_observation_shows_the_agent():
    env = fresh("maze", obs="image")
    obs, _ = env.reset(seed=10)
    assert obs.dtype == np.uint8 and obs.shape == (54, 81, 1)  # about 50 x 84 x 1
    assert env.observation_space.contains(obs)
    (moved, _, _), (bumped, _, _) = walk(env, [RIGHT, RIGHT])
    assert not np.array_equal(obs, moved)     # the agent moved
    assert np.array_equal(moved, bumped)      # it bumped into the wall at (2, 2): same picture
    assert np.array_equal(obs, env.reset()[0])


@pytest.mark.parametrize("name", GRID_WORLDS)
def test_image_observation_is_big_enough_for_the_nature_dqn_stack(name):
    h, w, _ = fresh(name, obs="image").observation_space.shape
    for size in (h, w):  # 8x8 stride 4, 4x4 stride 2, 3x3 stride 1 must leave at least one pixel
        assert ((size - 8) // 4 + 1 - 4) // 2 + 1 - 3 + 1 >= 1


def test_onehot_observation_marks_the_state():
    env = fresh("maze", obs="onehot")
    obs, _ = env.reset()
    ((obs2, _, _),) = walk(env, [UP])
    assert obs.dtype == np.float32 and obs.sum() == 1 and obs2.sum() == 1
    assert np.argmax(obs) == env.state_of(2, 0) and np.argmax(obs2) == env.state_of(1, 0)


# -- pictures ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["maze", "cliff", "random-walk-19"])
def test_draw_overlays_change_the_picture(name):
    env = fresh(name)
    rng = np.random.default_rng(1)
    q = rng.normal(size=(env.n_actions, env.n_states))
    plain = env.render()
    assert plain.dtype == np.uint8 and plain.ndim == 3 and plain.shape[2] == 3
    assert np.array_equal(plain, env.draw())
    frames = {"values": env.draw(values=q.max(axis=0)), "q": env.draw(q=q), "policy": env.draw(policy=q),
              "no agent": env.draw(agent=False)}
    for what, frame in frames.items():
        assert frame.shape == plain.shape and frame.dtype == np.uint8, what
        assert not np.array_equal(frame, plain), what


def test_policy_arrows_follow_the_argmax_and_ties_draw_nothing():
    env = fresh("maze")
    plain = env.draw()
    assert np.array_equal(env.draw(policy=np.zeros((4, env.n_states))), plain)  # all actions tie
    right, left = np.zeros((4, env.n_states)), np.zeros((4, env.n_states))
    right[RIGHT], left[LEFT] = 1.0, 1.0
    assert not np.array_equal(env.draw(policy=right), env.draw(policy=left))
    assert np.array_equal(env.draw(policy=right), env.draw(policy=2 * right))


def test_render_follows_the_agent():
    env = fresh("maze")
    before = env.render()
    walk(env, [UP])
    assert not np.array_equal(before, env.render())


def test_draw_rejects_tables_of_the_wrong_shape():
    env = fresh("maze")
    with pytest.raises(ValueError, match="q has shape"):
        env.draw(q=np.zeros((8, env.n_states)))
    with pytest.raises(ValueError, match="values has shape"):
        env.draw(values=np.zeros(10))


# -- random walks -------------------------------------------------------------------------

def test_random_walk_true_values():
    rw5, rw19 = fresh("random-walk-5"), fresh("random-walk-19")
    assert np.isnan(rw5.true_values[[0, 6]]).all() and np.isnan(rw19.true_values[[0, 20]]).all()
    np.testing.assert_allclose(rw5.true_values[1:-1], np.arange(1, 6) / 6)
    np.testing.assert_allclose(rw19.true_values[1:-1], np.arange(-9, 10) / 10)


def test_random_walk_ends_and_rewards():
    env = fresh("random-walk-19")
    assert env.reset()[0] == 10 and env.observation_space.n == 21
    steps = walk(env, [0] * 10)
    assert [s for s, _, _ in steps] == list(range(9, -1, -1))
    assert steps[-1][1:] == (-1.0, True) and all(r == 0.0 and not t for _, r, t in steps[:-1])
    env.reset()
    assert walk(env, [1] * 10)[-1] == (20, 1.0, True)


def test_random_policy_return_matches_the_true_value_of_the_start():
    env = fresh("random-walk-5")
    rng = np.random.default_rng(3)
    returns = []
    for _ in range(3000):
        env.reset()
        terminated, ret = False, 0.0
        while not terminated:
            _, r, terminated, _, _ = env.step(int(rng.integers(2)))
            ret += r
        returns.append(ret)
    assert abs(np.mean(returns) - env.true_values[env.start_state]) < 0.03  # 0.5; standard error ~0.009


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, pattern", [
    ({"reward": "step-2"}, r"reward='step-2'.*step-1, goal\+1, cliff"),
    ({"start": (1, 2)}, r"start=\(1, 2\).*wall"),
    ({"goal": (6, 0)}, r"goal=\(6, 0\).*inside the 6x9 grid"),
    ({"n_actions": 5}, r"n_actions=5.*4 or 8"),
    ({"obs": "pixels"}, r"obs='pixels'.*index, onehot, image"),
    ({"wind": (1, 2)}, r"wind=.*9 non-negative integers"),
    ({"render_mode": "human"}, r"render_mode='human'"),
    ({"start": (0, 8)}, r"start=\(0, 8\).*differ from goal"),
])
def test_bad_arguments_name_the_parameter(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        gw.GridWorld(gw.MAZE, **kwargs)


@pytest.mark.parametrize("layout, pattern", [
    (["S..", ".G"], "same, non-zero length"),
    (["S.x", "..G"], "unknown cell characters"),
    (["...", "..G"], "0 'S' cells"),
    ("S.G", "list of strings"),
])
def test_bad_layouts_are_rejected(layout, pattern):
    with pytest.raises(ValueError, match=f"layout.*{pattern}"):
        gw.GridWorld(layout)


def test_bad_actions_and_random_walk_size():
    env = fresh("maze")
    with pytest.raises(ValueError, match="action=4"):
        env.step(4)
    with pytest.raises(ValueError, match="max_steps=-1"):
        env.greedy_path(np.zeros((4, env.n_states)), max_steps=-1)
    with pytest.raises(ValueError, match="n=0"):
        gw.RandomWalk(0)
