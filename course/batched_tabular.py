"""Many independent runs of a tabular agent at once, in numpy: the TD unit's figures.

The book averages its tabular figures over hundreds or thousands of runs
(Figure 6.5: 10,000 runs of 300 episodes).  Each run is tiny, so a Python
loop over runs spends nearly all its time in the interpreter.  Here the runs
are *lanes* of one array: lane ``i`` has its own table ``Q[i]``, its own
state, its own step size and exploration rate, and even its own algorithm;
each step of the loop below moves every unfinished lane one step with a few
numpy calls.  Lanes finish their episodes in their own time.

Two entry points:

* :func:`control` -- Sarsa, Q-learning, Expected Sarsa and Double Q-learning
  on any world with a table model (the kit's grid worlds, the
  maximization-bias MDP): learning curves, the first action of every episode
  and the final tables;
* :func:`predict` -- n-step TD (n = 1 is TD(0), a large n constant-α Monte
  Carlo) of the random policy on a random walk, for many step sizes: the
  RMS error after every episode.  The random policy does not depend on what
  is learnt, so the walks are drawn first and shared by every step size
  (common random numbers); each lane then replays its run's walks through
  the n-step update in the order the online algorithm makes them.

The update rules are the agents' (:mod:`course.agents.linear`,
:mod:`course.agents.tabular`), written once more for arrays of lanes; the
tests check that both give the same averages.  One random generator per
call (``seed``) draws for all lanes: same seed, same curves.  Choosing the
next action before the update (Sarsa's order) is done for every algorithm,
as in the kit's loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .experiments import Curves

__all__ = ["Model", "model_of", "ALGOS", "control", "predict", "random_walks"]

ALGOS = ("sarsa", "q-learning", "expected-sarsa", "double-q")


@dataclass
class Model:
    """A tabular world: next state, mean reward, reward noise, termination and legal actions, each (S, A)."""

    next: np.ndarray
    reward: np.ndarray
    std: np.ndarray
    terminal: np.ndarray
    legal: np.ndarray
    start: int


def model_of(env) -> Model:
    """The table model of a kit grid world or of the maximization-bias MDP."""
    u = getattr(env, "unwrapped", env)
    if hasattr(u, "_next") and hasattr(u, "_reward"):  # a GridWorld: deterministic tables
        return Model(u._next, u._reward, np.zeros_like(u._reward), u._terminal,
                     np.ones(u._next.shape, dtype=bool), int(u.start_state))
    if type(u).__name__ == "MaxBias":
        from .envs.bias import A, B, LEFT, TERMINAL

        n = u.n_actions
        nxt = np.full((3, n), TERMINAL)
        nxt[A, LEFT] = B
        reward, std = np.zeros((3, n)), np.zeros((3, n))
        reward[B], std[B] = u.mean, u.std
        terminal = np.ones((3, n), dtype=bool)
        terminal[A, LEFT] = False
        legal = np.array([u.legal_actions(s) for s in range(3)])
        return Model(nxt, reward, std, terminal, legal, A)
    raise ValueError(f"env={u!r} is not valid: env must be a kit grid world or the maximization-bias MDP")


def _row_max(x: np.ndarray) -> np.ndarray:
    """``x.max(axis=1, keepdims=True)`` for a few columns, column by column (a reduction along a short axis is slow)."""
    out = x[:, :1].copy()
    for k in range(1, x.shape[1]):
        np.maximum(out, x[:, k:k + 1], out=out)
    return out


def _row_sum(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=1)`` for a few columns, added left to right (the same order numpy uses for so few)."""
    out = x[:, 0].astype(np.float64 if x.dtype.kind == "f" else np.int64)
    for k in range(1, x.shape[1]):
        out += x[:, k]
    return out


def _random_choice(mask: np.ndarray, rng) -> np.ndarray:
    """Per row, a uniformly random column among the True ones."""
    return np.argmax(rng.random(mask.shape) * mask, axis=1)


def _epsilon_greedy(q, legal, eps, rng):
    """Per row: with probability eps a random legal action, else a greedy one (ties broken at random)."""
    qm = np.where(legal, q, -np.inf)
    best = qm == _row_max(qm)
    a = np.argmax(best, axis=1)
    explore = rng.random(len(q)) < eps
    need = explore | (_row_sum(best) > 1)  # only these rows need a random draw among several actions
    if need.any():
        a[need] = _random_choice(np.where(explore[need, None], legal[need], best[need]), rng)
    return a


def _check(name, value, low, high):
    """alpha must lie in (low, high], epsilon in [low, high]."""
    v = np.asarray(value, dtype=float)
    above = v > low if name == "alpha" else v >= low
    if not np.all(above & (v <= high)):
        bound = f"({low:g}, {high:g}]" if name == "alpha" else f"[{low:g}, {high:g}]"
        raise ValueError(f"{name}={value!r} is not valid: {name} must be in {bound}")


