"""Planning and learning (lesson 10): the mazes, Dyna-Q, Dyna-Q+, prioritized sweeping, their figures."""

from __future__ import annotations

import numpy as np
import pytest

from course import figures
from course.agents import DynaQ, DynaQPlus, Model, PrioritizedSweeping
from course.envs import make
from course.envs.gridworld import GridWorld
from course.envs.mazes import BLOCKING_AFTER, BLOCKING_BEFORE, DYNA_MAZE, ChangingMaze, scaled
from course.executors import many
from course.planning_runs import (BOOK, batched_steps_per_episode, cumulative_reward, steps_per_episode,
                                  updates_until_optimal)

FIG_8_5 = dict(before=None, after=None, change_at=3000, steps=6000, planning_steps=50, alpha=1.0, epsilon=0.1,
               gamma=0.95)


def dyna(n: int, seed: int = 0, **kw) -> DynaQ:
    return DynaQ(make("dyna-maze"), planning_steps=n, seed=seed, **{**BOOK, **kw})


def episodes_until_shortest(agent, limit: int = 300, tolerance: float = 1.0) -> int:
    """Episodes until the greedy path is at most ``tolerance`` x the shortest (``limit`` if never)."""
    world = agent.env.unwrapped
    while agent.episode < limit:
        agent.run(1)
        if len(world.greedy_path(agent.w)) - 1 <= tolerance * world.shortest_path_length():
            return agent.episode
    return limit


# ---------------------------------------------------------------------------
# The mazes
# ---------------------------------------------------------------------------
def test_dyna_maze_pays_one_at_the_goal_and_nothing_else():
    env = make("dyna-maze")
    world = env.unwrapped
    assert world.shortest_path_length() == 14
    assert set(np.unique(world._reward)) == {0.0, 1.0}
    assert world._reward[world._terminal].min() == 1.0


def test_blocking_maze_moves_its_gap_after_the_given_steps():
    env = ChangingMaze(BLOCKING_BEFORE, BLOCKING_AFTER, change_at=5, reward="goal+1")
    before = env.shortest_path_length()
    env.reset(seed=0)
    for _ in range(4):
        env.step(0)
    assert not env.changed and env.shortest_path_length() == before
    env.step(0)  # the 5th step is the last in the old maze
    assert env.changed and env.clock == 5
    assert env.shortest_path_length() > before  # the way round on the left is longer
    env.reset()
    assert env.changed  # the clock runs over episodes


def test_shortcut_maze_opens_a_shorter_path():
    env = make("shortcut-maze").unwrapped
    assert env.change_at == 3000
    before = env.shortest_path_length()
    env._change()
    assert env.shortest_path_length() < before


def test_scaled_maze_grows_in_cells_and_path():
    for rows, cols in ((1, 2), (2, 2), (2, 4)):
        world = GridWorld(scaled(DYNA_MAZE, rows, cols), reward="goal+1")
        assert sum(ch != "#" for row in world.layout for ch in row) == 47 * rows * cols
    assert GridWorld(scaled(DYNA_MAZE, 2)).shortest_path_length() > 14


@pytest.mark.parametrize("call, name", [
    (lambda: ChangingMaze(BLOCKING_BEFORE, BLOCKING_AFTER, change_at=-1), "change_at"),
    (lambda: scaled(DYNA_MAZE, 0), "rows"),
    (lambda: scaled(DYNA_MAZE, 2, 1.5), "cols"),
])
def test_bad_maze_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"^{name}="):
        call()


# ---------------------------------------------------------------------------
# The model and the agents
# ---------------------------------------------------------------------------
def test_model_remembers_the_latest_transition_and_who_leads_where():
    m = Model(5, 2)
    m.remember(0, 1, 0.0, 3, False)
    m.remember(2, 0, 1.0, 3, True)
    assert m.predict(2, 0) == (1.0, 3, True)
    assert m.predecessors(3) == [(0, 1), (2, 0)]
    m.remember(0, 1, 0.0, 4, False)  # the world changed: (0, 1) now leads to 4
    assert m.predecessors(3) == [(2, 0)] and m.predecessors(4) == [(0, 1)]
    pairs = m.sample(200, np.random.default_rng(0))
    assert set(pairs) == {(0, 1), (2, 0)}  # only pairs really tried


