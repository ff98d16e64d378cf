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
from pathlib import Path
from typing import Iterable

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
        _check_env(self, env)
        self.env = env
        self.configure(**params)
        self.seed = seed
        agent_seq, env_seq = np.random.SeedSequence(seed).spawn(2)
        self.rng = np.random.default_rng(agent_seq)
        self._env_seed = int(env_seq.generate_state(1)[0] % (2**31))
        self._env_seeded = False
        self._env_rng_pending: dict | None = None  # a loaded environment random state, applied at the next reset
        self.history = History()
        self.total_steps = 0
        self._current: dict | None = None  # the unfinished episode, if any
        self._stop_requested = False
        self.running = False
        self.run_end_errors: list[Exception] = []  # what observers raised at the end of the last run
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

    def begin_episode(self, obs) -> None:
        """Called after each reset, before the first action."""

    def end_episode(self) -> None:
        """Per-episode (offline) learning, after the last step of an episode."""

    def act_and_learn(self, s, a, r, s2, terminated: bool, explore: bool = True):
        """One learning step of the loop: choose ``a2`` for ``s2`` (None after a terminal step), then learn.

        Returns ``(a2, signal)``.  Act-then-learn is what on-policy methods
        need (Sarsa learns from ``a2``) and what a new algorithm implements
        through :meth:`act` and :meth:`learn`.  An agent whose algorithm
        learns first overrides it (Dyna-Q plans before it chooses, so the next
        action already profits from this step's planning).
        """
        a2 = None if terminated else self.act(s2, explore)
        return a2, self.learn(s, a, r, s2, a2, terminated)

    def scheduled(self) -> dict[str, float]:
        """Parameters that follow a schedule (a decaying epsilon), with their current values; none by default."""
        return {}

    def _param_changed(self, name, value) -> None:
        """Called when a parameter of the built agent is set (subclasses react; call super())."""

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

    def show_start(self) -> None:
        """Put the environment where the first episode will start, so it can be drawn before any run.

        Does something only before the agent's first episode: the run's first
        reset uses the same seed, so the run starts from exactly this state
        (a panel's live view calls this after a Reset).
        """
        if not self._env_seeded:
            self.env.reset(seed=self._env_seed)

    def _reset_env(self):
        if not self._env_seeded:
            self._env_seeded = True
            self.env.action_space.seed(self._env_seed)
            first = self.env.reset(seed=self._env_seed)
            pending, self._env_rng_pending = getattr(self, "_env_rng_pending", None), None
            if pending is None:
                return first
            # A loaded run: the seeded reset above seeds whatever the environment keeps of its own (an
            # emulator); then its generators continue from where the saved run left them.
            _set_env_rng_state(self.env, pending)
            return self.env.reset()
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
        failed = False
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
            failed = True
            self._current = None  # abandon the half-done episode: the agent stays consistent
            self.stop_reason = "error"
            raise
        finally:
            self.running = False
            self._stop_requested = False
            # Every observer hears the end, even when one before it fails (a final save on a full disk).
            # Their errors are kept in ``run_end_errors``; after a run that ended well the first one is
            # raised, so a failed final checkpoint reaches the caller.  After a run that failed, the
            # run's own exception is the one that propagates.
            self.run_end_errors = []
            for o in observers:
                try:
                    o.on_run_end(self, history)
                except Exception as e:  # noqa: BLE001
                    self.run_end_errors.append(e)
            if self.run_end_errors and not failed:
                raise self.run_end_errors[0]
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
        meta = {
            "class": type(self).__name__,
            "params": params,
            "total_steps": self.total_steps,
            "rng": self.rng.bit_generator.state,
            "seed": self.seed,
            "env_seeded": self._env_seeded,
            "env_rng": _env_rng_state(self.env),
        }
        features = _features_settings(getattr(self, "features", None))
        if features is not None:
            meta["features"] = features
        return meta

    def save(self, path: str | Path) -> Path:
        """Write learned parameters, counters, random state and history to ``path`` (atomically).

        The environment's random state is saved too (gymnasium's
        ``np_random`` of the environment and of its action space), so a
        resumed run on a stochastic environment (CartPole, Taxi, the kit's
        worlds) continues with the same episode starts as an uninterrupted
        one (the state is applied at the first reset after :meth:`load`).  An
        environment that keeps randomness elsewhere (the Atari emulator's own
        generator) resumes exactly for the agent only: after a resume it is
        seeded again with the run's seed, so its episodes are reproducible but
        differ from those of an uninterrupted run.
        """
        arrays = {"state/" + k: np.asarray(v) for k, v in self.state_dict().items()}
        arrays.update({"history/" + k: v for k, v in self.history.to_dict().items()})
        return checkpoint.write(path, self._meta(), arrays)

    def load(self, path: str | Path) -> "Agent":
        """Restore what :meth:`save` wrote.

        The whole file is checked against this agent first (class, parameters,
        feature settings, array names, shapes and finite values, counters,
        random states, history); a file that does not fit raises ValueError
        and leaves the agent exactly as it was.
        """
        meta, arrays = checkpoint.read(path)
        plan = self._check_checkpoint(path, meta, arrays)
        before = self._snapshot()
        try:
            self._apply_checkpoint(*plan)
        except BaseException as e:
            self._restore(before)
            if isinstance(e, Exception):
                raise ValueError(f"{path} could not be loaded into this agent ({type(e).__name__}: {e}); "
                                 f"the agent is unchanged") from e
            raise
        return self

    def _check_checkpoint(self, path, meta: dict, arrays: dict) -> tuple:
        """Everything :meth:`load` will change, checked; raises ValueError naming what does not fit."""
        def bad(why: str) -> ValueError:
            return ValueError(f"{path} does not match this agent ({type(self).__name__}): {why}")

        if not isinstance(meta, dict):
            raise bad("its header is not a JSON object")
        if meta.get("class") != type(self).__name__:
            raise ValueError(f"{path} holds a {meta.get('class')} checkpoint, not a {type(self).__name__}")
        saved = meta.get("params")
        if not isinstance(saved, dict):
            raise bad("it has no parameters")
        declared = self.hyperparameters()
        live = {}
        for name, p in declared.items():
            if name not in saved:
                continue
            try:
                value = p.validate(saved[name])
            except ValueError as e:
                raise bad(f"it holds an invalid parameter: {e}") from None
            if not p.live and value != getattr(self, name):
                raise ValueError(f"{path} was saved with {name}={value!r}, "
                                 f"this agent has {name}={getattr(self, name)!r}; build it with the same {name}")
            if p.live:
                live[name] = value
        if "features" in meta:
            mine = _features_settings(getattr(self, "features", None))
            if meta["features"] != mine:
                raise ValueError(f"{path} was saved with features {_features_text(meta['features'])}, this agent "
                                 f"has {_features_text(mine)}; build it with the same features")
        state = {k[len("state/"):]: v for k, v in arrays.items() if k.startswith("state/")}
        mine = self.state_dict()
        if set(state) != set(mine):
            raise bad(f"it stores {sorted(state)}, expected {sorted(mine)}")
        for k, v in state.items():
            if np.shape(mine[k]) != v.shape:
                raise bad(f"{k} has shape {v.shape}, expected {np.shape(mine[k])}")
            if v.dtype.kind not in "biuf":
                raise bad(f"{k} holds {v.dtype} values, expected numbers")
            if v.dtype.kind == "f" and not np.isfinite(v).all():
                raise bad(f"{k} holds non-finite values (inf or nan)")
        total = meta.get("total_steps")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise bad(f"total_steps={total!r} is not a step counter")
        hist = {k[len("history/"):]: v for k, v in arrays.items() if k.startswith("history/")}
        history = None
        if hist:
            try:
                history = History.from_dict(hist)
                lengths = {len(np.asarray(hist[f]).reshape(-1)) for f in History.FIELDS}
            except (KeyError, TypeError, ValueError) as e:
                raise bad(f"its history is not valid ({e})") from None
            if len(lengths) != 1:
                raise bad("its history columns have different lengths")
            if len(history) and (history.total_steps.max() > total or (np.diff(history.total_steps) < 0).any()
                                 or (history.steps < 1).any()):
                raise bad(f"its history does not agree with total_steps={total}")
        rng = _checked_rng_state(meta.get("rng"), self.rng)
        if rng is None:
            raise bad("its random generator state is not valid")
        env_rng = meta.get("env_rng")
        if env_rng is not None and not isinstance(env_rng, dict):
            raise bad("its environment random state is not valid")
        why = self._check_state(state, total)
        if why:
            raise bad(why)
        extra = self._check_extra(meta, bad)
        return state, live, total, rng, history, meta, extra

    def _check_state(self, state: dict, total_steps: int) -> str | None:
        """Why the (name- and shape-checked) arrays of a checkpoint are inconsistent, or None if they are fine."""
        return None

    def _check_extra(self, meta: dict, bad) -> dict:
        """Subclasses check the header entries of their own; returns what :meth:`_apply_extra` applies."""
        return {}

    def _apply_extra(self, extra: dict) -> None:
        """Apply what :meth:`_check_extra` returned."""

    def _apply_checkpoint(self, state, live, total, rng, history, meta, extra) -> None:
        self.load_state_dict(state)
        self._hp.update(live)
        for name, value in live.items():
            hook = getattr(self, "_param_changed", None)
            if hook is not None:
                hook(name, value)
        self.total_steps = total
        self.rng.bit_generator.state = rng
        if history is not None:
            self.history = history
        if meta.get("env_seeded") and meta.get("env_rng") is not None:
            self._env_seeded, self._env_rng_pending = False, meta["env_rng"]  # applied at the next reset
        self._apply_extra(extra)
        self._current = None

    def _snapshot(self) -> dict:
        """What :meth:`load` may change, copied (to put back if applying a checked file still fails)."""
        return {
            "state": {k: np.array(v, copy=True) for k, v in self.state_dict().items()},
            "hp": dict(self._hp), "total_steps": self.total_steps, "rng": self.rng.bit_generator.state,
            "history": self.history, "env_seeded": self._env_seeded, "env_pending": self._env_rng_pending,
            "current": self._current, "dict": {k: v for k, v in vars(self).items() if k.startswith("_epsilon")},
        }

    def _restore(self, snap: dict) -> None:
        try:
            self.load_state_dict(snap["state"])
        except Exception:  # noqa: BLE001  (the original error is the one to report): write the arrays back in place
            for k, v in self.state_dict().items():
                if isinstance(v, np.ndarray) and k in snap["state"] and v.shape == snap["state"][k].shape:
                    v[...] = snap["state"][k]
        self._hp.clear()
        self._hp.update(snap["hp"])
        self.total_steps, self.history, self._env_seeded = snap["total_steps"], snap["history"], snap["env_seeded"]
        self.rng.bit_generator.state = snap["rng"]
        self._env_rng_pending = snap["env_pending"]
        self._current = snap["current"]
        vars(self).update(snap["dict"])
        hook = getattr(self, "_param_changed", None)
        if hook is not None:
            for name, p in self.hyperparameters().items():
                if p.live:
                    hook(name, getattr(self, name))


