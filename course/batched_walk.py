"""Many runs of the λ prediction agents on a random walk, advanced together in numpy.

Chapter 12's random-walk figures (12.3, 12.6, 12.8) average 100 runs of 10
episodes for each of some hundred (λ, α) settings: about ten million agent
steps, half an hour through the Python loop.  Two facts make them cheap:

* the agents *predict*: they all follow the same equiprobable random policy,
  so what they learn never changes where they walk.  Run ``i`` walks exactly
  where the agent built with ``seed=seed + i`` walks (its own generator draws
  the moves, as :meth:`~course.agents.LinearPredictionAgent.act` does), and
  every setting sees the same walks (common random numbers);
* the walk is tabular (one-hot features), so every setting's weights are
  one row of an array of shape (runs x settings, states), and one step of
  every run and every setting is a handful of numpy operations.

The arithmetic is the agents' own, in the same order, so each run's RMS
errors equal those of ``agent.run(episodes)`` for the same seed and
parameters (the tests check this to 1e-12):
:class:`~course.agents.TDLambda` (``"td-lambda"``, accumulating traces),
:class:`~course.agents.TrueOnlineTDLambda` (``"true-online"``, dutch traces)
and :class:`~course.agents.OfflineLambdaReturn` (``"offline"``).

    errors = rms_errors("td-lambda", [{"alpha": 0.4, "lambda_": 0.8}], runs=100, episodes=10)
    errors.shape   # (settings, runs, episodes): the RMS error at the end of each episode
"""

from __future__ import annotations

import numpy as np

from .agents import OfflineLambdaReturn, TDLambda, TrueOnlineTDLambda
from .envs import make

__all__ = ["ALGOS", "walks", "rms_errors"]

ALGOS = {"td-lambda": TDLambda, "true-online": TrueOnlineTDLambda, "offline": OfflineLambdaReturn}


def walks(runs: int, episodes: int, *, seed: int = 0, env: str = "random-walk-19"):
    """The states each run visits: ``(states, lengths, rewards)``.

    ``states[r, e, t]`` is S_t of episode e of run r (padded after the end
    with the terminal state reached), ``lengths[r, e]`` the number of steps
    and ``rewards[r, e]`` the final reward (every other reward is 0).
    """
    world = make(env).unwrapped
    n = world.n
    paths, lengths, finals = [], np.zeros((runs, episodes), dtype=np.int64), np.zeros((runs, episodes))
    for i in range(runs):
        rng = TDLambda(make(env), seed=seed + i).rng  # the generator agent(seed=seed+i) moves with
        for e in range(episodes):
            s, path = world.start_state, [world.start_state]
            while 0 < s < n + 1:
                s += 1 if int(rng.integers(2)) == 1 else -1
                path.append(s)
            paths.append(path)
            lengths[i, e] = len(path) - 1
            finals[i, e] = world.right_reward if s == n + 1 else world.left_reward
    states = np.zeros((runs, episodes, int(lengths.max()) + 1), dtype=np.intp)
    for k, path in enumerate(paths):
        i, e = divmod(k, episodes)
        states[i, e, :len(path)] = path
        states[i, e, len(path):] = path[-1]
    return states, lengths, finals


def _settings(algo: str, settings) -> tuple[np.ndarray, np.ndarray]:
    if algo not in ALGOS:
        raise ValueError(f"algo={algo!r} is not valid: algo must be one of {', '.join(ALGOS)}")
    settings = [dict(s) for s in settings]
    if not settings:
        raise ValueError("settings is empty: give at least one {'alpha': ..., 'lambda_': ...}")
    for s in settings:
        unknown = set(s) - {"alpha", "lambda_"}
        if unknown:
            raise ValueError(f"settings may set alpha and lambda_ only, not {', '.join(sorted(unknown))}")
    declared = ALGOS[algo].hyperparameters()  # the agent's own ranges and messages
    alpha = np.array([declared["alpha"].validate(s.get("alpha", declared["alpha"].default)) for s in settings])
    lam = np.array([declared["lambda_"].validate(s.get("lambda_", declared["lambda_"].default)) for s in settings])
    return alpha, lam