def test_dyna_q_plus_model_lets_planning_try_untried_actions():
    m = Model(5, 3, untried=True)
    m.remember(1, 2, 0.0, 4, False)
    assert not m.known[1, 0] and m.predict(1, 0) == (0.0, 1, False)  # stays put, reward 0
    assert {a for _, a in m.sample(100, np.random.default_rng(0))} == {0, 1, 2}


def test_dyna_q_without_planning_is_q_learning_with_the_books_order():
    agent = dyna(0)
    agent.run(3)
    assert agent.updates == agent.total_steps  # one update per real step, no planning


def test_dyna_q_plans_n_updates_per_step():
    agent = dyna(7)
    agent.run(2)
    assert agent.updates == 8 * agent.total_steps


@pytest.mark.slow
def test_fifty_planning_steps_find_the_shortest_path_in_fewer_episodes_than_none():
    # The greedy path can stay a step or two longer than the shortest behind a pair that ε-exploration has not
    # tried yet (one run in four or five here, with or without planning), so: the median over runs of the
    # episodes until the greedy path is within 20% of the shortest (16 steps for 14).
    with_planning = [episodes_until_shortest(dyna(50, seed), limit=60, tolerance=1.2) for seed in range(5)]
    without = [episodes_until_shortest(dyna(0, seed), limit=60, tolerance=1.2) for seed in range(5)]
    assert np.median(with_planning) <= 3  # the book: about 3 episodes
    assert np.median(without) >= 10  # the book: about 25 episodes


def test_same_seed_same_curve_and_workers_change_nothing():
    a = steps_per_episode(3, planning_steps=5, episodes=8)
    b = steps_per_episode(3, planning_steps=5, episodes=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, steps_per_episode(4, planning_steps=5, episodes=8))
    jobs = [dict(seed=s, planning_steps=5, episodes=8) for s in (3, 4)]
    here, there = many(steps_per_episode, jobs, workers=1), many(steps_per_episode, jobs, workers=2)
    for x, y in zip(here, there):
        np.testing.assert_array_equal(x, y)


@pytest.mark.slow
def test_batched_runs_learn_like_the_agent_and_repeat_with_their_seed():
    batched = {n: batched_steps_per_episode(12, planning_steps=n, episodes=8, seed=1) for n in (0, 50)}
    agents = {n: np.array([steps_per_episode(s, planning_steps=n, episodes=8) for s in range(12)]) for n in (0, 50)}
    for n in (0, 50):
        assert batched[n].shape == (12, 8) and batched[n].min() >= 14  # none shorter than the shortest path
    # the first episode is a random walk for both: the same (heavy-tailed) distribution, so 100 runs of it
    b = batched_steps_per_episode(100, planning_steps=0, episodes=1, seed=2)[:, 0]
    a = np.array([steps_per_episode(s, planning_steps=0, episodes=1)[0] for s in range(100)])
    assert abs(a.mean() - b.mean()) < 4 * np.hypot(a.std(ddof=1), b.std(ddof=1)) / 10
    for steps in (batched[50], agents[50]):  # planning: nearly shortest from about the 3rd episode
        assert np.median(steps[:, 3:]) <= 20
    for steps in (batched[0], agents[0]):  # no planning: still far from it
        assert np.mean(steps[:, 1:4]) > 100
    np.testing.assert_array_equal(batched[50], batched_steps_per_episode(12, planning_steps=50, episodes=8, seed=1))
    with pytest.raises(ValueError, match="^planning_steps="):
        batched_steps_per_episode(2, planning_steps=-1)


