"""The two dependency lists (pyproject.toml, environment.yml) name the same packages."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        reqs += extra
    return {_name(r) for r in reqs}


def _environment_names() -> set[str]:
    names, in_deps = set(), False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if not in_deps:
            continue
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped.strip().startswith("- "):
            continue
        item = stripped.strip()[2:].strip().strip('"')
        if item == "pip:":
            continue
        if item.startswith("-e"):  # the kit itself
            continue
        names.add(_name(item))
    return names - {"python", "pip"}


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    py, env = _pyproject_names(), _environment_names()
    assert py == env, f"only in pyproject.toml: {sorted(py - env)}; only in environment.yml: {sorted(env - py)}"


def test_environment_yml_pip_section_installs_the_kit_with_test_extras():
    text = (ROOT / "environment.yml").read_text()
    assert '-e ".[test]"' in text


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    for cmd in ('pip install -q -e ".[test]"', "python -m pytest"):
        assert cmd.replace(" -q", "") in readme.replace(" -q", ""), cmd
        assert cmd in ci, cmd
