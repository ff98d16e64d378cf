"""Self-checks for the coding exercises of lesson 06 (Monte Carlo).

Each ``check_*`` runs the student's function on a few cases and prints one
sentence: that it is right, or what is wrong; it returns True when every
case passes.

* :func:`check_first_visit_returns` — ``first_visit_returns(episode, gamma)``:
  from an episode ``[(S_0, A_0, R_1), (S_1, A_1, R_2), ...]``, the return that
  follows the *first* visit of each state, as a dict ``{state: G}``;
* :func:`check_weighted_estimate` — ``weighted_estimate(ratios, returns)``:
  the weighted importance-sampling estimate Σ ρ G / Σ ρ (0 when Σ ρ = 0).
"""

from __future__ import annotations

import numpy as np
from . import report

__all__ = ["check_first_visit_returns", "check_weighted_estimate", "reference_first_visit_returns",
           "reference_weighted_estimate"]


def reference_first_visit_returns(episode, gamma):
    """{state: the return after its first visit}, computed backwards."""
    out, g = {}, 0.0
    for s, _, r in reversed(episode):
        g = r + gamma * g
        out[s] = g  # overwritten until the earliest visit
    return out


def reference_weighted_estimate(ratios, returns):
    """Σ ρ G / Σ ρ, or 0 when every ratio is 0."""
    ratios, returns = np.asarray(ratios, float), np.asarray(returns, float)
    total = ratios.sum()
    return float(ratios @ returns / total) if total > 0 else 0.0



def _every_visit_last(episode, gamma):
    out, g = {}, 0.0
    for s, _, r in reversed(episode):
        g = r + gamma * g
        out.setdefault(s, g)  # keeps the last visit's return
    return out


def check_first_visit_returns(first_visit_returns) -> bool:
    """Check ``first_visit_returns(episode, gamma) -> {state: G}`` on walks with repeated states."""
    cases = [("a one-step episode", [(3, 1, 1.0)], 1.0),
             ("a walk without repeats", [(3, 1, 0.0), (4, 1, 0.0), (5, 1, 1.0)], 1.0),
             ("a walk that comes back to a state", [(3, 0, 0.0), (2, 1, 0.0), (3, 1, 0.0), (4, 1, 0.0),
                                                    (5, 1, 1.0)], 1.0),
             ("a discounted episode with rewards on every step", [(0, 0, -1.0), (1, 0, -1.0), (0, 1, -1.0),
                                                                  (2, 0, 5.0)], 0.9)]
    for what, episode, gamma in cases:
        want = reference_first_visit_returns(episode, gamma)
        try:
            got = dict(first_visit_returns(list(episode), gamma))
        except Exception as e:  # noqa: BLE001 - the student's code may fail in any way
            return report(f"for {what} your function raised {type(e).__name__}: {e}")
        if set(got) != set(want):
            return report(f"for {what} you return states {sorted(got)} but the visited states are {sorted(want)}.")
        bad = [s for s in want if not np.isclose(got[s], want[s])]
        if bad:
            s = bad[0]
            hint = ""
            if np.isclose(got[s], _every_visit_last(episode, gamma)[s]):
                hint = " — that is the return after the last visit, not the first"
            elif np.isclose(got[s], reference_first_visit_returns(episode, 1.0)[s]):
                hint = " — γ is missing: each later reward counts γ times less"
            return report(f"for {what}, state {s}, your return is {got[s]:.4g} but after its first visit it "
                               f"is {want[s]:.4g}{hint}.")
    return report(None, f"your first-visit returns are right in all {len(cases)} cases.")


def check_weighted_estimate(weighted_estimate) -> bool:
    """Check ``weighted_estimate(ratios, returns) -> float`` (weighted importance sampling)."""
    cases = [("one return with ratio 2", [2.0], [1.0]),
             ("ratios that are all 1 (on-policy)", [1.0, 1.0, 1.0], [1.0, -1.0, 0.0]),
             ("mixed ratios", [0.0, 4.0, 2.0, 0.0], [-1.0, 1.0, -1.0, 1.0]),
             ("only zero ratios", [0.0, 0.0], [1.0, -1.0])]
    for what, ratios, returns in cases:
        want = reference_weighted_estimate(ratios, returns)
        try:
            got = float(weighted_estimate(np.array(ratios), np.array(returns)))
        except Exception as e:  # noqa: BLE001
            return report(f"for {what} your function raised {type(e).__name__}: {e}")
        if not np.isclose(got, want):
            ordinary = float(np.dot(ratios, returns) / len(ratios))
            hint = " — that is ordinary importance sampling: divide by Σ ρ, not by the number of returns" \
                if np.isclose(got, ordinary) else ""
            if np.isnan(got):
                hint = " — when every ratio is 0 there is no evidence yet: return 0"
            return report(f"for {what} your estimate is {got:.4g} but Σ ρ G / Σ ρ is {want:.4g}{hint}.")
    return report(None, f"your weighted importance-sampling estimate is right in all {len(cases)} cases.")
