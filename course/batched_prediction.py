"""Many runs of linear prediction on the 1000-state random walk, advanced together in numpy.

Chapter 9's figures average 30 or 100 runs of thousands of episodes, some
ten million steps; one agent at a time through the loop
(:class:`~course.agents.GradientMC`, :class:`~course.agents.NStepTD`) takes
tens of microseconds a step.  Here many runs go together:

* the policy is fixed (the random walk), so what the agents learn never
  changes where they walk: each episode's walks are drawn first, for all runs
  at once (:func:`walks`);
* then the updates are applied in the order the agents apply them,
  t = 0, 1, ..., T−1 (n-step TD updates S_t when it reaches S_{t+n}, gradient
  MC at the end of the episode; either way in order of t), one numpy step
  for all runs and all settings at once.  A row of the batch is one
  (setting, run) pair; the settings (features and α) of one call share the
  walks of each run, so they are compared on the same episodes.

Each row computes exactly what the agent computes on the same walk; the
tests check a batched row against :class:`~course.agents.GradientMC` and
:class:`~course.agents.NStepTD` driven over the same episodes.  Gradient MC
with state aggregation (one active feature of value 1) takes a shortcut
that is exact too: k updates of one weight towards the same return G leave
G + (1 − α)^k (w − G); n-step TD with state aggregation runs as a plain
Python loop of scalar updates, faster than array calls on one number.

:func:`learn` is the one entry point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .envs.random_walk import start_state, true_values
from .progress import progress_enabled, tqdm

__all__ = ["walks", "learn", "Result"]


def walks(rng: np.random.Generator, runs: int, n_states: int = 1000, jump: int = 100, chunk: int = 256):
    """One episode of the walk for each of ``runs`` runs: ``(states, T, G)``.

    ``states`` is (runs, max T) with row r's states S_0 .. S_{T_r − 1} first
    (S_0 the middle state); ``T`` the number of steps of each episode; ``G`` its
    return (−1 or +1, the reward of the last step).
    """
    start = start_state(n_states)
    pos = np.full(runs, start)
    pieces, T, G = [], np.zeros(runs, dtype=np.intp), np.zeros(runs)
    going = np.arange(runs)
    offset = 0
    while going.size:
        steps = rng.integers(1, jump + 1, (going.size, chunk)) * rng.choice((-1, 1), (going.size, chunk))
        path = pos[going, None] + np.cumsum(steps, axis=1)
        out = (path < 1) | (path > n_states)
        ended = out.any(axis=1)
        first = np.argmax(out, axis=1)
        piece = np.zeros((runs, chunk), dtype=np.intp)
        piece[going] = np.concatenate([pos[going, None], path[:, :-1]], axis=1)
        pieces.append(piece)
        done = going[ended]
        T[done] = offset + first[ended] + 1
        G[done] = np.where(path[ended, first[ended]] < 1, -1.0, 1.0)
        pos[going] = path[:, -1]
        going = going[~ended]
        offset += chunk
    states = np.concatenate(pieces, axis=1)[:, :T.max()]
    return states, T, G


def _tables(features, n_states: int):
    """Active indices and values of states 0 .. n+1 as arrays (n+2, k), and the dense matrix of states 1 .. n."""
    pairs = [features(s) for s in range(n_states + 2)]
    k = max(len(i) for i, _ in pairs)
    idx = np.zeros((n_states + 2, k), dtype=np.intp)
    val = np.zeros((n_states + 2, k))
    for s, (i, v) in enumerate(pairs):
        idx[s, :len(i)], val[s, :len(i)] = i, v
    dense = np.stack([features.dense(s) for s in range(1, n_states + 1)])
    return idx, val, dense


@dataclass
class Result:
    """What :func:`learn` returns: per setting, per run, per episode."""

    rms: np.ndarray | None  # (settings, runs, episodes): RMS error over the states after each episode
    values: np.ndarray  # (settings, runs, n_states): the final estimates of states 1 .. n
    weights: list  # per setting, (runs, n_features): the final weights
    steps: np.ndarray  # (runs, episodes): the length of each run's episodes


def learn(settings, *, n: int | None = None, runs: int, episodes: int, seed: int = 0, n_states: int = 1000,
          jump: int = 100, errors: bool = True, progress: bool = True, desc: str = "episodes",
          harmonic: bool = False) -> Result:
    """Run ``runs`` runs of each setting ``(features, alpha)`` for ``episodes`` episodes; a :class:`Result`.

    ``n=None`` is gradient Monte Carlo; an integer n is n-step semi-gradient
    TD.  Weights start at zero, γ = 1.  Run r of every setting walks the same
    episodes (drawn from ``seed`` and r).  ``errors=False`` skips the
    per-episode RMS error.  ``harmonic=True`` divides each setting's α by the
    episode number (α, α/2, α/3, ...), a step size that shrinks like a sample
    average's and so lets many features settle within a few thousand episodes.
    """
    settings = list(settings)
    if not settings:
        raise ValueError("settings is empty: give at least one (features, alpha) pair")
    for name, value in (("runs", runs), ("episodes", episodes)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}={value!r} is not valid: {name} must be a positive integer")
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
        raise ValueError(f"n={n!r} is not valid: n must be a positive integer, or None for gradient Monte Carlo")
    for features, alpha in settings:
        if not (isinstance(alpha, (int, float, np.floating)) and 0 < alpha <= 1):
            raise ValueError(f"alpha={alpha!r} is not valid: alpha (step size α) must be in (0, 1]")
        if not getattr(features, "unique", True):
            raise ValueError(f"features {features!r} may repeat an index (hashing); the batched runner needs unique "
                             f"indices")
    S, R = len(settings), int(runs)
    tables = [_tables(f, n_states) for f, _ in settings]
    k = max(t[0].shape[1] for t in tables)
    d = max(t[2].shape[1] for t in tables)
    sink = d  # padding entries point at an extra weight that nothing reads
    IDX = np.full((S, n_states + 2, k), sink, dtype=np.intp)
    VAL = np.zeros((S, n_states + 2, k))
    for c, (idx, val, _) in enumerate(tables):
        IDX[c, :, :idx.shape[1]], VAL[c, :, :idx.shape[1]] = idx, val
    alphas = np.repeat([float(a) for _, a in settings], R)  # row b = setting b // R, run b % R
    setting_of = np.repeat(np.arange(S), R)
    W = np.zeros((S * R, d + 1))
    truth = np.asarray(true_values(n_states, jump))
    grams = [(dense.T @ dense, dense.T @ truth) for _, _, dense in tables]
    vv = float(truth @ truth)
    rms = np.zeros((S, R, episodes)) if errors else None
    steps = np.zeros((R, episodes), dtype=np.intp)
    one_hot = k == 1 and all(np.all(t[1][:, 0] == 1.0) for t in tables)  # one active feature of value 1
    aggregation = one_hot and n is None
    rngs = [np.random.default_rng([seed, r]) for r in range(R)]
    bar = tqdm(total=episodes, desc=desc, unit="ep", disable=not (progress and progress_enabled()))
    try:
        for e in range(episodes):
            alpha_e = alphas / (e + 1) if harmonic else alphas
            states, T, G = _walk_runs(rngs, n_states, jump)
            steps[:, e] = T
            states_b, T_b, G_b = np.tile(states, (S, 1)), np.tile(T, S), np.tile(G, S)
            if aggregation:
                _mc_aggregated(W, IDX, setting_of, states_b, T_b, G_b, alpha_e)
            elif one_hot:
                _td_aggregated(W, IDX, setting_of, states_b, T_b, G_b, alpha_e, n)
            else:
                _general(W, IDX, VAL, setting_of, states_b, T_b, G_b, alpha_e, n)
            if errors:  # mean (Xw − v)² = (wᵀ XᵀX w − 2 wᵀ Xᵀv + vᵀv) / n, from d x d numbers per row, not n x d
                for c, (A, Xv) in enumerate(grams):
                    w = W[c * R:(c + 1) * R, :Xv.size]
                    mse = (np.einsum("bd,de,be->b", w, A, w) - 2 * w @ Xv + vv) / n_states
                    rms[c, :, e] = np.sqrt(np.maximum(mse, 0.0))
            bar.update(1)
    finally:
        bar.close()
    values = np.stack([W[c * R:(c + 1) * R, :t[2].shape[1]] @ t[2].T for c, t in enumerate(tables)])
    weights = [W[c * R:(c + 1) * R, :t[2].shape[1]].copy() for c, t in enumerate(tables)]
    return Result(rms, values, weights, steps)


def _walk_runs(rngs, n_states, jump):
    """One episode for each run, run r drawn from its own generator (so a run's walks do not depend on the others)."""
    per = [walks(rng, 1, n_states, jump) for rng in rngs]
    L = max(p[0].shape[1] for p in per)
    states = np.zeros((len(per), L), dtype=np.intp)
    for r, (s, _, _) in enumerate(per):
        states[r, :s.shape[1]] = s[0]
    return states, np.array([p[1][0] for p in per]), np.array([p[2][0] for p in per])


def _general(W, IDX, VAL, setting_of, states, T, G, alphas, n) -> None:
    """Any features: step t of every row at once, t = 0 .. max T − 1 (rows whose episode has ended update by 0).

    The active features of every step of the episode are looked up once, as flat indices into ``W``; a step
    is then a gather, a dot product and a scatter-add on views.
    """
    B, L = states.shape
    D = W.shape[1]
    Wf = W.reshape(-1)
    steps = np.arange(L)
    flat = IDX[setting_of[:, None], states] + (np.arange(B) * D)[:, None, None]  # (B, L, k)
    val = VAL[setting_of[:, None], states] * (steps[None, :] < T[:, None])[:, :, None]  # 0 after the end
    a = alphas
    for t in range(L):
        idx, x = flat[:, t], val[:, t]
        v = np.einsum("bk,bk->b", Wf.take(idx), x)
        if n is None or t + n >= L:
            target = G
        else:
            boot = t + n < T
            target = np.where(boot, np.einsum("bk,bk->b", Wf.take(flat[:, t + n]), val[:, t + n]), G)
        Wf[idx] += (a * (target - v))[:, None] * x


def _td_aggregated(W, IDX, setting_of, states, T, G, alphas, n) -> None:
    """n-step TD with one active feature of value 1, in plain Python: a scalar update per step, no array calls."""
    for b in range(W.shape[0]):
        w = W[b].tolist()
        g = IDX[setting_of[b], states[b, :T[b]], 0].tolist()  # the group of each state of the episode
        a, end, ret = float(alphas[b]), int(T[b]), float(G[b])
        for t in range(end):
            target = w[g[t + n]] if t + n < end else ret
            w[g[t]] += a * (target - w[g[t]])
        W[b] = w


def _mc_aggregated(W, IDX, setting_of, states, T, G, alphas) -> None:
    """Gradient MC with one active feature of value 1: k visits to a group in an episode move its weight to
    G + (1 − α)^k (w − G), exactly what k updates w ← w + α (G − w) in a row give."""
    B, L = states.shape
    valid = np.arange(L)[None, :] < T[:, None]
    feat = IDX[setting_of[:, None], states, 0]  # (B, L)
    d1 = W.shape[1]
    counts = np.bincount((np.arange(B)[:, None] * d1 + feat)[valid], minlength=B * d1).reshape(B, d1)
    G = G[:, None]
    W[...] = G + (1.0 - alphas[:, None]) ** counts * (W - G)
