"""Long training runs outside a notebook: ``course train`` and ``course play``.

Learning Pong from pixels takes hours of CPU time (or one long GPU session),
more than a lesson cell should hold.  ``course train`` runs it in a terminal::

    course train pong --algo ddqn --steps 2000000 --out runs/pong
    course train pong --algo ddqn --steps 3000000 --out runs/pong --resume
    course play runs/pong --episodes 3 --video pong.mp4

A run folder holds everything about one run:

* ``config.json`` — the game, the algorithm, the preprocessing, every
  hyperparameter and the seed, written when the run starts;
* ``checkpoint.npz`` — the agent (networks, optimizer, replay buffer,
  epsilon, random state, history), replaced atomically every
  ``--checkpoint-every`` steps, at the end, and when Ctrl-C (or ``kill``)
  stops the run;
* ``returns.csv`` — one row per finished episode (return, length, epsilon,
  loss, elapsed seconds), ready for a spreadsheet or pandas.

``--resume`` continues from the checkpoint with the saved settings (only
``--steps``, the total budget, and ``--target-return`` may change).  The run
stops when the mean return of the last ``window`` episodes reaches R* (the
preset's target, or ``--target-return R``; ``--target-return none`` never
stops early) or when the agent's step counter reaches ``--steps``.

Presets (``--preset``, the recipes ``atari-lesson`` and ``atari-nature`` of :mod:`course.presets`): ``lesson`` is lesson 18's agent (γ 0.99, 512
features, ε from 1.0 to 0.01 over 200,000 steps, target network refreshed
every 1,000 steps, learning once the 10,000-transition buffer is full, stop at
R* = 18 or after 10⁶ steps, on the lesson's Pong: three actions, first-and-last
frames); ``nature`` is the DQN paper's (Mnih et al. 2015, Extended Data
Table 1: a 1,000,000-transition buffer, learning from 50,000, target every
10,000 steps, ε to 0.1 over 10⁶ steps, 4 stacked frames, the minimal action
set, 30 no-op starts, clipped rewards, Huber loss; Adam in place of
RMSProp).  ``--set name=value`` changes any agent parameter.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import signal
import sys
import threading
import time
from pathlib import Path

from . import checkpoint, presets
from .agent import Agent, EpisodeEnd, Observer
from .envs.atari import REDUCED_ACTIONS, game_name, make_atari
from .params import check_int

__all__ = ["ALGOS", "ATARI_PRESETS", "ReturnLog", "build_agent", "build_env", "config_for", "play_main", "train_main"]

ALGOS = ("dqn", "ddqn")
ATARI_PRESETS = ("lesson", "nature")  # --preset NAME reads the recipe atari-NAME of course.presets

CONFIG, CHECKPOINT, LOG = "config.json", "checkpoint.npz", "returns.csv"


def _agent_class(algo: str) -> type[Agent]:
    from .agents.deep import DQN, DoubleDQN  # TensorFlow loads only when an agent is built

    return {"dqn": DQN, "ddqn": DoubleDQN}[algo]


_PRESET = object()  # config_for(target_return=...) default: the preset's R*


def config_for(game: str, algo: str = "dqn", preset: str = "lesson", *, steps: int | None = None,
               seed: int = 0, checkpoint_every: int | None = None, overrides: dict | None = None,
               target_return=_PRESET) -> dict:
    """The full description of a run (what ``config.json`` holds), from a preset and changes to it.

    ``target_return`` is R*, the mean return of the last ``window`` episodes
    that stops the run (default: the preset's; ``None``: never stop early).

    The ``lesson`` preset's reduced action set exists for Pong only; other
    games play with their minimal set.
    """
    if algo not in ALGOS:
        raise ValueError(f"algo={algo!r} is not valid: algo must be one of {', '.join(ALGOS)}")
    if preset not in ATARI_PRESETS:
        raise ValueError(f"preset={preset!r} is not valid: preset must be one of {', '.join(ATARI_PRESETS)}")
    name = game_name(game)
    recipe = presets.preset(f"atari-{preset}")
    env = recipe["env_kwargs"]
    if env["actions"] == "reduced" and name not in REDUCED_ACTIONS:
        env["actions"] = "minimal"
    agent = {**recipe["agent"], **(overrides or {})}
    valid = _agent_class(algo).hyperparameters()
    for key, value in agent.items():
        if key not in valid:
            raise ValueError(f"--set {key}: {algo} has no parameter {key!r}; valid: {', '.join(valid)}")
        agent[key] = valid[key].validate(value)
    run = recipe["run"]
    if steps is not None:
        run["total_steps"] = _positive("steps", steps)
    if target_return is not _PRESET:
        run["target_return"] = _target(target_return)
    every = run["total_steps"] // 10 if checkpoint_every is None else _positive("checkpoint_every", checkpoint_every)
    return {"game": name, "algo": algo, "preset": preset, "seed": check_int("seed", seed, low=0), "env": env, "agent": agent,
            "run": run, "checkpoint_every": max(1, every)}


def _positive(name: str, value) -> int:
    return check_int(name, value)


def _target(value) -> float | None:
    """A target return: a finite number, or None (no early stop)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"target_return={value!r} is not valid: target_return must be a number (the mean return "
                         f"of the last games that stops the run) or none")
    return number


