"""The house's shape: no import cycle, and light work never loads TensorFlow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules() -> list[str]:
    names = []
    for package in ("course", "widgets"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_no_import_cycle_in_course_and_widgets():
    """The same check as ../shared/tools/import_cycles.py: every import, module- or function-level, counts."""
    import ast

    graph: dict[str, set[str]] = {}
    modules = set(_modules())
    for name in modules:
        is_pkg = (ROOT / name.replace(".", "/") / "__init__.py").exists()
        path = ROOT / (name.replace(".", "/") + ("/__init__.py" if is_pkg else ".py"))
        here = name.split(".") if is_pkg else name.split(".")[:-1]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                mod = ".".join(base + ([node.module] if node.module else []))
                targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
            else:
                continue
            deps |= {t for t in targets if t in modules and t != name}
        graph[name] = deps

    cycles = []

    def visit(node, stack, on_stack, done):
        on_stack.add(node)
        stack.append(node)
        for dep in graph[node]:
            if dep in on_stack:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in done:
                visit(dep, stack, on_stack, done)
        stack.pop()
        on_stack.discard(node)
        done.add(node)

    done: set[str] = set()
    for m in sorted(graph):
        if m not in done:
            visit(m, [], set(), done)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.slow
def test_every_module_imports_alone_in_a_fresh_interpreter():
    code = ("import importlib, sys\nfailed = []\nfor name in sys.argv[1:]:\n"
            "    for m in [k for k in sys.modules if k.startswith(('course', 'widgets'))]:\n"
            "        del sys.modules[m]\n"
            "    try:\n        importlib.import_module(name)\n"
            "    except Exception as e:\n        failed.append(f'{name}: {e!r}')\n"
            "print('\\n'.join(failed))\n")
    # one interpreter per module is the strict check, and slow (TensorFlow); modules are grouped so that each
    # import starts from an empty course/widgets state, which is what an import cycle breaks
    done = subprocess.run([sys.executable, "-c", code, *_modules()], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", done.stdout


def test_a_linear_agent_that_checkpoints_does_not_import_tensorflow(tmp_path):
    code = f"""
import sys
from course.agents import Sarsa
from course.envs import make
from course.events import CheckpointEvery
agent = Sarsa(make("cliff"), seed=0)
agent.run(3, observers=[CheckpointEvery({str(tmp_path / 'ck.npz')!r}, every=20)], progress=True)
assert (__import__('pathlib').Path({str(tmp_path / 'ck.npz')!r})).exists()
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))
print(heavy[:5])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", f"TensorFlow or Keras was imported: {done.stdout}"


def test_figure_listing_does_not_import_tensorflow():
    code = "import sys\nfrom course import figures\nfigures.load()\nprint(any(m.startswith('tensorflow') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


def test_the_readme_layout_names_every_module():
    """A newcomer finds every piece by its name: each module of course/ and widgets/ is in the README's layout."""
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout"):readme.index("##", readme.index("## Layout") + 3)]
    missing = []
    for package in ("course", "widgets"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT / package)
            if path.name == "__init__.py" or rel.parts[0] in ("bench", "figures", "checks"):  # listed as folders
                continue
            if path.name not in layout:
                missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"modules missing from the README's layout: {', '.join(missing)}"
