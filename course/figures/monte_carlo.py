"""Monte Carlo figures: Sutton & Barto chapter 5, Blackjack (lesson 06).

Every figure runs the agents of :mod:`course.agents.monte_carlo` through the
kit's loop on Gymnasium's ``Blackjack-v1`` (book rules, ``sab=True``), its
observation mapped to a state number by :mod:`course.envs.blackjack`.

The Blackjack pictures are 10 x 10 grids, player's sum 12..21 by the
dealer's showing card 1 (ace) .. 10.  In their CSVs ``x`` numbers the cells
row by row: ``x = 10 * (sum - 12) + (dealer - 1)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..agents.monte_carlo import FirstVisitMC, MonteCarloES, OrdinaryIS, WeightedIS
from ..envs import blackjack as bj
from ..events import Observer
from ..executors import many
from ..scale import pick
from . import curve_rows, figure, save

#: Example 5.4: the state whose value Figure 5.3 estimates, and its value under the stick-on-20 policy.
IS_STATE = bj.state_index(13, 2, True)
IS_TRUE_VALUE = -0.27726


def book_policy() -> np.ndarray:
    """The optimal policy of Figure 5.2 as printed in the book: 1 = hit, 0 = stick, (usable ace, sum, dealer)."""
    hit = np.zeros((2, 10, 10), dtype=int)
    dealer = np.arange(1, 11)
    strong = (dealer >= 7) | (dealer == 1)  # the dealer shows 7, 8, 9, 10 or an ace
    for i, total in enumerate(range(12, 22)):
        hit[1, i] = (total <= 17) | ((total == 18) & ((dealer >= 9) | (dealer == 1)))
        if 13 <= total <= 16:
            hit[0, i] = strong
        elif total == 12:
            hit[0, i] = (dealer <= 3) | strong
    return hit


def _cells(grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.arange(100), np.asarray(grid, dtype=float).ravel()


def _surface(ax, grid: np.ndarray, title: str, zlim=(-1, 1)) -> None:
    dealer, total = np.meshgrid(np.arange(1, 11), np.arange(12, 22))
    ax.plot_surface(dealer, total, grid, cmap="viridis", linewidth=0, vmin=zlim[0], vmax=zlim[1])
    ax.set_zlim(*zlim)
    ax.set_xlabel("dealer showing")
    ax.set_ylabel("player sum")
    ax.set_title(title, fontsize=10)


def _policy_map(ax, hit: np.ndarray, title: str) -> None:
    ax.imshow(hit, origin="lower", cmap="Greys", vmin=0, vmax=1.6, extent=(0.5, 10.5, 11.5, 21.5))
    ax.set_xticks(range(1, 11), ["A"] + [str(d) for d in range(2, 11)])
    ax.set_yticks(range(12, 22))
    ax.set_xlabel("dealer showing")
    ax.set_ylabel("player sum")
    ax.set_title(title + "  (grey: hit, white: stick)", fontsize=10)


def stick_policy_values(checkpoints, seed: int = 0) -> dict[int, np.ndarray]:
    """First-visit MC estimates of the stick-on-20 policy after each number of episodes in ``checkpoints``."""
    agent = FirstVisitMC(bj.make(), policy=bj.stick_policy(), seed=seed)
    out = {}
    for episodes in checkpoints:
        agent.run(episodes - agent.episode, progress=True)
        out[episodes] = agent.V.copy()
    return out


@figure("sutton-barto-5.1", lesson=6,
        help="Blackjack: first-visit MC values of the stick-on-20 policy after 10,000 and 500,000 episodes")
def figure_5_1(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 5.1 (one run; ``runs`` is ignored)."""
    checkpoints = pick(smoke=(1_000, 3_000), lesson=(10_000, 50_000), full=(10_000, 500_000), scale=scale)
    values = stick_policy_values(checkpoints)
    fig = Figure(figsize=(11, 9))
    rows = []
    for col, episodes in enumerate(checkpoints):
        for row, ace in enumerate((True, False)):
            grid = bj.value_grid(values[episodes], ace)
            label = f"{episodes} episodes, {'usable' if ace else 'no usable'} ace"
            _surface(fig.add_subplot(2, 2, 2 * row + col + 1, projection="3d"), grid, label)
            rows += curve_rows(label, *_cells(grid))
    fig.suptitle("Stick on 20 or 21: state values by first-visit Monte Carlo")
    return save(fig, out, "sutton-barto-5.1", rows)


