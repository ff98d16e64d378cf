"""Self-checks for the exercises of lesson 02 (bandits).

Each ``check_*`` function runs the student's code on cases, prints one
sentence (what is wrong, or that it passed) and returns True or False.
``problem_*`` returns that sentence, or None when everything is right.
"""

from __future__ import annotations

import numpy as np
from . import report

__all__ = ["problem_update", "check_update", "problem_choose", "check_choose"]

_REWARD_SEQUENCES = ((1.0,), (2.0, 0.0), (1.0, 2.0, 3.0, 4.0), (-1.5, 0.5, 2.0, 0.0, 1.0, -2.0), (5.0,) * 4)


def problem_update(update) -> str | None:
    """What is wrong with ``update(estimate, reward, n)`` (the estimate after the n-th reward, by sample average)."""
    for rewards in _REWARD_SEQUENCES:
        estimate = 0.0
        for n, r in enumerate(rewards, 1):
            try:
                estimate = update(estimate, r, n)
            except Exception as e:  # noqa: BLE001 - the student's error is the message
                return f"update({estimate!r}, {r!r}, {n}) raised {type(e).__name__}: {e}"
            if estimate is None:
                return "update returned None; return the new estimate (return estimate + ...)"
            want = float(np.mean(rewards[:n]))
            if not np.isclose(float(estimate), want):
                seen = list(rewards[:n])
                if np.isclose(float(estimate), _run(rewards[:n], lambda q, r, k: q + (r - q) / (k + 1))):
                    return (f"after the rewards {seen} the estimate should be their mean {want:g}, got {estimate:g}: "
                            f"the n-th reward moves the estimate by 1/n of the error (n counts this reward)")
                return (f"after the rewards {seen} the estimate should be their mean {want:g}, got {estimate:g}; "
                        f"the update is estimate + (reward - estimate) / n")
    return None


def _run(rewards, update) -> float:
    q = 0.0
    for n, r in enumerate(rewards, 1):
        q = update(q, r, n)
    return q


def check_update(update) -> bool:
    """Print whether ``update`` keeps a sample average incrementally; True if it does."""
    return report(problem_update(update), "Correct: your incremental update gives the mean of the rewards after every one of them.")


def problem_choose(choose) -> str | None:
    """What is wrong with ``choose(q, epsilon, rng)`` (an ε-greedy arm for estimates ``q``), or None."""
    rng = np.random.default_rng(2)
    trials = 4000

    def picks(q, epsilon):
        out = np.zeros(len(q))
        for _ in range(trials):
            a = choose(np.array(q, dtype=float), epsilon, rng)
            if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)) or not 0 <= a < len(q):
                raise TypeError(f"choose returned {a!r}; it must return an arm index, an integer in 0..{len(q) - 1}")
            out[a] += 1
        return out / trials

    try:
        greedy = picks([0.2, 1.0, -0.5, 0.3], 0.0)
        if greedy[1] < 1.0:
            return ("with epsilon=0 and estimates [0.2, 1.0, -0.5, 0.3] the choice must always be the greedy arm 1, "
                    f"but it was arm 1 only {100 * greedy[1]:.0f} % of the time")
        ties = picks([0.0, 1.0, 0.5, 1.0], 0.0)
        if min(ties[1], ties[3]) < 0.4:
            return ("with epsilon=0 and estimates [0.0, 1.0, 0.5, 1.0] arms 1 and 3 tie for best, and the choice "
                    f"should be either about half the time, but it was {100 * ties[1]:.0f} % / {100 * ties[3]:.0f} %:"
                    " break ties at random (np.argmax always takes the first)")
        if ties[0] + ties[2] > 0:
            return "with epsilon=0 the choice must never be a non-greedy arm, but it was"
        explore = picks([0.0, 2.0, 1.0, 0.5], 0.4)
        want = np.array([0.1, 0.7, 0.1, 0.1])  # 1 - ε + ε/k for the greedy arm, ε/k for each other
        if abs(explore[1] - 0.6) < 0.04 and abs(explore[1] - want[1]) > 0.04:
            return ("with epsilon=0.4 the greedy arm was chosen 60 % of the time, but it should be 70 %: a random "
                    "arm is drawn from all arms, the greedy one included")
        if np.abs(explore - want).max() > 0.04:
            return (f"with epsilon=0.4 and 4 arms the greedy arm should come about 70 % of the time and each other "
                    f"about 10 %, but the shares were {np.round(100 * explore).astype(int).tolist()} %")
    except Exception as e:  # noqa: BLE001
        return f"choose raised {type(e).__name__}: {e}"
    return None


def check_choose(choose) -> bool:
    """Print whether ``choose`` is ε-greedy with random tie-breaking; True if it is."""
    return report(problem_choose(choose), "Correct: greedy with ties broken at random, and a uniformly random arm with probability epsilon.")
