"""Self-checks for the exercises of lesson 13 (linear prediction).

Each ``check_*`` function runs the student's code on cases, prints one
sentence (what is wrong, or that it passed) and returns True or False.
``problem_*`` returns that sentence, or None when everything is right.
"""

from __future__ import annotations

import numpy as np
from . import report

__all__ = ["problem_aggregation", "check_aggregation", "problem_gradient_mc", "check_gradient_mc"]

_AGGREGATION_CASES = ((1000, 10), (1000, 20), (1000, 1), (12, 3), (7, 7))


def problem_aggregation(group_of) -> str | None:
    """What is wrong with ``group_of(s, n_states, groups)`` (the 0-based group of state s in 1 .. n_states), or None."""
    for n, groups in _AGGREGATION_CASES:
        size = n // groups
        for s in range(1, n + 1):
            want = (s - 1) // size
            try:
                got = group_of(s, n, groups)
            except Exception as e:  # noqa: BLE001 - the student's error is the message
                return f"group_of({s}, {n}, {groups}) raised {type(e).__name__}: {e}"
            if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
                return (f"group_of({s}, {n}, {groups}) returned {got!r}; it must return an integer group index "
                        f"(use // for integer division)")
            if got != want:
                lo, hi = want * size + 1, (want + 1) * size
                return (f"state {s} of {n} in {groups} groups belongs to group {want} (states {lo}-{hi}), but "
                        f"group_of gave {got}; remember that states start at 1 and groups at 0")
    return None


def check_aggregation(group_of) -> bool:
    """Print whether ``group_of`` aggregates states correctly; True if it does."""
    return report(problem_aggregation(group_of), "Correct: every state of every case lands in its group.")


def problem_gradient_mc(update) -> str | None:
    """What is wrong with ``update(w, x, G, alpha)`` (returns the new weights after one gradient MC step), or None."""
    rng = np.random.default_rng(13)
    for case in range(20):
        d = 1 + case % 6
        w, x = rng.normal(size=d), rng.normal(size=d)
        G, alpha = float(rng.choice((-1.0, 1.0))), float(rng.choice((0.01, 0.1, 0.5)))
        want = w + alpha * (G - w @ x) * x
        w_in = w.copy()
        try:
            got = update(w_in, x.copy(), G, alpha)
        except Exception as e:  # noqa: BLE001
            return f"update raised {type(e).__name__}: {e}"
        if got is None:
            return "update returned None; return the new weight vector (e.g. return w + ...)"
        got = np.asarray(got, dtype=float)
        if got.shape != w.shape:
            return f"update returned an array of shape {got.shape}; the weights have shape {w.shape}"
        if np.allclose(got, want):
            continue
        if np.allclose(got, w):
            return "update returned the weights unchanged: add the step alpha * (G - w·x) * x"
        if np.allclose(got, w + alpha * (G - w @ x)):
            return ("every weight moved by the same amount: multiply the error G - w·x by x, the gradient of w·x, "
                    "so each weight moves in proportion to its feature")
        if np.allclose(got, w - alpha * (G - w @ x) * x):
            return "the weights moved away from the target: the step is + alpha * (G - w·x) * x"
        if np.allclose(got, w + (G - w @ x) * x):
            return "the step ignores alpha: scale it by the step size"
        if np.allclose(got, w + alpha * (G - w.sum()) * x) or np.allclose(got, w + alpha * (G - w) * x):
            return "the estimate must be the dot product w·x (np.dot(w, x) or w @ x), not w alone"
        return f"for w={np.round(w, 3)}, x={np.round(x, 3)}, G={G}, alpha={alpha} the new w should be {np.round(want, 3)}, " \
               f"got {np.round(got, 3)}"
    return None


def check_gradient_mc(update) -> bool:
    """Print whether ``update`` does the gradient MC step; True if it does."""
    return report(problem_gradient_mc(update), "Correct: w + alpha (G - w·x) x on every case.")
