"""Self-checks for the exercises of lesson 03 (MDPs and grid worlds).

Each ``check_*`` function runs the student's code on cases, prints one
sentence (what is wrong, or that it passed) and returns True or False.
``problem_*`` returns that sentence, or None when everything is right.
"""

from __future__ import annotations

import numpy as np

from .. import mdp
from ..envs import make
from . import report

__all__ = ["problem_return", "check_return", "problem_maze_policy", "check_maze_policy"]

_CASES = (([1.0], 0.9), ([0.0, 0.0, 1.0], 0.9), ([-1.0, -1.0, -1.0, -1.0], 1.0), ([2.0, -1.0, 3.0], 0.5),
          ([5.0, 5.0], 0.0), ([], 0.9), ([1.0, 2.0, 3.0, 4.0, 5.0], 0.8))


def problem_return(discounted) -> str | None:
    """What is wrong with ``discounted(rewards, gamma)`` (G = R1 + γ R2 + γ² R3 + ...), or None."""
    for rewards, gamma in _CASES:
        want = mdp.discounted_return(rewards, gamma)
        try:
            got = discounted(list(rewards), gamma)
        except Exception as e:  # noqa: BLE001 - the student's error is the message
            return f"discounted({rewards}, {gamma}) raised {type(e).__name__}: {e}"
        if got is None:
            return "discounted returned None; return the number G"
        if np.isclose(float(got), want):
            continue
        k = np.arange(len(rewards))
        if len(rewards) and np.isclose(float(got), float(np.sum(np.array(rewards) * gamma ** (k + 1)))):
            return (f"for rewards {rewards} and gamma={gamma} G is {want:g}, got {got:g}: the first reward is not "
                    f"discounted (it counts γ⁰ = 1), the second γ, the third γ², ...")
        if np.isclose(float(got), float(np.sum(rewards))) and gamma != 1.0:
            return f"for rewards {rewards} and gamma={gamma} G is {want:g}, got their plain sum {got:g}: discount them"
        return f"for rewards {rewards} and gamma={gamma} G = R1 + γ R2 + γ² R3 + ... is {want:g}, got {got:g}"
    return None


def check_return(discounted) -> bool:
    """Print whether ``discounted`` computes the discounted return; True if it does."""
    return report(problem_return(discounted), "Correct: your discounted return matches on every case, the empty episode included.")


def problem_maze_policy(policy, max_steps: int = 100) -> str | None:
    """What is wrong with ``policy(state, rng)`` as a way through the maze from every free cell, or None."""
    world = make("maze").unwrapped
    worst = 0
    for s in range(world.n_states):
        row, col = world.pos_of(s)
        if world.layout[row][col] == "#" or s == world.goal_state:
            continue
        try:
            ep = mdp.run_episode(mdp.start_at("maze", s), policy, max_steps=max_steps, seed=0)
        except Exception as e:  # noqa: BLE001
            return f"from cell (row {row}, col {col}) your policy raised {type(e).__name__}: {e}"
        if not ep.terminated:
            return (f"from cell (row {row}, col {col}) your policy did not reach the goal in {max_steps} steps "
                    f"(it ended in cell {world.pos_of(ep.states[-1])}); draw it with world.draw(policy=...) to see "
                    f"where it loops")
        worst = max(worst, ep.steps)
    return None


def check_maze_policy(policy) -> bool:
    """Print whether ``policy`` reaches the maze's goal from every free cell; True if it does."""
    return report(problem_maze_policy(policy), "Correct: your policy reaches the goal from every free cell of the maze.")
