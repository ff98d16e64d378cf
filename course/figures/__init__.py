"""The course's figures: the registry behind ``course figures``, and the one helper that saves a figure.

A figure is a function ``make(out, scale, runs) -> list[Path]`` that writes
its files into the folder ``out`` and returns their paths.  ``scale`` is
``"smoke"``, ``"lesson"`` or ``"full"`` (see :mod:`course.scale`): full is the
book's numbers of runs and episodes, lesson what a laptop does in minutes,
smoke a few seconds for CI.  ``runs`` overrides the number of independent
runs averaged (``None`` = the scale's choice).

Each course unit has one module in this package (``bandits.py``,
``linear_control.py``, ``games.py``, ...); every module of the package is
imported by :func:`load`, so a new unit needs no registration elsewhere.  A
module registers its figures with :func:`figure` and writes them with
:func:`save`, which writes the picture and the plotted numbers as a CSV in
long form, the same columns for every figure::

    series,x,y,stderr

``series`` names the curve (``epsilon=0.1``, ``alpha=0.5/8``), ``x`` is the
step, the 1-based episode, the state or the studied parameter's value, ``y``
the mean over runs and ``stderr`` its standard error (empty for a single
deterministic run)::

    from course.figures import figure, save, curve_rows

    @figure("sutton-barto-10.2", lesson=14, help="Sarsa on Mountain Car for three step sizes")
    def mountain_car_alphas(out, scale, runs):
        ...
        return save(fig, out, "sutton-barto-10.2", rows)   # [png, csv]

A lesson shows a figure by making it through the same function, so the
student sees exactly what ``course figures --lesson N`` writes
(:func:`show`), and reads the plotted numbers back with :func:`read_csv`.

Command line::

    course figures --list                       # what there is
    course figures sutton-barto-10.2 --out figs # one figure
    course figures --lesson 18 --scale full     # every figure of lesson 18, at the book's scale
    course figures --lesson 18 --format svg --dpi 200
    course figures --lesson 14 --scale full --scheduler tcp://host:8786   # on a Dask cluster
"""

from __future__ import annotations

import argparse
import csv
import os
import importlib
import pkgutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np

from .. import scale as scales

__all__ = ["Figure", "REGISTRY", "FORMATS", "figure", "load", "save", "curve_rows", "curves_rows", "show",
           "read_csv", "main"]

FORMATS = ("png", "svg", "pdf")
COLUMNS = ("series", "x", "y", "stderr")


@dataclass
class Output:
    """How figures are written: image format and resolution (``course figures --format --dpi`` set them)."""

    format: str = "png"
    dpi: int = 110


OUTPUT = Output()


@dataclass(frozen=True)
class Figure:
    """One registered figure."""

    name: str
    lessons: tuple[int, ...]
    help: str
    make: Callable[[Path, str, int | None], list[Path]]


REGISTRY: dict[str, Figure] = {}


def figure(name: str, *, lesson: int | Iterable[int] | None = None, help: str = ""):
    """Decorator: register ``make(out, scale, runs) -> list[Path]`` as the figure ``name`` of ``lesson`` (one or more)."""
    lessons = () if lesson is None else (lesson,) if isinstance(lesson, int) else tuple(lesson)

    def register(make):
        old = REGISTRY.get(name)
        if old is not None and (old.make.__module__, old.make.__qualname__) != (make.__module__, make.__qualname__):
            raise ValueError(f"figure name {name!r} is registered twice: by {old.make.__module__}."
                             f"{old.make.__qualname__} and by {make.__module__}.{make.__qualname__}")
        doc = (make.__doc__ or "").strip().splitlines()
        REGISTRY[name] = Figure(name, lessons, help or (doc[0] if doc else ""), make)
        return make

    return register


