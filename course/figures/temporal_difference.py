"""Temporal-difference figures: Sutton & Barto chapter 6 (lesson 08).

The averaged figures run on the tabular batched runner
(:mod:`course.batched_tabular`): every run is one lane of a numpy array, so
the book's numbers of runs fit in seconds (Figure 6.5: 10,000 runs).
Single-run pictures (values after some episodes, the windy grid) use the
kit's agents through the one loop.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .. import batched_tabular as bt
from ..agents import TD0, BatchMC, BatchTD0, Sarsa
from ..envs import make
from ..executors import many
from ..plots import smooth
from ..scale import pick
from . import curve_rows, figure, save

MC = 10**9  # an n larger than any episode: n-step TD is then constant-α Monte Carlo


def walk_errors(n_states, runs, episodes, methods, seed=0, v0=0.5):
    """RMS error after each episode, {label: (runs, episodes + 1)}, for methods {label: (n, alpha)}."""
    env = make(f"random-walk-{n_states}").unwrapped
    walks = bt.random_walks(n_states, runs, episodes, seed=seed)
    out = {}
    for label, (n, alpha) in methods.items():
        out[label] = bt.predict(walks, n=n, alphas=[alpha], true_values=env.true_values, v0=v0,
                                left_reward=env.left_reward, right_reward=env.right_reward)[0]
    return out


EXAMPLE_6_2 = {"td alpha=0.05": (1, 0.05), "td alpha=0.1": (1, 0.1), "td alpha=0.15": (1, 0.15),
               "mc alpha=0.01": (MC, 0.01), "mc alpha=0.02": (MC, 0.02), "mc alpha=0.03": (MC, 0.03),
               "mc alpha=0.04": (MC, 0.04)}


@figure("sutton-barto-example-6.2", lesson=8,
        help="5-state random walk: TD(0) values after 0, 1, 10, 100 episodes; RMS error of TD and MC for several alpha")
def random_walk(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Example 6.2: TD(0) against constant-α MC on the 5-state random walk (values start at 0.5)."""
    runs = runs or pick(smoke=5, lesson=100, full=100, scale=scale)
    episodes = pick(smoke=10, lesson=100, full=100, scale=scale)
    fig = Figure(figsize=(12, 4.5))
    left, right = fig.subplots(1, 2)
    env = make("random-walk-5")
    agent = TD0(env, alpha=0.1, seed=0)
    agent.w[1:-1] = 0.5
    rows, states = [], np.arange(1, 6)
    for k in (0, 1, 10, 100):
        if k > episodes:
            break
        agent.run(k - agent.episode)
        v = agent.state_values()[1:-1]
        left.plot(states, v, marker="o", label=f"after {k} episodes")
        rows += curve_rows(f"values episodes={k}", states, v)
    true = env.unwrapped.true_values[1:-1]
    left.plot(states, true, "k--", label="true values")
    rows += curve_rows("true values", states, true)
    left.set_xticks(states, list("ABCDE"))
    left.set_title("TD(0), α = 0.1: one run")
    left.set_ylabel("estimated value")
    left.legend()
    errors = walk_errors(5, runs, episodes, EXAMPLE_6_2)
    x = np.arange(1, episodes + 1)
    for label, e in errors.items():
        right.plot(np.arange(episodes + 1), e.mean(0), "-" if label.startswith("td") else "--", label=label)
        rows += curve_rows(label, x, e[:, 1:].mean(0), e[:, 1:].std(0, ddof=1) / np.sqrt(runs) if runs > 1 else None)
    right.set_xlabel("walks / episodes")
    right.set_ylabel("RMS error, averaged over states")
    right.set_title(f"TD (solid) against MC (dashed), {runs} runs")
    right.legend(fontsize=8)
    fig.suptitle("Random walk, 5 states (Sutton & Barto Example 6.2)")
    return save(fig, out, "sutton-barto-example-6.2", rows)


