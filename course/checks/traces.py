"""Self-checks for the exercises of lesson 15 (eligibility traces).

Each ``check_...`` runs the student's function on a few cases, compares it
with the book's rule, prints one sentence (``✓ Correct: ...`` or what is
wrong, recognising the usual slips by the numbers they give) and returns
whether it passed, so a notebook cell only needs to call it::

    check_accumulating_trace(accumulating_trace)
    check_dutch_trace(dutch_trace)
    check_lambda_return(lambda_return)
"""

from __future__ import annotations

import numpy as np
from . import report

__all__ = ["check_accumulating_trace", "check_dutch_trace", "check_lambda_return"]



def _call(fn, *args):
    """The student's result as a float array, or the sentence that says why there is none."""
    try:
        out = fn(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    except Exception as e:  # noqa: BLE001 - any error of the student's code is reported, not raised
        return None, f"Your function raised {type(e).__name__}: {e}."
    if out is None:
        return None, "Your function returned None: return the new value instead of (only) changing it in place."
    try:
        return np.asarray(out, dtype=float), None
    except (TypeError, ValueError):
        return None, f"Your function returned {type(out).__name__}, not numbers."


def _matches(got, want) -> bool:
    return got is not None and np.shape(got) == np.shape(want) and np.allclose(got, want, atol=1e-9)


# ---------------------------------------------------------------------------
# z ← γλ z + x
# ---------------------------------------------------------------------------
def _accumulating(z, x, gamma, lam):
    return gamma * lam * z + x


def _trace_cases():
    rng = np.random.default_rng(15)
    cases = [(np.zeros(4), np.array([0.0, 1.0, 0.0, 0.0]), 1.0, 0.9),
             (np.array([0.5, 0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0, 0.0]), 0.9, 0.8)]
    cases += [(rng.random(5), rng.random(5), 0.95, lam) for lam in (0.0, 0.5, 1.0)]
    return cases


def check_accumulating_trace(fn) -> bool:
    """Check ``fn(z, x, gamma, lam)`` -> the accumulating trace γλ z + x (book equation 12.5)."""
    for z, x, gamma, lam in _trace_cases():
        got, error = _call(fn, z, x, gamma, lam)
        if error:
            return report(error)
        want = _accumulating(z, x, gamma, lam)
        if _matches(got, want):
            continue
        if _matches(got, z + x):
            return report("The old trace is not decayed: multiply z by γλ before adding x.")
        if _matches(got, gamma * lam * (z + x)):
            return report("You decay after adding, so the new x is decayed too: decay z first, then add x.")
        if _matches(got, lam * z + x):
            return report("The trace decays by λ only: it decays by γλ (γ matters when γ < 1).")
        if _matches(got, np.where(x != 0, x, gamma * lam * z)):
            return report("That is a replacing trace (the active components set to x): accumulate, z ← γλz + x.")
        return report(f"For z={z.round(3).tolist()}, x={x.round(3).tolist()}, γ={gamma}, λ={lam} the trace should be "
                    f"{want.round(4).tolist()}, yours is {np.round(got, 4).tolist()}.")
    return report(None, "Correct: z ← γλ z + x on every case.")


# ---------------------------------------------------------------------------
# z ← γλ z + (1 − α γλ zᵀx) x
# ---------------------------------------------------------------------------
def _dutch(z, x, alpha, gamma, lam):
    return gamma * lam * z + (1.0 - alpha * gamma * lam * (z @ x)) * x


def check_dutch_trace(fn) -> bool:
    """Check ``fn(z, x, alpha, gamma, lam)`` -> the dutch trace of true online TD(λ) (book equation 12.11)."""
    rng = np.random.default_rng(12)
    cases = [(np.array([0.5, 0.2, 1.0, 0.0]), np.array([0.0, 0.0, 1.0, 0.0]), 0.5, 1.0, 0.9)]
    cases += [(rng.random(5), rng.random(5), alpha, 0.9, 0.8) for alpha in (0.1, 0.7)]
    for z, x, alpha, gamma, lam in cases:
        got, error = _call(fn, z, x, alpha, gamma, lam)
        if error:
            return report(error)
        want = _dutch(z, x, alpha, gamma, lam)
        if _matches(got, want):
            continue
        if _matches(got, _accumulating(z, x, gamma, lam)):
            return report("That is the accumulating trace: the dutch trace adds only (1 − αγλ zᵀx) x.")
        decayed = gamma * lam * z
        if _matches(got, decayed + (1.0 - alpha * gamma * lam * (decayed @ x)) * x):
            return report("zᵀx must use the trace before it decays (the previous z), not γλz.")
        if _matches(got, decayed + (1.0 - gamma * lam * (z @ x)) * x):
            return report("The correction term lacks α: it is (1 − α γλ zᵀx) x.")
        if _matches(got, decayed + (1.0 - alpha * (z @ x)) * x):
            return report("The correction term lacks γλ: it is (1 − α γλ zᵀx) x.")
        return report(f"For z={z.round(3).tolist()}, x={x.round(3).tolist()}, α={alpha}, γ={gamma}, λ={lam} the trace "
                    f"should be {want.round(4).tolist()}, yours is {np.round(got, 4).tolist()}.")
    return report(None, "Correct: z ← γλ z + (1 − α γλ zᵀx) x on every case.")


# ---------------------------------------------------------------------------
# G^λ from the n-step returns
# ---------------------------------------------------------------------------
def _lambda_return(returns, lam):
    g = np.asarray(returns, dtype=float)
    n = g.size
    weights = (1.0 - lam) * lam ** np.arange(n - 1)
    return float(weights @ g[:-1] + lam ** (n - 1) * g[-1])


def check_lambda_return(fn) -> bool:
    """Check ``fn(returns, lam)`` -> G^λ from ``returns = [G_{t:t+1}, ..., G_{t:t+N}]``, the last one the full return.

    G^λ = (1 − λ) Σ_{n=1}^{N−1} λ^{n−1} G_{t:t+n} + λ^{N−1} G_t  (book equation 12.3).
    """
    cases = [([1.0, 2.0, 3.0], 0.5), ([0.0, 0.0, 0.0, 1.0], 0.8), ([2.0, -1.0, 0.5, 4.0, 3.0], 0.3),
             ([5.0], 0.7), ([1.0, 4.0], 0.0), ([1.0, 4.0, 2.0], 1.0)]
    for returns, lam in cases:
        got, error = _call(fn, list(returns), lam)
        if error:
            return report(error)
        want = _lambda_return(returns, lam)
        if got is not None and got.size == 1 and np.isclose(float(got), want, atol=1e-9):
            continue
        if got is None or got.size != 1:
            return report("Return one number, the λ-return, not a list or an array.")
        g, n, got = np.asarray(returns), len(returns), float(got)
        if np.isclose(got, float((1.0 - lam) * lam ** np.arange(n) @ g)):
            return report("The full return needs the weight λ^(N−1) (what is left), not (1 − λ)λ^(N−1): "
                        "the weights must add up to 1.")
        if np.isclose(got, float((1.0 - lam) * lam ** np.arange(1, n) @ g[:-1] + lam ** n * g[-1])):
            return report("The powers are one too high: the one-step return gets the weight (1 − λ), i.e. λ^0.")
        if np.isclose(got, float(lam ** np.arange(n) @ g)):
            return report("The factor (1 − λ) is missing from the n-step returns' weights.")
        return report(f"For returns={list(returns)} and λ={lam} the λ-return is {want:.4f}, yours is {got:.4f}.")
    return report(None, "Correct: (1 − λ) Σ λ^(n−1) G_{t:t+n} plus λ^(N−1) times the full return, on every case.")