def build_env(config: dict, render_mode: str | None = None):
    """The preprocessed game of a run (no rendering unless asked: training needs none)."""
    return make_atari(config["game"], render_mode=render_mode, **config["env"])


def build_agent(config: dict, env) -> Agent:
    """A fresh agent of a run, on ``env``."""
    return _agent_class(config["algo"])(env, seed=config["seed"], **config["agent"])


class ReturnLog(Observer):
    """Append one CSV row per finished episode to ``path`` (the run's ``returns.csv``).

    ``keep`` rows of an existing file are kept (those the checkpoint knows
    about when a run resumes) and the rest dropped, so the log always agrees
    with the agent's history.
    """

    FIELDS = ("episode", "steps", "return", "total_steps", "epsilon", "loss", "elapsed_s")

    def __init__(self, path, keep: int = 0, echo: bool = True):
        self.path = Path(path)
        self.echo = echo
        rows = []
        if keep and self.path.exists():
            with self.path.open(newline="") as f:
                rows = [r for r in csv.DictReader(f) if len(r) == len(self.FIELDS) and None not in r.values()]
        rows = rows[:keep]
        self.offset = float(rows[-1]["elapsed_s"]) if rows else 0.0
        text = io.StringIO()
        writer = csv.DictWriter(text, self.FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        checkpoint.atomic_write_bytes(self.path, text.getvalue().encode())
        self.start = time.perf_counter()

    def on_episode_end(self, agent: Agent, ep: EpisodeEnd) -> None:
        elapsed = self.offset + time.perf_counter() - self.start
        row = (ep.episode + 1, ep.steps, f"{ep.ret:g}", ep.total_steps, f"{getattr(agent, 'epsilon', 0.0):.4f}",
               f"{ep.loss:.5g}", f"{elapsed:.1f}")
        with self.path.open("a", newline="") as f:
            f.write(",".join(map(str, row)) + "\n")
        if self.echo:
            from .progress import tqdm

            tqdm.write(f"episode {ep.episode + 1}: return {ep.ret:+g} in {ep.steps} steps "
                       f"(step {ep.total_steps}, epsilon {getattr(agent, 'epsilon', 0.0):.3f}, "
                       f"mean of last 10: {agent.history.mean_return(10):+.2f})")


# ---------------------------------------------------------------------------
# course train
# ---------------------------------------------------------------------------
def _parse_set(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--set {item!r} is not valid: write --set name=value, e.g. --set buffer_size=50000")
        try:
            out[key] = ast.literal_eval(text)  # numbers, None, True/False
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            out[key] = text  # a word: a choice such as loss=huber
    return out


def _train_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="course train", description=__doc__.split("\n\n")[0] + " (DQN on Atari).")
    p.add_argument("game", help="an ALE game: pong, breakout, space-invaders, or any name of course.envs.atari.games()")
    p.add_argument("--algo", choices=ALGOS, help="dqn or ddqn (Double DQN); default dqn")
    p.add_argument("--steps", type=int, help="total step budget of the run (default: the preset's)")
    p.add_argument("--out", required=True, help="the run folder (config, checkpoint, returns.csv)")
    p.add_argument("--preset", choices=list(ATARI_PRESETS), help="lesson (default) or nature")
    p.add_argument("--seed", type=int, help="seed of the agent and the game (default 0)")
    p.add_argument("--checkpoint-every", type=int, help="steps between checkpoints (default: a tenth of --steps)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="change an agent parameter, e.g. --set buffer_size=50000 (repeatable)")
    p.add_argument("--target-return", metavar="R",
                   help="stop once the mean return of the last games reaches R (default: the preset's, 18 for "
                        "lesson, none for nature); 'none' trains for the whole --steps")
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its checkpoint")
    return p


def _read_config(folder: Path) -> dict:
    """A run's ``config.json``, checked: a corrupt or edited file is a ValueError naming it."""
    path = folder / CONFIG
    try:
        config = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path} is not a valid run configuration ({e})") from None
    need = {"game": str, "algo": str, "preset": str, "seed": int, "env": dict, "agent": dict, "run": dict,
            "checkpoint_every": int}
    problems = [key for key, kind in need.items() if not isinstance(config, dict) or not isinstance(config.get(key), kind)]
    if not problems and not all(isinstance(config["run"].get(k), t) for k, t in
                                (("total_steps", int), ("window", int), ("target_return", (int, float, type(None))))):
        problems.append("run")
    if problems:
        raise ValueError(f"{path} is not a valid run configuration: {', '.join(problems)} missing or of the wrong "
                         f"type; start a new run with another --out")
    if config["algo"] not in ALGOS:
        raise ValueError(f"{path} is not a valid run configuration: algo={config['algo']!r} is not one of "
                         f"{', '.join(ALGOS)}")
    valid = _agent_class(config["algo"]).hyperparameters()
    for key, value in config["agent"].items():
        if key not in valid:
            raise ValueError(f"{path} is not a valid run configuration: {config['algo']} has no parameter {key!r}")
        valid[key].validate(value)
    check_int("seed", config["seed"], low=0)
    check_int("checkpoint_every", config["checkpoint_every"])
    check_int("total_steps", config["run"]["total_steps"])
    return config


def _target_arg(text: str | None):
    """``--target-return``'s value for :func:`config_for` (absent: the preset's)."""
    if text is None:
        return _PRESET
    return None if text.strip().lower() == "none" else text


def _resume_config(args, out: Path) -> dict:
    if not (out / CONFIG).exists() or not (out / CHECKPOINT).exists():
        raise ValueError(f"--resume: {out} holds no run to resume (no {CONFIG} and {CHECKPOINT}); "
                         f"start one without --resume")
    config = _read_config(out)
    for flag, key in (("--algo", "algo"), ("--preset", "preset"), ("--seed", "seed")):
        value = getattr(args, flag[2:])
        if value is not None and value != config[key]:
            raise ValueError(f"{flag} {value} differs from the run's {key} {config[key]!r} ({out / CONFIG}); "
                             f"a resumed run keeps its settings: drop {flag} or use a new --out")
    if args.set:
        raise ValueError("--set cannot change a resumed run: its parameters are fixed in "
                         f"{out / CONFIG}; use a new --out")
    if game_name(args.game) != config["game"]:
        raise ValueError(f"game={args.game!r} differs from the run's game {config['game']!r} ({out / CONFIG})")
    if args.steps is not None:
        config["run"]["total_steps"] = _positive("steps", args.steps)
    if args.checkpoint_every is not None:
        config["checkpoint_every"] = _positive("checkpoint_every", args.checkpoint_every)
    if args.target_return is not None:
        config["run"]["target_return"] = _target(_target_arg(args.target_return))
    return config


def _stop_like_ctrl_c(signum, frame):
    """``kill`` (SIGTERM: a shutdown, a cluster's pre-emption) stops a run as Ctrl-C does, checkpoint saved."""
    raise KeyboardInterrupt


#: What a command reports as one line on stderr (exit status 2) instead of a traceback: bad arguments, a
#: corrupt or foreign file, a path that cannot be written.
USER_ERRORS = (ValueError, OSError, KeyError, TypeError)


def train_main(argv: list[str], observers: tuple[Observer, ...] = ()) -> int:
    """``course train GAME --out DIR ...``; returns the exit status.

    0 when the run ends; 2 with one line on stderr for a bad argument or a
    corrupt file; 1 when the checkpoint could not be written; 130 after
    Ctrl-C or SIGTERM (which save the checkpoint first).  ``observers`` are
    attached to the run as well (a notebook's live view, or a test that
    interrupts it).
    """
    args = _train_parser().parse_args(argv)
    try:
        return _train(args, observers)
    except KeyboardInterrupt:
        print("\ncourse train: interrupted before the run started; nothing was saved", file=sys.stderr)
        return 130
    except USER_ERRORS as e:
        print(f"course train: {e}", file=sys.stderr)
        return 2


def _train(args, observers) -> int:
    out = Path(args.out)
    if args.resume:
        config = _resume_config(args, out)
    else:
        if (out / CHECKPOINT).exists():
            raise ValueError(f"{out} already holds a run ({CHECKPOINT}); pass --resume to continue it "
                             f"or choose another --out")
        seed = 0 if args.seed is None else check_int("--seed", args.seed, low=0)
        config = config_for(args.game, args.algo or "dqn", args.preset or "lesson", steps=args.steps,
                            seed=seed, checkpoint_every=args.checkpoint_every, overrides=_parse_set(args.set),
                            target_return=_target_arg(args.target_return))

    from .events import CheckpointEvery

    agent = build_agent(config, build_env(config))
    if args.resume:
        agent.load(out / CHECKPOINT)
    else:
        checkpoint.atomic_write_bytes(out / CONFIG, json.dumps(config, indent=2).encode())
    run = config["run"]
    print(f"course train: {config['algo']} on {config['game']} ({config['preset']} preset, seed {config['seed']}), "
          f"step {agent.total_steps} of {run['total_steps']}, "
          + (f"stop at a mean return of {run['target_return']:g} over the last {run['window']} games, "
             if run["target_return"] is not None else "no early stop, ")
          + f"checkpoints every {config['checkpoint_every']} steps "
          f"to {out / CHECKPOINT}", flush=True)
    saver = CheckpointEvery(out / CHECKPOINT, config["checkpoint_every"], literal=True)  # --out is a path, not a template
    log = ReturnLog(out / LOG, keep=len(agent.history))
    main_thread = threading.current_thread() is threading.main_thread()  # only it may set signal handlers
    previous = signal.signal(signal.SIGTERM, _stop_like_ctrl_c) if main_thread else None
    try:
        agent.run(total_steps=run["total_steps"], target_return=run["target_return"], window=run["window"],
                  observers=[saver, log, *observers], progress=True)
    except KeyboardInterrupt:
        print(f"\ncourse train: interrupted at step {agent.total_steps}; {_saved_text(saver, agent, out)}. "
              f"Continue with: course train {args.game} --out {out} --resume", file=sys.stderr)
        return 130
    except OSError as e:  # the final save failed (a full disk, a folder removed)
        print(f"course train: stopped at step {agent.total_steps}, but {_saved_text(saver, agent, out)}: {e}",
              file=sys.stderr)
        return 1
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    h = agent.history
    print(f"course train: stopped ({agent.stop_reason}) at step {agent.total_steps} after {len(h)} episodes; "
          f"mean return of the last {run['window']}: {h.mean_return(run['window']):+.2f}; "
          f"checkpoint {out / CHECKPOINT}, log {out / LOG}")
    return 0


def _saved_text(saver, agent, out: Path) -> str:
    """What is on disk: the checkpoint of this very step, or (honestly) an older one, or none."""
    if saver.saved_at == agent.total_steps:
        return f"checkpoint saved to {out / CHECKPOINT}"
    errors = "; ".join(f"{type(e).__name__}: {e}" for e in getattr(agent, "run_end_errors", []))
    why = f" ({errors})" if errors else ""
    if saver.saved_at is None:
        return f"the checkpoint of step {agent.total_steps} was NOT saved{why}; {out / CHECKPOINT} holds the run's " \
               f"previous checkpoint, if any"
    return (f"the checkpoint of step {agent.total_steps} was NOT saved{why}; {out / CHECKPOINT} holds step "
            f"{saver.saved_at}")


# ---------------------------------------------------------------------------
# course play
# ---------------------------------------------------------------------------
def _play_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="course play", description="Evaluate a trained run (greedy by default) "
                                "and write a video of its episodes.")
    p.add_argument("run", help="a run folder written by course train")
    p.add_argument("--episodes", type=int, default=1, help="episodes to play (default 1)")
    p.add_argument("--video", help="video file, .mp4 or .gif (default RUN/play.mp4)")
    p.add_argument("--epsilon", type=float, default=0.0, help="exploration while playing (default 0: greedy)")
    p.add_argument("--max-steps", type=int, help="cap on the steps of each episode")
    return p


