"""The figure registry behind ``course figures``: regenerate the course's figures from the command line.

A figure is a function ``make(out, scale, runs) -> list[Path]`` that writes
its files (images, the CSV of the plotted numbers) into the folder ``out``
and returns their paths.  ``scale`` is ``"smoke"``, ``"lesson"`` or
``"full"`` (see :mod:`course.scale`): full is the book's numbers of runs and
episodes, lesson what a laptop does in minutes, smoke a few seconds for CI.
``runs`` overrides the number of independent runs averaged (``None`` = the
scale's choice).  A module registers its figures with the decorator::

    from course.figures import figure

    @figure("sutton-barto-10.2", lesson=18, help="Sarsa on Mountain Car for three step sizes")
    def mountain_car_alphas(out, scale, runs):
        ...
        return [png, csv]

and is listed in :data:`FIGURE_MODULES`, which ``course figures`` imports
when it runs (so ``course --help`` stays instant).

Command line::

    course figures --list                       # what there is
    course figures sutton-barto-10.2 --out figs # one figure
    course figures --lesson 18 --scale full     # every figure of lesson 18, at the book's scale
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import scale as scales

__all__ = ["Figure", "REGISTRY", "FIGURE_MODULES", "figure", "load", "main"]

# The modules that register figures; a new figure module adds its name here.
FIGURE_MODULES = ("course.mountain_car_figures", "course.lesson_figures")


@dataclass(frozen=True)
class Figure:
    """One registered figure."""

    name: str
    lesson: int | None
    help: str
    make: Callable[[Path, str, int | None], list[Path]]


REGISTRY: dict[str, Figure] = {}


def figure(name: str, *, lesson: int | None = None, help: str = ""):
    """Decorator: register ``make(out, scale, runs) -> list[Path]`` as the figure ``name``."""

    def register(make):
        old = REGISTRY.get(name)
        if old is not None and (old.make.__module__, old.make.__qualname__) != (make.__module__, make.__qualname__):
            raise ValueError(f"figure name {name!r} is registered twice: by {old.make.__module__}."
                             f"{old.make.__qualname__} and by {make.__module__}.{make.__qualname__}")
        doc = (make.__doc__ or "").strip().splitlines()
        REGISTRY[name] = Figure(name, lesson, help or (doc[0] if doc else ""), make)
        return make

    return register


def load() -> dict[str, Figure]:
    """Import every figure module; returns the registry, by name."""
    for module in FIGURE_MODULES:
        importlib.import_module(module)
    return REGISTRY


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"--runs={text} is not valid: --runs must be a positive integer")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="course figures", description="Regenerate the course's figures.")
    p.add_argument("names", nargs="*", help="figures to make (default: all, or all of --lesson)")
    p.add_argument("--lesson", type=int, help="only the figures of this lesson")
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.add_argument("--out", default="figures", help="output folder (default: ./figures)")
    p.add_argument("--runs", type=_positive, help="independent runs to average (default: the scale's)")
    p.add_argument("--scale", choices=scales.SCALES,
                   help="smoke, lesson or full (default: COURSE_SCALE, smoke under CI, else lesson)")
    return p


def main(argv: list[str] | None = None) -> int:
    """``course figures [names...] [--lesson N] [--list] [--out DIR] [--runs N] [--scale S]``."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    registry = load()
    unknown = [n for n in args.names if n not in registry]
    if unknown:
        print(f"course figures: unknown figure(s) {', '.join(unknown)}; known: {', '.join(sorted(registry))}",
              file=sys.stderr)
        return 2
    chosen = [registry[n] for n in args.names] if args.names else sorted(registry.values(), key=lambda f: f.name)
    if args.lesson is not None:
        chosen = [f for f in chosen if f.lesson == args.lesson]
        if not chosen:
            print(f"course figures: no figure for lesson {args.lesson}", file=sys.stderr)
            return 2
    if args.list:
        width = max(len(f.name) for f in chosen)
        for f in chosen:
            lesson = f"lesson {f.lesson}" if f.lesson is not None else ""
            print(f"{f.name:<{width}}  {lesson:<9}  {f.help}")
        return 0
    scale = args.scale or scales.current()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for f in chosen:
        print(f"{f.name} ({scale} scale) ...", flush=True)
        start = time.perf_counter()
        paths = f.make(out, scale, args.runs)
        for path in paths:
            print(f"  wrote {path}")
        print(f"  {time.perf_counter() - start:.1f} s", flush=True)
    return 0
