"""Self-checks for the exercises of lesson 10 (planning and learning).

Each check runs the student's function on a few cases, compares it with the
reference and says in one sentence what is wrong (or that it is right).  It
prints that sentence and returns True when the function passes::

    from course.checks.planning import check_planning_update
    check_planning_update(my_update)

* :func:`check_planning_update` -- the one update of Dyna-Q's planning loop:
  ``update(Q, s, a, r, s2, terminated, alpha, gamma)`` changes the table
  ``Q[s, a]`` in place and returns the TD error;
* :func:`check_bonus` -- Dyna-Q+'s exploration bonus: ``bonus(kappa, tau)``.
"""

from __future__ import annotations

import math

import numpy as np
from . import report

__all__ = ["check_planning_update", "check_bonus", "reference_update", "reference_bonus"]


def reference_update(Q, s, a, r, s2, terminated, alpha, gamma):
    """Q(S,A) ← Q(S,A) + α [R + γ max_a Q(S',a) − Q(S,A)] (no bootstrap after the end); returns the TD error."""
    target = r if terminated else r + gamma * Q[s2].max()
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return delta


def reference_bonus(kappa, tau):
    """κ√τ."""
    return kappa * math.sqrt(tau)



def _update_cases():
    rng = np.random.default_rng(10)
    cases = []
    for terminated in (False, True, False):
        Q = rng.normal(size=(6, 4)).round(2)
        cases.append(dict(Q=Q, s=1, a=2, r=float(rng.integers(-1, 2)), s2=4, terminated=terminated, alpha=0.5,
                          gamma=0.9))
    Q = np.zeros((6, 4))
    Q[3] = (0.2, 1.0, -0.5, 0.4)
    cases.append(dict(Q=Q, s=0, a=1, r=0.0, s2=3, terminated=False, alpha=0.1, gamma=0.95))
    return cases


def check_planning_update(update) -> bool:
    """Check ``update(Q, s, a, r, s2, terminated, alpha, gamma)``: one Q-learning update of ``Q[s, a]`` in place."""
    for case in _update_cases():
        mine, theirs = case["Q"].copy(), case["Q"].copy()
        args = {k: v for k, v in case.items() if k != "Q"}
        want = reference_update(mine, **args)
        try:
            got = update(theirs, **args)
        except Exception as err:  # noqa: BLE001 - the student's code may fail in any way
            return report(f"your update raised {type(err).__name__}: {err}")
        changed = np.argwhere(theirs != case["Q"])
        if len(changed) > 1 or (len(changed) == 1 and tuple(changed[0]) != (args["s"], args["a"])):
            return report("your update changed other entries of Q than Q[s, a]: only the pair just "
                               "simulated is updated.")
        if np.allclose(theirs, case["Q"]) and not np.allclose(mine, case["Q"]):
            return report("Q[s, a] did not change: update the table in place (Q[s, a] += ...), "
                               "do not build a new one.")
        if not np.isclose(theirs[args["s"], args["a"]], mine[args["s"], args["a"]]):
            s, a, s2 = args["s"], args["a"], args["s2"]
            q0 = case["Q"][s, a]
            if args["terminated"]:
                boot = args["r"] + args["gamma"] * case["Q"][s2].max()
                if np.isclose(theirs[s, a], q0 + args["alpha"] * (boot - q0)):
                    return report("after a transition that ends the episode the target is just R: "
                                       "there is no next state to bootstrap from.")
            for name, value in (("Q(S', A') of a random or first action", case["Q"][s2, 0]),
                                ("the mean of Q(S', ·)", case["Q"][s2].mean())):
                if not args["terminated"] and np.isclose(theirs[s, a],
                                                         q0 + args["alpha"] * (args["r"] + args["gamma"] * value - q0)):
                    return report(f"your target uses {name}; Q-learning's target is R + γ max_a Q(S', a).")
            full = args["r"] + (0 if args["terminated"] else args["gamma"] * case["Q"][s2].max())
            if np.isclose(theirs[s, a], full):
                return report("you set Q[s, a] to the target: move it only a step α of the way, "
                                   "Q[s, a] += α (target − Q[s, a]).")
            return report(f"for s={s}, a={a}, r={args['r']}, s2={s2}, terminated={args['terminated']} "
                               f"Q[s, a] became {theirs[s, a]:.4f}, not {mine[s, a]:.4f}.")
        if got is None or not np.isclose(float(got), want):
            return report(f"the table is right, but return the TD error (here {want:.4f}), not {got!r}.")
    return report(None, "your planning update is Q-learning's: the same table and TD error on every case.")


def check_bonus(bonus) -> bool:
    """Check ``bonus(kappa, tau)``: Dyna-Q+'s extra reward κ√τ for a pair not tried for τ steps."""
    for kappa, tau in ((1e-3, 0), (1e-3, 100), (0.5, 9), (0.0, 50), (2.0, 2)):
        want = reference_bonus(kappa, tau)
        try:
            got = float(bonus(kappa, tau))
        except Exception as err:  # noqa: BLE001
            return report(f"bonus({kappa}, {tau}) raised {type(err).__name__}: {err}")
        if not np.isclose(got, want):
            if np.isclose(got, kappa * tau):
                return report("the bonus grows with the square root of τ, not with τ itself: κ√τ.")
            if np.isclose(got, math.sqrt(kappa * tau)):
                return report("only τ is under the square root: κ√τ, not √(κτ).")
            return report(f"bonus({kappa}, {tau}) gave {got:.6g}, but κ√τ is {want:.6g}.")
    return report(None, "your bonus is κ√τ on every case.")
