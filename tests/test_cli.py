"""The ``course`` console script."""

import subprocess
import sys

import pytest

from course import cli


def _course(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "course.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_course_help_lists_the_subcommands():
    r = _course("--help")
    assert r.returncode == 0
    for sub in ("lab", "figures", "bench", "train", "play"):
        assert sub in r.stdout


def test_course_lab_help_works():
    r = _course("lab", "--help")
    assert r.returncode == 0
    assert "JupyterLab" in r.stdout and "--port" in r.stdout


def test_course_lab_finds_the_lessons_folder():
    folder = cli.lessons_dir()
    assert folder.name == "lessons" and folder.is_dir()
    assert any(folder.glob("*.ipynb")), "the lessons folder has no notebook"


def test_unknown_benchmark_is_a_clear_error():
    r = _course("bench", "nonsense")
    assert r.returncode == 2
    assert "unknown benchmark 'nonsense'" in r.stderr and "mountain-car" in r.stderr


def test_course_script_is_installed():
    import shutil
    from pathlib import Path

    exe = Path(sys.executable).with_name("course")
    if not exe.exists() and shutil.which("course") is None:
        pytest.skip("the console script is only present in an installed environment")
    r = subprocess.run([str(exe) if exe.exists() else "course", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