def play_main(argv: list[str]) -> int:
    """``course play RUN [--episodes N] [--video out.mp4]``; returns the exit status."""
    from .video import FORMATS, VideoRecorder

    args = _play_parser().parse_args(argv)
    try:
        return _play(args, FORMATS, VideoRecorder)
    except KeyboardInterrupt:
        print("\ncourse play: interrupted", file=sys.stderr)
        return 130
    except USER_ERRORS as e:
        print(f"course play: {e}", file=sys.stderr)
        return 2


def _play(args, FORMATS, VideoRecorder) -> int:
    folder = Path(args.run)
    video = Path(args.video) if args.video else folder / "play.mp4"
    problems = []
    if not (folder / CONFIG).exists() or not (folder / CHECKPOINT).exists():
        problems.append(f"{folder} holds no trained run (no {CONFIG} and {CHECKPOINT}); train one with course train")
    if args.episodes < 1:
        problems.append(f"--episodes {args.episodes} is not valid: episodes must be a positive integer")
    if args.max_steps is not None and args.max_steps < 1:
        problems.append(f"--max-steps {args.max_steps} is not valid: max-steps must be a positive integer")
    if not 0.0 <= args.epsilon <= 1.0:
        problems.append(f"--epsilon {args.epsilon} is out of range: epsilon must be in [0, 1]")
    if video.suffix.lower() not in FORMATS:
        problems.append(f"--video {video} has no video suffix: it must end in {' or '.join(FORMATS)}")
    if problems:
        print("course play: " + "; ".join(problems), file=sys.stderr)
        return 2
    config = _read_config(folder)
    agent = build_agent(config, build_env(config, render_mode="rgb_array"))
    agent.load(folder / CHECKPOINT)
    agent.epsilon = args.epsilon
    if args.max_steps is not None:
        agent.max_episode_steps = args.max_steps
    history = agent.run(args.episodes, learn=False, explore=args.epsilon > 0,
                        observers=[VideoRecorder(video)])
    for i, (ret, steps) in enumerate(zip(history.returns, history.steps), 1):
        print(f"episode {i}: return {ret:+g} in {steps} steps")
    print(f"course play: {config['algo']} on {config['game']} after {agent.total_steps} training steps: "
          f"mean return {history.mean_return(len(history)):+.2f} over {len(history)} episodes; video {video}")
    return 0