@figure("sutton-barto-6.2", lesson=8, help="batch TD(0) against batch MC on the 5-state walk: RMS error per episode")
def batch_updating(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 6.2: after each episode, all episodes so far are presented again until the values settle."""
    runs = runs or pick(smoke=3, lesson=30, full=100, scale=scale)
    episodes = pick(smoke=10, lesson=100, full=100, scale=scale)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for label, cls in (("batch td", BatchTD0), ("batch mc", BatchMC)):
        errs = np.zeros((runs, episodes))
        for r in range(runs):
            agent = cls(make("random-walk-5"), seed=r)
            agent.w[1:-1] = 0.5
            errs[r] = agent.run(episodes).errors
        x = np.arange(1, episodes + 1)
        ax.plot(x, errs.mean(0), label=label)
        rows += curve_rows(label, x, errs.mean(0), errs.std(0, ddof=1) / np.sqrt(runs) if runs > 1 else None)
    ax.set_xlabel("walks / episodes")
    ax.set_ylabel("RMS error, averaged over states")
    ax.set_title(f"Batch updating on the 5-state walk, {runs} runs (Sutton & Barto Figure 6.2)")
    ax.legend()
    ax.grid(alpha=0.3)
    return save(fig, out, "sutton-barto-6.2", rows)


@figure("sutton-barto-example-6.5", lesson=8, help="windy grid, Sarsa (eps 0.1, alpha 0.5): episodes completed against time steps")
def windy(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Example 6.5: one run of Sarsa on the windy grid world; the slope is one over the episode length."""
    episodes = pick(smoke=20, lesson=170, full=170, scale=scale)
    agent = Sarsa(make("windy"), alpha=0.5, epsilon=0.1, seed=0)
    h = agent.run(episodes)
    steps = np.cumsum(h.steps)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    ax.plot(steps, np.arange(1, episodes + 1))
    ax.set_xlabel("time steps")
    ax.set_ylabel("episodes")
    ax.set_title("Windy grid world, Sarsa, ε = 0.1, α = 0.5 (Sutton & Barto Example 6.5)")
    ax.grid(alpha=0.3)
    return save(fig, out, "sutton-barto-example-6.5", curve_rows("sarsa", steps, np.arange(1, episodes + 1)))


def cliff_runs(scale: str, runs: int | None, episodes: int | None = None, algos=("sarsa", "q-learning")):
    """Sarsa and Q-learning (and others) on the cliff, ε = 0.1, α = 0.5: the batched runner's result."""
    runs = runs or pick(smoke=5, lesson=50, full=100, scale=scale)
    episodes = episodes or pick(smoke=30, lesson=500, full=500, scale=scale)
    return bt.control(make("cliff"), [dict(algo=a, alpha=0.5, epsilon=0.1) for a in algos], runs=runs,
                      episodes=episodes, labels=list(algos))


@figure("sutton-barto-example-6.6", lesson=8, help="cliff walking: sum of rewards per episode, Sarsa and Q-learning")
def cliff(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Example 6.6: online performance of Sarsa (safe path) and Q-learning (edge path), ε = 0.1, α = 0.5."""
    res = cliff_runs(scale, runs)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for c in res["curves"]:
        x = np.arange(1, c.episodes + 1)
        y = c.mean("returns")
        ax.plot(x, smooth(y, 10), label=c.label)  # moving mean of the last 10 episodes
        rows += curve_rows(c.label, x, y, c.stderr("returns") if c.runs > 1 else None)
    ax.set_ylim(-100, 0)
    ax.set_xlabel("episodes")
    ax.set_ylabel("sum of rewards during episode")
    ax.set_title(f"Cliff walking, ε = 0.1, α = 0.5, {res['curves'][0].runs} runs (Example 6.6)")
    ax.legend()
    ax.grid(alpha=0.3)
    return save(fig, out, "sutton-barto-example-6.6", rows)


ALPHAS_6_3 = tuple(np.round(np.arange(0.1, 1.01, 0.1), 2))
ALGOS_6_3 = ("sarsa", "expected-sarsa", "q-learning")


def _settings_6_3() -> list[dict]:
    return [dict(algo=a, alpha=al, epsilon=0.1) for a in ALGOS_6_3 for al in ALPHAS_6_3]


def _summed_returns(runs: int, episodes: int, seed: int) -> np.ndarray:
    """One piece of Figure 6.3: per setting, the mean return per episode summed over ``runs`` runs."""
    res = bt.control(make("cliff"), _settings_6_3(), runs=runs, episodes=episodes, seed=seed)
    return np.array([c.returns.mean() * runs for c in res["curves"]])


def _pieces(runs: int, episodes: int, seed: int, chunk: int) -> list[dict]:
    """Runs cut into pieces of at most ``chunk`` lanes per setting, each with its own seeds."""
    return [dict(runs=min(chunk, runs - done), episodes=episodes, seed=seed + done) for done in range(0, runs, chunk)]


def _by_algo(means: np.ndarray) -> dict[str, np.ndarray]:
    return dict(zip(ALGOS_6_3, means.reshape(len(ALGOS_6_3), len(ALPHAS_6_3))))


@figure("sutton-barto-6.3", lesson=8,
        help="cliff: interim (first 100 episodes) and asymptotic performance against alpha, Sarsa/Expected Sarsa/Q-learning")
def interim_asymptotic(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 6.3: mean return per episode against α; interim over 100 episodes, asymptotic over many."""
    interim_runs = runs or pick(smoke=2, lesson=30, full=50_000, scale=scale)
    asym_runs = runs or pick(smoke=1, lesson=4, full=10, scale=scale)
    asym_episodes = pick(smoke=20, lesson=500, full=100_000, scale=scale)
    # every piece of both experiments side by side (the asymptotic one is one long piece): worker processes,
    # or the Dask cluster in force; none at smoke scale, where starting them costs more than the runs
    interim_pieces = _pieces(interim_runs, pick(smoke=20, lesson=100, full=100, scale=scale), 0, 1000)
    pieces = many(_summed_returns, interim_pieces + _pieces(asym_runs, asym_episodes, 10**6, 1000),
                  workers=pick(smoke=1, lesson=None, full=None, scale=scale), desc="pieces")
    interim = _by_algo(np.sum(pieces[:len(interim_pieces)], axis=0) / interim_runs)
    asym = _by_algo(np.sum(pieces[len(interim_pieces):], axis=0) / asym_runs)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for algo, colour in zip(ALGOS_6_3, ("tab:blue", "tab:red", "k")):
        ax.plot(ALPHAS_6_3, asym[algo], "-", color=colour, marker="o", label=f"asymptotic {algo}")
        ax.plot(ALPHAS_6_3, interim[algo], "--", color=colour, marker="x", label=f"interim {algo}")
        rows += curve_rows(f"asymptotic {algo}", ALPHAS_6_3, asym[algo])
        rows += curve_rows(f"interim {algo}", ALPHAS_6_3, interim[algo])
    ax.set_xlabel("α")
    ax.set_ylabel("sum of rewards per episode")
    ax.set_ylim(-160, 0)
    ax.set_title(f"Cliff, ε = 0.1: interim (100 episodes, {interim_runs} runs) and asymptotic "
                 f"({asym_episodes} episodes, {asym_runs} runs)", fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, out, "sutton-barto-6.3", rows)


def left_fractions(runs: int, episodes: int = 300, seed: int = 0) -> dict[str, np.ndarray]:
    """Fraction of runs taking 'left' in A, per episode, {"q-learning": ..., "double-q": ...} (ε = 0.1, α = 0.1)."""
    res = bt.control(make("max-bias"), [dict(algo="q-learning", alpha=0.1, epsilon=0.1),
                                        dict(algo="double-q", alpha=0.1, epsilon=0.1)],
                     runs=runs, episodes=episodes, seed=seed)
    left = res["first"] == 0  # LEFT
    return {"q-learning": left[0], "double-q": left[1]}


@figure("sutton-barto-6.5", lesson=8, help="maximization bias: % left actions from A per episode, Q-learning vs Double Q-learning")
def maximization_bias(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 6.5: Q-learning is fooled by the maximum of noisy estimates; Double Q-learning is not."""
    runs = runs or pick(smoke=200, lesson=2000, full=10_000, scale=scale)
    episodes = pick(smoke=50, lesson=300, full=300, scale=scale)
    left = left_fractions(runs, episodes)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    x = np.arange(1, episodes + 1)
    rows = []
    for label, l in left.items():
        y = 100 * l.mean(0)
        ax.plot(x, y, label=label)
        rows += curve_rows(label, x, y, 100 * l.std(0, ddof=1) / np.sqrt(runs))
    ax.axhline(5, color="k", ls="--", lw=1, label="optimal (ε/2 = 5%)")
    rows += curve_rows("optimal", x, np.full(episodes, 5.0))
    ax.set_xlabel("episodes")
    ax.set_ylabel("% left actions from A")
    ax.set_ylim(0, 100)
    ax.set_title(f"Maximization bias, {runs} runs, ε = 0.1, α = 0.1 (Sutton & Barto Figure 6.5)")
    ax.legend()
    ax.grid(alpha=0.3)
    return save(fig, out, "sutton-barto-6.5", rows)