def load() -> dict[str, Figure]:
    """Import every figure module of this package; returns the registry, by name."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


# ---------------------------------------------------------------------------
# Writing a figure: the picture and its numbers
# ---------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        return "" if np.isnan(value) else f"{float(value):.6g}"
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    return str(value)


def curve_rows(series: str, x, y, stderr=None) -> list[tuple]:
    """Rows ``(series, x, y, stderr)`` of one curve (``stderr=None``: a single deterministic run)."""
    x, y = np.asarray(x), np.asarray(y, dtype=float)
    se = np.full(y.shape, np.nan) if stderr is None else np.asarray(stderr, dtype=float)
    if not (x.shape == y.shape == se.shape):
        raise ValueError(f"series {series!r}: x, y and stderr must have one shape, got {x.shape}, {y.shape}, "
                         f"{se.shape}")
    return [(series, xi, yi, si) for xi, yi, si in zip(x.tolist(), y.tolist(), se.tolist())]


def curves_rows(curves: Mapping, metric: str = "steps", *, series: Callable[[object], str] | None = None) -> list:
    """Rows of each :class:`~course.experiments.Curves` of ``curves`` ({key: Curves}): x is the 1-based episode.

    The series label is ``series(key)`` when given, else the Curves' own label, else ``str(key)``.
    """
    rows = []
    for key, c in curves.items():
        label = series(key) if series else (c.label or str(key))
        stderr = c.stderr(metric) if c.runs > 1 else None
        rows += curve_rows(label, np.arange(1, c.episodes + 1), c.mean(metric), stderr)
    return rows


def save(fig, out: str | Path, name: str, rows: Iterable[tuple] | None = None) -> list[Path]:
    """Write ``fig`` as ``out/NAME.FORMAT`` (format and dpi from ``course figures``) and, given rows, ``NAME.csv``.

    ``rows`` are ``(series, x, y, stderr)`` tuples (:func:`curve_rows` builds them).
    Returns the paths written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    picture = out / f"{name}.{OUTPUT.format}"
    fig.savefig(picture, dpi=OUTPUT.dpi, bbox_inches="tight")
    paths = [picture]
    if rows is not None:
        table = out / f"{name}.csv"
        with open(table, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            writer.writerows([_cell(v) for v in row] for row in rows)
        paths.append(table)
    return paths


def read_csv(path: str | Path) -> dict[str, dict[str, np.ndarray]]:
    """A figure's CSV as ``{series: {"x": ..., "y": ..., "stderr": ...}}`` (x as float where it is numeric)."""
    table: dict[str, dict[str, list]] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            t = table.setdefault(row["series"], {"x": [], "y": [], "stderr": []})
            t["x"].append(row["x"])
            t["y"].append(float(row["y"]) if row["y"] else np.nan)
            t["stderr"].append(float(row["stderr"]) if row["stderr"] else np.nan)
    result = {}
    for series, t in table.items():
        try:
            x = np.array(t["x"], dtype=float)
        except ValueError:
            x = np.array(t["x"])
        result[series] = {"x": x, "y": np.array(t["y"]), "stderr": np.array(t["stderr"])}
    return result


def show(name: str, *, out: str | Path = "figures", scale: str | None = None, runs: int | None = None) -> list[Path]:
    """Make the figure ``name`` exactly as ``course figures`` does, display its pictures, return its paths.

    Lessons call this, so the figure a student sees is the one an instructor regenerates.
    """
    registry = load()
    if name not in registry:
        raise ValueError(f"unknown figure {name!r}; known: {', '.join(sorted(registry))}")
    paths = registry[name].make(Path(out), scale or scales.current(), runs)
    try:
        from IPython.display import SVG, Image, display
    except ImportError:  # outside IPython: nothing to display
        return paths
    for path in paths:
        if path.suffix == ".png":
            display(Image(filename=str(path)))
        elif path.suffix == ".svg":
            display(SVG(filename=str(path)))
    return paths


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def _positive(option: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"{option}={text} is not valid: {option} must be a positive integer")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="course figures", description="Regenerate the course's figures.")
    p.add_argument("names", nargs="*", help="figures to make (default: all, or all of --lesson)")
    p.add_argument("--lesson", type=int, help="only the figures of this lesson")
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.add_argument("--out", default="figures", help="output folder (default: ./figures)")
    p.add_argument("--runs", type=_positive("--runs"), help="independent runs to average (default: the scale's)")
    p.add_argument("--scale", choices=scales.SCALES,
                   help="smoke, lesson or full (default: COURSE_SCALE, smoke under CI, else lesson)")
    p.add_argument("--format", choices=FORMATS, default="png", help="image format (default: png)")
    p.add_argument("--dpi", type=_positive("--dpi"), default=110, help="resolution of png images (default: 110)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the experiments' pieces on this Dask cluster (e.g. tcp://host:8786; needs the "
                        "[cluster] extra); default: COURSE_SCHEDULER, else local processes")
    return p


def main(argv: list[str] | None = None) -> int:
    """``course figures [names...] [--lesson N] [--list] [--out DIR] [--runs N] [--scale S] [--format F] [--dpi D]``."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    registry = load()
    unknown = [n for n in args.names if n not in registry]
    if unknown:
        print(f"course figures: unknown figure(s) {', '.join(unknown)}; known: {', '.join(sorted(registry))}",
              file=sys.stderr)
        return 2
    chosen = [registry[n] for n in args.names] if args.names else sorted(registry.values(), key=lambda f: f.name)
    if args.lesson is not None:
        chosen = [f for f in chosen if args.lesson in f.lessons]
        if not chosen:
            print(f"course figures: no figure for lesson {args.lesson}", file=sys.stderr)
            return 2
    if args.list:
        width = max(len(f.name) for f in chosen)
        for f in chosen:
            lessons = "lesson " + ", ".join(map(str, f.lessons)) if f.lessons else ""
            print(f"{f.name:<{width}}  {lessons:<9}  {f.help}")
        return 0
    scale = args.scale or scales.current()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    OUTPUT.format, OUTPUT.dpi = args.format, args.dpi
    if args.scheduler:
        from ..executors import SCHEDULER_ENV, cluster_workers

        try:
            cluster_workers(args.scheduler)  # fail now, in one line, if it cannot be reached
        except (ConnectionError, RuntimeError, ValueError) as e:
            print(f"course figures: {e}", file=sys.stderr)
            return 2
        before = os.environ.get(SCHEDULER_ENV)
        os.environ[SCHEDULER_ENV] = args.scheduler  # the experiments of every figure read it
        try:
            return _make(chosen, out, scale, args.runs)
        finally:  # for this command only
            if before is None:
                os.environ.pop(SCHEDULER_ENV, None)
            else:
                os.environ[SCHEDULER_ENV] = before
    return _make(chosen, out, scale, args.runs)


def _make(chosen: list[Figure], out: Path, scale: str, runs: int | None) -> int:
    total = time.perf_counter()
    for i, f in enumerate(chosen, 1):
        print(f"[{i}/{len(chosen)}] {f.name} ({scale} scale) ...", flush=True)
        start = time.perf_counter()
        paths = f.make(out, scale, runs)
        print(f"[{i}/{len(chosen)}] {f.name}: {time.perf_counter() - start:.1f} s -> "
              f"{', '.join(str(p) for p in paths)}", flush=True)
    print(f"course figures: {len(chosen)} figure(s) in {time.perf_counter() - total:.1f} s", flush=True)
    return 0