def rms_errors(algo: str, settings, *, runs: int, episodes: int, seed: int = 0,
               env: str = "random-walk-19") -> np.ndarray:
    """RMS error at the end of each episode, shape (settings, runs, episodes); γ = 1, weights start at 0."""
    for name, val in (("runs", runs), ("episodes", episodes)):
        if not isinstance(val, (int, np.integer)) or val < 1:
            raise ValueError(f"{name}={val!r} is not valid: {name} must be a positive integer")
    alpha_k, lam_k = _settings(algo, settings)
    states, lengths, finals = walks(runs, episodes, seed=seed, env=env)
    world = make(env).unwrapped
    k = alpha_k.size
    rows = runs * k
    # row = run * k + setting
    alpha, lam = np.tile(alpha_k, runs), np.tile(lam_k, runs)
    gamma = 1.0
    gl = gamma * lam
    W = np.zeros((rows, world.n + 2))
    Z = np.zeros_like(W)
    index = np.arange(rows)
    run_of = np.repeat(np.arange(runs), k)
    true = world.true_values[1:-1]
    errors = np.zeros((rows, episodes))
    with np.errstate(over="ignore", invalid="ignore"):
        for e in range(episodes):
            path, length = states[run_of, e], lengths[run_of, e]
            final = finals[run_of, e]
            if algo == "offline":
                _offline_episode(W, path, length, final, alpha, lam, gamma, index)
            else:
                Z.fill(0.0)
                v_old = np.zeros(rows)
                for t in range(int(length.max())):
                    active = t < length
                    s, s2 = path[:, t], path[:, t + 1]
                    term = t == length - 1
                    r = np.where(term, final, 0.0)
                    v = W[index, s]
                    if algo == "td-lambda":
                        target = np.where(term, r, r + gamma * W[index, s2])
                        delta = target - v
                        Z *= np.where(active, gl, 1.0)[:, None]
                        Z[index, s] += np.where(active, 1.0, 0.0)
                        W += np.where(active, alpha * delta, 0.0)[:, None] * Z
                    else:  # true online TD(λ), TraceAgent.true_online_update
                        v_next = np.where(term, 0.0, W[index, s2])
                        delta = r + gamma * v_next - v
                        zx = Z[index, s]
                        Z *= np.where(active, gl, 1.0)[:, None]
                        Z[index, s] += np.where(active, 1.0 - alpha * gl * zx, 0.0)
                        W += np.where(active, alpha * (delta + v - v_old), 0.0)[:, None] * Z
                        W[index, s] += np.where(active, -alpha * (v - v_old), 0.0)
                        v_old = np.where(active, v_next, v_old)
            errors[:, e] = np.sqrt(np.mean((W[:, 1:-1] - true) ** 2, axis=1))
    return errors.reshape(runs, k, episodes).transpose(1, 0, 2)


def _offline_episode(W, path, length, final, alpha, lam, gamma, index) -> None:
    """OfflineLambdaReturn.end_episode on every row: λ-returns from the episode's weights, then the updates."""
    horizon = int(length.max())
    later = np.zeros(len(index))  # every walk ends at a terminal state: v̂(S_T) = 0
    targets = np.zeros((len(index), horizon))
    for t in range(horizon - 1, -1, -1):
        active = t < length
        term = t == length - 1
        r = np.where(term, final, 0.0)
        next_value = np.where(term, 0.0, W[index, path[:, t + 1]])
        later = np.where(active, r + gamma * ((1.0 - lam) * next_value + lam * later), later)
        targets[:, t] = later
    for t in range(horizon):
        active = t < length
        s = path[:, t]
        delta = targets[:, t] - W[index, s]
        W[index, s] += np.where(active, alpha * delta, 0.0)