@pytest.mark.slow
def test_dyna_q_plus_takes_the_shortcut_that_dyna_q_misses():
    from course.envs.mazes import SHORTCUT_AFTER, SHORTCUT_BEFORE

    spec = {**FIG_8_5, "before": SHORTCUT_BEFORE, "after": SHORTCUT_AFTER}
    paths, rewards = {}, {}
    for name, cls, extra in (("dyna-q", DynaQ, {}), ("dyna-q+", DynaQPlus, {"kappa": 1e-3})):
        env = ChangingMaze(spec["before"], spec["after"], change_at=spec["change_at"], reward="goal+1")
        agent = cls(env, seed=0, planning_steps=50, alpha=1.0, epsilon=0.1, gamma=0.95, **extra)
        agent.run(total_steps=spec["steps"])
        paths[name] = len(env.greedy_path(agent.w)) - 1
        ends = agent.history.total_steps
        rewards[name] = np.sum(ends > spec["change_at"])  # reward gathered after the shortcut opened
        shortest = env.shortest_path_length()
    assert paths["dyna-q+"] == shortest < paths["dyna-q"]
    assert rewards["dyna-q+"] > rewards["dyna-q"]


def test_cumulative_reward_counts_episodes_finished():
    cum = cumulative_reward(0, agent="dyna-q", before=BLOCKING_BEFORE, after=BLOCKING_AFTER, change_at=100,
                            steps=400, planning_steps=5, alpha=1.0, epsilon=0.1, gamma=0.95)
    assert cum.shape == (400,) and np.all(np.diff(cum) >= 0) and np.all(np.diff(cum) <= 1) and cum[-1] > 0


def test_prioritized_sweeping_needs_fewer_updates_than_dyna_q():
    settings = dict(factor=(1, 1), alpha=0.5, epsilon=0.1, gamma=0.95, planning_steps=5)
    sweeping = [updates_until_optimal(s, agent="prioritized-sweeping", theta=1e-4, **settings) for s in range(3)]
    dyna_q = [updates_until_optimal(s, agent="dyna-q", **settings) for s in range(3)]
    assert np.mean(sweeping) * 3 < np.mean(dyna_q)


def test_prioritized_sweeping_queue_keeps_the_larger_priority_and_skips_small_ones():
    agent = PrioritizedSweeping(make("dyna-maze"), theta=0.5, seed=0)
    agent.push(1, 0, 0.7)
    agent.push(2, 1, 0.9)
    agent.push(1, 0, 0.6)  # lower than queued: ignored
    agent.push(3, 3, 0.4)  # below θ: not queued
    agent.push(1, 0, 1.2)  # higher: replaces
    assert [agent.pop(), agent.pop(), agent.pop()] == [(1, 0), (2, 1), None]


def test_prioritized_sweeping_without_planning_learns_nothing():
    agent = PrioritizedSweeping(make("dyna-maze"), planning_steps=0, seed=0)
    agent.run(2)
    assert agent.updates == 0 and not agent.w.any()


@pytest.mark.parametrize("cls, param, value", [
    (DynaQ, "planning_steps", -1), (DynaQ, "planning_steps", 2.5),
    (PrioritizedSweeping, "theta", -0.1), (DynaQPlus, "kappa", -1e-3),
])
def test_bad_input_is_a_clear_error_naming_the_parameter(cls, param, value):
    with pytest.raises(ValueError, match=rf"^{param}=.*{param} \("):
        cls(make("dyna-maze"), **{param: value})


def test_planning_agents_are_tabular():
    with pytest.raises(ValueError, match="discrete observation space"):
        DynaQ(make("maze", obs="onehot"))


def test_planning_steps_change_live_on_a_running_agent():
    agent = dyna(0)
    agent.run(1)
    agent.planning_steps = 10
    before_updates, before_steps = agent.updates, agent.total_steps
    agent.run(steps=5)
    assert agent.updates - before_updates == 11 * (agent.total_steps - before_steps)


def test_checkpoint_keeps_the_table_and_the_model(tmp_path):
    agent = DynaQPlus(make("dyna-maze"), planning_steps=5, seed=0)
    agent.run(3)
    path = agent.save(tmp_path / "dyna.npz")
    twin = DynaQPlus(make("dyna-maze"), planning_steps=5, seed=0).load(path)
    np.testing.assert_array_equal(twin.w, agent.w)
    np.testing.assert_array_equal(twin.last_tried, agent.last_tried)
    assert twin.updates == agent.updates
    for s, a in agent.model.sample(50, np.random.default_rng(1)):
        assert twin.model.predict(s, a) == agent.model.predict(s, a)
    assert sorted(twin.model.states) == sorted(agent.model.states)