def control(env, settings, *, runs: int, episodes: int, seed: int = 0, gamma: float = 1.0,
            max_episode_steps: int | None = None, labels=None) -> dict:
    """Run ``runs`` lanes of each setting for ``episodes`` episodes on ``env``.

    ``settings`` is a list of dicts with ``algo`` (one of :data:`ALGOS`),
    ``alpha`` and ``epsilon``.  Returns ``{"curves": [Curves per setting],
    "first": (settings, runs, episodes) first action of each episode,
    "q": (settings, runs, S, A) final action values (Q1 + Q2 for double-q)}``.
    """
    if not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ValueError(f"runs={runs!r} is not valid: runs must be a positive integer")
    if not isinstance(episodes, (int, np.integer)) or episodes < 1:
        raise ValueError(f"episodes={episodes!r} is not valid: episodes must be a positive integer")
    m = model_of(env)
    n_set = len(settings)
    for st in settings:
        if st.get("algo") not in ALGOS:
            raise ValueError(f"algo={st.get('algo')!r} is not valid: algo must be one of {', '.join(ALGOS)}")
        _check("alpha", st["alpha"], 0.0, 1.0)
        _check("epsilon", st["epsilon"], 0.0, 1.0)
    L = n_set * runs
    algo = np.repeat([ALGOS.index(st["algo"]) for st in settings], runs)
    alpha = np.repeat([float(st["alpha"]) for st in settings], runs)
    eps = np.repeat([float(st["epsilon"]) for st in settings], runs)
    is_double = algo == 3
    rng = np.random.default_rng(seed)
    S, A = m.next.shape
    Q = np.zeros((2, L, S, A))  # Q[1] stays zero except for double-q lanes
    cap = np.inf if max_episode_steps is None else max_episode_steps
    s = np.full(L, m.start)
    a = _epsilon_greedy(Q[0, :, m.start], m.legal[s], eps, rng)
    ep, t, ret = np.zeros(L, dtype=np.int64), np.zeros(L, dtype=np.int64), np.zeros(L)
    steps, returns = np.zeros((L, episodes), dtype=np.int64), np.zeros((L, episodes))
    first = np.zeros((L, episodes), dtype=np.int64)
    first[:, 0] = a
    i = np.arange(L)
    rows = Q.reshape(2 * L * S, A)  # Q[t, lane, s] as row (t * L + lane) * S + s: one index instead of three
    flat = Q.reshape(-1)
    while i.size:
        si, ai, al = s[i], a[i], algo[i]
        s2 = m.next[si, ai]
        r = m.reward[si, ai] + m.std[si, ai] * rng.standard_normal(i.size)
        term = m.terminal[si, ai]
        legal2 = m.legal[s2]
        dbl = is_double[i]
        any_double = dbl.any()
        row0 = i * S + s2  # Q[0, i, s2]
        q_behave = rows[row0] + rows[L * S + row0] if any_double else rows[row0]
        a2 = _epsilon_greedy(q_behave, legal2, eps[i], rng)
        # which table this step updates (double-q: a fair coin), and which one values the target
        if any_double:
            tb = np.where(dbl, rng.random(i.size) < 0.5, 0).astype(np.int64)
            vt = np.where(dbl, 1 - tb, tb)
            q_next = rows[tb * (L * S) + row0]
        else:
            tb = vt = np.zeros(i.size, dtype=np.int64)
            q_next = q_behave
        pick = np.where(legal2, q_next, -np.inf)
        greedy = pick == _row_max(pick)
        best = _random_choice(greedy, rng) if any_double else np.argmax(greedy, axis=1)
        g_max = flat[(vt * (L * S) + row0) * A + best]  # q-learning: max_a Q(S',a); double-q: Q_other(S', argmax Q_this)
        g_sarsa = q_next[np.arange(i.size), a2]
        if (al == 2).any():
            n_legal = _row_sum(legal2)
            probs = (eps[i, None] * legal2 / n_legal[:, None]
                     + (1 - eps[i, None]) * greedy / _row_sum(greedy)[:, None])
            g_exp = _row_sum(probs * np.where(legal2, q_next, 0.0))
        else:
            g_exp = g_max
        g = np.where(al == 0, g_sarsa, np.where(al == 2, g_exp, g_max))  # (np.select costs 20 µs a step)
        target = r + np.where(term, 0.0, gamma * g)
        here = ((tb * L + i) * S + si) * A + ai  # Q[tb, i, si, ai]; lanes differ, so no index repeats
        flat[here] += alpha[i] * (target - flat[here])
        ret[i] += r
        t[i] += 1
        ended = term | (t[i] >= cap)
        s[i], a[i] = s2, a2
        if ended.any():
            e = i[ended]
            steps[e, ep[e]], returns[e, ep[e]] = t[e], ret[e]
            ep[e] += 1
            t[e], ret[e], s[e] = 0, 0.0, m.start
            a[e] = _epsilon_greedy(Q[0, e, m.start] + Q[1, e, m.start], m.legal[s[e]], eps[e], rng)
            going = ep[e] < episodes
            first[e[going], ep[e[going]]] = a[e[going]]
            if not going.all():
                i = i[ep[i] < episodes]
    labels = labels or [f"{st['algo']} alpha={st['alpha']:g} epsilon={st['epsilon']:g}" for st in settings]
    curves = [Curves(steps[k * runs:(k + 1) * runs], returns[k * runs:(k + 1) * runs], label=labels[k],
                     params=dict(settings[k])) for k in range(n_set)]
    return {"curves": curves, "first": first.reshape(n_set, runs, episodes),
            "q": (Q[0] + Q[1]).reshape(n_set, runs, S, A)}