def _check_env(agent, env) -> None:
    if not isinstance(env, gym.Env):
        raise TypeError(f"{type(agent).__name__} needs an environment: a gymnasium.Env or an environment name "
                        f"such as 'cliff', got {type(env).__name__} {env!r:.60}")


def _features_settings(features) -> dict | None:
    """What defines a feature object's coding (class, parameters, size, box), for checkpoints."""
    if features is None or not hasattr(features, "n_features"):
        return None
    out = {"class": type(features).__name__, "n_features": int(features.n_features)}
    if hasattr(features, "get_params"):
        out["params"] = {k: v for k, v in features.get_params().items() if isinstance(v, (int, float, str, bool))}
    for attr in ("low", "high"):
        if hasattr(features, attr):
            out[attr] = [float(x) for x in np.asarray(getattr(features, attr)).ravel()]
    return out


def _features_text(f: dict | None) -> str:
    if not f:
        return "none"
    params = ", ".join(f"{k}={v!r}" for k, v in (f.get("params") or {}).items())
    return f"{f.get('class')}({params}) with {f.get('n_features')} features"


def _env_rng_state(env) -> dict | None:
    """The random states of a gymnasium environment and of its action space (None if it has none)."""
    out = {}
    for key, rng in (("env", getattr(env.unwrapped, "_np_random", None)),
                     ("action_space", getattr(env.action_space, "_np_random", None))):
        if isinstance(rng, np.random.Generator):
            state = rng.bit_generator.state
            try:
                json.dumps(state)
            except TypeError:  # a generator whose state holds arrays (MT19937): not kept, resume exact for the agent
                continue
            out[key] = state
    return out or None