# ---------------------------------------------------------------------------
# Figures and panel
# ---------------------------------------------------------------------------
def test_figure_8_2_at_smoke_scale_writes_the_series(tmp_path):
    assert figures.main(["sutton-barto-8.2", "--out", str(tmp_path), "--scale", "smoke"]) == 0
    table = figures.read_csv(tmp_path / "sutton-barto-8.2.csv")
    assert set(table) == {"planning=0", "planning=5", "planning=50"}
    assert table["planning=5"]["x"][0] == 1.0


def test_panel_drives_dyna_q_with_planning_steps_live():
    from widgets import Panel

    def factory(planning_steps=5, alpha=0.1, epsilon=0.1, seed=0):
        return DynaQ(make("dyna-maze"), planning_steps=planning_steps, alpha=alpha, epsilon=epsilon, gamma=0.95,
                     seed=seed)

    panel = Panel(factory, params=[DynaQ], episodes=2, background=False)
    assert "planning_steps" in panel._live
    panel.run(1, wait=True)
    panel.controls["planning_steps"].widget.value = 20
    assert panel.agent.planning_steps == 20
    panel.run(1, wait=True)
    assert panel.agent.episode == 2


# ---------------------------------------------------------------------------
# The lesson's self-checks
# ---------------------------------------------------------------------------
def test_self_check_accepts_the_reference_update_and_names_typical_mistakes(capsys):
    from course.checks.planning import check_planning_update, reference_update

    assert check_planning_update(reference_update)
    assert "✓" in capsys.readouterr().out

    def sarsa_like(Q, s, a, r, s2, terminated, alpha, gamma):  # bootstraps from the first action, not the max
        delta = (r if terminated else r + gamma * Q[s2, 0]) - Q[s, a]
        Q[s, a] += alpha * delta
        return delta

    def no_terminal(Q, s, a, r, s2, terminated, alpha, gamma):
        delta = r + gamma * Q[s2].max() - Q[s, a]
        Q[s, a] += alpha * delta
        return delta

    def whole_step(Q, s, a, r, s2, terminated, alpha, gamma):
        Q[s, a] = r if terminated else r + gamma * Q[s2].max()
        return 0.0

    for wrong, words in ((sarsa_like, "max_a Q(S', a)"), (no_terminal, "target is just R"),
                         (whole_step, "a step α")):
        assert not check_planning_update(wrong)
        out = capsys.readouterr().out
        assert out.startswith("✗") and words in out and out.count("\n") == 1


def test_self_check_of_the_bonus(capsys):
    from course.checks.planning import check_bonus, reference_bonus

    assert check_bonus(reference_bonus)
    capsys.readouterr()
    assert not check_bonus(lambda kappa, tau: kappa * tau)
    assert "square root" in capsys.readouterr().out
    assert not check_bonus(lambda kappa, tau: (kappa * tau) ** 0.5)
    assert "only τ" in capsys.readouterr().out


def test_benchmark_prints_the_plain_loop_and_the_batched_speed(capsys):
    from course.bench import planning as bench

    assert bench.main(["--runs", "2", "--episodes", "10", "--no-workers"]) == 0
    out = capsys.readouterr().out
    assert "plain loop over runs" in out and "batched in numpy" in out and "x CPU" in out


def test_changing_maze_shows_its_new_walls_in_pictures_and_image_observations():
    env = ChangingMaze(BLOCKING_BEFORE, BLOCKING_AFTER, change_at=1, reward="goal+1", obs="image")
    obs_before, _ = env.reset(seed=0)
    picture = env.draw(agent=False)
    env.step(0)  # the last step in the old maze (its observation still shows the old walls)
    assert env.changed
    obs_after = env.step(0)[0]  # up, into the new wall: the agent stays in row 4
    assert not np.array_equal(env.draw(agent=False), picture)
    wall_row = slice(3 * env._image_cell, 4 * env._image_cell)
    assert not np.array_equal(obs_after[wall_row], obs_before[wall_row])
