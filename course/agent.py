"""The one interaction loop that every agent of the kit runs through.

An algorithm is a small subclass of :class:`Agent` that states its update
rule and nothing else::

    class QLearning(LinearControlAgent):
        def learn(self, s, a, r, s2, a2, terminated):
            target = r if terminated else r + self.gamma * self.q(s2).max()
            ...

The loop (:meth:`Agent.run`) owns everything else: resetting the
environment, choosing actions, per-step learning (:meth:`Agent.learn`),
per-episode learning (:meth:`Agent.end_episode`), stop rules (episodes, a
per-episode step cap, a total-step cap, a target mean return, a stop request
from another thread), metrics per episode (steps, return, error against the
environment's true values when it has them) and events for observers (live
views, progress bars, checkpoints).

Every step the loop hands the agent the SARSA quintuple: state ``s``, action
``a``, reward ``r``, next state ``s2`` and the action ``a2`` the agent has
already chosen in ``s2`` (``None`` when ``s2`` is terminal).  On-policy
methods (Sarsa) use ``a2``; off-policy ones (Q-learning, DQN) ignore it.

Runs resume: calling :meth:`Agent.run` again continues from where the last
call stopped, with the same random generators, so ``run(5); run(5)`` gives
exactly the same curve as ``run(10)``.  A run stopped in the middle of an
episode (Pause in a panel, ``total_steps``) continues that episode; a run
interrupted by an exception (Ctrl-C included) abandons the unfinished episode
and the next run starts a fresh one, so the agent is always consistent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import gymnasium as gym
import numpy as np

from . import checkpoint, policies
from .events import EpisodeEnd, History, Observer, Step, observes
from .params import Configurable, Param, check_int

# The events and History are defined in course.events; they are re-exported here, where users import them.
__all__ = ["Agent", "ControlAgent", "History", "Observer", "Step", "EpisodeEnd"]


# ---------------------------------------------------------------------------
# The agent base class and its loop
# ---------------------------------------------------------------------------
class Agent(Configurable):
    """Base class of every agent: owns the environment, its random generator and the loop.

    Subclasses implement

    * :meth:`build` — allocate what is learned (weights, networks, buffers);
    * :meth:`act` — choose an action for an observation;
    * :meth:`learn` — the per-step update rule (optional: prediction by
      Monte Carlo only needs :meth:`end_episode`);
    * :meth:`begin_episode` / :meth:`end_episode` — per-episode hooks
      (reset eligibility traces; offline updates);
    * :meth:`state_dict` / :meth:`load_state_dict` — what save/load stores;
    * :meth:`state_values` (prediction agents) — the value of every state,
      used for the error curve when the environment knows its true values.
    """

    gamma = Param(1.0, low=0.0, high=1.0, symbol="γ", doc="discount factor")
    max_episode_steps = Param(None, low=1, kind=int, allow_none=True, live=True,
                              doc="per-episode step cap (None = no cap)")

    def __init__(self, env, *, seed: int | None = None, **params):
        if isinstance(env, str):
            from .envs import make

            env = make(env)
        if not isinstance(env, gym.Env):
            raise TypeError(f"env must be a gymnasium.Env or an environment name, got {type(env).__name__}")
        self.env = env
        self.configure(**params)
        self.seed = seed
        agent_seq, env_seq = np.random.SeedSequence(seed).spawn(2)
        self.rng = np.random.default_rng(agent_seq)
        self._env_seed = int(env_seq.generate_state(1)[0] % (2**31))
        self._env_seeded = False
        self.history = History()
        self.total_steps = 0
        self._current: dict | None = None  # the unfinished episode, if any
        self._stop_requested = False
        self.running = False
        self.observers: list[Observer] = []
        self.build()
        self._built = True

    # -- to implement ----------------------------------------------------------
    def build(self) -> None:
        """Allocate the learned parameters (called once by ``__init__``)."""

    def act(self, obs, explore: bool = True):
        raise NotImplementedError

    def learn(self, s, a, r, s2, a2, terminated: bool) -> float | None:
        """Per-step update; return a learning signal (|TD error|, loss) or None."""
        return None

    def act_and_learn(self, s, a, r, s2, terminated: bool, explore: bool = True):
        """One learning step of the loop: choose ``a2`` for ``s2`` (None after a terminal step), then learn.

        Returns ``(a2, signal)``.  This default calls :meth:`act` then
        :meth:`learn`, which is what a new algorithm should implement.  An
        agent may override it to do both at once where that is faster, with
        the same result (:class:`~course.agents.deep.DQN` values ``s2`` and
        runs its update in one compiled call).
        """
        a2 = None if terminated else self.act(s2, explore)
        return a2, self.learn(s, a, r, s2, a2, terminated)

    def begin_episode(self, obs) -> None:
        """Called after each reset, before the first action."""

    def end_episode(self) -> None:
        """Per-episode (offline) learning, after the last step of an episode."""

    def after_step(self) -> None:
        """Called after every learning step (exploration schedules)."""

    def state_dict(self) -> dict[str, np.ndarray]:
        """The learned arrays, by name (saved by :meth:`save`)."""
        return {}

    def load_state_dict(self, arrays: dict[str, np.ndarray]) -> None:
        for k, v in arrays.items():
            getattr(self, k)[...] = v

    def state_values(self) -> np.ndarray | None:
        """Value of every state, for agents that can give it (error curves, overlays)."""
        return None

    # -- helpers ---------------------------------------------------------------
    @property
    def episode(self) -> int:
        """Number of finished (learning) episodes."""
        return len(self.history)

    @property
    def true_values(self) -> np.ndarray | None:
        return getattr(self.env.unwrapped, "true_values", None)

    def rms_error(self) -> float:
        true = self.true_values
        v = self.state_values() if true is not None else None
        if v is None:
            return float("nan")
        mask = ~np.isnan(true)
        return float(np.sqrt(np.mean((v[mask] - true[mask]) ** 2)))

    def request_stop(self) -> None:
        """Ask a running loop (possibly in another thread) to stop after the current step."""
        self._stop_requested = True

    def subscribe(self, observer: Observer) -> Observer:
        """Attach an observer to every future run of this agent."""
        self.observers.append(observer)
        return observer

    def unsubscribe(self, observer: Observer) -> None:
        if observer in self.observers:
            self.observers.remove(observer)

    def _reset_env(self):
        if not self._env_seeded:
            self._env_seeded = True
            self.env.action_space.seed(self._env_seed)
            return self.env.reset(seed=self._env_seed)
        return self.env.reset()

    # -- the loop ----------------------------------------------------------------
    def run(self, episodes: int | None = None, *, steps: int | None = None,
            total_steps: int | None = None, target_return: float | None = None,
            window: int = 100, learn: bool = True, explore: bool | None = None,
            max_episode_steps: int | None = None,
            observers: Iterable[Observer] = (), progress: bool = False) -> History:
        """Run the agent; can be called again to resume.

        Parameters
        ----------
        episodes : finish this many more episodes (an unfinished one counts).
        steps : take at most this many more steps (e.g. the panel's Step button).
        total_steps : stop when the agent's step counter reaches this value.
        target_return, window : stop once the mean return of the last
            ``window`` episodes reaches ``target_return`` (R*).
        learn : ``False`` runs the current policy without learning; such an
            evaluation run leaves the agent's history and counters alone and
            returns a new :class:`History` of its own episodes.
        explore : explore while acting (default: ``learn``).
        max_episode_steps : per-episode step cap for this run only (default:
            the agent's ``max_episode_steps`` parameter).
        observers : extra observers for this run only.
        progress : show a tqdm progress bar.

        Returns the agent's :attr:`history` (or the evaluation history when
        ``learn=False``).  The reason the run stopped is in :attr:`stop_reason`.
        """
        if episodes is None and steps is None and total_steps is None and target_return is None:
            raise ValueError("run() needs a stop rule: episodes, steps, total_steps or target_return")
        for name, val in (("episodes", episodes), ("steps", steps), ("total_steps", total_steps)):
            if val is not None:
                check_int(name, val, low=0)
        check_int("window", window)
        if max_episode_steps is not None:
            self.hyperparameters()["max_episode_steps"].validate(max_episode_steps)
        if explore is None:
            explore = learn
        if self.running:
            raise RuntimeError("this agent is already running (in another thread or panel)")

        observers = list(self.observers) + list(observers)
        if progress:
            from .events import ProgressBar

            observers.append(ProgressBar(episodes=episodes, steps=steps, total_steps=total_steps,
                                         start_total=self.total_steps))
        step_observers = [o for o in observers if observes(o, "on_step")]

        history = self.history if learn else History()
        if not learn and self._current is not None:
            self._current = None  # an evaluation run starts on a fresh episode
        env = self.env
        run_cap = max_episode_steps
        done_episodes = 0
        done_steps = 0
        self._stop_requested = False
        self.stop_reason = None
        self.running = True
        try:
            for o in observers:
                o.on_run_start(self)
            while True:
                # ---- stop rules checked between steps ----
                if episodes is not None and done_episodes >= episodes:
                    self.stop_reason = "episodes"
                    break
                if steps is not None and done_steps >= steps:
                    self.stop_reason = "steps"
                    break
                if learn and total_steps is not None and self.total_steps >= total_steps:
                    self.stop_reason = "total_steps"
                    break
                if (target_return is not None and len(history) >= window
                        and history.mean_return(window) >= target_return):
                    self.stop_reason = "target_return"
                    break
                if self._stop_requested:
                    self.stop_reason = "stopped"
                    break

                cur = self._current
                if cur is None:  # start an episode
                    obs, _ = self._reset_env()
                    self.begin_episode(obs)
                    action = self.act(obs, explore)
                    cur = self._current = {"obs": obs, "action": action, "t": 0, "ret": 0.0,
                                           "loss_sum": 0.0, "loss_n": 0}
                obs, action = cur["obs"], cur["action"]
                cap = run_cap if run_cap is not None else self.max_episode_steps  # live: a panel may change it

                next_obs, reward, terminated, truncated, _ = env.step(action)
                t = cur["t"] + 1
                if cap is not None and t >= cap:
                    truncated = True
                if learn:
                    next_action, signal = self.act_and_learn(obs, action, reward, next_obs, terminated, explore)
                    if signal is not None:
                        cur["loss_sum"] += float(signal)
                        cur["loss_n"] += 1
                    self.total_steps += 1
                    self.after_step()
                else:
                    next_action = None if terminated else self.act(next_obs, explore)
                cur["obs"], cur["action"], cur["t"] = next_obs, next_action, t
                cur["ret"] += float(reward)
                done_steps += 1
                if step_observers:
                    ev = Step(obs, action, float(reward), next_obs, bool(terminated), bool(truncated),
                              len(history), t, self.total_steps)
                    for o in step_observers:
                        o.on_step(self, ev)

                if terminated or truncated:
                    if learn:
                        self.end_episode()
                    self._current = None
                    ep = EpisodeEnd(
                        episode=len(history), steps=t, ret=cur["ret"],
                        error=self.rms_error() if self.true_values is not None else float("nan"),
                        loss=cur["loss_sum"] / cur["loss_n"] if cur["loss_n"] else float("nan"),
                        terminated=bool(terminated), total_steps=self.total_steps,
                    )
                    history.append(ep)
                    done_episodes += 1
                    for o in observers:
                        o.on_episode_end(self, ep)
        except BaseException:
            self._current = None  # abandon the half-done episode: the agent stays consistent
            self.stop_reason = "error"
            raise
        finally:
            self.running = False
            self._stop_requested = False
            for o in observers:
                try:
                    o.on_run_end(self, history)
                except Exception:  # an observer failing at the end must not hide the run's outcome
                    pass
        return history

    def evaluate(self, episodes: int = 1, **kwargs) -> History:
        """Run greedily without learning; returns the evaluation history.

        A greedy policy can loop forever in a deterministic world (walking
        into a wall), so an evaluation episode is capped at the agent's
        ``max_episode_steps`` or, when that is None, at 10,000 steps.
        """
        kwargs.setdefault("max_episode_steps", self.max_episode_steps or 10_000)
        return self.run(episodes, learn=False, **kwargs)

    # -- save / load ---------------------------------------------------------------
    def _meta(self) -> dict:
        params = {}
        for k, v in self.get_params().items():
            try:
                json.dumps(v)
                params[k] = v
            except TypeError:
                params[k] = repr(v)
        return {
            "class": type(self).__name__,
            "params": params,
            "total_steps": self.total_steps,
            "rng": self.rng.bit_generator.state,
            "seed": self.seed,
        }

    def save(self, path: str | Path) -> Path:
        """Write learned parameters, counters, random state and history to ``path`` (atomically)."""
        arrays = {"state/" + k: np.asarray(v) for k, v in self.state_dict().items()}
        arrays.update({"history/" + k: v for k, v in self.history.to_dict().items()})
        return checkpoint.write(path, self._meta(), arrays)

    def load(self, path: str | Path) -> "Agent":
        """Restore what :meth:`save` wrote; a file that does not fit raises ValueError and changes nothing."""
        meta, arrays = checkpoint.read(path)
        if meta.get("class") != type(self).__name__:
            raise ValueError(f"{path} holds a {meta.get('class')} checkpoint, not a {type(self).__name__}")
        for name, p in self.hyperparameters().items():
            if not p.live and name in meta["params"] and meta["params"][name] != getattr(self, name):
                raise ValueError(f"{path} was saved with {name}={meta['params'][name]!r}, "
                                 f"this agent has {name}={getattr(self, name)!r}; build it with the same {name}")
        state = {k[len("state/"):]: v for k, v in arrays.items() if k.startswith("state/")}
        mine = self.state_dict()
        if set(state) != set(mine):
            raise ValueError(f"{path} does not match this agent: it stores {sorted(state)}, expected {sorted(mine)}")
        for k, v in state.items():
            if np.shape(mine[k]) != v.shape:
                raise ValueError(f"{path} does not match this agent: {k} has shape {v.shape}, "
                                 f"expected {np.shape(mine[k])}")
        hist = {k[len("history/"):]: v for k, v in arrays.items() if k.startswith("history/")}
        # everything checked: now change the agent
        self.load_state_dict(state)
        for k, v in meta["params"].items():
            p = self.hyperparameters().get(k)
            if p is not None and p.live:
                setattr(self, k, v)
        self.total_steps = int(meta["total_steps"])
        self.rng.bit_generator.state = meta["rng"]
        if hist:
            self.history = History.from_dict(hist)
        self._current = None
        return self


class ControlAgent(Agent):
    """An agent that acts from action values q(s, ·) with epsilon-greedy or softmax exploration.

    Exploration schedule (applied after every learning step): with
    ``epsilon_decay_steps > 0`` epsilon falls linearly from its value at
    build time to ``epsilon_min`` over that many steps; otherwise it is
    multiplied by ``epsilon_decay`` (1.0 = constant).  Moving the epsilon
    slider of a running agent sets the current value; the schedule goes on
    from there.

    ``epsilon_min`` is a floor for the decay, never a target: a schedule
    only lowers epsilon.  With ``epsilon_min`` above the current epsilon the
    decay leaves epsilon where it is (it is not raised to the floor).
    """

    epsilon = Param(0.1, low=0.0, high=1.0, symbol="ε", doc="exploration rate")
    epsilon_decay = Param(1.0, low=0.0, high=1.0, low_open=True, doc="multiplicative decay per step")
    epsilon_min = Param(0.0, low=0.0, high=1.0, doc="floor of the decayed epsilon")
    epsilon_decay_steps = Param(0, low=0, doc="linear decay to epsilon_min over this many steps (0 = off)")
    policy = Param("epsilon_greedy", choices=("epsilon_greedy", "softmax", "greedy"), doc="exploration policy")
    # Bounded: a temperature of 5e-324 makes q/τ overflow to inf (NaN probabilities), and one of 1e300 is
    # the uniform policy already; [0.001, 1000] spans greedy-in-practice to random-in-practice.
    temperature = Param(1.0, low=1e-3, high=1e3, log=True, symbol="τ", doc="softmax temperature")

    def __init__(self, env, **kwargs):
        if not isinstance(env, str) and not isinstance(getattr(env, "action_space", None), gym.spaces.Discrete):
            raise ValueError(f"{type(self).__name__} needs a discrete action space, "
                             f"got {getattr(env, 'action_space', None)}")
        super().__init__(env, **kwargs)
        self._epsilon_start = self.epsilon

    @property
    def n_actions(self) -> int:
        return int(self.env.action_space.n)

    def q(self, obs) -> np.ndarray:
        """Action values of one observation."""
        raise NotImplementedError

    def act(self, obs, explore: bool = True):
        q = self.q(obs)
        if not explore or self.policy == "greedy":
            return policies.greedy(q, self.rng)
        if self.policy == "softmax":
            return policies.softmax(q, self.temperature, self.rng)
        return policies.epsilon_greedy(q, self.epsilon, self.rng)

    def probs(self, q: np.ndarray) -> np.ndarray:
        """The probability of each action under the exploring policy that :meth:`act` follows."""
        if self.policy == "softmax":
            return policies.softmax_probs(q, self.temperature)
        return policies.epsilon_greedy_probs(q, self.epsilon if self.policy == "epsilon_greedy" else 0.0)

    def after_step(self) -> None:
        if self.epsilon_decay_steps > 0 or self.epsilon_decay < 1.0:
            floor = min(self.epsilon_min, self.epsilon)  # a floor, never a target: the decay only lowers epsilon
            new = policies.decay_epsilon(self.epsilon, factor=self.epsilon_decay, floor=floor,
                                         linear_steps=self.epsilon_decay_steps, start=self._epsilon_start)
            self._hp["epsilon"] = new  # already valid: skip validation in the hot loop

    def _meta(self) -> dict:
        meta = super()._meta()
        meta["epsilon_start"] = self._epsilon_start
        return meta

    def load(self, path):
        super().load(path)
        meta, _ = checkpoint.read(path, arrays=False)
        self._epsilon_start = meta.get("epsilon_start", self._epsilon_start)
        return self