def random_walks(n_states: int, runs: int, episodes: int, seed: int = 0) -> list[list[np.ndarray]]:
    """``runs`` x ``episodes`` walks of the random policy on the n-state walk: each the states S_0 .. S_T.

    States are numbered as in :class:`course.envs.gridworld.RandomWalk`: 0 and n+1 terminal, start in the middle.
    """
    rng = np.random.default_rng(seed)
    start = (n_states + 1) // 2
    out = []
    for _ in range(runs):
        walks = []
        for _ in range(episodes):
            pos, path = start, [np.array([start])]
            while 0 < pos < n_states + 1:
                chunk = pos + np.cumsum(rng.choice((-1, 1), size=4 * n_states))
                hit = np.flatnonzero((chunk <= 0) | (chunk >= n_states + 1))
                if hit.size:
                    chunk = chunk[:hit[0] + 1]
                path.append(chunk)
                pos = int(chunk[-1])
            walks.append(np.concatenate(path))
        out.append(walks)
    return out


def predict(walks, *, n: int, alphas, true_values, left_reward: float, right_reward: float, v0: float = 0.0,
            gamma: float = 1.0) -> np.ndarray:
    """n-step TD on the given walks (see :func:`random_walks`) for each step size.

    Returns the RMS error over the non-terminal states after every episode,
    shape (len(alphas), runs, episodes + 1); index 0 is before learning.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n={n!r} is not valid: n (rewards summed before bootstrapping) must be an integer >= 1")
    alphas = np.asarray(alphas, dtype=float)
    _check("alpha", alphas, 0.0, 1.0)
    runs, episodes = len(walks), len(walks[0])
    n_all = len(true_values)
    end = n_all - 1
    lanes = len(alphas) * runs
    V = np.zeros((lanes, n_all))
    V[:, 1:-1] = v0
    alpha = np.repeat(alphas, runs)
    run_of = np.tile(np.arange(runs), len(alphas))
    truth = np.asarray(true_values)[1:-1]
    err = np.zeros((len(alphas), runs, episodes + 1))
    rms = lambda: np.sqrt(((V[:, 1:-1] - truth) ** 2).mean(axis=1)).reshape(len(alphas), runs)  # noqa: E731
    err[:, :, 0] = rms()
    for e in range(episodes):
        T = max(len(walks[r][e]) - 1 for r in range(runs))
        s_tab = np.zeros((runs, T), dtype=np.int64)  # padding: updates of terminal state 0 that change nothing
        g_tab = np.zeros((runs, T))
        b_tab = np.zeros((runs, T), dtype=np.int64)
        k_tab = np.zeros((runs, T))
        for r in range(runs):
            path = walks[r][e]
            Tr = len(path) - 1
            rewards = np.zeros(Tr)
            rewards[-1] = right_reward if path[-1] == end else left_reward
            disc = gamma ** np.arange(Tr + 1)
            csum = np.concatenate([[0.0], np.cumsum(rewards * disc[:Tr])])  # sum_{k<j} γ^k R_{k+1}
            tau = np.arange(Tr)
            h = np.minimum(tau + n, Tr)
            s_tab[r, :Tr] = path[:Tr]
            g_tab[r, :Tr] = (csum[h] - csum[tau]) / disc[tau]
            b_tab[r, :Tr] = np.where(tau + n < Tr, path[h], 0)
            k_tab[r, :Tr] = gamma ** n
        s_l, g_l, b_l, k_l = s_tab[run_of], g_tab[run_of], b_tab[run_of], k_tab[run_of]
        rows = np.arange(lanes)
        for k in range(T):
            sk = s_l[:, k]
            V[rows, sk] += alpha * (g_l[:, k] + k_l[:, k] * V[rows, b_l[:, k]] - V[rows, sk])
        err[:, :, e + 1] = rms()
    return err
