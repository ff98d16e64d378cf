"""Lesson 16's over-estimation measurement: max-Q, the greedy policy's return and v* on the maze's known answer."""

from __future__ import annotations

from collections import deque

import numpy as np

from course.envs import make
from course.figures.nonlinear_control import Overestimation, overestimation_figure
from course.grid_values import cell_observations

GAMMA = 0.95


def distances(world) -> dict[int, int]:
    """Fewest steps from each free cell to the goal, by breadth-first search on the reversed moves."""
    into = {}
    for s in range(world.n_states):
        for a in range(world.n_actions):
            into.setdefault("goal" if world._terminal[s, a] else int(world._next[s, a]), set()).add(s)
    dist, frontier = {}, deque()
    for s in into["goal"]:
        dist[s] = 1
        frontier.append(s)
    while frontier:
        s2 = frontier.popleft()
        for s in into.get(s2, ()):
            if s not in dist:
                dist[s] = dist[s2] + 1
                frontier.append(s)
    return dist


class Oracle:
    """Stands in for a DQN: its "network" answers q*(s, a) of the maze, plus ``bias``, with ``policy`` as argmax."""

    def __init__(self, bias=0.0, loop=False):
        self.env, self.gamma = make("maze", obs="image"), GAMMA
        world = self.env.unwrapped
        d = distances(world)
        v = np.array([-(1 - GAMMA ** d[s]) / (1 - GAMMA) if s in d else 0.0 for s in range(world.n_states)])
        self.v_star = v
        q = world._reward + GAMMA * ~world._terminal * v[world._next]  # q*[s, a]
        if loop:  # the best action everywhere except a wrong one that sends the start cell back and forth
            q = -q
        self.q = q + bias
        self.cells = list(cell_observations(world))

    def forward(self, observations):
        assert len(observations) == len(self.cells)
        return self.q[self.cells]


def test_the_optimal_network_promises_what_its_greedy_policy_gets():
    oracle = Oracle()
    m = Overestimation()
    m.on_episode_end(oracle, None)
    world = oracle.env.unwrapped
    assert distances(world)[world.start_state] == world.shortest_path_length() == 14  # the book's maze
    want = oracle.v_star[oracle.cells].mean()
    assert np.isclose(m.optimal[0], want) and np.isclose(m.greedy[0], want) and np.isclose(m.max_q[0], want)


def test_an_optimistic_network_is_measured_as_over_estimating():
    oracle = Oracle(bias=5.0)  # the same greedy policy, every value 5 too high
    m = Overestimation()
    m.on_episode_end(oracle, None)
    assert np.isclose(m.max_q[0] - m.optimal[0], 5.0) and np.isclose(m.greedy[0], m.optimal[0])


def test_a_policy_that_never_arrives_gets_the_return_of_the_whole_cut():
    oracle = Oracle(loop=True)  # the worst action everywhere: no walk reaches the goal within 300 steps
    m = Overestimation(max_steps=300)
    m.on_episode_end(oracle, None)
    assert np.isclose(m.greedy[0], -(1 - GAMMA ** 300) / (1 - GAMMA))
    fig, rows = overestimation_figure({"oracle": m})
    assert {r[0] for r in rows} == {"oracle: mean max-Q", "oracle: greedy return", "v*"}
