"""Self-checks for the coding exercises of lesson 05 (dynamic programming).

Each ``check_*`` runs the student's function on a few cases against the
kit's own answer and prints one sentence: that it is right, or what is
wrong.  It returns True when every case passes.

* :func:`check_bellman_backup` — ``backup(model, s, v, policy, gamma)``:
  one Bellman expectation backup of state ``s``;
* :func:`check_greedy_action` — ``greedy_action(model, s, v, gamma)``: the
  action policy improvement picks in ``s``.
"""

from __future__ import annotations

import numpy as np

from .. import dp
from ..envs import make
from ..envs.models import gambler
from . import report

__all__ = ["check_bellman_backup", "check_greedy_action", "reference_backup", "reference_greedy_action"]


def reference_backup(model, s, v, policy, gamma):
    """Σ_a π(a|s) Σ_s' p(s'|s,a) [r(s,a,s') + γ v(s')] (0 at a terminal state)."""
    if model.terminal[s]:
        return 0.0
    return float(policy[s] @ (model.P[s] * (model.R[s] + gamma * v)).sum(axis=1))


def reference_greedy_action(model, s, v, gamma):
    """argmax_a Σ_s' p(s'|s,a) [r(s,a,s') + γ v(s')] over the allowed actions (first of ties)."""
    q = (model.P[s] * (model.R[s] + gamma * v)).sum(axis=1)
    return int(np.argmax(np.where(model.allowed[s], q, -np.inf)))



def _cases():
    grid = make("corner-grid").unwrapped.model()
    rng = np.random.default_rng(5)
    v = -rng.integers(0, 20, grid.n_states).astype(float)
    v[grid.terminal] = 0.0
    skewed = rng.dirichlet(np.ones(4), grid.n_states)
    g = gambler(0.4, goal=10)
    vg = np.linspace(0, 1, 11) ** 2
    vg[[0, 10]] = 0.0
    return grid, v, skewed, g, vg


def check_bellman_backup(backup) -> bool:
    """Check ``backup(model, s, v, policy, gamma) -> float`` on the 4x4 grid and the gambler's problem."""
    grid, v, skewed, g, vg = _cases()
    random = dp.random_policy(grid)
    cases = [("the random policy, v = 0, γ = 1", grid, 5, np.zeros(16), random, 1.0),
             ("the random policy, γ = 1", grid, 6, v, random, 1.0),
             ("the random policy, γ = 0.5", grid, 6, v, random, 0.5),
             ("a policy that prefers some actions", grid, 9, v, skewed, 0.9),
             ("the terminal corner", grid, 0, v, random, 1.0),
             ("the gambler's problem (a random next state)", g, 4, vg, dp.random_policy(g), 1.0)]
    for what, m, s, vv, pi, gamma in cases:
        want = reference_backup(m, s, vv, pi, gamma)
        try:
            got = float(backup(m, s, vv.copy(), pi, gamma))
        except Exception as e:  # noqa: BLE001 - the student's code may fail in any way
            return report(f"for {what} your backup raised {type(e).__name__}: {e}")
        if not np.isclose(got, want):
            hint = ""
            if m.terminal[s]:
                hint = " — a terminal state's value is 0 whatever v says"
            elif np.isclose(got, float((m.P[s] * (m.R[s] + gamma * vv)).sum())):
                hint = " — it looks like the actions are summed, not weighted by π(a|s)"
            elif np.isclose(got, float(pi[s] @ (m.P[s] * (m.R[s] + vv)).sum(axis=1))):
                hint = " — it looks like γ is missing in front of v(s')"
            elif np.isclose(got, float(pi[s] @ (m.P[s] * m.R[s]).sum(axis=1))):
                hint = " — the next state's value v(s') is missing"
            return report(f"for {what}, state {s}, your backup gives {got:.4g} but it should be {want:.4g}{hint}.")
    return report(None, f"your Bellman backup agrees with the kit on all {len(cases)} cases.")


def check_greedy_action(greedy_action) -> bool:
    """Check ``greedy_action(model, s, v, gamma) -> int`` (the action policy improvement picks)."""
    grid, v, _, g, vg = _cases()
    values_grid, _ = dp.evaluate_policy(grid, dp.random_policy(grid))
    _, v_star, _ = dp.value_iteration(g, theta=1e-9)
    cases = [("the 4x4 grid under v of the random policy", grid, s, values_grid, 1.0) for s in (1, 4, 6, 11)]
    cases += [("the gambler's problem with v*", g, s, v_star, 1.0) for s in (3, 5, 7)]
    cases += [("the gambler's problem with a made-up v", g, 6, vg, 1.0)]
    for what, m, s, vv, gamma in cases:
        q = np.where(m.allowed[s], (m.P[s] * (m.R[s] + gamma * vv)).sum(axis=1), -np.inf)
        try:
            got = int(greedy_action(m, s, vv.copy(), gamma))
        except Exception as e:  # noqa: BLE001
            return report(f"for {what} your function raised {type(e).__name__}: {e}")
        if not (0 <= got < m.n_actions) or not np.isclose(q[got], q.max()):
            hint = ""
            if 0 <= got < m.n_actions and not m.allowed[s, got]:
                hint = " — that action is not allowed there (see model.allowed)"
            elif got == int(np.argmax(vv[np.argmax(m.P[s], axis=1)])):
                hint = " — it looks like you chose by v of the likeliest next state, without the reward"
            mine = f"{q[got]:.4g}" if 0 <= got < m.n_actions else "n/a"
            return report(f"for {what}, state {s}, you pick action {got} (q = {mine}) "
                               f"but the best q is {q.max():.4g}{hint}.")
    return report(None, f"your greedy action is a best action in all {len(cases)} cases.")
