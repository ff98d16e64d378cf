"""Store the lessons the way they are committed: outputs cleared, except the reference outputs nbval checks.

A code cell whose first line is ``# NBVAL_CHECK_OUTPUT`` is checked
exactly by ``pytest`` (nbval, after the substitutions of ``sanitize.cfg``):
its stored output is the reference.  Every other cell only has to run, and
is committed without output, so that notebooks stay small and diffs show
changes of content, not of numbers.

The references are made at smoke scale, as CI runs them: this script
executes each notebook with ``CI=true`` (in the ``lessons`` folder, as
nbval does), keeps the outputs of the checked cells and clears the rest,
along with execution counts, timing metadata and saved widget state::

    python lessons/clean_outputs.py                         # every lesson
    python lessons/clean_outputs.py lessons/18_games.ipynb  # one lesson
    python lessons/clean_outputs.py --strip-only            # clear, keeping the stored references

Run it after changing a checked cell (or the code a checked cell shows).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat

LESSONS = Path(__file__).resolve().parent
CHECK = "# NBVAL_CHECK_OUTPUT"


def is_checked(cell) -> bool:
    """Whether nbval compares this code cell's output with the stored one."""
    return cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK)


def strip(nb) -> None:
    """Clear every output but the checked cells', and all execution counts and run metadata."""
    nb.metadata.pop("widgets", None)
    number = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        number += 1
        # nbval refuses a reference output whose cell has no execution count ("unrun
        # reference cell"), so a checked cell keeps its position as its count.
        cell.execution_count = number if is_checked(cell) else None
        if not is_checked(cell):
            cell.outputs = []
        for out in cell.outputs:
            if "execution_count" in out:
                out.execution_count = cell.execution_count


def execute(nb, timeout: int = 900) -> None:
    """Run the notebook top to bottom at smoke scale, as CI does."""
    from nbclient import NotebookClient

    os.environ["CI"] = "true"
    os.environ.setdefault("COURSE_PROGRESS", "0")
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.pop("COURSE_SCALE", None)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(LESSONS)}},
                   record_timing=False).execute()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every lessons/*.ipynb")
    parser.add_argument("--strip-only", action="store_true", help="do not execute; only clear outputs")
    args = parser.parse_args(argv)
    for path in args.notebooks or sorted(LESSONS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if not args.strip_only:
            execute(nb)
        strip(nb)
        nbformat.write(nb, path)
        kept = sum(is_checked(c) for c in nb.cells)
        print(f"{path.name}: {kept} checked cell(s) keep their output", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