def _set_env_rng_state(env, state: dict) -> None:
    if "env" in state:
        env.unwrapped.np_random.bit_generator.state = state["env"]
    if "action_space" in state:
        env.action_space.np_random.bit_generator.state = state["action_space"]


def _checked_rng_state(state, like: np.random.Generator):
    """``state`` if a generator of ``like``'s kind accepts it, else None."""
    if not isinstance(state, dict):
        return None
    scratch = np.random.Generator(type(like.bit_generator)())
    try:
        scratch.bit_generator.state = state
    except (TypeError, ValueError, KeyError, OverflowError):
        return None
    return state


class ControlAgent(Agent):
    """An agent that acts from action values q(s, ·) with epsilon-greedy or softmax exploration.

    Exploration schedule.  The agent owns it, and the ``epsilon`` parameter
    is where it starts: :attr:`exploration` is the rate it acts with now,
    computed from the schedule and the step counter (no copy of it is kept).
    With ``epsilon_decay_steps > 0`` it falls linearly from ``epsilon`` to
    ``epsilon_min`` over that many steps; otherwise it is ``epsilon`` times
    ``epsilon_decay`` per step (1.0 = constant, then ``exploration ==
    epsilon``); never below ``epsilon_min`` (an ``epsilon`` already below the
    floor stays where it is).  Setting ``epsilon`` on a running agent (a
    slider) restarts the schedule from the new value at the current step.
    A panel's ε slider therefore sets the schedule's start and shows the
    current rate while the agent learns, without writing it back.
    ``epsilon_min`` is a floor, never a target: a schedule only lowers epsilon.
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
        if not isinstance(env, str):
            _check_env(self, env)
        if not isinstance(env, str) and not isinstance(getattr(env, "action_space", None), gym.spaces.Discrete):
            raise ValueError(f"{type(self).__name__} needs a discrete action space, "
                             f"got {getattr(env, 'action_space', None)}")
        self._epsilon_from = 0  # the step the exploration schedule starts at (before super(): build may act)
        super().__init__(env, **kwargs)

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
        return policies.epsilon_greedy(q, self.exploration, self.rng)

    def probs(self, q: np.ndarray) -> np.ndarray:
        """The probability of each action under the exploring policy that :meth:`act` follows."""
        if self.policy == "softmax":
            return policies.softmax_probs(q, self.temperature)
        return policies.epsilon_greedy_probs(q, self.exploration if self.policy == "epsilon_greedy" else 0.0)

    @property
    def exploration(self) -> float:
        """The exploration rate now: the schedule (see the class docstring) at the agent's step counter."""
        start, linear, factor = self.epsilon, self.epsilon_decay_steps, self.epsilon_decay
        if linear == 0 and factor == 1.0:
            return start
        return policies.scheduled_epsilon(start, self.total_steps - self._epsilon_from, floor=self.epsilon_min,
                                          linear_steps=linear, factor=factor)

    def scheduled(self) -> dict[str, float]:
        """Parameters that follow a schedule, with their current values (a panel shows them on the sliders)."""
        return {"epsilon": self.exploration}

    def _param_changed(self, name, value) -> None:
        super()._param_changed(name, value)
        if name in ("epsilon", "epsilon_decay", "epsilon_decay_steps", "epsilon_min"):
            self._epsilon_from = self.total_steps  # the schedule starts again from here

    def _meta(self) -> dict:
        meta = super()._meta()
        meta["epsilon_from"] = self._epsilon_from
        return meta

    def _check_extra(self, meta, bad):
        extra = super()._check_extra(meta, bad)
        try:
            if "epsilon_from" in meta:
                extra["epsilon_from"] = check_int("epsilon_from", meta["epsilon_from"], low=0)
            elif "epsilon_start" in meta:  # a checkpoint of the kit before the schedule: epsilon held the decayed rate
                extra["epsilon"] = self.hyperparameters()["epsilon"].validate(meta["epsilon_start"])
                extra["epsilon_from"] = 0
        except ValueError as e:
            raise bad(f"its exploration schedule is not valid: {e}") from None
        return extra

    def _apply_extra(self, extra):
        super()._apply_extra(extra)
        if "epsilon" in extra:
            self._hp["epsilon"] = extra["epsilon"]
        if "epsilon_from" in extra:
            self._epsilon_from = extra["epsilon_from"]
