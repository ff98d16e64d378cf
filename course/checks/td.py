"""Self-checks for the exercises of lessons 08 (temporal-difference learning) and 09 (n-step methods).

Each ``check_*`` runs the student's function on a few cases and prints one
line: a tick, or one sentence that says what is wrong.  It returns True when
every case passes.  The reference solutions are here too (``*_reference``),
so the tests can check that each check accepts them.
"""

from __future__ import annotations

import math

import numpy as np
from . import report

__all__ = ["check_q_learning_target", "check_expected_sarsa_target", "check_n_step_return",
           "q_learning_target_reference", "expected_sarsa_target_reference", "n_step_return_reference"]


def q_learning_target_reference(r, q_next, terminated, gamma):
    return r if terminated else r + gamma * max(q_next)


def expected_sarsa_target_reference(r, q_next, terminated, gamma, epsilon):
    if terminated:
        return r
    q_next = np.asarray(q_next, dtype=float)
    probs = np.full(q_next.size, epsilon / q_next.size)
    best = np.flatnonzero(q_next == q_next.max())
    probs[best] += (1 - epsilon) / best.size
    return r + gamma * probs @ q_next


def n_step_return_reference(rewards, v_last, gamma):
    g = 0.0 if v_last is None else v_last
    for r in reversed(rewards):
        g = r + gamma * g
    return g


def _run(fn, args):
    try:
        return float(fn(*args)), None
    except Exception as e:  # the student's code failed: say how
        return None, f"your function raised {type(e).__name__}: {e}"



def _check(fn, cases, diagnose, done: str) -> bool:
    for args, want in cases:
        got, error = _run(fn, args)
        if error:
            return report(error)
        if not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9):
            return report(diagnose(args, got, want))
    return report(None, done)


def check_q_learning_target(fn) -> bool:
    """``fn(r, q_next, terminated, gamma)`` must return R + γ max_a Q(S', a), or R when the episode ended."""
    q = [1.0, 3.0, -2.0, 0.5]
    cases = [((-1.0, q, False, 0.9), -1 + 0.9 * 3), ((2.0, q, True, 0.9), 2.0), ((0.0, q, False, 1.0), 3.0),
             ((-1.0, [-4.0, -5.0], False, 0.5), -1 + 0.5 * -4)]

    def diagnose(args, got, want):
        r, qn, term, gamma = args
        if term:
            return "when the episode has ended there is no next state: the target is just the reward R."
        if math.isclose(got, r + gamma * np.mean(qn)):
            return "you averaged Q(S', ·); Q-learning bootstraps from the best next action, max_a Q(S', a)."
        if math.isclose(got, r + max(qn)):
            return "the next state's value must be discounted: multiply max_a Q(S', a) by γ."
        if math.isclose(got, gamma * max(qn)):
            return "the target starts with the reward R of this step: R + γ max_a Q(S', a)."
        return f"for R={r}, Q(S',·)={qn}, γ={gamma} the target is {want:g}, your function gave {got:g}."

    return _check(fn, cases, diagnose, "your Q-learning target matches R + γ max_a Q(S', a) on every case.")


def check_expected_sarsa_target(fn) -> bool:
    """``fn(r, q_next, terminated, gamma, epsilon)``: R + γ Σ_a π(a|S') Q(S', a) under ε-greedy π."""
    cases = []
    for r, qn, term, gamma, eps in ((-1.0, [1.0, 3.0, -2.0, 0.5], False, 0.9, 0.1), (0.0, [2.0, 2.0, 0.0], False, 1.0, 0.3),
                                    (1.0, [0.0, 5.0], True, 0.9, 0.1), (-1.0, [1.0, 3.0, -2.0, 0.5], False, 1.0, 1.0)):
        cases.append(((r, qn, term, gamma, eps), expected_sarsa_target_reference(r, qn, term, gamma, eps)))

    def diagnose(args, got, want):
        r, qn, term, gamma, eps = args
        if term:
            return "when the episode has ended there is no next state: the target is just the reward R."
        if math.isclose(got, r + gamma * max(qn)):
            return "that is Q-learning's target; Expected Sarsa weighs every Q(S', a) by its ε-greedy probability."
        if math.isclose(got, r + gamma * np.mean(qn)):
            return "you gave every action the same weight; the greedy action has probability 1 − ε + ε/|A|."
        if len(set(qn)) < len(qn):
            return "when several actions tie for the best value they share the greedy probability 1 − ε equally."
        return f"for R={r}, Q(S',·)={qn}, γ={gamma}, ε={eps} the target is {want:g}, your function gave {got:g}."

    return _check(fn, cases, diagnose, "your Expected Sarsa target matches on every case.")


def check_n_step_return(fn) -> bool:
    """``fn(rewards, v_last, gamma)``: Σ_k γ^k R_{t+k+1} + γ^n V(S_{t+n}); ``v_last`` is None after termination."""
    cases = [(([1.0, 2.0, 3.0], 10.0, 0.5), 1 + 0.5 * 2 + 0.25 * 3 + 0.125 * 10),
             (([0.0, 0.0, 1.0], None, 0.9), 0.81), (([-1.0], 4.0, 0.9), -1 + 0.9 * 4),
             (([1.0, 1.0, 1.0, 1.0], 2.0, 1.0), 6.0)]

    def diagnose(args, got, want):
        rewards, v, gamma = args
        n = len(rewards)
        if v is None:
            return "after the episode ends there is nothing to bootstrap from: sum the discounted rewards only."
        plain = sum(gamma ** k * r for k, r in enumerate(rewards))
        if math.isclose(got, plain):
            return "you forgot to bootstrap: add γ^n V(S_{t+n}) for the state reached after the n rewards."
        if math.isclose(got, plain + gamma ** (n - 1) * v):
            return "the bootstrapped value is n steps away: discount it by γ^n, not γ^(n−1)."
        if math.isclose(got, sum(gamma ** k * r for k, r in enumerate(reversed(rewards))) + gamma ** n * v):
            return "the discounts run the wrong way: the first reward R_{t+1} gets γ^0, the last γ^(n−1)."
        if math.isclose(got, sum(rewards) + v):
            return "the rewards and the bootstrapped value must be discounted by powers of γ."
        return f"for rewards {rewards}, V = {v}, γ = {gamma} the n-step return is {want:g}, your function gave {got:g}."

    return _check(fn, cases, diagnose, "your n-step return matches on every case.")