def es_policy(episodes: int, seed: int = 0) -> MonteCarloES:
    """A Monte Carlo ES agent after ``episodes`` episodes of Blackjack."""
    agent = MonteCarloES(bj.make(), seed=seed)
    agent.run(episodes, progress=True)
    return agent


def es_hits(agent) -> np.ndarray:
    """The greedy policy of an agent's Q as (usable ace, sum 12..21, dealer 1..10): 1 = hit (ties: stick)."""
    q = agent.Q
    return np.array([[[int(q[bj.state_index(t, d, ace), bj.HIT] > q[bj.state_index(t, d, ace), bj.STICK])
                       for d in range(1, 11)] for t in range(12, 22)] for ace in (False, True)])


@figure("sutton-barto-5.2", lesson=6, help="Blackjack: the policy and state values found by Monte Carlo ES")
def figure_5_2(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 5.2 (one run; ``runs`` is ignored); the title gives the agreement with the book's policy."""
    episodes = pick(smoke=5_000, lesson=100_000, full=500_000, scale=scale)
    agent = es_policy(episodes)
    hits, book = es_hits(agent), book_policy()
    v = agent.Q.max(axis=1)
    fig = Figure(figsize=(11, 9))
    rows = []
    for row, ace in enumerate((True, False)):
        name = "usable ace" if ace else "no usable ace"
        _policy_map(fig.add_subplot(2, 2, 2 * row + 1), hits[int(ace)], f"π*, {name}")
        grid = bj.value_grid(v, ace)
        _surface(fig.add_subplot(2, 2, 2 * row + 2, projection="3d"), grid, f"v*, {name}")
        rows += curve_rows(f"policy {name}", *_cells(hits[int(ace)]))
        rows += curve_rows(f"value {name}", *_cells(grid))
    agree = (hits == book).mean()
    fig.suptitle(f"Monte Carlo ES, {episodes:,} episodes: the policy agrees with the book's in {agree:.0%} of "
                 f"the 200 states")
    return save(fig, out, "sutton-barto-5.2", rows)


class _Track(Observer):
    """Records the squared error of one state's estimate after every episode."""

    def __init__(self, episodes: int):
        self.errors = np.empty(episodes)

    def on_episode_end(self, agent, ep):
        self.errors[ep.episode] = (agent.V[IS_STATE] - IS_TRUE_VALUE) ** 2


def importance_sampling_run(method: str, seed: int, episodes: int) -> np.ndarray:
    """One run's squared error of v(IS_STATE) after each episode; behaviour random, target stick-on-20."""
    cls = {"ordinary": OrdinaryIS, "weighted": WeightedIS}[method]
    track = _Track(episodes)
    cls(bj.make(start=True), target=bj.stick_policy(), seed=seed).run(episodes, observers=[track])
    return track.errors


def importance_sampling_errors(method: str, runs: int, episodes: int, workers: int | None = None) -> np.ndarray:
    """Squared errors of ``runs`` runs (seeds 0, 1, ...), shape (runs, episodes), side by side in processes."""
    jobs = [{"method": method, "seed": run, "episodes": episodes} for run in range(runs)]
    return np.array(many(importance_sampling_run, jobs, workers=workers, desc=f"{method} IS"))


@figure("sutton-barto-5.3", lesson=6,
        help="Blackjack, one state: mean squared error of ordinary vs weighted importance sampling over episodes")
def figure_5_3(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 5.3: off-policy estimates of the state (usable ace, 13, dealer 2), true value -0.27726."""
    runs = runs or pick(smoke=10, lesson=100, full=100, scale=scale)
    episodes = pick(smoke=100, lesson=300, full=10_000, scale=scale)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    x = np.arange(1, episodes + 1)
    for method in ("ordinary", "weighted"):
        label = f"{method} importance sampling"
        errors = importance_sampling_errors(method, runs, episodes, workers=pick(smoke=1, lesson=None, full=None,
                                                                                   scale=scale))
        mean, se = errors.mean(axis=0), errors.std(axis=0, ddof=1) / np.sqrt(runs)
        ax.plot(x, mean, label=label)
        rows += curve_rows(label, x, mean, se)
    ax.set_xscale("log")
    ax.set_ylim(0, 5)
    ax.set_xlabel("episodes (log scale)")
    ax.set_ylabel(f"mean squared error (average over {runs} runs)")
    ax.legend()
    return save(fig, out, "sutton-barto-5.3", rows)
