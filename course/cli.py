"""The ``course`` command: ``lab``, ``figures``, ``bench``, ``train``, ``play``.

Each sub-command lives in its own module and is imported only when used, so
``course --help`` is instant.

* ``course lab``                      open the lessons in JupyterLab
* ``course figures [--lesson N] ...``  regenerate the course's figures (course/figures/)
* ``course bench NAME``               print speed figures (course/bench/NAME.py)
* ``course train GAME ...``           long training runs outside a notebook (course/train.py)
* ``course play RUN_DIR``             evaluate a checkpoint and write a video (course/train.py)
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path



def benches() -> list[str]:
    """The benchmarks: every module of course/bench with a ``main`` (``live_view.py`` is ``course bench live-view``)."""
    import pkgutil

    from . import bench

    return sorted(m.name.replace("_", "-") for m in pkgutil.iter_modules(bench.__path__)
                  if m.name not in ("clock",) and not m.name.startswith("_"))


def lessons_dir() -> Path:
    """The lessons folder: ./lessons if present, else the one beside the installed package."""
    here = Path.cwd() / "lessons"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[1] / "lessons"


#: JupyterLab settings the kit applies to the environment it runs in (``overrides.json``): no "news" prompt.
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def lab_settings(prefix: str | Path = sys.prefix) -> Path:
    """Write the kit's JupyterLab settings into ``PREFIX/share/jupyter/lab/settings/overrides.json``.

    Settings already there are kept; the kit's are added (the file is
    JupyterLab's documented place for an environment's defaults).
    """
    import json

    path = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    try:
        current = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        current = {}
    merged = {**current, **{k: {**current.get(k, {}), **v} for k, v in LAB_SETTINGS.items()}}
    if merged != current:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(merged, indent=2))
    return path


def lab_command(folder: Path, port: int | None = None, no_browser: bool = False, rest: list[str] = ()) -> list[str]:
    """The ``jupyter lab`` command line of ``course lab`` (as root, with ``--allow-root``)."""
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={folder}"]
    if port:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in rest:
        cmd.append("--allow-root")
    return cmd + list(rest)


def _lab(args: argparse.Namespace, rest: list[str]) -> int:
    folder = Path(args.dir) if args.dir else lessons_dir()
    if not folder.is_dir():
        print(f"course lab: no lessons folder at {folder}; pass --dir", file=sys.stderr)
        return 2
    try:
        lab_settings()
    except OSError as e:  # a read-only environment: JupyterLab still runs, with its news prompt
        print(f"course lab: could not write JupyterLab's settings ({e})", file=sys.stderr)
    cmd = lab_command(folder, args.port, args.no_browser, rest)
    if "--allow-root" in cmd and "--allow-root" not in rest:
        print("course lab: running as root (common in containers), so JupyterLab gets --allow-root", flush=True)
    print("course lab:", " ".join(cmd), flush=True)
    return subprocess.call(cmd)


def _figures(args: argparse.Namespace, rest: list[str]) -> int:
    from . import figures

    return figures.main(rest)


def _bench(args: argparse.Namespace, rest: list[str]) -> int:
    names = benches()
    if args.name is None:
        print(f"usage: course bench NAME [options]; NAME is one of {', '.join(names)}; "
              f"course bench NAME --help for its options")
        return 0 if ("-h" in rest or "--help" in rest) else 2
    if args.name not in names:
        print(f"course bench: unknown benchmark {args.name!r}; choose from {', '.join(names)}", file=sys.stderr)
        return 2
    mod = importlib.import_module(f"course.bench.{args.name.replace('-', '_')}")
    return mod.main(rest)


def _train(args: argparse.Namespace, rest: list[str]) -> int:
    from . import train

    return train.train_main(rest)


def _play(args: argparse.Namespace, rest: list[str]) -> int:
    from . import train

    return train.play_main(rest)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="course", description="Reinforcement-learning course kit.")
    sub = p.add_subparsers(dest="command", required=True)

    lab = sub.add_parser("lab", help="open the lesson notebooks in JupyterLab",
                         description="Launch JupyterLab on the lessons folder. Extra arguments go to jupyter lab.")
    lab.add_argument("--dir", help="folder to open (default: the lessons folder)")
    lab.add_argument("--port", type=int, help="port for the server")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.set_defaults(func=_lab)

    fig = sub.add_parser("figures", help="regenerate the course's figures", add_help=False)
    fig.set_defaults(func=_figures)
    bench = sub.add_parser("bench", help="speed figures (course bench, with no name, lists them)", add_help=False)
    bench.add_argument("name", nargs="?", help="the benchmark (a module of course/bench)")
    bench.set_defaults(func=_bench)
    tr = sub.add_parser("train", help="long training run (e.g. course train pong --algo ddqn)", add_help=False)
    tr.set_defaults(func=_train)
    pl = sub.add_parser("play", help="evaluate a trained run and write a video", add_help=False)
    pl.set_defaults(func=_play)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "lab" and "-h" in rest:
        parser.parse_args(argv)
    try:
        return int(args.func(args, rest) or 0)
    except KeyboardInterrupt:  # Ctrl-C while a command starts (TensorFlow loading): no traceback
        print(f"\ncourse {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
