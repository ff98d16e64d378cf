"""Self-checks for lesson 14 (linear control): the student's code run on cases, one sentence on what is wrong.

Two exercises:

* :func:`check_sarsa_update` -- ``sarsa_update(w, active, r, active_next,
  alpha, gamma)``: one semi-gradient Sarsa step with binary features.  ``w``
  is the flat weight vector, ``active`` the indices of the active features of
  x(S, A), ``active_next`` those of x(S', A') (``None`` when S' is
  terminal).  It changes ``w`` in place and returns the TD error δ.
* :func:`check_log_gradient` -- ``log_gradient(theta, active, a)``: the
  gradient ∇_θ ln π(a | s) of a linear softmax policy with binary features
  (``theta`` of shape (actions, features), ``active`` the indices of the
  active features of s), as an array shaped like ``theta``.

Each check prints one line and returns True when the code passes every case,
False otherwise.
"""

from __future__ import annotations

import numpy as np

from ..policies import softmax_probs
from . import report

__all__ = ["check_sarsa_update", "check_log_gradient", "reference_sarsa_update", "reference_log_gradient"]


def reference_sarsa_update(w, active, r, active_next, alpha, gamma):
    """δ = R + γ w·x(S',A') − w·x(S,A) (no bootstrap at the end); w ← w + α δ x(S,A)."""
    q_next = 0.0 if active_next is None else w[active_next].sum()
    delta = r + gamma * q_next - w[active].sum()
    w[active] += alpha * delta
    return delta


def reference_log_gradient(theta, active, a):
    """∇ ln π(a|s): row b is (1[b = a] − π(b|s)) x(s)."""
    probs = softmax_probs(theta[:, active].sum(axis=1), 1.0)
    grad = np.zeros_like(theta)
    grad[:, active] = -probs[:, None]
    grad[a, active] += 1.0
    return grad



def _sarsa_cases():
    rng = np.random.default_rng(14)
    for case in range(8):
        w = rng.normal(size=24)
        active = rng.choice(24, size=4, replace=False)
        nxt = None if case % 4 == 3 else rng.choice(24, size=4, replace=False)
        yield w, active, float(rng.choice([-1.0, 0.0, 2.0])), nxt, 0.1 * (1 + case % 3), (1.0, 0.9)[case % 2]


def check_sarsa_update(sarsa_update) -> bool:
    """Run ``sarsa_update`` on cases against the semi-gradient Sarsa step; print what is wrong, if anything."""
    for w0, active, r, nxt, alpha, gamma in _sarsa_cases():
        mine, ref = w0.copy(), w0.copy()
        try:
            delta = sarsa_update(mine, active.copy(), r, None if nxt is None else nxt.copy(), alpha, gamma)
        except Exception as e:  # the student's code failed: say how, in one sentence
            return report(f"sarsa_update raised {type(e).__name__}: {e}", "")
        want = reference_sarsa_update(ref, active, r, nxt, alpha, gamma)
        inactive = np.setdiff1d(np.arange(w0.size), active)
        if np.allclose(mine, ref) and delta is not None and np.isclose(delta, want):
            continue
        if np.allclose(mine, w0):
            return report("w did not change: update it in place (w[active] += ...), not a copy of it.", "")
        if not np.allclose(mine[inactive], w0[inactive]):
            return report("weights of inactive features changed: the gradient of w·x(S,A) is x(S,A), which is "
                           "zero outside the active features.", "")
        if nxt is None:
            return report("at the end of an episode (active_next is None) the target is R alone, with no "
                           "bootstrap from a next state.", "")
        if np.allclose(mine[active] - w0[active], want):
            return report("the step forgets α: w[active] should move by α·δ, not by δ.", "")
        if np.allclose(mine[active] - w0[active], alpha * (r + gamma * w0[nxt].sum())):
            return report("the TD error must subtract the current estimate w·x(S,A) from the target.", "")
        if np.allclose(mine[active] - w0[active], alpha * (r + w0[nxt].sum() - w0[active].sum())):
            return report("the next state's value is not discounted: the target is R + γ·w·x(S',A').", "")
        if np.allclose(mine, ref):
            return report(f"w is right, but the function returned {delta!r} instead of the TD error δ = {want:.4g}.",
                           "")
        return report(f"with r={r}, alpha={alpha}, gamma={gamma} the weights differ from the semi-gradient Sarsa "
                       "step w[active] += α·(R + γ·w·x(S',A') − w·x(S,A)).", "")
    return report(None, "sarsa_update does the semi-gradient Sarsa step on every case.")


def check_log_gradient(log_gradient) -> bool:
    """Compare ``log_gradient(theta, active, a)`` with ∇ ln π(a|s) on cases; print what is wrong, if anything."""
    rng = np.random.default_rng(13)
    for _ in range(6):
        theta = rng.normal(size=(3, 10))
        active = rng.choice(10, size=3, replace=False)
        a = int(rng.integers(3))
        try:
            mine = np.asarray(log_gradient(theta.copy(), active.copy(), a), dtype=float)
        except Exception as e:
            return report(f"log_gradient raised {type(e).__name__}: {e}", "")
        want = reference_log_gradient(theta, active, a)
        if mine.shape != theta.shape:
            return report(f"the gradient must have theta's shape {theta.shape}, got {mine.shape}.", "")
        if np.allclose(mine, want):
            continue
        inactive = np.setdiff1d(np.arange(10), active)
        if np.abs(mine[:, inactive]).max() > 1e-12:
            return report("features that are off in s must get zero gradient: every row is a multiple of x(s).", "")
        if np.allclose(mine, -want):
            return report("the sign is flipped: the chosen action's row is (1 − π(a|s))·x(s), positive.", "")
        only_chosen = np.zeros_like(theta)
        only_chosen[a, active] = 1.0
        if np.allclose(mine, only_chosen):
            return report("the expected part is missing: subtract π(b|s)·x(s) from every row b, the chosen "
                           "action's too.", "")
        if np.allclose(mine[a], want[a]) and not np.allclose(mine, want):
            return report("the chosen action's row is right, but every other action b needs −π(b|s)·x(s).", "")
        if np.allclose(mine[:, active], (np.eye(3)[a] - np.exp(theta[:, active].sum(axis=1)))[:, None]):
            return report("π must be normalised: divide exp(h) by the sum over actions (a softmax).", "")
        return report("the gradient differs from (1[b = a] − π(b|s))·x(s) in row b.", "")
    return report(None, "log_gradient gives ∇ ln π(a|s) of the softmax policy on every case.")
