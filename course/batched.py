"""Many independent runs of a linear agent on Mountain Car, advanced together in numpy.

The book's Mountain Car figures average 100 runs of 500 episodes: some
thirty million environment steps per figure.  Stepping one agent at a time
through the Python loop costs tens of microseconds per step, most of it the
interpreter's overhead on tiny arrays.  Here R runs take their steps
*together*: one array of R positions and R velocities goes through the
physics, one call codes the tiles of all R states, one gather reads the
action values of all R runs and one scatter updates their weights.  The
overhead of each numpy call is then shared by R steps.

The runs stay independent.  Each is a real agent object (:class:`Sarsa`,
:class:`NStepSarsa` or :class:`SarsaLambda` built on ``make("mountain-car")``
with a :class:`~course.tiles.TileCoder` or
:class:`~course.tiles.PerDimensionTiles`); its weights are one slice of a
stacked weight array, its random generator draws its own tie-breaks and
exploration, its own environment draws its start states, and every run
finishes its episodes in its own time.  When the batch is done the weights,
counters and per-episode history are written back into the agent objects,
which are exactly as ``agent.run(episodes)`` would have left them: the same
actions, the same steps per episode, bit for bit (the tests check this).
The only difference: observers are not called during a batched run.

:func:`run` advances a list of agents by some episodes; :func:`supports`
says whether an agent can be batched and :func:`batch_key` which agents can
share a batch (step size, epsilon, gamma, lambda and the step cap may
differ).  Nobody needs to call them directly: the experiments API
(:func:`course.experiments.average`, ``sweep``, ``compare``) batches every
setting it can, and runs the batches of a sweep side by side in worker
processes.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium.envs.classic_control.mountain_car import MountainCarEnv

from . import policies
from .agent import EpisodeEnd
from .agents import NStepSarsa, Sarsa, SarsaLambda, TrueOnlineSarsaLambda
from .params import check_int
from .progress import progress_enabled, tqdm
from .tiles import GridFeatures

__all__ = ["ALGOS", "run", "supports", "batch_key"]

ALGOS = {"sarsa": Sarsa, "n-step-sarsa": NStepSarsa, "sarsa-lambda": SarsaLambda,
         "true-online-sarsa-lambda": TrueOnlineSarsaLambda}
# the wrappers gymnasium.make adds, which change nothing a batch needs to know (TimeLimit is read for its cap)
_PLAIN_WRAPPERS = (gym.wrappers.TimeLimit, gym.wrappers.OrderEnforcing, gym.wrappers.PassiveEnvChecker)
_PER_RUN_ARRAYS = ("agents", "rngs", "pos", "vel", "act", "feat", "t", "loss_sum", "loss_n", "total", "done_eps",
                   "target", "cap", "alpha", "epsilon", "gamma", "gl", "W", "Z", "ring_feat", "ring_act", "ring_rew",
                   "head", "count", "v_old")


def _step_cap(agent) -> float:
    """The per-episode step cap the loop applies: the agent's own and any TimeLimit's (inf = none)."""
    cap = np.inf if agent.max_episode_steps is None else agent.max_episode_steps
    env = agent.env
    while isinstance(env, gym.Wrapper):
        if not isinstance(env, _PLAIN_WRAPPERS):
            raise ValueError(f"the batched runner steps Mountain Car's own physics and cannot apply the wrapper "
                             f"{type(env).__name__}; run this agent with agent.run()")
        if isinstance(env, gym.wrappers.TimeLimit) and env.spec is not None and env.spec.max_episode_steps:
            cap = min(cap, env.spec.max_episode_steps)
        env = env.env
    return cap


def batch_key(agent) -> tuple:
    """What must be equal for agents to share a batch (array shapes and the update rule)."""
    f = agent.features
    return (type(agent), type(f), tuple(sorted(f.get_params().items())), f.low.tobytes(), f.high.tobytes(),
            getattr(agent, "n", 1), getattr(agent, "trace", None))


def supports(agent) -> bool:
    """Whether :func:`run` can run ``agent`` (the experiments API asks this to choose the fast path)."""
    try:
        _check([agent])
    except ValueError:
        return False
    return True


def _check(agents) -> None:
    if not agents:
        raise ValueError("agents is empty: give at least one agent")
    for i, a in enumerate(agents):
        if type(a) not in ALGOS.values():
            raise ValueError(f"agents[{i}] is a {type(a).__name__}; the batched runner runs "
                             f"{', '.join(c.__name__ for c in ALGOS.values())}")
        if not isinstance(a.env.unwrapped, MountainCarEnv):
            raise ValueError(f"agents[{i}] runs on {a.env.unwrapped}; the batched runner runs Mountain Car only")
        if not isinstance(a.features, GridFeatures):
            raise ValueError(f"agents[{i}] has features {a.features!r}; the batched runner needs a TileCoder "
                             f"or PerDimensionTiles")
        if a.running or a._current is not None:
            raise ValueError(f"agents[{i}] is running or in the middle of an episode; finish the episode with "
                             f"agent.run(1) first")
        if a.policy == "softmax":
            raise ValueError(f"agents[{i}] has policy='softmax'; the batched runner supports 'epsilon_greedy' "
                             f"and 'greedy'")
        if a.epsilon_decay != 1.0 or a.epsilon_decay_steps != 0:
            raise ValueError(f"agents[{i}] decays epsilon (epsilon_decay={a.epsilon_decay}, epsilon_decay_steps="
                             f"{a.epsilon_decay_steps}); the batched runner needs a constant epsilon")
        if batch_key(a) != batch_key(agents[0]):
            raise ValueError(f"agents[{i}] differs from agents[0] in algorithm, features or n/trace; a batch "
                             f"needs them equal (sweep() groups agents into batches for you)")
    if len({id(a) for a in agents}) != len(agents):
        raise ValueError("agents contains the same agent twice")


class _Batch:
    """The stacked state of R runs; rows are the runs still going (finished ones are dropped)."""

    REWARD = -1.0  # Mountain Car's reward, every step

    def __init__(self, agents, episodes: int):
        _check(agents)
        first = agents[0]
        self.n = getattr(first, "n", 1)
        self.kind = "lambda" if isinstance(first, SarsaLambda) else "n-step" if self.n > 1 else "one-step"
        self.true_online = isinstance(first, TrueOnlineSarsaLambda)  # a λ-method with dutch traces
        if self.true_online:
            self.kind = "lambda"
        self.replacing = getattr(first, "trace", None) == "replacing"
        self.coder = first.features
        self.physics = first.env.unwrapped
        self.n_actions, self.n_features = first.w.shape
        self.ones = np.ones(self.coder.active)
        r, k = len(agents), self.coder.active
        self.agents, self.rngs = np.empty(r, dtype=object), np.empty(r, dtype=object)
        self.agents[:], self.rngs[:] = agents, [a.rng for a in agents]
        self.pos, self.vel = np.zeros(r), np.zeros(r)
        self.act = np.zeros(r, dtype=np.intp)
        self.feat = np.zeros((r, k), dtype=np.intp)
        self.t, self.loss_n = np.zeros(r, dtype=np.int64), np.zeros(r, dtype=np.int64)
        self.loss_sum = np.zeros(r)
        self.total = np.array([a.total_steps for a in agents], dtype=np.int64)
        self.done_eps = np.array([len(a.history) for a in agents], dtype=np.int64)
        self.target = self.done_eps + episodes
        self.cap = np.array([_step_cap(a) for a in agents], dtype=float)
        self.alpha = np.array([a.alpha for a in agents])
        self.epsilon = np.array([0.0 if a.policy == "greedy" else a.epsilon for a in agents])
        self.explores = bool((self.epsilon > 0).any())
        self.gamma = np.array([a.gamma for a in agents])
        self.gl = np.array([a.gamma * a.lambda_ if self.kind == "lambda" else 0.0 for a in agents])
        # Weights (and traces) of run r, feature i, action a at [r, i, a]: the agent's w[a, i], stored so
        # that the weights of all actions of one feature lie side by side and are read in one gather.
        # (C order: the updates write through W.reshape(-1), which must be a view, not a copy)
        self.W = np.ascontiguousarray(np.stack([a.w.T for a in agents]))
        self.Z = np.ascontiguousarray(np.stack([a.z.T for a in agents])) if self.kind == "lambda" else None
        self.ring_feat = np.zeros((r, self.n, k), dtype=np.intp)  # n-step: the pairs not yet updated
        self.ring_act = np.zeros((r, self.n), dtype=np.intp)
        self.ring_rew = np.zeros((r, self.n))
        self.head, self.count = np.zeros(r, dtype=np.intp), np.zeros(r, dtype=np.intp)
        self.v_old = np.array([getattr(a, "_v_old", 0.0) for a in agents], dtype=float)  # true online: V_old
        self.keep(slice(None))

    def keep(self, which) -> None:
        """Keep only the rows ``which`` (a mask, index array or slice) and renumber them."""
        for name in _PER_RUN_ARRAYS:
            if getattr(self, name) is not None:
                setattr(self, name, getattr(self, name)[which])
        self.rows = np.arange(self.pos.size)
        self.first_feature = self.rows * self.n_features  # of each row, in W.reshape(-1, actions)

    def of(self, arr, rows):
        """``arr[rows]``, without the copy when ``rows`` are all the rows (every step's case)."""
        return arr if rows is self.rows else arr[rows]

    # -- the agents' arithmetic, on many rows at once ----------------------------------------------
    def q(self, rows, feat) -> np.ndarray:
        """Action values (len(rows), actions): per row ``w[:, idx] @ val``, as LinearControlAgent.q."""
        # The agent's w[:, idx] comes out of numpy's indexing in Fortran order, and BLAS picks its kernel,
        # hence the order in which it adds and rounds, from the layout.  The gather below is C-ordered
        # (rows, k, actions), so every (actions, k) slice of its transpose has exactly the agent's layout.
        block = np.take(self.W.reshape(-1, self.n_actions), self.of(self.first_feature, rows)[:, None] + feat, axis=0)
        return block.transpose(0, 2, 1) @ self.ones

    def weight_index(self, rows, actions, feat) -> np.ndarray:
        """Indices into ``W.reshape(-1)`` of x(s, a): the features ``feat`` of ``actions`` in ``rows``."""
        return (self.of(self.first_feature, rows)[:, None] + feat) * self.n_actions + actions[:, None]

    def choose(self, rows, q, live=None) -> np.ndarray:
        """Each row's epsilon-greedy action (rows where ``live`` is False get none: the episode ended).

        Where the choice needs randomness (exploration, or a tie between the best actions) the row's
        own generator draws it through the very function its agent calls.
        """
        is_best = q == q.max(axis=1, keepdims=True)
        actions = is_best.argmax(axis=1)
        need = is_best.sum(axis=1) != 1
        if self.explores:
            need |= self.epsilon[rows] > 0
        if live is not None:
            need &= live
        for j in need.nonzero()[0]:
            actions[j] = policies.epsilon_greedy(q[j], self.epsilon[rows[j]], self.rngs[rows[j]])
        return actions

    def add(self, arr, idx, vals) -> None:
        """``arr[idx] += vals`` (np.add.at when hashed tiles may repeat), as LinearAgent.add."""
        if self.coder.unique:
            arr[idx] += vals
        else:
            np.add.at(arr, idx, np.broadcast_to(vals, idx.shape))

    def td_update(self, rows, actions, feat, target) -> np.ndarray:
        """δ = target − w·x(s, a);  w ← w + α δ x(s, a), per row; returns |δ| (LinearAgent.td_update)."""
        idx = self.weight_index(rows, actions, feat)
        delta = target - np.vecdot(np.ascontiguousarray(self.W.reshape(-1)[idx]), self.ones)
        self.add(self.W.reshape(-1), idx, (self.of(self.alpha, rows) * delta)[:, None])
        return np.abs(delta)

    def trace_update(self, tail) -> np.ndarray:
        """Sarsa(λ) on every row: TraceAgent.trace_update with the agent's dense traces."""
        if self.true_online:
            return self.true_online_update(tail)
        idx = self.weight_index(self.rows, self.act, self.feat)
        z = self.Z.reshape(-1)
        delta = (self.REWARD + self.gamma * tail) - np.vecdot(np.ascontiguousarray(self.W.reshape(-1)[idx]), self.ones)
        self.Z *= self.gl[:, None, None]
        if self.replacing:
            z[idx] = 0.0
        self.add(z, idx, 1.0)
        self.W += (self.alpha * delta)[:, None, None] * self.Z
        return np.abs(delta)

    def true_online_update(self, tail) -> np.ndarray:
        """True online Sarsa(λ) on every row: TraceAgent.true_online_update, step for step.

        V = w·x;  δ = R + γV' − V;  z ← γλ z + (1 − αγλ z·x) x;
        w ← w + α(δ + V − V_old) z − α(V − V_old) x;  V_old ← V'.
        """
        idx = self.weight_index(self.rows, self.act, self.feat)
        w, z = self.W.reshape(-1), self.Z.reshape(-1)
        v = np.vecdot(np.ascontiguousarray(w[idx]), self.ones)
        delta = self.REWARD + self.gamma * tail - v
        zx = np.vecdot(np.ascontiguousarray(z[idx]), self.ones)
        self.Z *= self.gl[:, None, None]
        self.add(z, idx, ((1.0 - self.alpha * self.gl * zx) * 1.0)[:, None])
        self.W += (self.alpha * (delta + v - self.v_old))[:, None, None] * self.Z
        self.add(w, idx, ((-self.alpha * (v - self.v_old)) * 1.0)[:, None])
        self.v_old = tail.copy()
        return np.abs(delta)


    def update_oldest(self, rows, tail) -> np.ndarray:
        """n-step Sarsa: update the oldest waiting pair of each row from its rewards and ``tail``."""
        g, count, head, n, gamma = tail, self.count[rows], self.head[rows], self.n, self.gamma[rows]
        rewards = np.take_along_axis(self.ring_rew[rows], (head[:, None] + np.arange(n)) % n, axis=1)  # oldest first
        full = bool((count == n).all())  # every step's update; only the end of an episode has fewer waiting
        for j in range(n - 1, -1, -1):  # newest reward first, as the agent folds them
            folded = rewards[:, j] + gamma * g
            g = folded if full else np.where(j < count, folded, g)
        signal = self.td_update(rows, self.ring_act[rows, head], self.ring_feat[rows, head], g)
        self.head[rows] = (head + 1) % n
        self.count[rows] -= 1
        return signal

    def flush(self, rows, term, feat, act) -> None:
        """n-step Sarsa's end of episode: update the pairs still waiting, oldest first."""
        while rows.size:
            waiting = self.count[rows] > 0
            rows, term, feat, act = rows[waiting], term[waiting], feat[waiting], act[waiting]
            if rows.size:  # bootstrap from the last state only when the episode was cut short
                tail = np.where(term, 0.0, self.q(rows, feat)[np.arange(rows.size), act])
                self.update_oldest(rows, tail)

    # -- one step of every run ---------------------------------------------------------------------
    def step(self) -> tuple[np.ndarray, np.ndarray]:
        """Advance every row one step; return the rows whose episode ended and which rows terminated."""
        env, rows = self.physics, self.rows
        # Gymnasium's MountainCarEnv.step on arrays (min/max is np.clip without its overhead)
        vel = self.vel + ((self.act - 1) * env.force + np.cos(3 * self.pos) * (-env.gravity))
        vel = np.minimum(np.maximum(vel, -env.max_speed), env.max_speed)
        pos = np.minimum(np.maximum(self.pos + vel, env.min_position), env.max_position)
        vel[(pos == env.min_position) & (vel < 0)] = 0.0
        term = (pos >= env.goal_position) & (vel >= env.goal_velocity)
        self.t += 1
        self.total += 1
        obs = np.empty((rows.size, 2), dtype=np.float32)  # what the environment hands the agent
        obs[:, 0], obs[:, 1] = pos, vel
        feat2 = self.coder.indices(obs)
        q2 = self.q(rows, feat2)
        act2 = self.choose(rows, q2, live=~term)
        tail = np.where(term, 0.0, q2[rows, act2])  # q(S', A'), 0 at the goal

        if self.kind == "lambda":
            learned, signal = rows, self.trace_update(tail)
        elif self.kind == "one-step":
            learned, signal = rows, self.td_update(rows, self.act, self.feat, self.REWARD + self.gamma * tail)
        else:
            slot = (self.head + self.count) % self.n
            self.ring_feat[rows, slot], self.ring_act[rows, slot], self.ring_rew[rows, slot] = (
                self.feat, self.act, self.REWARD)
            self.count += 1
            learned = (self.count == self.n).nonzero()[0]
            signal = self.update_oldest(learned, tail[learned])
        learned = slice(None) if learned is rows else learned  # (a slice updates in place without a copy)
        self.loss_sum[learned] += signal
        self.loss_n[learned] += 1

        ended = (term | (self.t >= self.cap)).nonzero()[0]
        if self.kind == "n-step":
            self.flush(ended, term[ended], feat2[ended], act2[ended])
        self.pos, self.vel, self.feat, self.act = pos, vel, feat2, act2
        return ended, term

    # -- episodes -------------------------------------------------------------------------------------
    def start(self, rows) -> None:
        """Reset the environment of each row (its own seeded env) and choose the first action."""
        obs = []
        for r in rows:
            o, _ = self.agents[r]._reset_env()
            obs.append(o)
            self.pos[r], self.vel[r] = self.agents[r].env.unwrapped.state
        self.t[rows], self.loss_sum[rows], self.loss_n[rows] = 0, 0.0, 0
        self.head[rows], self.count[rows] = 0, 0
        if self.kind == "lambda":
            self.Z[rows] = 0.0
            self.v_old[rows] = 0.0
        self.feat[rows] = self.coder.indices(np.array(obs))
        self.act[rows] = self.choose(rows, self.q(rows, self.feat[rows]))

    def finish_episodes(self, rows, term) -> None:
        """Append each ended episode to its agent's history, as the loop does."""
        for r in rows:
            agent = self.agents[r]
            loss = self.loss_sum[r] / self.loss_n[r] if self.loss_n[r] else float("nan")
            agent.history.append(EpisodeEnd(
                episode=len(agent.history), steps=int(self.t[r]), ret=float(self.REWARD * self.t[r]),
                error=float("nan"), loss=float(loss), terminated=bool(term[r]), total_steps=int(self.total[r])))
        self.done_eps[rows] += 1

    def write_back(self, rows) -> None:
        """Copy the learned arrays and counters of ``rows`` into their agents."""
        for r in rows:
            agent = self.agents[r]
            agent.w[...] = self.W[r].T
            if self.kind == "lambda":
                agent.z[...] = self.Z[r].T
            if self.true_online:
                agent._v_old = float(self.v_old[r])
            agent.total_steps = int(self.total[r])

    def run(self, progress: bool) -> None:
        bar = tqdm(total=int((self.target - self.done_eps).sum()), desc="batched runs", unit="ep",
                   disable=not (progress and progress_enabled()), mininterval=0.5, leave=False)
        try:
            self.start(self.rows)
            while self.rows.size:
                ended, term = self.step()
                if not ended.size:
                    continue
                self.finish_episodes(ended, term)
                bar.update(ended.size)
                over = self.done_eps[ended] >= self.target[ended]
                if not over.all():
                    self.start(ended[~over])
                if over.any():
                    self.write_back(ended[over])
                    keep = np.ones(self.rows.size, dtype=bool)
                    keep[ended[over]] = False
                    self.keep(keep)
        finally:  # also on Ctrl-C: the agents keep what they learned, unfinished episodes are dropped
            self.write_back(self.rows)
            bar.close()


def run(agents, episodes: int, *, progress: bool = True) -> list:
    """Run each agent for ``episodes`` more episodes, all in one batch; returns their histories.

    Equivalent to ``for a in agents: a.run(episodes)`` (same results, bit for
    bit), much faster for many agents.  The agents must be Mountain Car
    agents of one class (Sarsa, NStepSarsa or SarsaLambda) with equal
    features and ``n``/``trace``; step size, epsilon, gamma, lambda and the
    step cap may differ between them.
    """
    episodes = check_int("episodes", episodes)
    agents = list(agents)
    _Batch(agents, int(episodes)).run(progress)
    for a in agents:
        a.stop_reason = "episodes"
    return [a.history for a in agents]
